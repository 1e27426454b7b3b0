"""Security events, logged without secrets: no passwords, no evidence or assessment text."""

from __future__ import annotations

import logging
from typing import Any

from leadership.client_address import client_address

logger = logging.getLogger("leadership.security")


def login_failed(
    sender: object, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # `credentials` is already scrubbed of the password by Django; log only the username.
    logger.warning(
        "login failed for username=%r from %s",
        credentials.get("username", ""),
        _address(request),
    )


def access_denied(user: Any, kind: str, key: object) -> None:
    """Someone asked for an object that does not exist for them (answered with 404)."""
    logger.warning(
        "authorization failure: user=%s asked for %s %s", getattr(user, "pk", None), kind, key
    )


def account_deleted(user_id: int, username: str) -> None:
    logger.warning("account deleted: user=%s username=%r", user_id, username)


def _address(request: Any) -> str:
    if request is None:
        return "unknown address"
    return client_address(request) or "unknown address"


# The longest username a login-throttling record can hold (django-axes' column).
AXES_USERNAME_MAX = 255


def axes_username(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """The username django-axes keys a login attempt on, cut to what its records hold: no
    account has a longer name (the longest is 150 characters), so cutting loses nothing,
    and an absurdly long name is a failed login, not a server error."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "POST", {}).get("username")
    return username[:AXES_USERNAME_MAX] if isinstance(username, str) else username
