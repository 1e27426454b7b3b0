from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from transitions import access, charts, pagecache, progress
from transitions.forms import QuickEvidenceForm
from transitions.models import CheckIn, Evidence, Rating, Review, ReviewRating


@require_GET
def shift_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One shift: wording and guidance, my rating history and notes, my evidence timeline."""
    return pagecache.page(request, "shift", lambda: _page(request, slug))


def _page(request: HttpRequest, slug: str) -> HttpResponse:
    shift = access.shift_for(request.user, slug)
    ratings = list(
        Rating.objects.filter(
            shift=shift,
            checkin__person=request.user,
            checkin__status=CheckIn.Status.SUBMITTED,
            level__isnull=False,
        )
        .select_related("checkin", "revision")
        .order_by("checkin__submitted_at")
    )
    labels = [r.checkin.submitted_at.strftime("%-d %b %Y") for r in ratings]
    chart = charts.line_chart(
        labels,
        [("My rating", list(enumerate(r.level for r in ratings)))],
        x_dates=[r.checkin.submitted_at for r in ratings],
    )
    latest = ratings[-1] if ratings else None
    rated_wording = None
    if latest and (latest.revision.from_text, latest.revision.to_text) != (
        shift.from_text,
        shift.to_text,
    ):
        rated_wording = latest.revision
    evidence = list(
        Evidence.objects.by(request.user)
        .filter(shift_links__shift=shift)
        .newest_first()
        .with_shifts()
    )
    comments = list(
        ReviewRating.objects.filter(
            shift=shift, review__person=request.user, review__status=Review.Status.COMPLETED
        )
        .select_related("review__manager")
        .order_by("-review__completed_at")
    )
    return render(
        request,
        "transitions/shift_detail.html",
        {
            "shift": shift,
            "ratings": ratings,
            "chart": chart,
            "rated_wording": rated_wording,
            "evidence": evidence,
            "review_ratings": comments,
            "timeline": progress.shift_timeline(
                request.user,
                shift,
                evidence=Evidence.objects.by(request.user),
                today=timezone.localdate(),
            ),
            "added": access.just_added(request.user, request.GET.get("added")),
            "quick_form": None
            if shift.is_retired
            else QuickEvidenceForm(
                initial={"submission_key": uuid.uuid4(), "shift": shift.slug},
                framework=access.framework_for(request.user),
            ),
            "nav": "framework",
        },
    )
