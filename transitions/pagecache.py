"""Rendered pages, kept and served again until something they show is written.

A rendered page is cached under a key made of: the page, its full path, the viewer, today's
date, a fingerprint of the code and templates, and the version token of every person the page
may show (transitions/versions.py: database triggers
give a person a new token in the same transaction as any write about her). Nothing expires by
time; a write makes the next request compute a new key, so no page is ever stale, and a key
names its viewer, so no cached content is ever served to someone else.

Who may see a page is decided as always, by the access functions — inside `build`, when
everything they read is in the key: the viewer's own account and data, and the people named by
`people`, `reports` or `under` (e.g. whether a check-in is hers, whether her reports have
reports). A cached page is then served only to the viewer whose own request built it, and only
while none of that has changed; what the key cannot name (a username to look up) is checked
before the cache is asked.

Tokens are read before the data a page is built from: a write that commits in between gives
its data to a key that nobody will read again, never old data to the new key.

The layout is part of the page: what its navigation shows (her name, the Team and
Organisation links, the unread count) is in her own token too — her account, her reports and
their reports, her notifications all move it. What differs per request is never cached: the
CSRF token (kept as a placeholder and filled in for each response), forms' one-time submission
keys (a fresh one for each response, so two submissions are never taken for one) and flash
messages (a page showing one is not cached). Only GET answers with status 200 are cached;
htmx partials, redirects and errors are not.

Pages are kept compressed (zlib, fastest level): a page of 3 to 55 KB takes 1 to 9 KB (/org/
of 1,000 people: 307 KB, 21 KB), so a process's in-memory cache of DJANGO_PAGE_CACHE_ENTRIES
pages stays near 20 MB, for about 0.1 ms per request to decompress.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import zlib
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property

from leadership.models import User
from transitions import versions
from transitions.models import PersonVersion

_SUBMISSION_KEY = re.compile(r'(name="submission_key" value=")[0-9a-f-]{36}(")')


class _Secrets:
    @cached_property
    def csrf(self) -> str:
        """Stands for the CSRF token in cached HTML; unguessable, the same on every server."""
        return salted_hmac("pagecache.csrf", "placeholder").hexdigest()[:40]

    @cached_property
    def code(self) -> str:
        """A fingerprint of what renders pages — templates, the app's code, the static files'
        names — so that a deploy changing any of it never serves pages rendered before."""
        digest = hashlib.blake2b(digest_size=8)
        base = Path(settings.BASE_DIR)
        files = [
            *(p for d in settings.TEMPLATES[0]["DIRS"] for p in Path(d).rglob("*.*")),
            *(base / "transitions").rglob("*.py"),
            *(base / "leadership").rglob("*.py"),
            Path(settings.STATIC_ROOT) / "staticfiles.json",
        ]
        for path in sorted(files):
            if path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
        return digest.hexdigest()


_secrets = _Secrets()


def day_end() -> datetime:
    """The last instant of today: what a cached page calls "now", so that what it says about
    due and overdue changes with the date (part of its key), not within the day."""
    return timezone.localtime().replace(hour=23, minute=59, second=59, microsecond=999999)


def _cache() -> Any:
    return caches[settings.PAGE_CACHE_ALIAS]


def _key(request: HttpRequest, name: str, tokens: str) -> str:
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=12).hexdigest()
    return ":".join(
        (
            "page",
            _secrets.code,
            name,
            str(request.user.pk),
            timezone.localdate().isoformat(),
            tokens,
            path,
        )
    )


def _tokens(viewer: User, people: list[int], *, reports: bool, under: bool) -> str | None:
    """The key's part for the people a page shows: the viewer, `people`, her reports or
    everyone under her — or None when one of them has no token."""
    if under:
        everyone = sorted({viewer.pk, *people, *_under(viewer)})
        count, summary = versions.summary(everyone)
        return f"{len(everyone)}:{summary}" if count == len(everyone) else None
    condition = Q(person=viewer.pk) | Q(person__in=people)
    if reports:
        condition |= Q(person__manager=viewer.pk)
    found = dict(PersonVersion.objects.filter(condition).values_list("person_id", "token"))
    if viewer.pk not in found or any(p not in found for p in people):
        return None
    return versions.digest(found)


def _under(viewer: User) -> list[int]:
    """Everyone under the viewer at any depth, kept by the reporting lines' token: walking
    the lines costs a recursive query, reading the token one row."""
    lines = versions.lines_token()
    if lines is None:
        return list(User.objects.under(viewer).values_list("pk", flat=True))
    key = f"under:{viewer.pk}:{lines}"
    found = _cache().get(key)
    if found is None:
        found = list(User.objects.under(viewer).values_list("pk", flat=True))
        _cache().set(key, found, settings.PAGE_CACHE_SECONDS)
    return found


def _fill(html: str, request: HttpRequest) -> str:
    html = html.replace(_secrets.csrf, get_token(request))
    return _SUBMISSION_KEY.sub(lambda m: f"{m[1]}{uuid.uuid4()}{m[2]}", html)


def capture(request: HttpRequest) -> dict[str, Any]:
    """Context processor: while a page is rendered for the cache, a placeholder in place of
    the CSRF token (listed after Django's csrf processor, so it wins)."""
    if not getattr(request, "page_cache_capture", False):
        return {}
    return {"csrf_token": _secrets.csrf}


def page(
    request: HttpRequest,
    name: str,
    build: Callable[[], HttpResponse],
    *,
    people: Iterable[int | None] = (),
    reports: bool = False,
    under: bool = False,
) -> HttpResponse:
    """Answer with `build()` — or, for a GET, with the page it rendered before for the same
    key, without calling it at all. A `build()` answer other than an HTML page with status
    200 (a redirect, an error, a download) is passed on and not kept, and so is a page that
    shows a flash message (it is for this request only).

    `people`: whose data the page shows besides the viewer's own; `reports`: it shows her
    direct reports'; `under`: everyone's under her at any depth."""
    viewer = request.user
    people = [p for p in people if p is not None]
    if (
        not settings.PAGE_CACHE_ALIAS
        or request.method != "GET"
        or request.htmx
        or len(messages.get_messages(request))
    ):
        return build()
    tokens = _tokens(viewer, people, reports=reports, under=under)
    if tokens is None:
        return build()
    key = _key(request, name, tokens)
    cached = _cache().get(key)
    if cached is not None:
        return HttpResponse(_fill(zlib.decompress(cached).decode(), request))
    request.page_cache_capture = True  # type: ignore[attr-defined]
    try:
        response = build()
    finally:
        request.page_cache_capture = False  # type: ignore[attr-defined]
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return response
    html = response.content.decode()
    if response.status_code == 200:
        _cache().set(key, zlib.compress(html.encode(), 1), settings.PAGE_CACHE_SECONDS)
    response.content = _fill(html, request)
    return response
