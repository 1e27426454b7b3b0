"""The Head of Product's view: everyone under her, at any depth, in aggregate.

What it reads is what she may see of people who are not her direct reports: levels from
submitted check-ins, levels from completed reviews, counts and dates. Never a note, a comment,
a summary, evidence text or anything in a draft. Every function runs a fixed number of
queries whatever the number of people.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.db.models import Avg, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from leadership.models import User
from transitions import charts, content, progress
from transitions.models import (
    Area,
    CheckIn,
    Evidence,
    EvidenceShift,
    FeedbackRequest,
    Framework,
    Level,
    Rating,
    Review,
    ReviewRating,
    Shift,
)

#: Ready for the next step: the manager rates her at least Consistent on three quarters of
#: the shifts (9 of the article's 12), each of them backed within BACKED_WITHIN.
READY_LEVEL = Level.CONSISTENT
READY_SHARE = 3 / 4
#: Within this many shifts of ready: listed as close to ready.
CLOSE_TO_READY = 2
BACKED_WITHIN = timedelta(days=183)  # six months
REVIEW_STALE_AFTER = timedelta(days=183)  # six months
EVIDENCE_QUIET_AFTER = timedelta(days=90)
QUARTERS = 8  # two years


def ready_needed(shift_count: int) -> int:
    """How many shifts must be at READY_LEVEL and backed: 9 of 12."""
    return math.ceil(shift_count * READY_SHARE)


def backed_shifts(people: Iterable[int], since: date) -> dict[int, set[int]]:
    """Per person (by id), the shifts backed on or after `since`: by evidence she shared with
    her manager, dated then or later, or by feedback answered then or later that she shared
    and attached to the shift as an attestation. The one home of "backed" for readiness.
    One query."""
    people = list(people)
    evidence = (
        EvidenceShift.objects.filter(
            evidence__author_id__in=people,
            evidence__visibility=Evidence.Visibility.SHARED,
            evidence__happened_on__gte=since,
        )
        .values_list("evidence__author_id", "shift_id")
        .order_by()
    )
    attestations = (
        FeedbackRequest.objects.filter(
            requester_id__in=people,
            attested_shift__isnull=False,
            shared_at__isnull=False,
            answered_at__date__gte=since,
        )
        .values_list("requester_id", "attested_shift_id")
        .order_by()
    )
    backed: dict[int, set[int]] = defaultdict(set)
    for person_id, shift_id in evidence.union(attestations):
        backed[person_id].add(shift_id)
    return dict(backed)


@dataclass
class Cell:
    """One person's level for one shift in the heatmap, readable as text."""

    level: int | None
    hidden: bool = False

    @property
    def label(self) -> str:
        if self.hidden:
            return "Hidden"
        if self.level is None:
            return "Not rated"
        return progress.level_label(self.level)

    @property
    def css_class(self) -> str:
        if self.hidden or self.level is None:
            return "heat--none"
        return f"heat--{self.level}"


@dataclass
class OrgPerson:
    person: User
    team: User | None
    is_direct: bool
    last_checkin: datetime | None
    checkin_due_at: datetime
    is_due: bool
    last_review: datetime | None
    last_shared: date | None
    self_levels: dict[int, int] = field(default_factory=dict)
    manager_levels: dict[int, int] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)
    backed: set[int] = field(default_factory=set)
    consistent: int = 0
    ready_shifts: int = 0
    needed: int = 0
    cells: list[Cell] = field(default_factory=list)

    @property
    def is_ready(self) -> bool:
        return self.needed > 0 and self.ready_shifts >= self.needed

    @property
    def short_of(self) -> int:
        return max(self.needed - self.ready_shifts, 0)

    @property
    def team_name(self) -> str:
        return self.team.display_name if self.team else ""


@dataclass
class ShiftDistribution:
    shift: Shift
    number: int
    self_levels: charts.Distribution
    manager_levels: charts.Distribution


@dataclass
class AreaQuarters:
    area: Area
    labels: list[str]
    self_averages: list[float | None]
    manager_averages: list[float | None]
    chart: charts.LineChart

    @property
    def rows(self) -> list[tuple[str, float | None, float | None]]:
        return list(zip(self.labels, self.self_averages, self.manager_averages, strict=True))


