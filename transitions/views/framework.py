from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from transitions import access
from transitions.models import Shift


@require_GET
def framework(request: HttpRequest) -> HttpResponse:
    """The framework the user follows, read-only: its framing, areas and shifts in order."""
    current = access.framework_for(request.user)
    active_shifts = Shift.objects.filter(retired_at__isnull=True).order_by("order")
    areas = list(
        current.areas.active()
        .order_by("order")
        .prefetch_related(Prefetch("shifts", queryset=active_shifts))
    )
    return render(
        request,
        "transitions/framework.html",
        {
            "framework": current,
            "areas": areas,
            "shift_count": sum(len(area.shifts.all()) for area in areas),
            "nav": "framework",
        },
    )
