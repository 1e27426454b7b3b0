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
from transitions import charts, content
from transitions.models import (
    LEVEL_DESCRIPTIONS,
    Area,
    CheckIn,
    CheckInQuerySet,
    Evidence,
    EvidenceShift,
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
class RatingRow:
    """One shift in a check-in, with what the page may show about it."""

    shift: Shift
    revision_id: int | None = None
    level: int | None = None
    note: str = ""
    previous: int | None = None
    previous_on: datetime | None = None
    needs_evidence: bool = False
    rated_wording: ShiftRevision | None = None
    errors: list[str] = field(default_factory=list)
    saved: bool = False

    @property
    def label(self) -> str:
        return level_label(self.level)

    @property
    def previous_label(self) -> str:
        return level_label(self.previous)

    @property
    def change(self) -> int | None:
        if self.level is None or self.previous is None:
            return None
        return self.level - self.previous

    @property
    def wording_changed(self) -> bool:
        return self.rated_wording is not None and (
            self.rated_wording.from_text,
            self.rated_wording.to_text,
        ) != (self.shift.from_text, self.shift.to_text)


@dataclass
class AreaRows:
    area: Area
    rows: list[Any]


def group_by_area(rows: list[Any]) -> list[AreaRows]:
    """Rows (anything with a `.shift`, in framework order) grouped under their area."""
    groups: dict[int, AreaRows] = {}
    for row in rows:
        group = groups.setdefault(row.shift.area_id, AreaRows(area=row.shift.area, rows=[]))
        group.rows.append(row)
    return list(groups.values())


def _earlier(checkin: CheckIn) -> CheckInQuerySet:
    earlier = (
        CheckIn.objects.of(checkin.person_id).submitted().filter(framework=checkin.framework_id)
    )
    if checkin.submitted_at is not None:
        earlier = earlier.filter(submitted_at__lt=checkin.submitted_at)
    return earlier


def previous_levels(checkin: CheckIn) -> tuple[dict[int, int | None], datetime | None]:
    """The levels (by shift id) of the person's last submitted check-in before this one, and
    its date. One query, whether or not there is such a check-in."""
    previous_pk = _earlier(checkin).order_by("-submitted_at").values("pk")[:1]
    rows = Rating.objects.filter(checkin_id=Subquery(previous_pk)).values_list(
        "shift_id", "level", "checkin__submitted_at"
    )
    levels: dict[int, int | None] = {}
    previous_on = None
    for shift_id, level, submitted_at in rows:
        levels[shift_id] = level
        previous_on = submitted_at
    return levels, previous_on


def draft_rows(checkin: CheckIn, *, only: Shift | None = None) -> list[RatingRow]:
    """The rows of a draft: every active shift, its rating so far, and — once rated in this
    check-in — the previous rating and whether evidence backs a rise."""
    shifts = content.active_shifts(checkin.framework)
    if only is not None:
        shifts = [shift for shift in shifts if shift.pk == only.pk]
    ratings = {r.shift_id: r for r in checkin.ratings.filter(shift__in=shifts)}
    earlier, previous_on = previous_levels(checkin)
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
        )
        if row.level is not None and previous_on is not None:
            row.previous = earlier.get(shift.pk)
            row.previous_on = previous_on
            row.needs_evidence = (
                row.previous is not None and row.level > row.previous and shift.pk not in evidenced
            )
        rows.append(row)
    return rows