@dataclass
class Org:
    people: list[OrgPerson]
    shifts: list[Shift]
    distributions: list[ShiftDistribution]
    areas: list[AreaQuarters]
    needed: int
    now: datetime

    @cached_property
    def teams(self) -> list[User]:
        """The managers of the people under her (each a team), by name."""
        found = {p.team.pk: p.team for p in self.people if p.team is not None}
        return sorted(found.values(), key=lambda m: (m.display_name.lower(), m.username))

    @cached_property
    def checkin_due(self) -> list[OrgPerson]:
        return sorted((p for p in self.people if p.is_due), key=lambda p: p.checkin_due_at)

    @cached_property
    def review_stale(self) -> list[OrgPerson]:
        """No completed review, or the latest older than six months; the oldest first."""
        cutoff = self.now - REVIEW_STALE_AFTER
        oldest = datetime.min.replace(tzinfo=self.now.tzinfo)
        stale = [p for p in self.people if p.last_review is None or p.last_review < cutoff]
        return sorted(stale, key=lambda p: (p.last_review or oldest, _name_key(p)))

    @cached_property
    def evidence_quiet(self) -> list[OrgPerson]:
        """No evidence shared in the last 90 days; the longest quiet first."""
        cutoff = timezone.localdate(self.now) - EVIDENCE_QUIET_AFTER
        quiet = [p for p in self.people if p.last_shared is None or p.last_shared < cutoff]
        return sorted(quiet, key=lambda p: (p.last_shared or date.min, _name_key(p)))

    @cached_property
    def ready(self) -> list[OrgPerson]:
        return sorted((p for p in self.people if p.is_ready), key=_name_key)

    @cached_property
    def close_to_ready(self) -> list[OrgPerson]:
        close = [p for p in self.people if 0 < p.short_of <= CLOSE_TO_READY]
        return sorted(close, key=lambda p: (p.short_of, _name_key(p)))


def _name_key(row: OrgPerson) -> tuple[str, str]:
    return (row.person.display_name.lower(), row.person.username)


SORTS = {
    "name": _name_key,
    "team": lambda row: (row.team_name.lower(), *_name_key(row)),
    "readiness": lambda row: (-row.ready_shifts, -row.consistent, *_name_key(row)),
}
MODES = ("manager", "self")


def heatmap(
    org: Org, *, team: str = "", sort: str = "name", mode: str = "manager"
) -> list[OrgPerson]:
    """The people of the heatmap: of one team (a manager's username) or all, sorted, each
    with one cell per shift holding the latest manager level or, in "self" mode, her own."""
    rows = [p for p in org.people if not team or (p.team and p.team.username == team)]
    for row in rows:
        levels = row.self_levels if mode == "self" else row.manager_levels
        row.cells = [
            Cell(
                level=levels.get(shift.pk),
                hidden=mode == "self" and shift.pk in row.hidden,
            )
            for shift in org.shifts
        ]
    return sorted(rows, key=SORTS.get(sort, _name_key))


def org_overview(
    viewer: User, people: QuerySet[User], framework: Framework, *, now: datetime
) -> Org:
    """Everyone of `people` (the viewer's organisation, from `access.org_for`) with her latest
    submitted self levels and latest completed-review levels per shift of `framework`, the
    coverage dates, readiness, the per-shift distributions and each area's average by
    quarter. Seven queries, whatever the number of people: the people with their latest
    check-in, review and shared evidence; those check-ins' ratings; those reviews' ratings;
    the backed shifts; the viewer's own open reviews (the blind rule: her direct reports' self
    levels stay hidden until she rates them); the self and the manager averages by quarter."""
    shifts = content.active_shifts(framework)
    shift_ids = [shift.pk for shift in shifts]
    latest_checkin = CheckIn.objects.filter(
        person=OuterRef("pk"), status=CheckIn.Status.SUBMITTED
    ).order_by("-submitted_at")
    latest_review = Review.objects.filter(
        person=OuterRef("pk"), status=Review.Status.COMPLETED
    ).order_by("-completed_at")
    latest_shared = Evidence.objects.filter(
        author=OuterRef("pk"), visibility=Evidence.Visibility.SHARED
    ).order_by("-happened_on")
    found = list(
        people.select_related("manager")
        .order_by()
        .annotate(
            last_checkin=Subquery(latest_checkin.values("submitted_at")[:1]),
            last_checkin_id=Subquery(latest_checkin.values("pk")[:1]),
            last_review=Subquery(latest_review.values("completed_at")[:1]),
            last_review_id=Subquery(latest_review.values("pk")[:1]),
            last_shared=Subquery(latest_shared.values("happened_on")[:1]),
        )
    )
    ids = [p.pk for p in found]
    person_of_checkin = {p.last_checkin_id: p.pk for p in found if p.last_checkin_id}
    person_of_review = {p.last_review_id: p.pk for p in found if p.last_review_id}
    selves: dict[int, dict[int, int]] = defaultdict(dict)
    for checkin_id, shift_id, level in Rating.objects.filter(
        checkin_id__in=list(person_of_checkin), shift_id__in=shift_ids, level__isnull=False
    ).values_list("checkin_id", "shift_id", "level"):
        selves[person_of_checkin[checkin_id]][shift_id] = level
    judged: dict[int, dict[int, int]] = defaultdict(dict)
    for review_id, shift_id, level in ReviewRating.objects.filter(
        review_id__in=list(person_of_review), shift_id__in=shift_ids, level__isnull=False
    ).values_list("review_id", "shift_id", "level"):
        judged[person_of_review[review_id]][shift_id] = level
    backed = backed_shifts(ids, timezone.localdate(now) - BACKED_WITHIN)
    direct = [p for p in found if p.manager_id == viewer.pk]
    hidden = progress.hidden_self_ratings(viewer, direct)

    needed = ready_needed(len(shifts))
    rows = []
    for person in found:
        mine = selves.get(person.pk, {})
        theirs = judged.get(person.pk, {})
        at_level = {s for s, level in theirs.items() if level >= READY_LEVEL}
        her_backed = backed.get(person.pk, set())
        row = OrgPerson(
            person=person,
            team=person.manager,
            is_direct=person.manager_id == viewer.pk,
            last_checkin=person.last_checkin,
            checkin_due_at=progress.checkin_due_at(person, person.last_checkin),
            is_due=progress.is_checkin_due(person, person.last_checkin, now=now),
            last_review=person.last_review,
            last_shared=person.last_shared,
            self_levels=mine,
            manager_levels=theirs,
            hidden=hidden.get(person.pk, set()),
            backed=her_backed,
            consistent=len(at_level),
            ready_shifts=len(at_level & her_backed),
            needed=needed,
        )
        rows.append(row)
    return Org(
        people=rows,
        shifts=shifts,
        distributions=_distributions(rows, shifts),
        areas=_quarterly(ids, shifts, now=now),
        needed=needed,
        now=now,
    )


