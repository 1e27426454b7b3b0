"""The PM reads her completed reviews. Drafts stay with the manager."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from transitions import access
from transitions.views.team import render_completed_review


@require_GET
def my_review(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.review_for_person(request.user, pk)
    return render_completed_review(request, found, for_manager=False)
