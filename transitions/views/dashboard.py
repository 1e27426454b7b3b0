from __future__ import annotations

from datetime import timedelta

from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from transitions import access
from transitions.models import Evidence, Shift

RECENT_EVIDENCE = 5
EVIDENCE_GAP_DAYS = 90


def dashboard(request: HttpRequest) -> HttpResponse:
    """The PM's home: recent evidence, and the shifts without evidence lately."""
    framework = access.framework_for(request.user)
    since = timezone.localdate() - timedelta(days=EVIDENCE_GAP_DAYS)
    shifts = list(
        Shift.objects.of_framework(framework)
        .active()
        .in_order()
        .annotate(
            last_evidence_on=Max(
                "evidence_links__evidence__happened_on",
                filter=Q(evidence_links__evidence__author=request.user),
            )
        )
    )
    recent = list(Evidence.objects.by(request.user).newest_first().with_shifts()[:RECENT_EVIDENCE])
    gaps = [s for s in shifts if s.last_evidence_on is None or s.last_evidence_on < since]
    return render(
        request,
        "transitions/dashboard.html",
        {
            "framework": framework,
            "recent_evidence": recent,
            "evidence_gaps": gaps,
            "gap_days": EVIDENCE_GAP_DAYS,
            "shift_count": len(shifts),
            "nav": "dashboard",
        },
    )
