"""The manager's side: the team page, the review of one report, the report's shift history
and promotion packet. Every view starts from `access.report_for`: only the current manager."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from leadership.models import User
from transitions import access, pagecache, progress, services
from transitions.forms import RatingForm, ReviewResponseForm, ReviewTextForm
from transitions.models import Evidence, Review, Shift
from transitions.views.packet import packet_response


@require_GET
def team(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "name")
    if sort not in progress.TEAM_SORTS:
        sort = "name"

    def build() -> HttpResponse:
        rows = progress.team_rows(request.user, now=pagecache.day_end(), sort=sort)
        if not rows:
            # Never cached: the key of a page with reports names them.
            raise Http404("You have no reports.")
        context = {"rows": rows, "sort": sort, "nav": "team"}
        return render(request, "transitions/team.html", context)

    return pagecache.page(request, "team", build, reports=True)


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, username: str) -> HttpResponse:
    """The open review of a report (rated in place), or her review history and a way to start."""
    report = access.report_for(request.user, username)
    if request.method == "GET":
        return pagecache.page(
            request, "review", lambda: _review_get(request, report), people=[report.pk]
        )
    draft = _open_draft(request, report)
    if draft is None:
        if request.htmx:
            return _text_status(request, None, gone=True, status=409)
        done = _completed_since_sent(request, report)
        if done is not None:
            # The second of two clicks (or tabs) arriving after the first completed it.
            return _already_completed(request, report, done)
        return _history_page(request, report, status=409, refused=True)

    text = ReviewTextForm(request.POST)
    if request.htmx:
        # Autosave of the summary and agreed focus.
        if not text.is_valid():
            return _text_status(request, draft, errors=text.errors, status=422)
        try:
            saved = services.review_write(
                review=draft,
                summary=text.cleaned_data["summary"],
                agreed_focus=text.cleaned_data["agreed_focus"],
                seen_version=text.cleaned_data["text_version"],
            )
        except services.DraftConflict as conflict:
            draft.refresh_from_db()
            return _text_status(request, draft, conflict=conflict.text, status=409)
        except (services.ReviewClosed, services.DraftGone):
            return _text_status(request, None, gone=True, status=409)
        return _text_status(request, saved, saved=True)

    rows = progress.review_rows(draft)
    forms = {row.shift.pk: RatingForm(request.POST, shift=row.shift) for row in rows}
    if not text.is_valid() or not all(form.is_valid() for form in forms.values()):
        return _draft_page(request, draft, forms=forms, text=text, status=422)
    try:
        outcome = services.review_save(
            review=draft,
            rows=[services.RowInput(**form.row_values()) for form in forms.values()],
            summary=text.cleaned_data["summary"],
            agreed_focus=text.cleaned_data["agreed_focus"],
            text_version=text.cleaned_data["text_version"],
            complete=request.POST.get("action") == "complete",
        )
    except services.DraftConflict as conflict:
        draft.refresh_from_db()
        return _draft_page(request, draft, conflict=conflict, sent_text=text, status=409)
    except services.ReviewClosed:
        return _already_completed(request, report)
    except services.DraftGone:
        messages.warning(
            request,
            "This review draft was discarded (in another tab or window), so nothing was saved.",
        )
        return redirect("team_review", username=report.username)
    if outcome.closed:
        messages.success(request, f"Review of {report.display_name} completed.")
        return redirect("team_review_detail", username=report.username, pk=draft.pk)
    if outcome.missing or outcome.needs_summary:
        return _draft_page(
            request,
            draft,
            missing=outcome.missing,
            needs_summary=outcome.needs_summary,
            status=422,
        )
    messages.success(request, "Review saved.")
    return redirect("team_review", username=report.username)


def _open_draft(request: HttpRequest, report: User) -> Review | None:
    draft = (
        Review.objects.drafts()
        .filter(person=report, manager=request.user)
        .select_related("framework")
        .first()
    )
    if draft is not None:
        draft.person = report
    return draft


def _review_get(request: HttpRequest, report: User) -> HttpResponse:
    """The open review, or (none open) the report's review history."""
    draft = _open_draft(request, report)
    if draft is None:
        return _history_page(request, report)
    return _draft_page(request, draft)


@require_POST
def review_new(request: HttpRequest, username: str) -> HttpResponse:
    report = access.report_for(request.user, username)
    framework = access.framework_for(report)
    _, created = services.review_start(person=report, manager=request.user, framework=framework)
    if created:
        messages.success(
            request,
            f"Review started. Rate each shift first: {report.display_name}'s own rating, "
            "the gap and the evidence shared with you appear once you have.",
        )
    return redirect("team_review", username=report.username)


