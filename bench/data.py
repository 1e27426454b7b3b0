"""The benchmark's data set: people, reporting lines and three years of history.

2,000 people: 200 managers (`mgr001`…`mgr200`) and 1,800 product managers (`pm0001`…`pm1800`).
Everyone but `mgr001` reports to a manager: `mgr200` has 50 reports, every other manager
9 or 10 (so some managers' reports are managers themselves). Everyone has 36 monthly submitted
check-ins rating the 12 shifts, about 100 evidence entries linked to 1-3 shifts each, a few
focus shifts, and everyone with a manager has two completed reviews by that manager.

Rows are generated in Python from a fixed seed and written with PostgreSQL's COPY (psycopg 3),
table by table, in one transaction.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from leadership.models import User
from transitions import versions
from transitions.models import (
    CheckIn,
    Evidence,
    EvidenceShift,
    Focus,
    Framework,
    Rating,
    Review,
    ReviewRating,
    Shift,
    ShiftRevision,
)

PASSWORD = "bench-password-not-secret"  # noqa: S105 - only ever in the benchmark database
SEED = 20261129
MANAGERS = 200
PEOPLE = 2000
BIG_TEAM = 50
CHECKINS = 36
EVIDENCE_PER_PERSON = 100
#: A word that evidence titles and bodies contain now and then, for `/evidence/?q=`.
SEARCH_WORD = "offsite"


def manager_username(n: int) -> str:
    return f"mgr{n:03d}"


def pm_username(n: int) -> str:
    return f"pm{n:04d}"


BIG_MANAGER = manager_username(MANAGERS)
#: A Head of Product: `reporting_lines` fills the managers breadth first, so `mgr002` has ten
#: managers under her, their teams and their teams' teams: 999 people at any depth (/org/).
ORG_HEAD = manager_username(2)
ORG_SIZE = 999


def team_sizes() -> dict[int, int]:
    """How many reports each manager (1-based) has: BIG_TEAM for the last one, 10 or 9 for
    the others, so that everyone except manager 1 has exactly one manager."""
    reports = PEOPLE - 1
    sizes = dict.fromkeys(range(1, MANAGERS), 10)
    sizes[MANAGERS] = BIG_TEAM
    n = MANAGERS - 1
    while sum(sizes.values()) > reports:
        sizes[n] -= 1
        n -= 1
    return sizes


def reporting_lines() -> dict[str, str | None]:
    """username -> manager's username. Managers are filled in order, breadth first, with the
    other managers first and then the product managers, so no chain loops back."""
    people = [manager_username(n) for n in range(2, MANAGERS + 1)] + [
        pm_username(n) for n in range(1, PEOPLE - MANAGERS + 1)
    ]
    lines: dict[str, str | None] = {manager_username(1): None}
    queue = iter(people)
    for n, size in sorted(team_sizes().items()):
        for _ in range(size):
            lines[next(queue)] = manager_username(n)
    assert len(lines) == PEOPLE
    return lines


FIRST_NAMES = [
    "Priya", "Sam", "Marco", "Alex", "Ana", "Ben", "Chloé", "Dev", "Elif", "Femi", "Grace",
    "Hiro", "Ines", "Jonas", "Kemi", "Lena", "Mateo", "Nora", "Omar", "Paula", "Quinn",
    "Rosa", "Sven", "Tara", "Umar", "Vera", "Wen", "Yara", "Zoe", "Luca",
]  # fmt: skip
LAST_NAMES = [
    "Shah", "Okafor", "Rossi", "Kim", "Silva", "Novak", "Dubois", "Patel", "Yilmaz", "Adeyemi",
    "Hughes", "Tanaka", "Moreau", "Berg", "Costa", "Fischer", "Garcia", "Haddad", "Ivanova",
    "Jensen", "Khan", "Larsen", "Müller", "Nakamura", "Olsen", "Petrov", "Quist", "Reyes",
]  # fmt: skip

VERBS = [
    "Ran", "Led", "Facilitated", "Drafted", "Presented", "Negotiated", "Coached", "Hired",
    "Reviewed", "Aligned", "Reframed", "Delegated", "Untangled", "Kicked off", "Closed",
]  # fmt: skip
OBJECTS = [
    "the quarterly roadmap review", "a discovery sprint", "the pricing workshop",
    "a 1:1 on career goals", "the onboarding plan for a new PM", "the board update",
    "the OKR draft", "a cross-team dependency meeting", "the sales kickoff demo",
    "a customer advisory session", "the product operations retro", "the hiring loop",
    "a strategy offsite session", "the churn analysis", "the platform migration plan",
    "the support escalation review", "a pricing experiment readout", "the design critique",
    "the annual planning memo", "a partner integration decision",
]  # fmt: skip
QUALIFIERS = [
    "with engineering leads", "for the leadership team", "with two new PMs",
    "across three squads", "with finance and sales", "for the CEO staff meeting",
    "with customer success", "without stepping in myself", "with the design team", "",
]  # fmt: skip
SENTENCES = [
    "I prepared the agenda and let the team run the discussion.",
    "We agreed on the three outcomes that matter most this quarter.",
    "Two PMs presented their own areas; I only framed the trade-offs.",
    "The sales leads challenged the pricing assumptions and we changed the tiers.",
    "I asked questions instead of handing out the answer.",
    "Finance now uses our metrics in their forecast.",
    "The decision was written down and shared with everyone affected.",
    "I coached the new PM through her first stakeholder review.",
    "We cut two initiatives to make room for the platform work.",
    "The CEO asked for the same format in the next board meeting.",
    "Customer interviews showed that onboarding, not pricing, drives churn.",
    "I delegated the release planning and reviewed it once.",
    "The engineering managers co-own the roadmap now.",
    "Feedback was specific and given the same day.",
    "We replaced the status meeting with a written update.",
]  # fmt: skip
NOTES = [
    "Better than last month.", "Still doing too much myself.", "Got good feedback from my team.",
    "Need an example for this.", "Steady.", "A tough month.", "Tried the new approach twice.",
    "Discussed with my manager.", "This is where I want to focus.", "",
]  # fmt: skip


@dataclass
class Report:
    counts: dict[str, int]
    seconds: dict[str, float]


def _defaults(model: type[models.Model], given: Sequence[str]) -> dict[str, Any]:
    """Values for the columns that the generator does not fill (e.g. a field added later)."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.attname in given:
            continue
        if field.has_default() or field.null or (field.blank and field.empty_strings_allowed):
            values[field.attname] = field.get_default()  # "" for a text field left blank
        else:
            raise RuntimeError(
                f"{model.__name__}.{field.name} has no default: teach bench/data.py to fill it."
            )
    return values


