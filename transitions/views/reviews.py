"""The PM reads her completed reviews, acknowledges each and may respond. Drafts stay with
the manager."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from transitions import access, progress, services
from transitions.forms import ReviewResponseForm
from transitions.views.team import render_completed_review

ALREADY_ACKNOWLEDGED = (
    "This review was already acknowledged (in another tab or by a second click): it and "
    "your response are read-only now. Nothing more was saved."
)


@require_http_methods(["GET", "POST"])
def my_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A completed review of mine; a POST acknowledges it, with my responses."""
    found = access.review_for_person(request.user, pk)
    if request.method == "GET":
        return render_completed_review(request, found, for_manager=False)
    if found.is_acknowledged:
        return render_completed_review(
            request, found, for_manager=False, refused=ALREADY_ACKNOWLEDGED, status=409
        )
    rows = progress.review_rows(found)
    form = ReviewResponseForm(request.POST, shifts=[row.shift for row in rows])
    if not form.is_valid():
        return render_completed_review(
            request, found, for_manager=False, rows=rows, form=form, status=422
        )
    try:
        services.review_acknowledge(
            review=found,
            by=request.user,
            response=form.cleaned_data["response"],
            shift_responses=form.shift_responses(),
        )
    except services.ReviewAcknowledged:
        found.refresh_from_db()
        return render_completed_review(
            request, found, for_manager=False, refused=ALREADY_ACKNOWLEDGED, status=409
        )
    messages.success(request, "Review acknowledged. Your manager can read your response.")
    return redirect("my_review", pk=found.pk)
