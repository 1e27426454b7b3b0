"""Reads that gather a person's progress across models, as plain data for templates.

Every function here runs a fixed number of queries whatever the amount of history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Avg, Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from leadership.models import User
from transitions import charts, content, feedback
from transitions.models import (
    LEVEL_DESCRIPTIONS,
    Area,
    CheckIn,
    CheckInQuerySet,
    Evidence,
    EvidenceShift,
    FeedbackRequest,
    Framework,
    Level,
    Rating,
    Review,
    ReviewRating,
    Shift,
    ShiftRevision,
)

LEVELS = [(level.value, level.label, LEVEL_DESCRIPTIONS[level.value]) for level in Level]


def level_label(level: int | None) -> str:
    return Level(level).label if level else "—"


@dataclass
class Earlier:
    """A person's rating of a shift in an earlier check-in, shown beside a new one."""

    level: int | None
    on: datetime
    revision_number: int | None = None
    meaning_changed: bool = False

    @property
    def label(self) -> str:
        return level_label(self.level)


@dataclass
class RatingRow:
    """One shift in a check-in, with what the page may show about it.

    `earlier` (the previous check-in's rating) is set only where the page may show it: in a
    draft, once the shift is rated again; in a submitted check-in, always."""

    shift: Shift
    revision_id: int | None = None
    level: int | None = None
    note: str = ""
    version: int = 0
    earlier: Earlier | None = None
    needs_evidence: bool = False
    rated_wording: ShiftRevision | None = None
    meaning_changed: bool = False
    area_title: str = ""
    errors: list[str] = field(default_factory=list)
    saved: bool = False

    @property
    def label(self) -> str:
        return level_label(self.level)

    @property
    def change(self) -> int | None:
        if self.earlier is None or self.earlier.meaning_changed:
            return None
        if self.level is None or self.earlier.level is None:
            return None
        return self.level - self.earlier.level


@dataclass
class AreaRows:
    area: Area
    rows: list[Any]
    title: str = ""


def group_by_area(rows: list[Any]) -> list[AreaRows]:
    """Rows (anything with a `.shift`, in framework order) grouped under their area, titled
    as the rows say (`area_title`: the title when they were rated) or as it is now."""
    groups: dict[int, AreaRows] = {}
    for row in rows:
        group = groups.setdefault(row.shift.area_id, AreaRows(area=row.shift.area, rows=[]))
        group.rows.append(row)
        group.title = getattr(row, "area_title", "") or row.shift.area.title
    return list(groups.values())


def _earlier(checkin: CheckIn) -> CheckInQuerySet:
    earlier = (
        CheckIn.objects.of(checkin.person_id).submitted().filter(framework=checkin.framework_id)
    )
    if checkin.submitted_at is not None:
        earlier = earlier.filter(submitted_at__lt=checkin.submitted_at)
    return earlier


def previous_ratings(checkin: CheckIn) -> dict[int, Earlier]:
    """The ratings (by shift id) of the person's last submitted check-in before this one,
    with the wording revision each was made against. One query."""
    previous_pk = _earlier(checkin).order_by("-submitted_at").values("pk")[:1]
    rows = Rating.objects.filter(checkin_id=Subquery(previous_pk)).values_list(
        "shift_id", "level", "revision__number", "checkin__submitted_at"
    )
    return {
        shift_id: Earlier(level=level, on=submitted_at, revision_number=number)
        for shift_id, level, number, submitted_at in rows
    }


def _compared(
    earlier: Earlier | None, history: content.WordingHistory, shift_id: int, rated: int | None
) -> Earlier | None:
    """`earlier`, saying whether a change of meaning lies between it and a rating made
    against revision `rated` (None: today's wording)."""
    if earlier is not None:
        earlier.meaning_changed = history.meaning_changed_between(
            shift_id, earlier.revision_number, rated
        )
    return earlier


