"""Per-person version tokens: what the page cache's keys are made of.

Every person has one row in `transitions_personversion` whose `token` takes a new random value,
in the same transaction, whenever anything that any page shows about her is written: her
account, check-ins and ratings, evidence and its shifts, focus, reviews about her or by her,
1:1s and their items, feedback she asked for or was asked for, and the framework's content
(which moves everyone's token). Database triggers do it (migrations 0017 to 0022), so no
write path can forget: the app's views, the admin, imports, erasure, bulk updates and raw SQL
alike.

On PostgreSQL they are constraint triggers, deferrable but run at each write: run at commit
instead, they made a test server's flush (TRUNCATE) deadlock with a request committing as the
test ended. The token table has no database foreign key (see PersonVersion): a second token
update in one transaction would check it with FOR KEY SHARE on the account, which services
lock as a mutex — a deadlock.

A token is random rather than a counter: a database restored from a backup, or a test database
rolled back, never brings back a token that a cache may still hold for other content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import psycopg
from django.db import connection
from django.db.models import QuerySet

from transitions.models import PersonVersion, ReportingLines

EVERYONE = "*"

# Table → the people a row of it is about, as SQL expressions over the row `R` (NEW or OLD):
# a column, or a SELECT of person ids. EVERYONE moves every token.
SOURCES: dict[str, tuple[str, ...] | str] = {
    # Her account; her reports (her name is on their pages); her manager and his manager
    # (their navigation offers Team and Organisation while they have reports, reports of
    # reports); whoever asked her for feedback (her name is on the answers).
    "leadership_user": (
        "R.id",
        "R.manager_id",
        "SELECT manager_id FROM leadership_user WHERE id = R.manager_id",
        "SELECT id FROM leadership_user WHERE manager_id = R.id",
        "SELECT requester_id FROM transitions_feedbackrequest WHERE recipient_id = R.id",
    ),
    "transitions_framework": EVERYONE,
    "transitions_area": EVERYONE,
    "transitions_arearevision": EVERYONE,
    "transitions_shift": EVERYONE,
    "transitions_shiftrevision": EVERYONE,
    "transitions_checkin": ("R.person_id",),
    "transitions_rating": ("SELECT person_id FROM transitions_checkin WHERE id = R.checkin_id",),
    "transitions_evidence": ("R.author_id",),
    "transitions_evidenceshift": (
        "SELECT author_id FROM transitions_evidence WHERE id = R.evidence_id",
    ),
    "transitions_focus": ("R.person_id",),
    "transitions_review": ("R.person_id", "R.manager_id"),
    "transitions_reviewrating": (
        "SELECT person_id FROM transitions_review WHERE id = R.review_id",
        "SELECT manager_id FROM transitions_review WHERE id = R.review_id",
    ),
    "transitions_oneonone": ("R.person_id", "R.manager_id"),
    **dict.fromkeys(
        (
            "transitions_agendaitem",
            "transitions_dismissedsuggestion",
            "transitions_actionitem",
            "transitions_privatenote",
        ),
        (
            "SELECT person_id FROM transitions_oneonone WHERE id = R.meeting_id",
            "SELECT manager_id FROM transitions_oneonone WHERE id = R.meeting_id",
        ),
    ),
    "transitions_feedbackrequest": ("R.requester_id", "R.recipient_id"),
    "transitions_notification": ("R.recipient_id",),
    "transitions_feedbackrequestshift": (
        "SELECT requester_id FROM transitions_feedbackrequest WHERE id = R.request_id",
    ),
}

# Tables no cached page reads.
NOT_SHOWN_ON_CACHED_PAGES = frozenset(
    {
        "transitions_notificationpreference",
        "transitions_personversion",
        "transitions_reportinglines",
        "leadership_invitation",
    }
)

_RANDOM = {
    "postgresql": "(random() * 9007199254740991)::bigint",
    "sqlite": "random()",
}
_TABLE = "transitions_personversion"


def _bump(vendor: str, sources: tuple[str, ...] | str, row: str) -> str:
    update = f"UPDATE {_TABLE} SET token = {_RANDOM[vendor]}"  # noqa: S608 — our constants
    if sources == EVERYONE:
        return update + ";"
    conditions = " OR ".join(
        f"person_id IN ({source.replace('R.', row + '.')})" for source in sources
    )
    return f"{update} WHERE {conditions};"


def _name(table: str) -> str:
    return f"{table}_version"


def create_sql(vendor: str, table: str, sources: tuple[str, ...] | str) -> list[str]:
    """The statements that create the trigger(s) moving tokens on writes to `table`."""
    name = _name(table)
    inserted = _bump(vendor, sources, "NEW")
    if table == "leadership_user" and vendor == "sqlite":
        inserted = f"INSERT INTO {_TABLE} (person_id, token) VALUES (NEW.id, {_RANDOM[vendor]});"  # noqa: S608
    elif table == "leadership_user":
        # At commit (below): only if she still exists then.
        inserted = (
            f"INSERT INTO {_TABLE} (person_id, token) SELECT NEW.id, {_RANDOM[vendor]} "  # noqa: S608
            "WHERE EXISTS (SELECT 1 FROM leadership_user WHERE id = NEW.id) "
            "ON CONFLICT (person_id) DO NOTHING; " + inserted
        )
    updated = _bump(vendor, sources, "NEW") + " " + _bump(vendor, sources, "OLD")
    deleted = _bump(vendor, sources, "OLD")
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} "
            f"FOR EACH ROW BEGIN {body} END"
            for event, body in (("INSERT", inserted), ("UPDATE", updated), ("DELETE", deleted))
        ]
    return [
        f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {inserted}
  ELSIF TG_OP = 'UPDATE' THEN {updated}
  ELSE {deleted}
  END IF;
  RETURN NULL;
END $$""",
        # Deferrable (SET CONSTRAINTS … DEFERRED moves them to the commit), run at each write.
        f"CREATE CONSTRAINT TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def drop_sql(vendor: str, table: str) -> list[str]:
    name = _name(table)
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {name}_{event}" for event in ("insert", "update", "delete")
        ]
    return [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]