def copy_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """COPY `rows` (tuples in the order of `fields`, attnames) into the model's table."""
    extra = _defaults(model, fields)
    tail = tuple(extra.values())
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    names += "".join(", " + connection.ops.quote_name(c) for c in extra)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((*row, *tail) if tail else row)
            count += 1
    return count


@contextmanager
def bulk_load_mode(
    tables: Sequence[type[models.Model]], *, log: Callable[[str], None]
) -> Iterator[None]:
    """Drop the tables' foreign keys and plain (non-unique) indexes, and put them back after
    the load: PostgreSQL then checks each foreign key with one query and builds each index in
    one pass, instead of a deferred trigger and an index insert per row. Run it inside the
    loading transaction, so nobody ever sees the tables without them."""
    fks: list[tuple[str, str, str]] = []
    indexes: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem TO '256MB'")
        # No row triggers during the load (the version tokens: one per person, given after).
        cursor.execute("SET LOCAL session_replication_role = replica")
        for model in tables:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            for name, definition in cursor.fetchall():
                fks.append((table, name, definition))
                cursor.execute(f"ALTER TABLE {_q(table)} DROP CONSTRAINT {_q(name)}")
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = %s::regclass AND NOT indisprimary AND NOT indisunique",
                [table],
            )
            for name, definition in cursor.fetchall():
                indexes.append(definition)
                cursor.execute(f"DROP INDEX {name}")
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute(versions.fill_sql(connection.vendor))
        for definition in indexes:
            cursor.execute(definition)
        log(f"  {len(indexes)} indexes rebuilt in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        for table, name, definition in fks:
            cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
        log(f"  {len(fks)} foreign keys checked in {time.perf_counter() - started:.1f} s")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def build(*, log: Callable[[str], None] = print) -> Report:
    """Write the whole data set. Run it on an empty (freshly migrated) database."""
    rng = random.Random(SEED)
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    today = now.date()
    framework = Framework.objects.default()
    if framework is None:
        raise RuntimeError("No default framework: did `migrate` run?")
    shifts = list(Shift.objects.of_framework(framework).active().in_order())
    # The current wording of each shift (its highest revision number): ratings point at it.
    revision: dict[int, int] = {}
    for r in ShiftRevision.objects.filter(shift__in=shifts).order_by("shift", "number"):
        revision[r.shift_id] = r.pk
    shift_ids = [s.pk for s in shifts]
    counts: dict[str, int] = {}
    seconds: dict[str, float] = {}

    def step(name: str, table: tuple[type[models.Model], list[str], Iterable]) -> None:
        started = time.perf_counter()
        counts[name] = copy_rows(*table)
        seconds[name] = round(time.perf_counter() - started, 2)
        log(f"  {name}: {counts[name]:,} rows in {seconds[name]:.1f} s")

    loaded = [User, CheckIn, Rating, Evidence, EvidenceShift, Focus, Review, ReviewRating]
    with transaction.atomic(), bulk_load_mode(loaded, log=log):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")

        # People
        lines = reporting_lines()
        usernames = list(lines)
        user_id = {name: _next_id(User) + i for i, name in enumerate(usernames)}
        password = make_password(PASSWORD)
        joined = now - timedelta(days=3 * 365 + 60)

        def users() -> Iterator[tuple]:
            for name in usernames:
                boss = lines[name]
                yield (
                    user_id[name],
                    name,
                    password,
                    rng.choice(FIRST_NAMES),
                    rng.choice(LAST_NAMES),
                    f"{name}@bench.example",
                    True,
                    False,
                    False,
                    joined,
                    user_id[boss] if boss else None,
                    30,
                )

        step(
            "users",
            (
                User,
                [
                    "id",
                    "username",
                    "password",
                    "first_name",
                    "last_name",
                    "email",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "date_joined",
                    "manager_id",
                    "checkin_interval_days",
                ],
                users(),
            ),
        )

        # Check-ins and ratings: a slow upward random walk per person and shift.
        checkin_rows: list[tuple] = []
        rating_rows: list[tuple] = []
        checkin_id = _next_id(CheckIn)
        rating_id = _next_id(Rating)
        levels_by_person: dict[str, dict[int, list[tuple[datetime, int]]]] = {}
        for name in usernames:
            level = {s: rng.choice([1, 1, 2, 2, 3]) for s in shift_ids}
            history: dict[int, list[tuple[datetime, int]]] = {s: [] for s in shift_ids}
            for month in range(CHECKINS, 0, -1):
                submitted = now - timedelta(
                    days=round(month * 30.4) + rng.randint(-3, 3), hours=rng.randint(0, 8)
                )
                checkin_rows.append(
                    (
                        checkin_id,
                        user_id[name],
                        framework.pk,
                        "submitted",
                        submitted - timedelta(days=rng.randint(0, 3), hours=1),
                        submitted,
                        submitted,
                    )
                )
                for s in shift_ids:
                    roll = rng.random()
                    if roll < 0.15:
                        level[s] = min(5, level[s] + 1)
                    elif roll < 0.19:
                        level[s] = max(1, level[s] - 1)
                    history[s].append((submitted, level[s]))
                    rating_rows.append(
                        (
                            rating_id,
                            checkin_id,
                            s,
                            revision[s],
                            level[s],
                            rng.choice(NOTES) if rng.random() < 0.4 else "",
                            submitted,
                        )
                    )
                    rating_id += 1
                checkin_id += 1
            levels_by_person[name] = history

        step(
            "check-ins",
            (
                CheckIn,
                [
                    "id",
                    "person_id",
                    "framework_id",
                    "status",
                    "created_at",
                    "updated_at",
                    "submitted_at",
                ],
                checkin_rows,
            ),
        )
        step(
            "ratings",
            (
                Rating,
                ["id", "checkin_id", "shift_id", "revision_id", "level", "note", "updated_at"],
                rating_rows,
            ),
        )
        del checkin_rows, rating_rows

        # Evidence, each linked to 1-3 shifts.
        evidence_rows: list[tuple] = []
        link_rows: list[tuple] = []
        evidence_id = _next_id(Evidence)
        link_id = _next_id(EvidenceShift)
        for name in usernames:
            for _ in range(EVIDENCE_PER_PERSON):
                happened = today - timedelta(days=rng.randint(0, 3 * 365))
                created = datetime(
                    happened.year, happened.month, happened.day, 9, tzinfo=UTC
                ) + timedelta(hours=rng.randint(0, 72))
                created = min(created, now)
                title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)}"
                body = " ".join(rng.sample(SENTENCES, rng.randint(2, 4)))
                link = (
                    f"https://docs.bench.example/{name}/{evidence_id}" if rng.random() < 0.3 else ""
                )
                evidence_rows.append(
                    (
                        evidence_id,
                        user_id[name],
                        happened,
                        title.strip(),
                        body,
                        link,
                        "shared" if rng.random() < 0.6 else "private",
                        1,
                        None,
                        created,
                        created,
                    )
                )
                for s in rng.sample(shift_ids, rng.choice([1, 1, 2, 2, 3])):
                    link_rows.append((link_id, evidence_id, s))
                    link_id += 1
                evidence_id += 1

        step(
            "evidence",
            (
                Evidence,
                [
                    "id",
                    "author_id",
                    "happened_on",
                    "title",
                    "body",
                    "link",
                    "visibility",
                    "version",
                    "submission_key",
                    "created_at",
                    "updated_at",
                ],
                evidence_rows,
            ),
        )
        step(
            "evidence-shift links",
            (EvidenceShift, ["id", "evidence_id", "shift_id"], link_rows),
        )
        del evidence_rows, link_rows

        # Focus: two active shifts and two cleared ones per person.
        focus_id = _next_id(Focus)

        def focus() -> Iterator[tuple]:
            nonlocal focus_id
            for name in usernames:
                for i, s in enumerate(rng.sample(shift_ids, 4)):
                    set_at = now - timedelta(days=rng.randint(1, 60) + (0 if i < 2 else 200))
                    cleared = None if i < 2 else set_at + timedelta(days=90)
                    yield (
                        focus_id,
                        user_id[name],
                        s,
                        f"Next step for {name}: {rng.choice(SENTENCES)}"[:300],
                        set_at,
                        cleared,
                    )
                    focus_id += 1

        step(
            "focus",
            (Focus, ["id", "person_id", "shift_id", "next_step", "set_at", "cleared_at"], focus()),
        )

        # Two completed reviews per report, by her manager, near her self-rating then.
        review_rows: list[tuple] = []
        review_rating_rows: list[tuple] = []
        review_id = _next_id(Review)
        review_rating_id = _next_id(ReviewRating)
        for name in usernames:
            boss = lines[name]
            if boss is None:
                continue
            for days_ago in (400, 120):
                completed = now - timedelta(days=days_ago + rng.randint(-10, 10))
                review_rows.append(
                    (
                        review_id,
                        user_id[name],
                        user_id[boss],
                        framework.pk,
                        "completed",
                        " ".join(rng.sample(SENTENCES, 3)),
                        " ".join(rng.sample(SENTENCES, 1)),
                        completed - timedelta(days=7),
                        completed,
                        completed,
                    )
                )
                for s in shift_ids:
                    own = [lvl for when, lvl in levels_by_person[name][s] if when <= completed]
                    base = own[-1] if own else 2
                    level = min(5, max(1, base + rng.choice([-1, 0, 0, 0, 1])))
                    review_rating_rows.append(
                        (
                            review_rating_id,
                            review_id,
                            s,
                            revision[s],
                            level,
                            rng.choice(NOTES) if rng.random() < 0.5 else "",
                            completed,
                        )
                    )
                    review_rating_id += 1
                review_id += 1

        step(
            "reviews",
            (
                Review,
                [
                    "id",
                    "person_id",
                    "manager_id",
                    "framework_id",
                    "status",
                    "summary",
                    "agreed_focus",
                    "created_at",
                    "updated_at",
                    "completed_at",
                ],
                review_rows,
            ),
        )
        step(
            "review ratings",
            (
                ReviewRating,
                ["id", "review_id", "shift_id", "revision_id", "level", "comment", "updated_at"],
                review_rating_rows,
            ),
        )

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), loaded):
                cursor.execute(sql)
    return Report(counts=counts, seconds=seconds)


def analyze(*, log: Callable[[str], None] = print) -> float:
    """VACUUM ANALYZE the loaded tables, as autovacuum would have done by now in production."""
    started = time.perf_counter()
    tables = [
        m._meta.db_table
        for m in (User, CheckIn, Rating, Evidence, EvidenceShift, Focus, Review, ReviewRating)
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    elapsed = time.perf_counter() - started
    log(f"  vacuum analyze: {elapsed:.1f} s")
    return elapsed
