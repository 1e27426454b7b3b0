"""Reads for 1:1s, as plain data for templates: the list of a person's 1:1s, one meeting's
agenda, and the talking points the data suggests. Fixed queries, whatever the history.

The rules reused from `progress`: a disconnect (`is_disconnect`), the last completed review,
the latest self-ratings (`standings`), when a check-in is due, and the blind rule for the
manager's open review (`hidden_self_ratings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Max, Q
from django.urls import reverse

from leadership.models import User
from transitions import content, progress
from transitions.access import Pair
from transitions.models import (
    ActionItem,
    AgendaItem,
    CheckIn,
    DismissedSuggestion,
    Evidence,
    EvidenceShift,
    Focus,
    OneOnOne,
    PrivateNote,
    Shift,
)

EVIDENCE_SUGGESTED = 5


@dataclass
class Suggestion:
    """A talking point computed from the data, with a link to where it comes from."""

    key: str
    kind: str
    text: str
    link: str
    shift_id: int | None = None


@dataclass
class ActionRow:
    item: ActionItem
    owner_name: str
    carried_over: bool
    overdue: bool


@dataclass
class Agenda:
    pair: Pair
    meeting: OneOnOne
    items: list[AgendaItem]
    actions: list[ActionRow]
    suggestions: list[Suggestion]
    private_note: PrivateNote | None
    history: list[OneOnOne]
    shifts: list[Shift] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.meeting.is_open


def _shift_link(pair: Pair, shift: Shift) -> str:
    if pair.viewer_is_manager:
        return reverse("team_shift", args=[pair.person.username, shift.slug])
    return reverse("shift_detail", args=[shift.slug])


def _shift_name(shift: Shift) -> str:
    return f"{shift.from_text} → {shift.to_text}"


def suggestions(
    pair: Pair, meeting: OneOnOne, *, now: datetime, actions: list[ActionRow]
) -> list[Suggestion]:
    """What the data suggests talking about, minus what is on the agenda or dismissed.
    Nine queries (three more when there is a completed review, one fewer for the manager):
    see tests/transitions/test_one_on_ones.py for the list."""
    person = pair.person
    framework = content.framework(person.framework_id)
    shifts = content.active_shifts(framework) if framework else []
    by_pk = {shift.pk: shift for shift in shifts}
    found: list[Suggestion] = []

    # Disconnects in the last completed review: her self-rating then against his rating.
    review = progress.last_completed_review(person)
    if review is not None and framework is not None:
        selves = {
            s.shift.pk: s.level
            for s in progress.standings(
                person, framework, shifts=shifts, before=review.completed_at
            )
        }
        link = (
            reverse("team_review_detail", args=[person.username, review.pk])
            if pair.viewer_is_manager
            else reverse("my_review", args=[review.pk])
        )
        for shift_id, level in review.ratings.filter(level__isnull=False).values_list(
            "shift_id", "level"
        ):
            own = selves.get(shift_id)
            shift = by_pk.get(shift_id)
            if shift is None or own is None or not progress.is_disconnect(abs(own - level)):
                continue
            found.append(
                Suggestion(
                    key=f"disconnect:{review.pk}:{shift_id}",
                    kind="disconnect",
                    text=f"Disconnect in the review of {review.completed_at:%-d %b %Y}: "
                    f"{_shift_name(shift)} (self {own}, manager {level})",
                    link=link,
                    shift_id=shift_id,
                )
            )

    # Shifts rated higher in the latest check-in with no shared evidence since the one before.
    latest_two = list(
        CheckIn.objects.of(person)
        .submitted()
        .order_by("-submitted_at")
        .values_list("pk", "submitted_at")[:2]
    )
    if framework is not None and latest_two:
        hidden = progress.hidden_self_ratings(pair.manager, [person]).get(person.pk, set())
        since = latest_two[1][1].date() if len(latest_two) > 1 else None
        evidenced = dict(
            EvidenceShift.objects.filter(
                evidence__author=person,
                evidence__visibility=Evidence.Visibility.SHARED,
                shift__in=list(by_pk),
            )
            .values("shift_id")
            .annotate(last=Max("evidence__happened_on"))
            .values_list("shift_id", "last")
        )
        for standing in progress.standings(person, framework, shifts=shifts):
            shift = standing.shift
            if shift.pk in hidden or standing.change is None or standing.change <= 0:
                continue
            last: date | None = evidenced.get(shift.pk)
            if last is not None and (since is None or last >= since):
                continue
            found.append(
                Suggestion(
                    key=f"rise:{latest_two[0][0]}:{shift.pk}",
                    kind="rise",
                    text=f"Rated higher with no evidence since: {_shift_name(shift)} "
                    f"({standing.previous} → {standing.level})",
                    link=_shift_link(pair, shift),
                    shift_id=shift.pk,
                )
            )

    # Evidence she shared since the last 1:1.
    previous = (
        OneOnOne.objects.of_pair(manager=pair.manager, person=person)
        .filter(started_at__lt=meeting.started_at)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    shared = Evidence.objects.by(person).shared()
    if previous is not None:
        shared = shared.filter(created_at__gt=previous)
    for evidence in shared.newest_first()[:EVIDENCE_SUGGESTED]:
        found.append(
            Suggestion(
                key=f"evidence:{evidence.pk}",
                kind="evidence",
                text=f"Evidence shared: {evidence.title} ({evidence.happened_on:%-d %b %Y})",
                link=reverse("evidence_detail", args=[evidence.pk]),
            )
        )

    # Her focus and its next steps: hers to bring up (her manager does not see her focus).
    if not pair.viewer_is_manager:
        for focus in Focus.objects.filter(person=person, cleared_at__isnull=True).select_related(
            "shift"
        ):
            found.append(
                Suggestion(
                    key=f"focus:{focus.pk}",
                    kind="focus",
                    text=f"Focus: {_shift_name(focus.shift)} — next step: {focus.next_step}",
                    link=reverse("focus_list"),
                    shift_id=focus.shift_id,
                )
            )

    # An overdue check-in.
    last_checkin = latest_two[0][1] if latest_two else None
    if progress.is_checkin_due(person, last_checkin, now=now):
        due = progress.checkin_due_at(person, last_checkin)
        found.append(
            Suggestion(
                key=f"checkin-due:{due:%Y-%m-%d}",
                kind="checkin",
                text=f"Check-in overdue since {due:%-d %b %Y}",
                link=reverse("team") if pair.viewer_is_manager else reverse("checkin_new"),
            )
        )

    # Open action items carried over from an earlier 1:1.
    meeting_url = reverse("one_on_one_detail", args=[pair.partner.username, meeting.pk])
    for row in actions:
        if row.carried_over and not row.item.is_done:
            found.append(
                Suggestion(
                    key=f"action:{row.item.pk}",
                    kind="action",
                    text=f"Open action: {row.item.text} ({row.owner_name}, due "
                    f"{row.item.due_on:%-d %b %Y})",
                    link=f"{meeting_url}#action-{row.item.pk}",
                    shift_id=row.item.shift_id,
                )
            )

    taken = set(
        AgendaItem.objects.filter(meeting=meeting)
        .exclude(suggestion="")
        .order_by()
        .values_list("suggestion", flat=True)
        .union(
            DismissedSuggestion.objects.filter(meeting=meeting)
            .order_by()
            .values_list("key", flat=True)
        )
    )
    return [s for s in found if s.key not in taken]


def action_rows(pair: Pair, meeting: OneOnOne, *, today: date) -> list[ActionRow]:
    """The action items of a meeting: those agreed in it, and — while it is open — every
    earlier one still open, plus those checked off since it started. One query."""
    pair_actions = ActionItem.objects.filter(
        meeting__manager=pair.manager, meeting__person=pair.person
    )
    if meeting.is_open:
        wanted = Q(meeting=meeting) | Q(done_at__isnull=True) | Q(done_at__gte=meeting.started_at)
    else:
        wanted = Q(meeting=meeting) | Q(
            done_at__gte=meeting.started_at,
            done_at__lte=meeting.closed_at,
            meeting__started_at__lt=meeting.started_at,
        )
    names = {pair.manager.pk: pair.manager.display_name, pair.person.pk: pair.person.display_name}
    return [
        ActionRow(
            item=item,
            owner_name=names.get(item.owner_id, "someone else"),
            carried_over=item.meeting_id != meeting.pk,
            overdue=not item.is_done and item.due_on < today,
        )
        for item in pair_actions.filter(wanted, meeting__started_at__lte=meeting.started_at)
        .select_related("shift")
        .order_by("done_at", "due_on", "pk")
    ]


def agenda(pair: Pair, meeting: OneOnOne, *, now: datetime) -> Agenda:
    """Everything one of the pair sees of one meeting: her private note only, never the
    other's."""
    framework = content.framework(pair.person.framework_id)
    actions = action_rows(pair, meeting, today=now.date())
    return Agenda(
        pair=pair,
        meeting=meeting,
        items=list(meeting.items.select_related("author", "shift").order_by("order")),
        actions=actions,
        suggestions=suggestions(pair, meeting, now=now, actions=actions) if meeting.is_open else [],
        private_note=PrivateNote.objects.filter(meeting=meeting, author=pair.viewer).first(),
        history=list(OneOnOne.objects.of_pair(manager=pair.manager, person=pair.person)),
        shifts=content.active_shifts(framework) if framework else [],
    )


