"""Framework content, cached: every page needs it and editors change it rarely.

The cache is shared by all app servers (Redis when REDIS_URL is set; with the database as
cache a lookup would cost as much as the query, so CACHE_FRAMEWORK_CONTENT is then off), and
any change an editor makes moves a version number, so no server keeps serving old wording.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

from transitions.models import Framework, Shift

VERSION_KEY = "framework-content-version"
TIMEOUT = 24 * 3600


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def _cached(name: str, compute: Any) -> Any:
    if not settings.CACHE_FRAMEWORK_CONTENT:
        return compute()
    key = f"framework:{_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def content_changed(**kwargs: Any) -> None:
    """Forget every cached piece of framework content. Connected to the content models'
    save and delete signals (transitions.apps); bulk updates call it themselves."""
    if settings.CACHE_FRAMEWORK_CONTENT:
        cache.set(VERSION_KEY, time.time_ns(), None)


def framework(pk: int | None) -> Framework | None:
    """A framework by id, or the default one for None."""
    if pk is None:
        return _cached("default", lambda: Framework.objects.default() or False) or None
    return _cached(f"{pk}", lambda: Framework.objects.filter(pk=pk).first() or False) or None


def active_shifts(framework: Framework) -> list[Shift]:
    """The shifts offered in new check-ins, in order, with their area and current wording."""
    return _cached(
        f"{framework.pk}:active",
        lambda: list(
            Shift.objects.of_framework(framework).active().in_order().with_current_revision()
        ),
    )


def all_shifts(framework: Framework) -> list[Shift]:
    """Every shift of the framework, retired ones included (for filters over history)."""
    return _cached(
        f"{framework.pk}:all",
        lambda: list(Shift.objects.of_framework(framework).in_order().with_current_revision()),
    )