def draft_rows(checkin: CheckIn, *, only: Shift | None = None) -> list[RatingRow]:
    """The rows of a draft: every active shift, its rating so far, and — once rated in this
    check-in — the previous rating and whether evidence backs a rise."""
    shifts = content.active_shifts(checkin.framework)
    if only is not None:
        shifts = [shift for shift in shifts if shift.pk == only.pk]
    history = content.wording_history(checkin.framework_id)
    ratings = {
        r.shift_id: r for r in checkin.ratings.filter(shift__in=shifts).select_related("revision")
    }
    earlier = previous_ratings(checkin)
    previous_on = next((e.on for e in earlier.values()), None)
    evidenced: set[int] = set()
    if previous_on is not None:
        evidenced = set(
            Evidence.objects.by(checkin.person_id)
            .filter(happened_on__gte=previous_on.date(), shift_links__shift__in=shifts)
            .values_list("shift_links__shift_id", flat=True)
        )
    rows = []
    for shift in shifts:
        rating = ratings.get(shift.pk)
        row = RatingRow(
            shift=shift,
            revision_id=shift.current_revision_id,
            level=rating.level if rating else None,
            note=rating.note if rating else "",
            version=rating.version if rating else 0,
        )
        if rating is not None and rating.revision_id != shift.current_revision_id:
            row.rated_wording = rating.revision
            row.meaning_changed = history.meaning_changed_since(shift.pk, rating.revision.number)
        if row.level is not None and previous_on is not None:
            rated = rating.revision.number if rating else None
            row.earlier = _compared(earlier.get(shift.pk), history, shift.pk, rated) or Earlier(
                level=None, on=previous_on
            )
            row.needs_evidence = (
                row.change is not None and row.change > 0 and shift.pk not in evidenced
            )
        rows.append(row)
    return rows


def submitted_rows(checkin: CheckIn) -> list[RatingRow]:
    """The rows of a submitted check-in as rated: the wording and area title it was made
    against, whether the meaning changed since, and the change since the check-in before."""
    history = content.wording_history(checkin.framework_id)
    ratings = list(
        checkin.ratings.select_related("shift__area", "revision").order_by(
            "shift__area__order", "shift__order"
        )
    )
    earlier = previous_ratings(checkin)
    previous_on = next((e.on for e in earlier.values()), None)
    return [
        RatingRow(
            shift=rating.shift,
            revision_id=rating.revision_id,
            level=rating.level,
            note=rating.note,
            earlier=_compared(
                earlier.get(rating.shift_id), history, rating.shift_id, rating.revision.number
            )
            or (Earlier(level=None, on=previous_on) if previous_on else None),
            rated_wording=rating.revision,
            meaning_changed=history.meaning_changed_since(rating.shift_id, rating.revision.number),
            area_title=history.area_title_at(
                rating.shift.area_id, checkin.submitted_at, rating.shift.area.title
            ),
        )
        for rating in ratings
    ]


def checkin_summaries(person: User) -> list[CheckIn]:
    """The person's check-ins, newest first, each annotated with its average and counts."""
    return list(
        CheckIn.objects.of(person)
        .select_related("framework")
        .annotate(
            average=Avg("ratings__level"),
            rated=Count("ratings", filter=Q(ratings__level__isnull=False)),
        )
        .order_by("status", "-submitted_at", "-created_at")
    )


@dataclass
class ShiftStanding:
    shift: Shift
    level: int | None
    previous: int | None
    last_evidence_on: date | None
    revision: ShiftRevision | None = None
    meaning_changed: bool = False

    @property
    def revision_number(self) -> int | None:
        return self.revision.number if self.revision else None

    @property
    def label(self) -> str:
        return level_label(self.level)

    @property
    def change(self) -> int | None:
        if self.level is None or self.previous is None or self.meaning_changed:
            return None
        return self.level - self.previous


def standings(
    person: User,
    framework: Framework,
    *,
    shifts: list[Shift] | None = None,
    before: datetime | None = None,
) -> list[ShiftStanding]:
    """Each active shift (or each of `shifts`) with the person's level in her latest and
    previous submitted check-in (as of `before`, if given) and the date of her latest
    evidence for it. Two queries, each served by an index whatever the history's size."""
    if shifts is None:
        shifts = content.active_shifts(framework)
    history = content.wording_history(framework.pk)
    latest_two = (
        CheckIn.objects.of(person).submitted().filter(framework=framework).order_by("-submitted_at")
    )
    if before is not None:
        latest_two = latest_two.filter(submitted_at__lte=before)
    levels: dict[int, list[int]] = defaultdict(list)
    wordings: dict[int, ShiftRevision] = {}
    for shift_id, level, number, from_text, to_text in (
        Rating.objects.filter(
            checkin_id__in=Subquery(latest_two.values("pk")[:2]), level__isnull=False
        )
        .order_by("-checkin__submitted_at")
        .values_list(
            "shift_id", "level", "revision__number", "revision__from_text", "revision__to_text"
        )
    ):
        levels[shift_id].append(level)
        wordings.setdefault(
            shift_id, ShiftRevision(number=number, from_text=from_text, to_text=to_text)
        )
    last_evidence = dict(
        EvidenceShift.objects.filter(evidence__author=person, shift__in=[s.pk for s in shifts])
        .values("shift_id")
        .annotate(last=Max("evidence__happened_on"))
        .values_list("shift_id", "last")
    )
    result = []
    for shift in shifts:
        latest, previous, *_ = [*levels.get(shift.pk, []), None, None]
        result.append(
            ShiftStanding(
                shift=shift,
                level=latest,
                previous=previous,
                last_evidence_on=last_evidence.get(shift.pk),
                revision=wordings.get(shift.pk),
                meaning_changed=history.meaning_changed_since(
                    shift.pk, wordings[shift.pk].number if shift.pk in wordings else None
                ),
            )
        )
    return result