def _distributions(rows: list[OrgPerson], shifts: list[Shift]) -> list[ShiftDistribution]:
    result = []
    for number, shift in enumerate(shifts, start=1):
        mine, theirs = [0] * 5, [0] * 5
        for row in rows:
            if shift.pk in row.self_levels and shift.pk not in row.hidden:
                mine[row.self_levels[shift.pk] - 1] += 1
            if shift.pk in row.manager_levels:
                theirs[row.manager_levels[shift.pk] - 1] += 1
        result.append(
            ShiftDistribution(
                shift=shift,
                number=number,
                self_levels=charts.distribution(mine),
                manager_levels=charts.distribution(theirs),
            )
        )
    return result


def _quarter(moment: date) -> tuple[int, int]:
    return moment.year, (moment.month - 1) // 3 + 1


def quarters_until(today: date, count: int = QUARTERS) -> list[tuple[int, int]]:
    """The `count` quarters up to and including today's, oldest first."""
    year, q = _quarter(today)
    keys = []
    for _ in range(count):
        keys.append((year, q))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return keys[::-1]


def _quarterly(people: list[int], shifts: list[Shift], *, now: datetime) -> list[AreaQuarters]:
    """Per area, the average of the self levels submitted and of the manager levels given in
    completed reviews, quarter by quarter over the last two years. Two queries."""
    keys = quarters_until(timezone.localdate(now))
    first_year, first_q = keys[0]
    start = timezone.make_aware(datetime(first_year, 3 * first_q - 2, 1))
    shift_ids = [shift.pk for shift in shifts]
    averages: dict[str, dict[tuple[int, int, int], float]] = {"self": {}, "manager": {}}
    queries = {
        "self": Rating.objects.filter(
            checkin__person_id__in=people,
            checkin__status=CheckIn.Status.SUBMITTED,
            checkin__submitted_at__gte=start,
        ).annotate(quarter=TruncQuarter("checkin__submitted_at")),
        "manager": ReviewRating.objects.filter(
            review__person_id__in=people,
            review__status=Review.Status.COMPLETED,
            review__completed_at__gte=start,
        ).annotate(quarter=TruncQuarter("review__completed_at")),
    }
    for side, ratings in queries.items():
        for quarter, area_id, average in (
            ratings.filter(shift_id__in=shift_ids, level__isnull=False)
            .values("quarter", area_id=F("shift__area_id"))
            .annotate(average=Avg("level"))
            .order_by()
            .values_list("quarter", "area_id", "average")
        ):
            moment = timezone.localtime(quarter) if timezone.is_aware(quarter) else quarter
            averages[side][(*_quarter(moment.date()), area_id)] = round(float(average), 1)
    labels = [f"{year} Q{q}" for year, q in keys]
    areas: dict[int, Area] = {}
    for shift in shifts:
        areas.setdefault(shift.area_id, shift.area)
    result = []
    for area in areas.values():
        mine = [averages["self"].get((y, q, area.pk)) for y, q in keys]
        theirs = [averages["manager"].get((y, q, area.pk)) for y, q in keys]
        chart = charts.line_chart(
            labels,
            [
                ("Self, submitted check-ins", list(enumerate(mine))),
                ("Manager, completed reviews", list(enumerate(theirs))),
            ],
            width=480,
            height=200,
        )
        result.append(
            AreaQuarters(
                area=area,
                labels=labels,
                self_averages=mine,
                manager_averages=theirs,
                chart=chart,
            )
        )
    return result