@dataclass
class PairSummary:
    partner: User
    as_manager: bool
    last_started: datetime | None
    open_id: int | None
    meetings: int


def overview(user: User) -> list[PairSummary]:
    """The user's 1:1 pairs: with her own manager, then with each direct report. Two
    queries."""
    partners = list(
        User.objects.filter(
            Q(manager=user, is_active=True) | Q(pk=user.manager_id or 0, is_active=True)
        )
        .exclude(pk=user.pk)
        .order_by("first_name", "username")
    )
    meetings = OneOnOne.objects.filter(
        Q(manager=user, person__in=partners) | Q(person=user, manager__in=partners)
    ).values_list("manager_id", "person_id", "pk", "started_at", "closed_at")
    summaries = {
        p.pk: PairSummary(
            partner=p,
            as_manager=p.manager_id == user.pk,
            last_started=None,
            open_id=None,
            meetings=0,
        )
        for p in partners
    }
    for manager_id, person_id, pk, started_at, closed_at in meetings:
        summary = summaries[person_id if manager_id == user.pk else manager_id]
        summary.meetings += 1
        if summary.last_started is None or started_at > summary.last_started:
            summary.last_started = started_at
        if closed_at is None:
            summary.open_id = pk
    return sorted(summaries.values(), key=lambda s: s.as_manager)
