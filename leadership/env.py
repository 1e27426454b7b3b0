"""Typed readers for settings that come from the environment.

Each helper reads one variable and fails loudly, naming the variable and the value it
could not use, so a typo in a deployment stops the app at start-up instead of running
with a surprising default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from email.utils import getaddresses
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "", environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(name, default).strip()


def env_bool(name: str, default: bool = False, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no or on/off, not {raw!r}."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] = os.environ,
) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(
    name: str, default: list[str] | None = None, environ: Mapping[str, str] = os.environ
) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_addresses(name: str, environ: Mapping[str, str] = os.environ) -> list[tuple[str, str]]:
    """Read email addresses, "Name <address>" or a bare address, separated by commas."""
    raw = environ.get(name, "").strip()
    if not raw:
        return []
    addresses = getaddresses([raw])
    for _, address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name} must be email addresses separated by commas, like "
                f"'Ops <ops@example.com>, a@example.com', not {raw!r}."
            ) from None
    return addresses


def env_database(
    name: str, *, default_sqlite_path: str, environ: Mapping[str, str] = os.environ
) -> dict[str, Any]:
    """Read a database URL: unset means a SQLite file, postgres:// means PostgreSQL."""
    import dj_database_url

    raw = environ.get(name, "").strip()
    if not raw:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": default_sqlite_path}
    scheme = raw.split("://", 1)[0].lower() if "://" in raw else ""
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ImproperlyConfigured(
            f"{name} must start with postgres:// (PostgreSQL) or sqlite:// (SQLite), "
            f"not {raw.split('://', 1)[0]!r}. Leave it unset to use the SQLite file "
            f"{default_sqlite_path}."
        )
    try:
        config = dj_database_url.parse(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise ImproperlyConfigured(
            f"{name} must name a database, e.g. postgres://user@host:5432/leadership."
        )
    return config