def fill_sql(vendor: str) -> str:
    """A token for everyone who has none yet (after a load with triggers off)."""
    return (
        f"INSERT INTO {_TABLE} (person_id, token) SELECT id, {_RANDOM[vendor]} "  # noqa: S608
        f"FROM leadership_user WHERE id NOT IN (SELECT person_id FROM {_TABLE})"
    )


_LINES = "transitions_reportinglines"
_LINES_FUNCTION = "transitions_reporting_lines_changed"


def lines_create_sql(vendor: str) -> list[str]:
    """Triggers giving the reporting lines a new token when someone joins or leaves, or a
    manager or active state changes."""
    bump = f"UPDATE {_LINES} SET token = {_RANDOM[vendor]};"  # noqa: S608 — our constants
    if vendor == "sqlite":
        changed = "OLD.manager_id IS NOT NEW.manager_id OR OLD.is_active IS NOT NEW.is_active"
        return [
            f"CREATE TRIGGER {_LINES}_insert AFTER INSERT ON leadership_user BEGIN {bump} END",
            f"CREATE TRIGGER {_LINES}_delete AFTER DELETE ON leadership_user BEGIN {bump} END",
            f"CREATE TRIGGER {_LINES}_update AFTER UPDATE ON leadership_user "
            f"WHEN {changed} BEGIN {bump} END",
        ]
    changed = (
        "OLD.manager_id IS DISTINCT FROM NEW.manager_id "
        "OR OLD.is_active IS DISTINCT FROM NEW.is_active"
    )
    return [
        f"CREATE FUNCTION {_LINES_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {bump} RETURN NULL; END $$",
        f"CREATE CONSTRAINT TRIGGER {_LINES}_insert_delete AFTER INSERT OR DELETE "
        "ON leadership_user DEFERRABLE INITIALLY IMMEDIATE "
        f"FOR EACH ROW EXECUTE FUNCTION {_LINES_FUNCTION}()",
        f"CREATE CONSTRAINT TRIGGER {_LINES}_update AFTER UPDATE ON leadership_user "
        f"DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW "
        f"WHEN ({changed}) EXECUTE FUNCTION {_LINES_FUNCTION}()",
    ]


def lines_drop_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {_LINES}_{e}" for e in ("insert", "delete", "update")]
    return [
        f"DROP TRIGGER IF EXISTS {_LINES}_insert_delete ON leadership_user",
        f"DROP TRIGGER IF EXISTS {_LINES}_update ON leadership_user",
        f"DROP FUNCTION IF EXISTS {_LINES_FUNCTION}()",
    ]


def lines_token() -> int | None:
    return ReportingLines.objects.values_list("token", flat=True).first()


def tokens(people: QuerySet | Iterable[int]) -> dict[int, int]:
    """Each person's current token, in one query. A person missing from the answer has no
    token (she was written with triggers off): nothing about her may come from a cache."""
    return dict(PersonVersion.objects.filter(person__in=people).values_list("person_id", "token"))


# Two sums of each token's 32-bit halves (modulo a prime, so they never overflow): together
# they change whenever any one token does (a token is below 2^53), and two changes cancel
# out with a chance of about 2^-64.
_SUMMARY_SQL = (
    "SELECT count(*), sum(token %% 4294967291), sum(token / 4294967291 %% 4294967291) "
    "FROM transitions_personversion WHERE person_id = ANY(%s)"
)


def summary(people: list[int]) -> tuple[int, str]:
    """How many of `people` have a token, and one string standing for all their tokens — in
    one short query, for the hundreds of people of an organisation. On PostgreSQL the sums
    are made in the database, by a statement prepared once per connection; elsewhere the
    tokens are read and digested here."""
    if connection.vendor != "postgresql":
        found = tokens(people)
        return len(found), digest(found)
    connection.ensure_connection()
    # A cursor binding on the server (Django's bind on the client): one array parameter,
    # and psycopg prepares the statement after a few runs, so it is planned once.
    # Wrapped by Django, so that it is counted and logged like any other query.
    with connection._prepare_cursor(psycopg.Cursor(connection.connection)) as cursor:
        cursor.execute(_SUMMARY_SQL, [people])
        count, low, high = cursor.fetchone()
    return count, f"{low}:{high}"


def digest(tokens: dict[int, int]) -> str:
    """One short string for a set of (person, token) pairs: the set and every token in it."""
    text = ",".join(f"{person}:{token}" for person, token in sorted(tokens.items()))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
