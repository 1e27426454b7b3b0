"""Addresses of filtered lists that carry only the filters in use.

A form sent without JavaScript carries every field, empty ones too (`?area=&shift=&q=`); the
views redirect such a request to the short address, and answer htmx with the short address to
push, so that what a person bookmarks, shares or finds in her history says what she chose.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.http import HttpRequest


def in_use(
    chosen: Mapping[str, str], defaults: Mapping[str, str] | None = None, *, page: int = 1
) -> dict[str, str]:
    """The filters in `chosen` that narrow something: neither empty nor their default; and
    the page after the first."""
    defaults = defaults or {}
    params = {
        name: value for name, value in chosen.items() if value and value != defaults.get(name)
    }
    if page > 1:
        params["page"] = str(page)
    return params


def url(path: str, params: Mapping[str, str]) -> str:
    query = urlencode(params)
    return f"{path}?{query}" if query else path


def asks_for_more(request: HttpRequest, params: Mapping[str, str]) -> bool:
    """Whether the query string holds anything beyond `params`: empty fields, defaults,
    unknown names or a name given twice."""
    return dict(request.GET.lists()) != {name: [value] for name, value in params.items()}