@dataclass
class AreaTrend:
    area: Area
    points: list[tuple[datetime, float]]

    @property
    def latest(self) -> float | None:
        return self.points[-1][1] if self.points else None


def area_trends(person: User, framework: Framework) -> tuple[list[datetime], list[AreaTrend]]:
    """The average level per area in every submitted check-in, oldest first. One query."""
    rows = (
        Rating.objects.filter(
            checkin__person=person,
            checkin__framework=framework,
            checkin__status=CheckIn.Status.SUBMITTED,
            level__isnull=False,
        )
        .values(
            "checkin_id",
            "checkin__submitted_at",
            "shift__area_id",
            "shift__area__slug",
            "shift__area__title",
            "shift__area__order",
        )
        .annotate(average=Avg("level"))
        .order_by("checkin__submitted_at", "shift__area__order")
    )
    dates: dict[int, datetime] = {}
    trends: dict[int, AreaTrend] = {}
    for row in rows:
        when = row["checkin__submitted_at"]
        dates[row["checkin_id"]] = when
        area_id = row["shift__area_id"]
        if area_id not in trends:
            area = Area(
                pk=area_id,
                slug=row["shift__area__slug"],
                title=row["shift__area__title"],
                order=row["shift__area__order"],
            )
            trends[area_id] = AreaTrend(area=area, points=[])
        trends[area_id].points.append((when, float(row["average"])))
    return sorted(dates.values()), sorted(trends.values(), key=lambda t: t.area.order)


# Manager review


DISCONNECT_GAP = 2
GAP_WORDS = {
    0: "Aligned — no discussion needed",
    1: "Close — a short discussion",
    DISCONNECT_GAP: "Real disconnect — talk it through",
}


def gap_words(gap: int | None) -> str:
    if gap is None:
        return ""
    return GAP_WORDS[min(gap, DISCONNECT_GAP)]


def is_disconnect(gap: int | None) -> bool:
    """A gap of DISCONNECT_GAP steps or more between self and manager: talk it through."""
    return gap is not None and gap >= DISCONNECT_GAP


@dataclass
class Reveal:
    """What the manager may see of a shift once he has rated it: her self-rating, her
    shared evidence since the last completed review, and his own rating in his last one."""

    self_level: int | None
    self_previous: int | None = None
    self_meaning_changed: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    evidence_count: int = 0
    feedback: list[FeedbackRequest] = field(default_factory=list)
    evidence_since: datetime | None = None
    last_level: int | None = None
    last_on: datetime | None = None
    last_meaning_changed: bool = False

    @property
    def self_label(self) -> str:
        return level_label(self.self_level)

    @property
    def last_label(self) -> str:
        return level_label(self.last_level)

    @property
    def self_change(self) -> int | None:
        if self.self_level is None or self.self_previous is None:
            return None
        return self.self_level - self.self_previous


@dataclass
class ReviewRow:
    """One shift on the review page: the manager's rating and, only once he has rated it,
    `reveal`. Templates show what `reveal` holds and nothing else of the report's ratings."""

    shift: Shift
    revision_id: int | None = None
    level: int | None = None
    comment: str = ""
    response: str = ""
    version: int = 0
    reveal: Reveal | None = None
    rated_wording: ShiftRevision | None = None
    meaning_changed: bool = False
    area_title: str = ""
    errors: list[str] = field(default_factory=list)
    saved: bool = False

    @property
    def revealed(self) -> bool:
        return self.reveal is not None

    @property
    def label(self) -> str:
        return level_label(self.level)

    @property
    def gap(self) -> int | None:
        if self.reveal is None or self.level is None or self.reveal.self_level is None:
            return None
        return abs(self.level - self.reveal.self_level)

    @property
    def gap_words(self) -> str:
        return gap_words(self.gap)

    @property
    def is_disconnect(self) -> bool:
        return is_disconnect(self.gap)


