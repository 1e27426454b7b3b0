"""Focus: up to three shifts to work on next, each with an intended next step.

One focus at a time is edited or moved to history in place: with htmx its row turns into a
form (or a confirmation) and back; without JavaScript the same page comes back with that row
as a form, at the row's own address.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget

from transitions import access, services
from transitions.forms import FocusForm, FocusStepForm
from transitions.models import Focus

TEMPLATE = "transitions/focus.html"


@require_http_methods(["GET", "POST"])
def focus_list(request: HttpRequest) -> HttpResponse:
    active, history = _focus_of(request.user)
    form = FocusForm(
        request.POST or None,
        framework=access.framework_for(request.user),
        in_focus=[focus.shift for focus in active],
    )
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
                form.add_error(None, _full_message())
            else:
                messages.success(request, f"Focusing on “{focus.shift.to_text}”.")
                return redirect("focus_list")
        status = 422
    return _page(request, active, history, form=form, status=status)


@require_GET
def focus_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One focus as its row (htmx: what Cancel swaps back); the focus page, at that row,
    without JavaScript."""
    focus = access.focus_for(request.user, pk)
    if request.htmx:
        return render(request, f"{TEMPLATE}#focus-item", {"focus": focus})
    return redirect(_at(focus))


@require_http_methods(["GET", "POST"])
def focus_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a focus's next step; the earlier step goes to history."""
    focus = access.focus_for(request.user, pk)
    if request.method == "GET":
        if not focus.is_active:
            return _changed_elsewhere(request, focus)
        form = FocusStepForm(initial={"next_step": focus.next_step}, prefix="step")
        return _item(request, focus, editing=focus.pk, step_form=form)
    form = FocusStepForm(request.POST, prefix="step")
    if not form.is_valid():
        return _item(request, focus, editing=focus.pk, step_form=form, status=422)
    try:
        saved = services.focus_edit(focus=focus, next_step=form.cleaned_data["next_step"])
    except services.FocusChanged as changed:
        return _conflict(request, focus, form, changed.current)
    text = f"Saved the next step for “{saved.shift.to_text}”."
    if request.htmx:
        return _page_swap(request, text=text, after=f"#focus-{saved.pk}-edit")
    messages.success(request, text)
    return redirect(_at(saved))


@require_http_methods(["GET", "POST"])
def focus_clear(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a focus to history, after a confirmation."""
    focus = access.focus_for(request.user, pk)
    if request.method == "GET":
        if not focus.is_active:
            return _changed_elsewhere(request, focus)
        return _item(request, focus, confirming=focus.pk)
    cleared = services.focus_clear(focus=focus)
    if cleared:
        text = (
            f"Moved “{focus.shift.to_text}” to Earlier focus. You can add the shift again "
            "whenever you like."
        )
    else:
        text = (
            f"“{focus.shift.to_text}” had changed in another tab or window, so nothing was "
            "moved. Here is your focus as it is now."
        )
    if request.htmx:
        return _page_swap(request, text=text, after="#current-title", done=cleared)
    messages.add_message(request, messages.SUCCESS if cleared else messages.INFO, text)
    return redirect("focus_list")


def _focus_of(user: Any) -> tuple[list[Focus], list[Focus]]:
    """The person's focus now and her earlier focus, newest first (one query)."""
    rows = list(Focus.objects.filter(person=user).select_related("shift__area"))
    return [f for f in rows if f.is_active], [f for f in rows if not f.is_active]


def _page(
    request: HttpRequest,
    active: list[Focus],
    history: list[Focus],
    *,
    form: FocusForm | None = None,
    status: int = 200,
    partial: str = "",
    **extra: Any,
) -> HttpResponse:
    if form is None:
        form = FocusForm(
            framework=access.framework_for(request.user),
            in_focus=[focus.shift for focus in active],
        )
    context = {
        "form": form,
        "active": active,
        "history": history,
        "can_add": len(active) < Focus.MAX_ACTIVE,
        "max_active": Focus.MAX_ACTIVE,
        "nav": "focus",
        **extra,
    }
    template = f"{TEMPLATE}#{partial}" if partial else TEMPLATE
    return render(request, template, context, status=status)


def _item(request: HttpRequest, focus: Focus, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The focus's row in a mode (editing, confirming, a conflict): alone for htmx, in the
    whole page without JavaScript."""
    if request.htmx:
        context = {"focus": focus, **extra}
        return render(request, f"{TEMPLATE}#focus-item", context, status=status)
    active, history = _focus_of(request.user)
    return _page(request, active, history, status=status, **extra)


def _page_swap(request: HttpRequest, *, text: str, after: str, done: bool = True) -> HttpResponse:
    """After a write with htmx: the whole focus section again (the list, the picker and the
    history all change), telling what happened (`done`: as it was asked), with keyboard
    focus on `after`."""
    active, history = _focus_of(request.user)
    response = _page(
        request,
        active,
        history,
        partial="focus-page",
        status_text=text,
        status_done=done,
        focus_after=after,
    )
    return reswap(retarget(response, "#focus-page"), "outerHTML")


def _conflict(
    request: HttpRequest, focus: Focus, form: FocusStepForm, current: Focus | None
) -> HttpResponse:
    """Nothing was saved: the step was changed (or the focus moved to history) in another
    tab. Hers stays in the form, beside what is saved now."""
    if current is not None:
        return _item(
            request,
            current,
            editing=current.pk,
            step_form=form,
            saved_step=current.next_step,
            status=409,
        )
    return _item(request, focus, gone=focus, step_form=form, status=409)


def _changed_elsewhere(request: HttpRequest, focus: Focus) -> HttpResponse:
    if request.htmx:
        return render(request, f"{TEMPLATE}#focus-item", {"focus": focus})
    messages.info(
        request,
        f"“{focus.shift.to_text}” changed in another tab or window. Here is your focus as it "
        "is now.",
    )
    return redirect("focus_list")


def _at(focus: Focus) -> str:
    return f"{reverse('focus_list')}#focus-{focus.pk}"


def _full_message() -> str:
    return (
        f"You already focus on {Focus.MAX_ACTIVE} shifts, the most at once. Move one to "
        "history before adding another."
    )
