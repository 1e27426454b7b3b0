from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from transitions import access
from transitions.models import Evidence


def shift_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One shift: its wording and guidance, and my evidence for it as a timeline."""
    shift = access.shift_for(request.user, slug)
    evidence = list(
        Evidence.objects.by(request.user)
        .filter(shift_links__shift=shift)
        .newest_first()
        .with_shifts()
    )
    return render(
        request,
        "transitions/shift_detail.html",
        {"shift": shift, "evidence": evidence, "nav": "framework"},
    )
