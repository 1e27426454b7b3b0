"""The evidence log: list with filters, add, edit, share/unshare, delete."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url

from transitions import access, filter_urls, pagecache, services
from transitions.forms import (
    EvidenceFilterForm,
    EvidenceForm,
    QuickEvidenceForm,
    evidence_prefill,
)
from transitions.models import Evidence

PAGE_SIZE = 20


@require_GET
def evidence_list(request: HttpRequest) -> HttpResponse:
    """My evidence, narrowed by the filters in the query string: newest first, or on
    PostgreSQL the best matches of a text search first."""
    if request.htmx and not request.htmx.boosted:
        return _evidence_list(request)
    return pagecache.page(request, "evidence", lambda: _evidence_list(request))


def _evidence_list(request: HttpRequest) -> HttpResponse:
    framework = access.framework_for(request.user)
    filters = EvidenceFilterForm(request.GET or None, framework=framework)
    if filters.is_bound:
        filters.is_valid()
    # Ordered before the filters, so that a text search may order by relevance instead.
    evidence = filters.apply(Evidence.objects.by(request.user).newest_first()).with_shifts()
    page = Paginator(evidence, PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = {name: request.GET.get(name, "").strip() for name in filters.fields}
    params = filter_urls.in_use(chosen, page=page.number)
    path = reverse("evidence_list")
    partial = request.htmx and not request.htmx.boosted
    if not partial and filter_urls.asks_for_more(request, params):
        # A form sent without JavaScript carries every field: bookmark only those in use.
        return redirect(filter_urls.url(path, params))
    context = {
        "filters": filters,
        "page": page,
        "list_url": filter_urls.url(path, params),  # where an entry's edit or delete returns
        "bookmarklet": _bookmarklet(request),
        "page_urls": {
            "previous": filter_urls.url(path, filter_urls.in_use(chosen, page=page.number - 1))
            if page.has_previous()
            else "",
            "next": filter_urls.url(path, filter_urls.in_use(chosen, page=page.number + 1))
            if page.has_next()
            else "",
        },
        "nav": "evidence",
    }
    if partial:
        response = render(request, "transitions/evidence_list.html#results", context)
        return push_url(response, context["list_url"])
    return render(request, "transitions/evidence_list.html", context)


@require_http_methods(["GET", "POST"])
def evidence_new(request: HttpRequest) -> HttpResponse:
    framework = access.framework_for(request.user)
    if request.method == "POST":
        form = EvidenceForm(request.POST, framework=framework)
        if form.is_valid():
            evidence, created = services.evidence_create(
                author=request.user,
                data=form.cleaned_data,
                submission_key=form.cleaned_data.get("submission_key"),
            )
            if created:
                messages.success(request, f"Saved “{evidence.title}”.")
            return _after_save(request, added=evidence)
        return _form_page(request, form, status=422)
    # Prefilled from the address: "More details" of the quick add, the bookmarklet, or a
    # phone's share sheet (the manifest's share_target sends title, text and url).
    initial: dict[str, object] = {
        "submission_key": uuid.uuid4(),
        "happened_on": timezone.localdate(),
        **evidence_prefill(request.GET),
    }
    if slug := request.GET.get("shift"):
        shift = access.shift_for(request.user, slug)
        if not shift.is_retired:
            initial["shifts"] = [shift.pk]
    form = EvidenceForm(initial=initial, framework=framework)
    return _form_page(request, form)


@require_POST
def evidence_quick(request: HttpRequest) -> HttpResponse:
    """The one-line quick add of the dashboard and the shift pages: a title and a shift, saved
    dated today and private; or, with "More details", the full form with what was typed."""
    framework = access.framework_for(request.user)
    back = _safe_next(request) or reverse("dashboard")
    if request.POST.get("action") == "details":
        query = {
            "title": request.POST.get("title", "")[: Evidence.TITLE_MAX],
            "shift": request.POST.get("shift", ""),
            "next": back,
        }
        target = reverse("evidence_new") + "?" + urlencode({k: v for k, v in query.items() if v})
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    form = QuickEvidenceForm(request.POST, framework=framework)
    if not form.is_valid():
        return _quick_page(request, form, status=422)
    evidence, created = services.evidence_create(
        author=request.user,
        data=form.evidence_data(),
        submission_key=form.cleaned_data.get("submission_key"),
    )
    if not request.htmx:
        if created:
            messages.success(request, f"Saved “{evidence.title}”.")
        return redirect(_with_added(back, evidence))
    # In place: a fresh line for the next entry, and the new one at the top of the list the
    # page shows (on a shift page, only when it is about that shift).
    shown_on = request.POST.get("list_shift", "")
    listed = not shown_on or shown_on == form.cleaned_data["shift"].slug
    item = Evidence.objects.filter(pk=evidence.pk).with_shifts().get() if listed else None
    fresh = QuickEvidenceForm(
        initial={"submission_key": uuid.uuid4(), "shift": shown_on or None},
        framework=framework,
    )
    return _quick_page(request, fresh, added=evidence, item=item, list_shift=shown_on)


@require_http_methods(["GET", "POST"])
def evidence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.own_evidence_for(request.user, pk)
    framework = access.framework_for(request.user)
    if request.method == "POST":
        form = EvidenceForm(request.POST, instance=evidence, framework=framework)
        if form.is_valid():
            try:
                saved = services.evidence_update(
                    evidence=evidence,
                    data=form.cleaned_data,
                    expected_version=form.cleaned_data.get("version") or 0,
                )
            except services.EditConflict as conflict:
                return _conflict_page(request, form, evidence, conflict.current)
            messages.success(request, f"Saved your changes to “{saved.title}”.")
            return _after_save(request)
        return _form_page(request, form, evidence=evidence, status=422)
    form = EvidenceForm(
        instance=evidence, initial={"version": evidence.version}, framework=framework
    )
    return _form_page(request, form, evidence=evidence)


@require_GET
def evidence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.evidence_for(request.user, pk)
    shifts = list(evidence.shifts.select_related("area").order_by("area__order", "order"))
    return render(
        request,
        "transitions/evidence_detail.html",
        {
            "evidence": evidence,
            "shifts": shifts,
            "is_author": evidence.author_id == request.user.pk,
            "nav": "evidence",
        },
    )


@require_POST
def evidence_visibility(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch an entry between private and shared with one click."""
    evidence = access.own_evidence_for(request.user, pk)
    wanted = request.POST.get("visibility")
    if wanted not in Evidence.Visibility.values:
        return HttpResponse("Choose private or shared.", status=400)
    services.evidence_set_visibility(evidence=evidence, visibility=wanted)
    if request.htmx:
        return render(
            request,
            "transitions/_evidence_item.html#visibility",
            # The form's own "next" again: where a later toggle without JavaScript returns.
            {"item": evidence, "return_to": _safe_next(request) or reverse("evidence_list")},
        )
    state = "shared with your manager" if evidence.is_shared else "private"
    messages.success(request, f"“{evidence.title}” is now {state}.")
    return redirect(_safe_next(request) or reverse("evidence_list"))