def may_reveal(review: Review, rating: ReviewRating | None) -> bool:
    """The blind-rating rule, in one place: the manager sees a report's self-rating of a
    shift only in a completed review, or once he has rated that shift in his draft."""
    if not review.is_draft:
        return True
    return rating is not None and rating.level is not None


EVIDENCE_PER_SHIFT = 5


def shared_evidence_by_shift(
    person: User, shifts: list[Shift], *, since: datetime | None = None
) -> dict[int, list[Evidence]]:
    """The person's shared evidence per shift (logged after `since`), newest first. Two
    queries."""
    evidence = Evidence.objects.by(person).shared().filter(shift_links__shift__in=shifts)
    if since is not None:
        evidence = evidence.filter(created_at__gt=since)
    by_shift: dict[int, list[Evidence]] = defaultdict(list)
    wanted = {shift.pk for shift in shifts}
    for item in evidence.newest_first().distinct().with_shifts():
        for shift in item.shifts.all():
            if shift.pk in wanted:
                by_shift[shift.pk].append(item)
    return by_shift


def last_completed_review(person: User, *, by: User | None = None) -> Review | None:
    """The person's latest completed review (by one manager, if given)."""
    reviews = Review.objects.completed().filter(person=person)
    if by is not None:
        reviews = reviews.filter(manager=by)
    return reviews.select_related("manager").order_by("-completed_at").first()


_LOOK_UP = Review(pk=0)


def review_rows(
    review: Review, *, only: Shift | None = None, last: Review | None = _LOOK_UP
) -> list[ReviewRow]:
    """The rows of a review. A draft covers every active shift; a completed one what it
    rated, with the wording and area titles it was rated against. `last`: the report's
    last completed review, if the caller has it already."""
    history = content.wording_history(review.framework_id)
    if review.is_draft:
        shifts = content.active_shifts(review.framework)
    else:
        shifts = list(
            Shift.objects.filter(review_ratings__review=review).in_order().with_current_revision()
        )
    if only is not None:
        shifts = [shift for shift in shifts if shift.pk == only.pk]
    ratings = {
        r.shift_id: r for r in review.ratings.filter(shift__in=shifts).select_related("revision")
    }
    selves = {
        s.shift.pk: s
        for s in standings(
            review.person, review.framework, shifts=shifts, before=review.completed_at
        )
    }
    evidence: dict[int, list[Evidence]] = {}
    shared_feedback: dict[int, list[FeedbackRequest]] = {}
    mine: dict[int, tuple[int | None, int]] = {}
    my_last = None
    if not review.is_draft:
        last = None
    elif last is _LOOK_UP:
        last = last_completed_review(review.person)
    if review.is_draft:
        evidence = shared_evidence_by_shift(
            review.person, shifts, since=last.completed_at if last else None
        )
        shared_feedback = feedback.shared_by_shift(review.person, shifts)
        my_last = last if last and last.manager_id == review.manager_id else None
        if my_last is None and last is not None and review.manager_id is not None:
            my_last = last_completed_review(review.person, by=review.manager)
        if my_last is not None:
            mine = {
                shift_id: (level, number)
                for shift_id, level, number in my_last.ratings.values_list(
                    "shift_id", "level", "revision__number"
                )
            }
    rows = []
    for shift in shifts:
        rating = ratings.get(shift.pk)
        row = ReviewRow(
            shift=shift,
            revision_id=shift.current_revision_id,
            level=rating.level if rating else None,
            comment=rating.comment if rating else "",
            response=rating.response if rating else "",
            version=rating.version if rating else 0,
        )
        if not review.is_draft and rating is not None:
            row.revision_id = rating.revision_id
            row.rated_wording = rating.revision
            row.meaning_changed = history.meaning_changed_since(shift.pk, rating.revision.number)
            row.area_title = history.area_title_at(
                shift.area_id, review.completed_at, shift.area.title
            )
        if may_reveal(review, rating):
            standing = selves.get(shift.pk)
            found = evidence.get(shift.pk, [])
            last_level, last_number = mine.get(shift.pk, (None, None))
            judged_number = rating.revision.number if rating else None
            row.reveal = Reveal(
                self_level=standing.level if standing else None,
                self_previous=standing.previous if standing else None,
                self_meaning_changed=bool(
                    standing
                    and history.meaning_changed_between(
                        shift.pk, standing.revision_number, judged_number
                    )
                ),
                evidence=found[:EVIDENCE_PER_SHIFT],
                evidence_count=len(found),
                feedback=shared_feedback.get(shift.pk, []),
                evidence_since=last.completed_at if last else None,
                last_level=last_level,
                last_on=my_last.completed_at if my_last and last_level else None,
                last_meaning_changed=history.meaning_changed_between(
                    shift.pk, last_number, judged_number
                ),
            )
        rows.append(row)
    return rows


