"""The evidence log: list with filters, add, edit, share/unshare, delete."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url

from transitions import access, filter_urls, services
from transitions.forms import EvidenceFilterForm, EvidenceForm
from transitions.models import Evidence

PAGE_SIZE = 20


@require_GET
def evidence_list(request: HttpRequest) -> HttpResponse:
    """My evidence, narrowed by the filters in the query string: newest first, or on
    PostgreSQL the best matches of a text search first."""
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
            return _after_save(request)
        return _form_page(request, form, status=422)
    initial: dict[str, object] = {
        "submission_key": uuid.uuid4(),
        "happened_on": timezone.localdate(),
    }
    if slug := request.GET.get("shift"):
        shift = access.shift_for(request.user, slug)
        if not shift.is_retired:
            initial["shifts"] = [shift.pk]
    form = EvidenceForm(initial=initial, framework=framework)
    return _form_page(request, form)


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
            {"item": evidence},
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


def _after_save(request: HttpRequest) -> HttpResponse:
    target = _safe_next(request) or reverse("evidence_list")
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