@require_POST
def review_rate(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    """Autosave the manager's level and comment for one shift; answers with the revealed row."""
    report = access.report_for(request.user, username)
    draft = Review.objects.drafts().filter(person=report, manager=request.user).first()
    gone = "This review was completed or discarded, so it can no longer change."
    if draft is None:
        return _refused(request, gone, 409)
    shift = (
        Shift.objects.of_framework(draft.framework)
        .active()
        .filter(slug=slug)
        .select_related("area")
        .first()
    )
    if shift is None:
        return _refused(request, "This shift is not part of the review.", 422)
    draft.person = report
    form = RatingForm(request.POST, shift=shift)
    conflict = None
    if form.is_valid():
        try:
            services.review_rate(review=draft, **form.save_values("comment"))
        except services.DraftConflict as found:
            [conflict] = found.rows
        except (services.ReviewClosed, services.DraftGone):
            return _refused(request, gone, 409)
    [row] = progress.review_rows(draft, only=shift)
    context = {"review": draft, "report": report, "row": row, "conflict": conflict}
    if conflict is not None:
        # The whole shift comes back showing what is saved, with both answers in words.
        response = render(
            request,
            "transitions/_review_row.html",
            {**context, "levels": progress.LEVELS},
            status=409,
        )
        return retarget(reswap(response, "outerHTML"), f"#shift-{shift.slug}")
    row.errors = [error for errors in form.errors.values() for error in errors]
    row.saved = not row.errors
    return render(
        request,
        "transitions/_review_reveal.html",
        context,
        status=422 if row.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def review_discard(request: HttpRequest, username: str) -> HttpResponse:
    report = access.report_for(request.user, username)
    draft = Review.objects.drafts().filter(person=report, manager=request.user).first()
    nothing = "There is no review in progress: it was already discarded or completed."
    if draft is None:
        if request.method == "POST":
            messages.info(request, nothing)
            return redirect("team_review", username=report.username)
        raise Http404("No review in progress.")
    if request.method == "POST":
        try:
            services.review_discard(review=draft)
        except (services.ReviewClosed, services.DraftGone):
            messages.info(request, nothing)
        else:
            messages.success(request, "Review draft discarded.")
        return redirect("team_review", username=report.username)
    return render(
        request,
        "transitions/review_discard.html",
        {"review": draft, "report": report, "nav": "team"},
    )


def _completed_since_sent(request: HttpRequest, report: User) -> Review | None:
    """The draft this form was sent from, if this manager has completed it since."""
    sent = request.POST.get("review", "")
    if not sent.isdigit():
        return None
    return (
        Review.objects.completed().filter(pk=int(sent), person=report, manager=request.user).first()
    )


def _already_completed(
    request: HttpRequest, report: User, done: Review | None = None
) -> HttpResponse:
    """The loser of a race to complete (or save) a review: show the completed one, and give
    back any words this form sent that the completed review does not have."""
    messages.info(
        request,
        "This review was already completed (in another tab or by a second click): "
        "here it is. Nothing more was saved.",
    )
    if done is None:
        done = progress.last_completed_review(report, by=request.user)
    if done is None:
        return redirect("team_review", username=report.username)
    unsaved = [
        f"{label}: “{typed}”"
        for label, typed, kept in (
            ("summary", request.POST.get("summary", "").strip(), done.summary),
            ("agreed focus", request.POST.get("agreed_focus", "").strip(), done.agreed_focus),
        )
        if typed and typed != kept.strip()
    ]
    if unsaved:
        messages.warning(
            request,
            "What you had typed in this tab is not in the completed review; copy it if you "
            "need it — " + "; ".join(unsaved),
        )
    return redirect("team_review_detail", username=report.username, pk=done.pk)


@require_GET
def review_detail(request: HttpRequest, username: str, pk: int) -> HttpResponse:
    report = access.report_for(request.user, username)
    found = access.review_for_manager(request.user, report, pk)
    if found.is_draft:
        return redirect("team_review", username=report.username)
    return render_completed_review(request, found, for_manager=True)


@require_GET
def report_shift(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    """One shift of a report, quarter by quarter: her rating, mine, and her shared evidence."""
    report = access.report_for(request.user, username)
    shift = access.shift_for(report, slug)
    visible = access.visible_evidence(request.user, report)
    hidden = progress.hidden_self_ratings(request.user, [report]).get(report.pk, set())
    return render(
        request,
        "transitions/report_shift.html",
        {
            "report": report,
            "shift": shift,
            "timeline": progress.shift_timeline(
                report,
                shift,
                evidence=visible,
                today=timezone.localdate(),
                hide_self=shift.pk in hidden,
            ),
            "evidence": list(visible.filter(shift_links__shift=shift).newest_first().with_shifts()),
            "nav": "team",
        },
    )


@require_GET
def report_packet(request: HttpRequest, username: str) -> HttpResponse:
    report = access.report_for(request.user, username)
    return packet_response(request, report, include_private=False, for_manager=True)


def render_completed_review(
    request: HttpRequest,
    found: Review,
    *,
    for_manager: bool,
    rows: list[progress.ReviewRow] | None = None,
    form: ReviewResponseForm | None = None,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    """A completed review. For the person herself, while she has not acknowledged it, with
    the form to acknowledge it and respond (overall and per shift)."""
    rows = rows if rows is not None else progress.review_rows(found)
    if not for_manager and not found.is_acknowledged:
        form = form or ReviewResponseForm(shifts=[row.shift for row in rows])
        for row in rows:
            row.response_field = form.shift_field(row.shift)  # type: ignore[attr-defined]
    else:
        form = None
    return render(
        request,
        "transitions/review_detail.html",
        {
            "review": found,
            "report": found.person,
            "areas": progress.group_by_area(rows),
            "for_manager": for_manager,
            "form": form,
            "refused": refused,
            "nav": "team" if for_manager else "dashboard",
        },
        status=status,
    )


def _history_page(
    request: HttpRequest, report: object, *, status: int = 200, refused: bool = False
) -> HttpResponse:
    completed = list(
        Review.objects.completed()
        .filter(person=report)
        .select_related("manager")
        .order_by("-completed_at")
    )
    return render(
        request,
        "transitions/review_history.html",
        {"report": report, "completed": completed, "refused": refused, "nav": "team"},
        status=status,
    )


def _draft_page(
    request: HttpRequest,
    draft: Review,
    *,
    forms: dict[int, RatingForm] | None = None,
    text: ReviewTextForm | None = None,
    missing: list[Shift] | None = None,
    needs_summary: bool = False,
    conflict: services.DraftConflict | None = None,
    sent_text: ReviewTextForm | None = None,
    status: int = 200,
) -> HttpResponse:
    last = progress.last_completed_review(draft.person)
    rows = progress.review_rows(draft, last=last)
    if forms:
        for row in rows:
            form = forms[row.shift.pk]
            row.errors = [e for errors in form.errors.values() for e in errors]
            if row.errors:
                row.comment = form.data.get(f"{row.shift.slug}-note", row.comment)
    text = text or ReviewTextForm(
        initial={
            "summary": draft.summary,
            "agreed_focus": draft.agreed_focus,
            "text_version": draft.text_version,
        }
    )
    missing_ids = {shift.pk for shift in missing or []}
    rated = [row for row in rows if row.revealed]
    return render(
        request,
        "transitions/review_draft.html",
        {
            "review": draft,
            "report": draft.person,
            "to_rate": [row for row in rows if not row.revealed],
            "rated": progress.by_disagreement(rated),
            "total": len(rows),
            "levels": progress.LEVELS,
            "text": text,
            "missing": [row for row in rows if row.shift.pk in missing_ids],
            "missing_ids": missing_ids,
            "needs_summary": needs_summary,
            "conflict_rows": conflict.rows if conflict else [],
            "conflict_text": conflict.text if conflict else None,
            "sent_text": sent_text.cleaned_data if sent_text and conflict else None,
            "shared_total": Evidence.objects.by(draft.person).shared().count(),
            "last_review": last,
            "disconnect_gap": progress.DISCONNECT_GAP,
            "nav": "team",
        },
        status=status,
    )


def _text_status(
    request: HttpRequest,
    draft: Review | None,
    *,
    saved: bool = False,
    errors: object = None,
    conflict: dict[str, str] | None = None,
    gone: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "transitions/review_draft.html#text-status",
        {
            "review": draft,
            "text_saved": saved,
            "text_errors": errors,
            "text_conflict": conflict,
            "text_gone": gone,
        },
        status=status,
    )


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    slug = request.resolver_match.kwargs.get("slug", "")
    return render(
        request,
        "transitions/_refused.html",
        {"message": message, "element_id": f"reveal-{slug}" if slug else ""},
        status=status,
    )
