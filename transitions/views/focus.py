"""Focus: up to three shifts to work on next, each with an intended next step."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from transitions import access, services
from transitions.forms import FocusForm
from transitions.models import Focus


@require_http_methods(["GET", "POST"])
def focus_list(request: HttpRequest) -> HttpResponse:
    framework = access.framework_for(request.user)
    form = FocusForm(request.POST or None, framework=framework)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                focus = services.focus_set(
                    person=request.user,
                    shift=form.cleaned_data["shift"],
                    next_step=form.cleaned_data["next_step"],
                )
            except services.TooMuchFocus:
                form.add_error(
                    None,
                    f"You already focus on {Focus.MAX_ACTIVE} shifts. Mark one as done or "
                    "drop it before adding another.",
                )
            else:
                messages.success(request, f"Focusing on “{focus.shift.to_text}”.")
                return redirect("focus_list")
        status = 422
    history = list(Focus.objects.filter(person=request.user).select_related("shift__area"))
    active = [f for f in history if f.is_active]
    return render(
        request,
        "transitions/focus.html",
        {
            "form": form,
            "active": active,
            "history": [f for f in history if not f.is_active],
            "can_add": len(active) < Focus.MAX_ACTIVE,
            "max_active": Focus.MAX_ACTIVE,
            "nav": "focus",
        },
        status=status,
    )


@require_POST
def focus_clear(request: HttpRequest, pk: int) -> HttpResponse:
    focus = access.focus_for(request.user, pk)
    services.focus_clear(focus=focus)
    messages.success(request, f"No longer focusing on “{focus.shift.to_text}”.")
    return redirect("focus_list")
