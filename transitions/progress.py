"""Reads that gather a person's progress across models, as plain data for templates.

Every function here runs a fixed number of queries whatever the amount of history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Avg, Count, Max, OuterRef, Q, Subquery

from leadership.models import User
from transitions.models import (
    LEVEL_DESCRIPTIONS,
    Area,
    CheckIn,
    CheckInQuerySet,
    Evidence,
    Framework,
    Level,
    Rating,
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
    rows: list[RatingRow]


def group_by_area(rows: list[RatingRow]) -> list[AreaRows]:
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
    shifts = Shift.objects.of_framework(checkin.framework).active().in_order()
    if only is not None:
        shifts = shifts.filter(pk=only.pk)
    shifts = list(shifts.with_current_revision())
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


def standings(person: User, framework: Framework) -> list[ShiftStanding]:
    """Each active shift with the person's latest and previous submitted level, and the date
    of her latest evidence for it. One query."""
    submitted = Rating.objects.filter(
        shift=OuterRef("pk"),
        checkin__person=person,
        checkin__status=CheckIn.Status.SUBMITTED,
        level__isnull=False,
    ).order_by("-checkin__submitted_at")
    shifts = (
        Shift.objects.of_framework(framework)
        .active()
        .in_order()
        .annotate(
            latest_level=Subquery(submitted.values("level")[:1]),
            previous_level=Subquery(submitted.values("level")[1:2]),
            last_evidence_on=Max(
                "evidence_links__evidence__happened_on",
                filter=Q(evidence_links__evidence__author=person),
            ),
        )
    )
    return [
        ShiftStanding(
            shift=shift,
            level=shift.latest_level,
            previous=shift.previous_level,
            last_evidence_on=shift.last_evidence_on,
        )
        for shift in shifts
    ]


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
