"""Check-ins: start or resume a draft, rate every shift with autosave, submit, discard."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from transitions import access, pagecache, progress, services
from transitions.forms import RatingForm
from transitions.models import CheckIn, Shift


@require_GET
def checkin_list(request: HttpRequest) -> HttpResponse:
    checkins = progress.checkin_summaries(request.user)
    return render(
        request,
        "transitions/checkin_list.html",
        {
            "draft": next((c for c in checkins if c.is_draft), None),
            "submitted": [c for c in checkins if not c.is_draft],
            "nav": "checkins",
        },
    )


@require_http_methods(["GET", "POST"])
def checkin_new(request: HttpRequest) -> HttpResponse:
    """Resume the open draft, or (on POST) start one."""
    framework = access.framework_for(request.user)
    if request.method == "POST":
        checkin, created = services.checkin_start(person=request.user, framework=framework)
        if created:
            messages.success(request, "Check-in started. Each rating is saved as you make it.")
        return redirect("checkin_detail", pk=checkin.pk)
    draft = CheckIn.objects.of(request.user).drafts().filter(framework=framework).first()
    if draft is not None:
        return redirect("checkin_detail", pk=draft.pk)
    return render(
        request,
        "transitions/checkin_start.html",
        {"framework": framework, "levels": progress.LEVELS, "nav": "checkins"},
    )


@require_http_methods(["GET", "POST"])
def checkin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft is a form (saving all ratings without JavaScript); a submitted one is history."""
    if request.method == "GET":
        return pagecache.page(request, "checkin", lambda: _get(request, pk))
    checkin = access.checkin_for(request.user, pk)
    if not checkin.is_draft:
        return _submitted_page(request, checkin, refused=True)

    rows = progress.draft_rows(checkin)
    forms = {row.shift.pk: RatingForm(request.POST, shift=row.shift) for row in rows}
    if not all(form.is_valid() for form in forms.values()):
        return _draft_page(request, checkin, forms=forms, status=422)
    try:
        outcome = services.checkin_save(
            checkin=checkin,
            rows=[services.RowInput(**form.row_values()) for form in forms.values()],
            submit=request.POST.get("action") == "submit",
        )
    except services.DraftConflict as conflict:
        return _draft_page(request, checkin, conflict=conflict, status=409)
    except services.CheckInClosed:
        checkin.refresh_from_db()
        return _submitted_page(request, checkin, refused=True)
    except services.DraftGone:
        messages.warning(
            request,
            "This check-in draft was discarded (in another tab or window), so nothing was saved.",
        )
        return redirect("checkin_list")
    if outcome.missing:
        return _draft_page(request, checkin, missing=outcome.missing, status=422)
    if outcome.closed:
        messages.success(request, "Check-in submitted. Here is how you moved.")
    else:
        messages.success(request, "Draft saved.")
    return redirect("checkin_detail", pk=checkin.pk)


