"""Framework content, cached: every page needs it and editors change it rarely.

The cache is shared by all app servers (Redis when REDIS_URL is set; with the database as
cache a lookup would cost as much as the query, so CACHE_FRAMEWORK_CONTENT is then off), and
any change an editor makes moves a version number, so no server keeps serving old wording.

Without that cache, each piece is still read at most once per request: a request keeps what
it read until it finishes (outside a request — commands, tasks — nothing is kept), so a page
that needs the wording history for fifty reports reads it once, not fifty times.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache

from transitions.models import AreaRevision, Framework, Shift, ShiftRevision

VERSION_KEY = "framework-content-version"
TIMEOUT = 24 * 3600


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


_request = Local()


def request_started(**kwargs: Any) -> None:
    _request.memo = {}


def request_finished(**kwargs: Any) -> None:
    _request.memo = None


def _cached(name: str, compute: Any) -> Any:
    if not settings.CACHE_FRAMEWORK_CONTENT:
        memo = getattr(_request, "memo", None)
        if memo is None:
            return compute()
        if name not in memo:
            memo[name] = compute()
        return memo[name]
    key = f"framework:{_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def content_changed(**kwargs: Any) -> None:
    """Forget every cached piece of framework content. Connected to the content models'
    save and delete signals (transitions.apps); bulk updates call it themselves."""
    if getattr(_request, "memo", None):
        _request.memo = {}
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


@dataclass(frozen=True)
class WordingHistory:
    """What changed in a framework's wording over time: each area's titles (oldest first)
    and, per shift, the numbers of the revisions that changed its meaning."""

    area_titles: dict[int, list[tuple[datetime, str]]]
    meaning_changes: dict[int, tuple[int, ...]]

    def area_title_at(self, area_id: int, when: datetime | None, current: str) -> str:
        """The area's title at `when` (None: now)."""
        titles = self.area_titles.get(area_id)
        if not titles or when is None:
            return current
        title = titles[0][1]
        for since, name in titles:
            if since > when:
                break
            title = name
        return title

    def meaning_changed_between(
        self, shift_id: int, earlier: int | None, later: int | None = None
    ) -> bool:
        """Whether a change of meaning lies after revision `earlier` and up to revision
        `later` (None: up to today's wording): ratings on either side are not comparable."""
        if earlier is None:
            return False
        return any(
            earlier < number and (later is None or number <= later)
            for number in self.meaning_changes.get(shift_id, ())
        )

    def meaning_changed_since(self, shift_id: int, revision_number: int | None) -> bool:
        """Whether the shift's meaning changed after the revision a rating was made against."""
        return self.meaning_changed_between(shift_id, revision_number)


def wording_history(framework_id: int) -> WordingHistory:
    def compute() -> WordingHistory:
        titles: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
        for area_id, created_at, title in (
            AreaRevision.objects.filter(area__framework_id=framework_id)
            .order_by("area_id", "number")
            .values_list("area_id", "created_at", "title")
        ):
            titles[area_id].append((created_at, title))
        changes: dict[int, list[int]] = defaultdict(list)
        for shift_id, number in ShiftRevision.objects.filter(
            shift__area__framework_id=framework_id, kind=ShiftRevision.Kind.MEANING_CHANGE
        ).values_list("shift_id", "number"):
            changes[shift_id].append(number)
        return WordingHistory(
            area_titles=dict(titles),
            meaning_changes={shift_id: tuple(sorted(n)) for shift_id, n in changes.items()},
        )

    return _cached(f"{framework_id}:history", compute)
