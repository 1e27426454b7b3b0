from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from transitions import access, charts, pagecache, progress
from transitions.forms import QuickEvidenceForm
from transitions.models import Area, CheckIn, Evidence, Focus, Review

RECENT_EVIDENCE = 5
EVIDENCE_GAP_DAYS = 90


@dataclass
class AreaStanding:
    area: Area
    shifts: list[progress.ShiftStanding]

    @property
    def average(self) -> float | None:
        levels = [s.level for s in self.shifts if s.level is not None]
        return sum(levels) / len(levels) if levels else None

    @property
    def bar(self) -> charts.Bar:
        return charts.progress_bar(self.average)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The PM's home: where she stands, how it moved, what she focuses on, what is due. For a
    manager, her team comes first: who is due a check-in, which reviews are in progress and
    which await acknowledgement; her own dashboard follows."""
    return pagecache.page(request, "dashboard", lambda: _page(request), reports=True)


def _page(request: HttpRequest) -> HttpResponse:
    user = request.user
    framework = access.framework_for(user)
    now = pagecache.day_end()
    today = now.date()

    standings = progress.standings(user, framework)
    areas: dict[int, AreaStanding] = {}
    for standing in standings:
        area = standing.shift.area
        areas.setdefault(area.pk, AreaStanding(area=area, shifts=[])).shifts.append(standing)
        standing.bar = charts.progress_bar(standing.level)  # type: ignore[attr-defined]

    dates, trends = progress.area_trends(user, framework)
    labels = [d.strftime("%-d %b %Y") for d in dates]
    index = {d: i for i, d in enumerate(dates)}
    chart = charts.line_chart(
        labels,
        [(t.area.title, [(index[when], level) for when, level in t.points]) for t in trends],
        x_dates=dates,
    )
    table = [
        (label, [dict(t.points).get(when) for t in trends])
        for label, when in zip(labels, dates, strict=True)
    ]

    last = CheckIn.objects.of(user).submitted().order_by("-submitted_at").first()
    draft = CheckIn.objects.of(user).drafts().filter(framework=framework).first()
    due_at = progress.checkin_due_at(user, last.submitted_at if last else None)
    since = today - timedelta(days=EVIDENCE_GAP_DAYS)
    # The reports are found in the query the navigation would make to offer the Team page.
    team = progress.team_rows(user, now=now)
    # Back from "Add evidence" on a gap: its row stays, saying what was just added.
    added = access.just_added(user, request.GET.get("added"))
    added_to = added.shift_ids if added else frozenset()
    context = {
        "framework": framework,
        "area_standings": list(areas.values()),
        "has_ratings": any(s.level is not None for s in standings),
        "chart": chart,
        "trend_areas": [t.area for t in trends],
        "trend_table": table,
        "focus": list(
            Focus.objects.filter(person=user, cleared_at__isnull=True).select_related("shift__area")
        ),
        "last_checkin": last,
        "draft": draft,
        "due_on": timezone.localtime(due_at).date(),
        "is_due": due_at <= now,
        "latest_review": Review.objects.completed()
        .filter(person=user)
        .select_related("manager")
        .order_by("-completed_at")
        .first(),
        "recent_evidence": list(
            Evidence.objects.by(user).newest_first().with_shifts()[:RECENT_EVIDENCE]
        ),
        "evidence_gaps": [
            s
            for s in standings
            if s.last_evidence_on is None or s.last_evidence_on < since or s.shift.pk in added_to
        ],
        "added": added,
        "quick_form": QuickEvidenceForm(
            initial={"submission_key": uuid.uuid4()}, framework=framework
        ),
        "gap_days": EVIDENCE_GAP_DAYS,
        "shift_count": len(standings),
        "team": team,
        "has_reports": bool(team),
        "nav": "dashboard",
    }
    return render(request, "transitions/dashboard.html", context)