def _get(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = access.checkin_for(request.user, pk)
    if checkin.is_draft:
        return _draft_page(request, checkin)
    return _submitted_page(request, checkin)


@require_POST
def checkin_rate(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Autosave one shift's level and note; answers with that shift's status line."""
    checkin = access.checkin_for(request.user, pk)
    shift = (
        Shift.objects.of_framework(checkin.framework)
        .filter(slug=slug)
        .select_related("area")
        .first()
    )
    if shift is None:
        return _rate_refused(request, "This shift is not part of your framework.", status=404)
    if shift.is_retired or shift.area.is_retired:
        return _rate_refused(request, "This shift has been retired and is no longer rated.")
    closed = "This check-in was submitted and can no longer change."
    if not checkin.is_draft:
        return _rate_refused(request, closed, status=409)
    form = RatingForm(request.POST, shift=shift)
    if not form.is_valid():
        [row] = progress.draft_rows(checkin, only=shift)
        row.errors = [error for errors in form.errors.values() for error in errors]
        return _status(request, checkin, row, status=422)
    conflict = None
    try:
        services.rating_save(checkin=checkin, **form.save_values("note"))
    except services.DraftConflict as found:
        [conflict] = found.rows
    except services.CheckInClosed:
        return _rate_refused(request, closed, status=409)
    except services.DraftGone:
        return _rate_refused(
            request, "This draft was discarded, so this rating was not saved.", status=409
        )
    [row] = progress.draft_rows(checkin, only=shift)
    if conflict is not None:
        # The whole shift comes back showing what is saved, with both answers in words.
        response = render(
            request,
            "transitions/checkin_draft.html#rating-row",
            {"checkin": checkin, "row": row, "conflict": conflict, "levels": progress.LEVELS},
            status=409,
        )
        return retarget(reswap(response, "outerHTML"), f"#shift-{shift.slug}")
    row.saved = True
    return _status(request, checkin, row)


@require_http_methods(["GET", "POST"])
def checkin_discard(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = access.checkin_for(request.user, pk)
    if not checkin.is_draft:
        return _submitted_page(request, checkin, refused=request.method == "POST")
    if request.method == "POST":
        try:
            services.checkin_discard(checkin=checkin)
        except services.DraftGone:
            messages.info(request, "This draft was already discarded.")
        except services.CheckInClosed:
            checkin.refresh_from_db()
            return _submitted_page(request, checkin, refused=True)
        else:
            messages.success(request, "Draft discarded.")
        return redirect("checkin_list")
    rated = checkin.ratings.filter(level__isnull=False).count()
    return render(
        request,
        "transitions/checkin_discard.html",
        {"checkin": checkin, "rated": rated, "nav": "checkins"},
    )


def _draft_page(
    request: HttpRequest,
    checkin: CheckIn,
    *,
    forms: dict[int, RatingForm] | None = None,
    missing: list[Shift] | None = None,
    conflict: services.DraftConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = progress.draft_rows(checkin)
    if forms:
        for row in rows:
            form = forms[row.shift.pk]
            row.level = form.cleaned_data.get("level") if form.is_valid() else row.level
            row.note = form.data.get(f"{row.shift.slug}-note", row.note)
            row.errors = [e for errors in form.errors.values() for e in errors]
    missing_ids = {shift.pk for shift in missing or []}
    rated = sum(1 for row in rows if row.level is not None)
    return render(
        request,
        "transitions/checkin_draft.html",
        {
            "checkin": checkin,
            "areas": progress.group_by_area(rows),
            "levels": progress.LEVELS,
            "rated": rated,
            "total": len(rows),
            "missing": [row for row in rows if row.shift.pk in missing_ids],
            "missing_ids": missing_ids,
            "has_errors": any(row.errors for row in rows),
            "conflict_rows": conflict.rows if conflict else [],
            "added": access.just_added(request.user, request.GET.get("added")),
            "nav": "checkins",
        },
        status=status,
    )


def _submitted_page(
    request: HttpRequest, checkin: CheckIn, *, refused: bool = False
) -> HttpResponse:
    rows = progress.submitted_rows(checkin)
    return render(
        request,
        "transitions/checkin_submitted.html",
        {
            "checkin": checkin,
            "areas": progress.group_by_area(rows),
            "previous_on": next((row.earlier.on for row in rows if row.earlier), None),
            "refused": refused,
            "nav": "checkins",
        },
        status=409 if refused else 200,
    )


def _status(
    request: HttpRequest, checkin: CheckIn, row: progress.RatingRow, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "transitions/checkin_draft.html#status",
        {"checkin": checkin, "row": row},
        status=status,
    )


def _rate_refused(request: HttpRequest, message: str, *, status: int = 422) -> HttpResponse:
    return render(
        request,
        "transitions/_refused.html",
        {"message": message, "element_id": f"status-{request.resolver_match.kwargs['slug']}"},
        status=status,
    )