def by_disagreement(rows: list[ReviewRow]) -> list[ReviewRow]:
    """Unrated shifts first (in framework order), then the largest gaps."""
    return sorted(rows, key=lambda r: (r.revealed, -(r.gap if r.gap is not None else -1)))


@dataclass
class OpenReview:
    """A manager's review in progress of one report: which shifts he has rated so far."""

    pk: int
    framework_id: int
    rated: set[int] = field(default_factory=set)

    @property
    def _framework_shifts(self) -> tuple[list[Shift], list[Shift]]:
        framework = content.framework(self.framework_id)
        if framework is None:
            return [], []
        return content.all_shifts(framework), content.active_shifts(framework)

    @property
    def hidden(self) -> set[int]:
        """The shifts whose self-rating stays hidden: those of her framework not rated yet."""
        every, _ = self._framework_shifts
        return {s.pk for s in every} - self.rated

    @property
    def total(self) -> int:
        return len(self._framework_shifts[1])

    @property
    def rated_count(self) -> int:
        return len({s.pk for s in self._framework_shifts[1]} & self.rated)


def open_reviews(manager: User, people: list[User]) -> dict[int, OpenReview]:
    """Per person, the manager's review of her in progress, with the shifts rated. One query
    (the framework's shifts come from the content cache)."""
    found: dict[int, OpenReview] = {}
    drafts = (
        Review.objects.drafts()
        .filter(manager=manager, person__in=[p.pk for p in people])
        .values_list("person_id", "pk", "framework_id", "ratings__shift_id", "ratings__level")
    )
    for person_id, pk, framework_id, shift_id, level in drafts:
        review = found.setdefault(person_id, OpenReview(pk=pk, framework_id=framework_id))
        if shift_id is not None and level is not None:
            review.rated.add(shift_id)
    return found


def hidden_self_ratings(
    manager: User, people: list[User], *, drafts: dict[int, OpenReview] | None = None
) -> dict[int, set[int]]:
    """Per person, the shifts whose self-rating the manager may not see yet: those of her
    framework that his open review of her has not rated. The blind rule beyond the review
    page (team page, quarter timeline, packet). One query, none given `drafts`."""
    if drafts is None:
        drafts = open_reviews(manager, people)
    return {person_id: review.hidden for person_id, review in drafts.items()}


# When a check-in is due


def checkin_due_at(person: User, last_checkin: datetime | None) -> datetime:
    """The one definition of "a check-in is due": one interval after the person's last
    submitted check-in, or after she joined if she has never checked in. Used by the
    dashboard, the team page, the account page and the reminders."""
    return (last_checkin or person.date_joined) + timedelta(days=person.checkin_interval_days)


def is_checkin_due(person: User, last_checkin: datetime | None, *, now: datetime) -> bool:
    return checkin_due_at(person, last_checkin) <= now


# The team page


@dataclass
class AreaLevels:
    title: str
    self_level: float | None
    manager_level: float | None
    self_hidden: bool = False


@dataclass
class Gap:
    shift_slug: str
    shift_text: str
    self_level: int
    manager_level: int
    earlier_wording: bool = False

    @property
    def size(self) -> int:
        return abs(self.self_level - self.manager_level)

    @property
    def words(self) -> str:
        return gap_words(self.size)

    @property
    def is_disconnect(self) -> bool:
        return is_disconnect(self.size)


@dataclass
class TeamRow:
    person: User
    last_checkin: datetime | None
    last_review: datetime | None
    shared_since: int
    is_due: bool
    areas: list[AreaLevels]
    gaps: list[Gap]
    hidden_self: int = 0
    last_review_id: int | None = None
    awaiting_acknowledgement: bool = False
    open_review: OpenReview | None = None


