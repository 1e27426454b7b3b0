"""1:1s: the list of a person's 1:1s, the running agenda with one partner, and one meeting.

Every view starts from `access.pair_for` / `access.one_on_one_for`: only the pair (a manager
and her current direct report) reaches their 1:1s; anyone else gets 404. A meeting's writes
are POSTs to its own URL, named by `action`; a closed meeting answers every write with 409.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from transitions import access, one_on_ones, pagecache, services
from transitions.access import Pair
from transitions.forms import ActionItemForm, AgendaItemForm, NotesForm
from transitions.models import ActionItem, AgendaItem, OneOnOne

TEMPLATE = "transitions/one_on_one.html"


@require_GET
def one_on_one_list(request: HttpRequest) -> HttpResponse:
    pairs = one_on_ones.overview(request.user)
    return render(
        request,
        "transitions/one_on_one_list.html",
        {
            "with_manager": [p for p in pairs if not p.as_manager],
            "with_reports": [p for p in pairs if p.as_manager],
            "nav": "one_on_ones",
        },
    )


@require_http_methods(["GET", "POST"])
def one_on_one_agenda(request: HttpRequest, username: str) -> HttpResponse:
    """The open 1:1 with this partner; a POST starts the next one (closing the open one)."""
    pair = access.pair_for(request.user, username)
    if request.method == "POST":
        services.one_on_one_start(manager=pair.manager, person=pair.person)
        url = reverse("one_on_one_agenda", args=[username])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return pagecache.page(
        request,
        "one-on-one",
        lambda: _agenda(request, pair),
        people=[pair.manager.pk, pair.person.pk],
    )


def _agenda(request: HttpRequest, pair: Pair) -> HttpResponse:
    meeting = OneOnOne.objects.of_pair(manager=pair.manager, person=pair.person).open().first()
    if meeting is None:
        history = list(OneOnOne.objects.of_pair(manager=pair.manager, person=pair.person))
        return render(request, TEMPLATE, {"pair": pair, "history": history, "nav": "one_on_ones"})
    return _page(request, pair, meeting)


@require_http_methods(["GET", "POST"])
def one_on_one_detail(request: HttpRequest, username: str, pk: int) -> HttpResponse:
    pair, meeting = access.one_on_one_for(request.user, username, pk)
    if request.method == "GET":
        return _page(request, pair, meeting)
    if not meeting.is_open:
        return _page(request, pair, meeting, refused=True, status=409)
    try:
        return _write(request, pair, meeting)
    except services.OneOnOneClosed:
        meeting.refresh_from_db()
        return _page(request, pair, meeting, refused=True, status=409)


def _write(request: HttpRequest, pair: Pair, meeting: OneOnOne) -> HttpResponse:
    action = request.POST.get("action", "")
    if action in ("shared", "private"):
        return _notes(request, pair, meeting, action)
    agenda = one_on_ones.agenda(pair, meeting, now=timezone.now())
    forms: dict[str, Any] = {}
    if action == "add_item":
        form = AgendaItemForm(request.POST, shifts=agenda.shifts, prefix="item")
        if not form.is_valid():
            return _page(
                request, pair, meeting, agenda=agenda, forms={"item_form": form}, status=422
            )
        services.agenda_item_add(
            meeting=meeting,
            by=request.user,
            text=form.cleaned_data["text"],
            shift=form.cleaned_data["shift"],
        )
    elif action == "add_suggestion":
        suggestion = _suggestion(agenda, request.POST.get("key", ""))
        services.agenda_item_add(
            meeting=meeting,
            by=request.user,
            text=suggestion.text,
            shift=next((s for s in agenda.shifts if s.pk == suggestion.shift_id), None),
            suggestion=suggestion.key,
            link=suggestion.link,
        )
    elif action == "dismiss":
        services.suggestion_dismiss(
            meeting=meeting, key=_suggestion(agenda, request.POST.get("key", "")).key
        )
    elif action in ("up", "down"):
        services.agenda_item_move(
            meeting=meeting, item=_item(agenda, request.POST.get("item")), up=action == "up"
        )
    elif action == "check_item":
        services.agenda_item_check(
            meeting=meeting,
            item=_item(agenda, request.POST.get("item")),
            done=request.POST.get("done") == "1",
        )
    elif action == "add_action":
        form = ActionItemForm(
            request.POST,
            shifts=agenda.shifts,
            people=[pair.person, pair.manager],
            prefix="action",
        )
        if not form.is_valid():
            forms = {"action_form": form}
            return _page(request, pair, meeting, agenda=agenda, forms=forms, status=422)
        services.action_item_add(
            meeting=meeting,
            owner=form.cleaned_data["owner"],
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
            shift=form.cleaned_data["shift"],
        )
    elif action == "check_action":
        services.action_item_check(
            meeting=meeting,
            item=_action(agenda, request.POST.get("item")),
            done=request.POST.get("done") == "1",
        )
    else:
        return _page(request, pair, meeting, agenda=agenda, status=400)
    if request.htmx:
        return _page(request, pair, meeting, partial="agenda")
    return redirect(_meeting_url(pair, meeting))


def _suggestion(agenda: one_on_ones.Agenda, key: str) -> one_on_ones.Suggestion:
    found = next((s for s in agenda.suggestions if s.key == key), None)
    if found is None:
        raise Http404("No such suggestion (now).")
    return found


def _item(agenda: one_on_ones.Agenda, pk: str | None) -> AgendaItem:
    found = next((i for i in agenda.items if str(i.pk) == pk), None)
    if found is None:
        raise Http404("No such agenda item.")
    return found


def _action(agenda: one_on_ones.Agenda, pk: str | None) -> ActionItem:
    found = next((row.item for row in agenda.actions if str(row.item.pk) == pk), None)
    if found is None:
        raise Http404("No such action item.")
    return found


def _notes(request: HttpRequest, pair: Pair, meeting: OneOnOne, which: str) -> HttpResponse:
    """Shared notes (the pair's) or private notes (the sender's own): autosaved by htmx,
    or saved with the form's button."""
    form = NotesForm(request.POST, prefix=which)
    status, context = 200, {}
    if not form.is_valid():
        status, context = 422, {"errors": form.errors}
    else:
        try:
            if which == "shared":
                saved = services.shared_notes_write(
                    meeting=meeting,
                    text=form.cleaned_data["notes"],
                    seen_version=form.cleaned_data["version"],
                )
                context = {"version": saved.notes_version, "saved": True}
            else:
                note = services.private_note_write(
                    meeting=meeting,
                    author=request.user,
                    text=form.cleaned_data["notes"],
                    seen_version=form.cleaned_data["version"],
                )
                context = {"version": note.version, "saved": True}
        except services.NotesConflict as conflict:
            status, context = 409, {"conflict": True, "saved_text": conflict.saved}
    if request.htmx:
        return render(
            request, f"{TEMPLATE}#notes-status", {"which": which, **context}, status=status
        )
    if status == 200:
        return redirect(_meeting_url(pair, meeting))
    return _page(request, pair, meeting, notes_error={which: context}, status=status)


