"""On PostgreSQL, the evidence search and the team page's queries can use indexes.

The tables here are small, so the planner would happily scan them; with sequential scans
disabled, a plan that still scans a table means no index can serve the query.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leadership.models import User
from tests.factories import EvidenceFactory, UserFactory, submitted_checkin
from transitions import progress
from transitions.forms import EvidenceFilterForm
from transitions.models import Evidence, Framework, Shift

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's (CI runs it too)"
)
BIG_TABLES = [
    "transitions_evidence",
    "transitions_rating",
    "transitions_checkin",
    "transitions_review",
]


def _plan(sql: str, params: tuple = ()) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _scans(plan: str) -> list[str]:
    return [table for table in BIG_TABLES if f"Seq Scan on {table}" in plan]


def test_the_text_search_uses_the_full_text_index(pm: User, shifts: list[Shift]) -> None:
    for n in range(30):
        EvidenceFactory(author=pm, shifts=[shifts[n % 12]], title=f"Roadmap review {n}")
    sql, params = Evidence.objects.search("roadmap reviews").query.sql_with_params()
    plan = _plan(sql, params)
    assert plan.count("Bitmap Index Scan on evidence_search_fts") == 2, plan  # one per word


def test_the_evidence_list_search_uses_indexes(
    pm: User, framework: Framework, shifts: list[Shift]
) -> None:
    EvidenceFactory(author=pm, shifts=[shifts[0]], title="Strategy offsite")
    form = EvidenceFilterForm({"q": "strategy", "visibility": "shared"}, framework=framework)
    assert form.is_valid()
    queryset = form.apply(Evidence.objects.by(pm).newest_first())  # as the list view does
    plan = _plan(*queryset.query.sql_with_params())
    assert _scans(plan) == [], plan


def test_the_team_page_queries_use_indexes(manager: User, shifts: list[Shift]) -> None:
    for n in range(5):
        person = UserFactory(manager=manager)
        submitted_checkin(person, dict.fromkeys(shifts, 1 + n % 5), days_ago=10 + n)
        EvidenceFactory(author=person, shifts=[shifts[0]], visibility="shared")
    with CaptureQueriesContext(connection) as captured:
        rows = progress.team_rows(manager, now=timezone.now(), sort="name")
    assert len(rows) == 5
    for query in captured.captured_queries:
        plan = _plan(query["sql"])
        assert _scans(plan) == [], (query["sql"], plan)
