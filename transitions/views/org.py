"""The Head of Product's view of everyone under her: aggregates, a heatmap, coverage and
readiness. Starts from `access.org_for`: only someone whose reports have reports."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from transitions import access, filter_urls, org, pagecache, progress
from transitions.forms import OrgFilterForm

PAGE_SIZE = 50


def _params(chosen: dict[str, str], page: int = 1) -> dict[str, str]:
    return filter_urls.in_use(chosen, OrgFilterForm.DEFAULTS, page=page)


def _org_url(chosen: dict[str, str], page: int = 1) -> str:
    return filter_urls.url(reverse("org"), _params(chosen, page))


@require_GET
def org_view(request: HttpRequest) -> HttpResponse:
    if request.htmx and not request.htmx.boosted:
        return _org_page(request)
    return pagecache.page(request, "org", lambda: _org_page(request), under=True)


def _org_page(request: HttpRequest) -> HttpResponse:
    people = access.org_for(request.user)
    framework = access.framework_for(request.user)
    overview = org.org_overview(request.user, people, framework, now=pagecache.day_end())
    teams = overview.teams
    chosen = OrgFilterForm(request.GET, teams=teams).chosen()
    rows = org.heatmap(overview, team=chosen["team"], sort=chosen["sort"], mode=chosen["levels"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    canonical = _org_url(chosen, page.number)
    if not request.htmx and filter_urls.asks_for_more(request, _params(chosen, page.number)):
        # A form sent without JavaScript carries every field: bookmark only those in use.
        return redirect(canonical)
    context = {
        "org": overview,
        "filters": OrgFilterForm(initial=chosen, teams=teams, viewer=request.user),
        "chosen": chosen,
        "page": page,
        "sort_urls": {key: _org_url({**chosen, "sort": key}) for key in org.SORTS},
        "page_urls": {
            "previous": _org_url(chosen, page.number - 1) if page.has_previous() else "",
            "next": _org_url(chosen, page.number + 1) if page.has_next() else "",
        },
        "any_hidden": any(cell.hidden for row in page for cell in row.cells),
        "filtered_team": next((t for t in teams if t.username == chosen["team"]), None),
        "levels": progress.LEVELS,
        "nav": "org",
    }
    if request.htmx and not request.htmx.boosted:
        return push_url(render(request, "transitions/org.html#heatmap", context), canonical)
    return render(request, "transitions/org.html", context)