def _meeting_url(pair: Pair, meeting: OneOnOne) -> str:
    return reverse("one_on_one_detail", args=[pair.partner.username, meeting.pk])


def _page(
    request: HttpRequest,
    pair: Pair,
    meeting: OneOnOne,
    *,
    agenda: one_on_ones.Agenda | None = None,
    forms: dict[str, Any] | None = None,
    notes_error: dict[str, Any] | None = None,
    refused: bool = False,
    partial: str = "",
    status: int = 200,
) -> HttpResponse:
    if agenda is None or status == 200:
        agenda = one_on_ones.agenda(pair, meeting, now=pagecache.day_end())
    forms = forms or {}
    people = [pair.person, pair.manager]
    note = agenda.private_note
    context = {
        "pair": pair,
        "partner": pair.partner,
        "agenda": agenda,
        "meeting": meeting,
        "meeting_url": _meeting_url(pair, meeting),
        "history": agenda.history,
        "item_form": forms.get("item_form") or AgendaItemForm(shifts=agenda.shifts, prefix="item"),
        "action_form": forms.get("action_form")
        or ActionItemForm(
            shifts=agenda.shifts,
            people=people,
            prefix="action",
            initial={"due_on": timezone.localdate() + timedelta(days=7)},
        ),
        "shared_form": NotesForm(
            prefix="shared",
            label="Notes you both see",
            initial={"notes": meeting.shared_notes, "version": meeting.notes_version},
        ),
        "private_form": NotesForm(
            prefix="private",
            label="Notes only you see",
            initial={"notes": note.text if note else "", "version": note.version if note else 0},
        ),
        "notes_error": notes_error or {},
        "refused": refused,
        "nav": "one_on_ones",
    }
    template = f"{TEMPLATE}#{partial}" if partial else TEMPLATE
    return render(request, template, context, status=status)