def submitted_rows(checkin: CheckIn) -> list[RatingRow]:
    """The rows of a submitted check-in, as rated (wording included), with the change since
    the previous submitted check-in."""
    ratings = list(
        checkin.ratings.select_related("shift__area", "revision").order_by(
            "shift__area__order", "shift__order"
        )
    )
    earlier, previous_on = previous_levels(checkin)
    return [
        RatingRow(
            shift=rating.shift,
            revision_id=rating.revision_id,
            level=rating.level,
            note=rating.note,
            previous=earlier.get(rating.shift_id),
            previous_on=previous_on,
            rated_wording=rating.revision,
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

    @property
    def label(self) -> str:
        return level_label(self.level)

    @property
    def change(self) -> int | None:
        if self.level is None or self.previous is None:
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
    latest_two = (
        CheckIn.objects.of(person).submitted().filter(framework=framework).order_by("-submitted_at")
    )
    if before is not None:
        latest_two = latest_two.filter(submitted_at__lte=before)
    levels: dict[int, list[int]] = defaultdict(list)
    for shift_id, level in (
        Rating.objects.filter(
            checkin_id__in=Subquery(latest_two.values("pk")[:2]), level__isnull=False
        )
        .order_by("-checkin__submitted_at")
        .values_list("shift_id", "level")
    ):
        levels[shift_id].append(level)
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


GAP_WORDS = {
    0: "Aligned — no discussion needed",
    1: "Close — a short discussion",
    2: "Real disconnect — talk it through",
}


def gap_words(gap: int | None) -> str:
    if gap is None:
        return ""
    return GAP_WORDS[min(gap, 2)]


@dataclass
class ReviewRow:
    """One shift on the review page: the manager's rating and, once she has rated it, the
    report's self rating, the gap and the report's shared evidence."""

    shift: Shift
    revision_id: int | None = None
    level: int | None = None
    comment: str = ""
    self_level: int | None = None
    self_previous: int | None = None
    evidence: list[Evidence] = field(default_factory=list)
    evidence_count: int = 0
    errors: list[str] = field(default_factory=list)
    saved: bool = False

    @property
    def revealed(self) -> bool:
        return self.level is not None

    @property
    def label(self) -> str:
        return level_label(self.level)

    @property
    def self_label(self) -> str:
        return level_label(self.self_level)

    @property
    def self_change(self) -> int | None:
        if self.self_level is None or self.self_previous is None:
            return None
        return self.self_level - self.self_previous

    @property
    def gap(self) -> int | None:
        if self.level is None or self.self_level is None:
            return None
        return abs(self.level - self.self_level)

    @property
    def gap_words(self) -> str:
        return gap_words(self.gap)

    @property
    def is_disconnect(self) -> bool:
        return self.gap is not None and self.gap >= 2


EVIDENCE_PER_SHIFT = 5


def shared_evidence_by_shift(person: User, shifts: list[Shift]) -> dict[int, list[Evidence]]:
    """The person's shared evidence per shift, newest first. Two queries."""
    evidence = (
        Evidence.objects.by(person)
        .shared()
        .filter(shift_links__shift__in=shifts)
        .newest_first()
        .distinct()
        .with_shifts()
    )
    by_shift: dict[int, list[Evidence]] = defaultdict(list)
    wanted = {shift.pk for shift in shifts}
    for item in evidence:
        for shift in item.shifts.all():
            if shift.pk in wanted:
                by_shift[shift.pk].append(item)
    return by_shift


def review_rows(review: Review, *, only: Shift | None = None) -> list[ReviewRow]:
    """The rows of a review. A draft covers every active shift; a completed one what it rated."""
    if review.is_draft:
        shifts = content.active_shifts(review.framework)
    else:
        shifts = list(
            Shift.objects.filter(review_ratings__review=review).in_order().with_current_revision()
        )
    if only is not None:
        shifts = [shift for shift in shifts if shift.pk == only.pk]
    ratings = {r.shift_id: r for r in review.ratings.filter(shift__in=shifts)}
    selves = {
        s.shift.pk: s
        for s in standings(
            review.person, review.framework, shifts=shifts, before=review.completed_at
        )
    }
    evidence = shared_evidence_by_shift(review.person, shifts)
    rows = []
    for shift in shifts:
        rating = ratings.get(shift.pk)
        standing = selves.get(shift.pk)
        row = ReviewRow(
            shift=shift,
            revision_id=rating.revision_id
            if rating and not review.is_draft
            else shift.current_revision_id,
            level=rating.level if rating else None,
            comment=rating.comment if rating else "",
        )
        if row.revealed:
            row.self_level = standing.level if standing else None
            row.self_previous = standing.previous if standing else None
            row.evidence_count = len(evidence.get(shift.pk, []))
            row.evidence = evidence.get(shift.pk, [])[:EVIDENCE_PER_SHIFT]
        rows.append(row)
    return rows


def by_disagreement(rows: list[ReviewRow]) -> list[ReviewRow]:
    """Unrated shifts first (in framework order), then the largest gaps."""
    return sorted(rows, key=lambda r: (r.revealed, -(r.gap if r.gap is not None else -1)))


# The team page


@dataclass
class AreaLevels:
    title: str
    self_level: float | None
    manager_level: float | None


@dataclass
class Gap:
    shift_slug: str
    shift_text: str
    self_level: int
    manager_level: int

    @property
    def size(self) -> int:
        return abs(self.self_level - self.manager_level)

    @property
    def words(self) -> str:
        return gap_words(self.size)


@dataclass
class TeamRow:
    person: User
    last_checkin: datetime | None
    last_review: datetime | None
    shared_since: int
    is_overdue: bool
    areas: list[AreaLevels]
    gaps: list[Gap]


def _average(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def team_rows(manager: User, *, now: datetime, sort: str = "name") -> list[TeamRow]:
    """One row per direct report. Four queries, however many reports and however much history:
    the reports with their latest check-in and review, those check-ins' ratings, those
    reviews' ratings, and the evidence each shared since her latest review."""
    latest_checkin = CheckIn.objects.filter(
        person=OuterRef("pk"), status=CheckIn.Status.SUBMITTED
    ).order_by("-submitted_at")
    latest_review = Review.objects.filter(
        person=OuterRef("pk"), status=Review.Status.COMPLETED
    ).order_by("-completed_at")
    people = list(
        User.objects.filter(manager=manager, is_active=True)
        .order_by()  # sorted below; letting the manager index find the rows
        .annotate(
            last_checkin=Subquery(latest_checkin.values("submitted_at")[:1]),
            last_checkin_id=Subquery(latest_checkin.values("pk")[:1]),
            last_review=Subquery(latest_review.values("completed_at")[:1]),
            last_review_id=Subquery(latest_review.values("pk")[:1]),
        )
    )
    fields = (
        "shift_id",
        "level",
        "shift__slug",
        "shift__to_text",
        "shift__area__title",
        "shift__area__order",
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
    for person in people:
        person.shared_since = shared.get(person.pk, 0)
    selves: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in self_rows:
        selves[person_of_checkin[row["checkin_id"]]][row["shift_id"]] = row
    managers: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in manager_rows:
        managers[person_of_review[row["review_id"]]][row["shift_id"]] = row

    rows = []
    for person in people:
        own, judged = selves.get(person.pk, {}), managers.get(person.pk, {})
        areas: dict[str, tuple[int, list[int], list[int]]] = {}
        for shift_id, row in sorted(
            {**judged, **own}.items(), key=lambda item: item[1]["shift__area__order"]
        ):
            _, mine, theirs = areas.setdefault(
                row["shift__area__title"], (row["shift__area__order"], [], [])
            )
            if shift_id in own:
                mine.append(own[shift_id]["level"])
            if shift_id in judged:
                theirs.append(judged[shift_id]["level"])
        gaps = sorted(
            (
                Gap(
                    shift_slug=own[shift_id]["shift__slug"],
                    shift_text=own[shift_id]["shift__to_text"],
                    self_level=own[shift_id]["level"],
                    manager_level=judged[shift_id]["level"],
                )
                for shift_id in own.keys() & judged.keys()
                if own[shift_id]["level"] != judged[shift_id]["level"]
            ),
            key=lambda gap: -gap.size,
        )[:2]
        due = (
            person.last_checkin + timedelta(days=person.checkin_interval_days)
            if person.last_checkin
            else None
        )
        rows.append(
            TeamRow(
                person=person,
                last_checkin=person.last_checkin,
                last_review=person.last_review,
                shared_since=person.shared_since,
                is_overdue=due is None or due < now,
                areas=[
                    AreaLevels(
                        title=title, self_level=_average(mine), manager_level=_average(theirs)
                    )
                    for title, (_, mine, theirs) in areas.items()
                ],
                gaps=gaps,
            )
        )
    return _sorted_team(rows, sort)


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


def _quarter(moment: date) -> tuple[int, int]:
    return moment.year, (moment.month - 1) // 3 + 1


def shift_timeline(
    person: User, shift: Shift, *, evidence: QuerySet[Evidence], today: date, quarters: int = 4
) -> list[Quarter]:
    """Quarter by quarter, oldest first: the last self rating, the last manager rating from a
    completed review, and how much evidence (of `evidence`) was logged. Three queries."""
    selves = Rating.objects.filter(
        shift=shift,
        checkin__person=person,
        checkin__status=CheckIn.Status.SUBMITTED,
        level__isnull=False,
    ).values_list("checkin__submitted_at", "level")
    judged = ReviewRating.objects.filter(
        shift=shift,
        review__person=person,
        review__status=Review.Status.COMPLETED,
        level__isnull=False,
    ).values_list("review__completed_at", "level")
    logged = evidence.filter(shift_links__shift=shift).values_list("happened_on", flat=True)

    self_by_q: dict[tuple[int, int], tuple[datetime, int]] = {}
    for when, level in selves:
        key = _quarter(timezone.localtime(when).date())
        if key not in self_by_q or self_by_q[key][0] < when:
            self_by_q[key] = (when, level)
    manager_by_q: dict[tuple[int, int], tuple[datetime, int]] = {}
    for when, level in judged:
        key = _quarter(timezone.localtime(when).date())
        if key not in manager_by_q or manager_by_q[key][0] < when:
            manager_by_q[key] = (when, level)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for happened_on in logged:
        counts[_quarter(happened_on)] += 1

    year, q = _quarter(today)
    first = min([*self_by_q, *manager_by_q, *counts, (year, q)])
    keys = []
    while (year, q) >= first or len(keys) < quarters:
        keys.append((year, q))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return [
        Quarter(
            label=f"{y} Q{n}",
            self_level=self_by_q[(y, n)][1] if (y, n) in self_by_q else None,
            manager_level=manager_by_q[(y, n)][1] if (y, n) in manager_by_q else None,
            evidence_count=counts.get((y, n), 0),
        )
        for y, n in reversed(keys)
    ]


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


def packet(person: User, framework: Framework, *, include_private: bool, now: datetime) -> Packet:
    """Everything a promotion conversation needs, per area and shift. Six queries."""
    since = now - timedelta(days=365)
    shifts = content.active_shifts(framework)
    latest = {s.shift.pk: s.level for s in standings(person, framework, shifts=shifts)}
    review = (
        Review.objects.completed()
        .filter(person=person, framework=framework)
        .select_related("manager")
        .order_by("-completed_at")
        .first()
    )
    judged = {r.shift_id: r for r in review.ratings.all()} if review else {}
    history: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
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
        history[shift_id].append((when, level))
    evidence = Evidence.objects.by(person)
    if not include_private:
        evidence = evidence.shared()
    by_shift: dict[int, list[Evidence]] = defaultdict(list)
    for item in (
        evidence.filter(shift_links__shift__in=shifts).newest_first().distinct().with_shifts()
    ):
        for shift in item.shifts.all():
            by_shift[shift.pk].append(item)
    groups: dict[int, tuple[Area, list[PacketRow]]] = {}
    for shift in shifts:
        dated = history.get(shift.pk, [])
        levels = [level for _, level in dated]
        rating = judged.get(shift.pk)
        row = PacketRow(
            shift=shift,
            self_level=latest.get(shift.pk),
            manager_level=rating.level if rating else None,
            manager_comment=rating.comment if rating else "",
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
        )
        groups.setdefault(shift.area_id, (shift.area, []))[1].append(row)
    return Packet(
        person=person,
        framework=framework,
        review=review,
        areas=list(groups.values()),
        include_private=include_private,
        since=since,
    )