@require_http_methods(["GET", "POST"])
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.own_evidence_for(request.user, pk)
    if request.method == "POST":
        title = evidence.title
        evidence.delete()
        messages.success(request, f"Deleted “{title}”.")
        return redirect(_safe_next(request) or reverse("evidence_list"))
    return render(
        request,
        "transitions/evidence_confirm_delete.html",
        {"evidence": evidence, "next": _safe_next(request), "nav": "evidence"},
    )


def _form_page(
    request: HttpRequest,
    form: EvidenceForm,
    *,
    evidence: Evidence | None = None,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    template = "transitions/evidence_form.html"
    if request.htmx:
        template += "#form"
    context = {
        "form": form,
        "evidence": evidence,
        "next": _safe_next(request),
        "nav": "evidence",
        **extra,
    }
    return render(request, template, context, status=status)


def _quick_page(
    request: HttpRequest, form: QuickEvidenceForm, *, status: int = 200, **extra: object
) -> HttpResponse:
    """The quick add's answer: with htmx its line (and the new entry, out of band); without
    JavaScript, a page with the line and its errors, nothing typed lost."""
    template = "transitions/evidence_quick.html"
    if request.htmx:
        template += "#answer"
    context = {
        "quick_form": form,
        "next": _safe_next(request),
        "list_shift": request.POST.get("list_shift", ""),
        "nav": "evidence",
        **extra,
    }
    return render(request, template, context, status=status)


def _bookmarklet(request: HttpRequest) -> str:
    """A bookmark that opens this installation's evidence form with the page being read."""
    target = request.build_absolute_uri(reverse("evidence_new"))
    return (
        "javascript:(()=>{window.open("
        + f"'{target}?title='+encodeURIComponent(document.title)"
        + "+'&link='+encodeURIComponent(location.href))})()"
    )


def _conflict_page(
    request: HttpRequest, form: EvidenceForm, evidence: Evidence, saved: Evidence
) -> HttpResponse:
    """Refuse the save, keep what was typed, and show the entry as it is saved now."""
    data = form.data.copy()
    data["version"] = str(saved.version)  # saving again now replaces it knowingly
    kept = EvidenceForm(data, instance=evidence, framework=access.framework_for(request.user))
    kept.is_valid()
    kept.add_error(
        None,
        "This entry was changed in another tab or window after you opened it, so nothing was "
        "saved. Your text is kept below and the saved version is shown above it. Save again "
        "to replace the saved version with yours.",
    )
    saved_shifts = list(saved.shifts.select_related("area").order_by("area__order", "order"))
    return _form_page(
        request,
        kept,
        evidence=evidence,
        status=409,
        conflict=saved,
        conflict_shifts=saved_shifts,
    )


def _after_save(request: HttpRequest, *, added: Evidence | None = None) -> HttpResponse:
    target = _safe_next(request)
    if target and added is not None:  # back where she came from, saying what was added there
        target = _with_added(target, added)
    target = target or reverse("evidence_list")
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _with_added(url: str, evidence: Evidence) -> str:
    """The address to return to, saying which entry was just added (`?added=<id>`; the page
    shows it only to its author), with the row's #fragment kept last."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "added"]
    query.append(("added", str(evidence.pk)))
    return urlunsplit(parts._replace(query=urlencode(query)))