def _average(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def team_rows(manager: User, *, now: datetime, sort: str = "name") -> list[TeamRow]:
    """One row per direct report. Five queries, however many reports and however much
    history: the reports with their latest check-in and review (and whether she has
    acknowledged it), those check-ins' ratings, those reviews' ratings, the evidence each
    shared since her latest review, and the manager's open reviews (how far each is, and
    whose unrated shifts keep their self-ratings hidden)."""
    latest_checkin = CheckIn.objects.filter(
        person=OuterRef("pk"), status=CheckIn.Status.SUBMITTED
    ).order_by("-submitted_at")
    latest_review = Review.objects.filter(
        person=OuterRef("pk"), status=Review.Status.COMPLETED
    ).order_by("-completed_at")
    people = list(
        User.objects.direct_reports_of(manager)
        .order_by()  # sorted below; letting the manager index find the rows
        .annotate(
            last_checkin=Subquery(latest_checkin.values("submitted_at")[:1]),
            last_checkin_id=Subquery(latest_checkin.values("pk")[:1]),
            last_review=Subquery(latest_review.values("completed_at")[:1]),
            last_review_id=Subquery(latest_review.values("pk")[:1]),
            last_review_acknowledged=Subquery(latest_review.values("acknowledged_at")[:1]),
        )
    )
    fields = (
        "shift_id",
        "level",
        "shift__slug",
        "revision__to_text",
        "revision__number",
        "shift__area_id",
        "shift__area__title",
        "shift__area__order",
        "shift__area__framework_id",
    )
    checkin_ids = [p.last_checkin_id for p in people if p.last_checkin_id]
    review_ids = [p.last_review_id for p in people if p.last_review_id]
    # Selected by id and mapped back to the person here: joining the check-in or review
    # table for its person_id would make PostgreSQL hash that whole table.
    person_of_checkin = {p.last_checkin_id: p.pk for p in people if p.last_checkin_id}
    person_of_review = {p.last_review_id: p.pk for p in people if p.last_review_id}
    self_rows = Rating.objects.filter(checkin_id__in=checkin_ids, level__isnull=False).values(
        "checkin_id", *fields
    )
    manager_rows = ReviewRating.objects.filter(
        review_id__in=review_ids, level__isnull=False
    ).values("review_id", *fields)
    since = [
        Q(author_id=p.pk, created_at__gt=p.last_review) if p.last_review else Q(author_id=p.pk)
        for p in people
    ]
    shared: dict[int, int] = {}
    if since:
        shared = dict(
            Evidence.objects.filter(reduce(or_, since), visibility=Evidence.Visibility.SHARED)
            .order_by()
            .values("author_id")
            .annotate(count=Count("pk"))
            .values_list("author_id", "count")
        )
    drafts = open_reviews(manager, people)
    hidden = hidden_self_ratings(manager, people, drafts=drafts)
    selves: dict[int, dict[int, dict]] = defaultdict(dict)
    hidden_count: dict[int, int] = defaultdict(int)
    hidden_areas: dict[int, set[int]] = defaultdict(set)
    for row in self_rows:
        person_id = person_of_checkin[row["checkin_id"]]
        if row["shift_id"] in hidden.get(person_id, ()):
            # A partial average would be read as the area's: the whole area waits.
            hidden_count[person_id] += 1
            hidden_areas[person_id].add(row["shift__area_id"])
            continue
        selves[person_id][row["shift_id"]] = row
    managers: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in manager_rows:
        managers[person_of_review[row["review_id"]]][row["shift_id"]] = row

    rows = []
    for person in people:
        own, judged = selves.get(person.pk, {}), managers.get(person.pk, {})
        areas: dict[int, tuple[int, str, list[int], list[int]]] = {}
        for shift_id, row in sorted(
            {**judged, **own}.items(), key=lambda item: item[1]["shift__area__order"]
        ):
            _, _, mine, theirs = areas.setdefault(
                row["shift__area_id"],
                (row["shift__area__order"], row["shift__area__title"], [], []),
            )
            if shift_id in own:
                mine.append(own[shift_id]["level"])
            if shift_id in judged:
                theirs.append(judged[shift_id]["level"])
        gaps = sorted(
            (
                _gap(own[shift_id], judged[shift_id])
                for shift_id in own.keys() & judged.keys()
                if own[shift_id]["level"] != judged[shift_id]["level"]
            ),
            key=lambda gap: -gap.size,
        )[:2]
        rows.append(
            TeamRow(
                person=person,
                last_checkin=person.last_checkin,
                last_review=person.last_review,
                shared_since=shared.get(person.pk, 0),
                is_due=is_checkin_due(person, person.last_checkin, now=now),
                areas=[
                    AreaLevels(
                        title=title,
                        self_level=None if hidden_area else _average(mine),
                        manager_level=_average(theirs),
                        self_hidden=hidden_area,
                    )
                    for area_id, (_, title, mine, theirs) in areas.items()
                    for hidden_area in [area_id in hidden_areas[person.pk]]
                ],
                gaps=gaps,
                hidden_self=hidden_count.get(person.pk, 0),
                last_review_id=person.last_review_id,
                awaiting_acknowledgement=bool(
                    person.last_review_id and person.last_review_acknowledged is None
                ),
                open_review=drafts.get(person.pk),
            )
        )
    return _sorted_team(rows, sort)


def _gap(own: dict[str, Any], judged: dict[str, Any]) -> Gap:
    """A gap between the latest self and manager ratings of a shift, named by the wording
    her self-rating was made against."""
    history = content.wording_history(own["shift__area__framework_id"])
    numbers = sorted([own["revision__number"], judged["revision__number"]])
    earlier = history.meaning_changed_between(own["shift_id"], *numbers)
    return Gap(
        shift_slug=own["shift__slug"],
        shift_text=own["revision__to_text"],
        self_level=own["level"],
        manager_level=judged["level"],
        earlier_wording=earlier,
    )


TEAM_SORTS = {"name", "-name", "last_checkin", "-last_checkin"}


def _sorted_team(rows: list[TeamRow], sort: str) -> list[TeamRow]:
    reverse = sort.startswith("-")
    if sort.lstrip("-") == "last_checkin":
        # Never checked in counts as the oldest.
        oldest = datetime.min.replace(tzinfo=UTC)
        return sorted(rows, key=lambda r: r.last_checkin or oldest, reverse=reverse)
    return sorted(rows, key=lambda r: (str(r.person).lower(), r.person.username), reverse=reverse)


# Per-shift timeline, quarter by quarter


@dataclass
class Quarter:
    label: str
    self_level: int | None
    manager_level: int | None
    evidence_count: int
    self_earlier_wording: bool = False
    manager_earlier_wording: bool = False


def _quarter(moment: date) -> tuple[int, int]:
    return moment.year, (moment.month - 1) // 3 + 1


def _latest_per_quarter(
    rows: Any, history: content.WordingHistory, shift: Shift
) -> dict[tuple[int, int], tuple[datetime, int, bool]]:
    latest: dict[tuple[int, int], tuple[datetime, int, bool]] = {}
    for when, level, number in rows:
        key = _quarter(timezone.localtime(when).date())
        if key not in latest or latest[key][0] < when:
            latest[key] = (when, level, history.meaning_changed_since(shift.pk, number))
    return latest


@dataclass
class Timeline:
    quarters: list[Quarter]
    self_hidden: bool = False

    @property
    def has_earlier_wording(self) -> bool:
        return any(q.self_earlier_wording or q.manager_earlier_wording for q in self.quarters)


def shift_timeline(
    person: User,
    shift: Shift,
    *,
    evidence: QuerySet[Evidence],
    today: date,
    quarters: int = 4,
    hide_self: bool = False,
) -> Timeline:
    """Quarter by quarter, oldest first: the last self rating (unless `hide_self`), the
    last manager rating from a completed review, and how much evidence (of `evidence`) was
    logged; each rating says whether the shift's meaning changed since. Three queries."""
    history = content.wording_history(shift.area.framework_id)
    selves = Rating.objects.filter(
        shift=shift,
        checkin__person=person,
        checkin__status=CheckIn.Status.SUBMITTED,
        level__isnull=False,
    ).values_list("checkin__submitted_at", "level", "revision__number")
    judged = ReviewRating.objects.filter(
        shift=shift,
        review__person=person,
        review__status=Review.Status.COMPLETED,
        level__isnull=False,
    ).values_list("review__completed_at", "level", "revision__number")
    logged = evidence.filter(shift_links__shift=shift).values_list("happened_on", flat=True)

    self_by_q = {} if hide_self else _latest_per_quarter(selves, history, shift)
    manager_by_q = _latest_per_quarter(judged, history, shift)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for happened_on in logged:
        counts[_quarter(happened_on)] += 1

    year, q = _quarter(today)
    first = min([*self_by_q, *manager_by_q, *counts, (year, q)])
    keys = []
    while (year, q) >= first or len(keys) < quarters:
        keys.append((year, q))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    result = []
    for key in reversed(keys):
        mine, theirs = self_by_q.get(key), manager_by_q.get(key)
        result.append(
            Quarter(
                label=f"{key[0]} Q{key[1]}",
                self_level=mine[1] if mine else None,
                manager_level=theirs[1] if theirs else None,
                evidence_count=counts.get(key, 0),
                self_earlier_wording=bool(mine and mine[2]),
                manager_earlier_wording=bool(theirs and theirs[2]),
            )
        )
    return Timeline(quarters=result, self_hidden=hide_self)


# The promotion packet


@dataclass
class PacketRow:
    shift: Shift
    self_level: int | None
    manager_level: int | None
    manager_comment: str
    trend: charts.LineChart
    trend_levels: list[int]
    evidence: list[Evidence]
    self_earlier_wording: ShiftRevision | None = None
    manager_earlier_wording: ShiftRevision | None = None
    self_hidden: bool = False
    response: str = ""  # hers to the manager's rating, given when she acknowledged the review
    attestations: list[FeedbackRequest] = field(default_factory=list)

    @property
    def self_label(self) -> str:
        return level_label(self.self_level)

    @property
    def manager_label(self) -> str:
        return level_label(self.manager_level)


@dataclass
class Packet:
    person: User
    framework: Framework
    review: Review | None
    areas: list[tuple[Area, list[PacketRow]]]
    include_private: bool
    since: datetime


PACKET_EVIDENCE = 3


def packet(
    person: User,
    framework: Framework,
    *,
    include_private: bool,
    now: datetime,
    hidden_self: set[int] | None = None,
) -> Packet:
    """Everything a promotion conversation needs, per area and shift: each shift in today's
    wording, and each rating made against a wording whose meaning changed since says so
    with that wording. Self-ratings of `hidden_self` shifts are left out (blind review), and
    attestations she has not shared are shown only with `include_private`. Seven queries."""
    hidden_self = hidden_self or set()
    history = content.wording_history(framework.pk)
    since = now - timedelta(days=365)
    shifts = content.active_shifts(framework)
    latest = {s.shift.pk: s for s in standings(person, framework, shifts=shifts)}
    review = (
        Review.objects.completed()
        .filter(person=person, framework=framework)
        .select_related("manager")
        .order_by("-completed_at")
        .first()
    )
    judged = {r.shift_id: r for r in review.ratings.select_related("revision")} if review else {}
    history_levels: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for shift_id, when, level in (
        Rating.objects.filter(
            checkin__person=person,
            checkin__status=CheckIn.Status.SUBMITTED,
            checkin__submitted_at__gte=since,
            shift__in=shifts,
            level__isnull=False,
        )
        .order_by("checkin__submitted_at")
        .values_list("shift_id", "checkin__submitted_at", "level")
    ):
        history_levels[shift_id].append((when, level))
    evidence = Evidence.objects.by(person)
    if not include_private:
        evidence = evidence.shared()
    by_shift: dict[int, list[Evidence]] = defaultdict(list)
    for item in (
        evidence.filter(shift_links__shift__in=shifts).newest_first().distinct().with_shifts()
    ):
        for shift in item.shifts.all():
            by_shift[shift.pk].append(item)
    attested = feedback.attestations_by_shift(person, shifts, shared_only=not include_private)
    groups: dict[int, tuple[Area, list[PacketRow]]] = {}
    for shift in shifts:
        hidden = shift.pk in hidden_self
        dated = [] if hidden else history_levels.get(shift.pk, [])
        levels = [level for _, level in dated]
        standing = None if hidden else latest.get(shift.pk)
        rating = judged.get(shift.pk)
        row = PacketRow(
            shift=shift,
            self_level=standing.level if standing else None,
            manager_level=rating.level if rating else None,
            manager_comment=rating.comment if rating else "",
            response=rating.response if rating else "",
            trend=charts.line_chart(
                [""] * len(levels),
                [("", list(enumerate(levels)))],
                x_dates=[when for when, _ in dated],
                width=120,
                height=36,
                padding=(4, 4, 4, 4),
            ),
            trend_levels=levels,
            evidence=by_shift.get(shift.pk, [])[:PACKET_EVIDENCE],
            self_hidden=hidden,
            attestations=attested.get(shift.pk, []),
        )
        if standing and history.meaning_changed_since(shift.pk, standing.revision_number):
            row.self_earlier_wording = standing.revision
        if rating and history.meaning_changed_since(shift.pk, rating.revision.number):
            row.manager_earlier_wording = rating.revision
        groups.setdefault(shift.area_id, (shift.area, []))[1].append(row)
    return Packet(
        person=person,
        framework=framework,
        review=review,
        areas=list(groups.values()),
        include_private=include_private,
        since=since,
    )
