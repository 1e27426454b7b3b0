from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from transitions import access, content


@require_GET
def framework(request: HttpRequest) -> HttpResponse:
    """The framework the user follows, read-only: its framing, areas and shifts in order."""
    current = access.framework_for(request.user)
    shifts = content.active_shifts(current)
    areas: dict[int, tuple[object, list[object]]] = {}
    for shift in shifts:
        areas.setdefault(shift.area_id, (shift.area, []))[1].append(shift)
    return render(
        request,
        "transitions/framework.html",
        {
            "framework": current,
            "areas": list(areas.values()),
            "shift_count": len(shifts),
            "nav": "framework",
        },
    )
