"""Concurrent writes with real threads and connections: two tabs autosaving the same
rating, a double-clicked save, two tabs starting a check-in. PostgreSQL only: SQLite
serialises every write, so it cannot show a race."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection

from leadership.models import User
from tests.factories import UserFactory
from transitions import services
from transitions.models import CheckIn, Evidence, Framework, Rating, Shift

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency needs PostgreSQL (CI runs the suite on it too)",
    ),
]


def _race(work: Callable[[int], Any], threads: int = 2, rounds: int = 1) -> list[Any]:
    """Run `work(i)` in several threads at once, each on its own database connection."""
    results: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            for _ in range(rounds):
                barrier.wait()
                value = work(i)
                with lock:
                    results.append(value)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def _person() -> tuple[User, Framework, list[Shift]]:
    framework = Framework.objects.get(slug="ic-to-product-leader")
    return UserFactory(), framework, list(Shift.objects.of_framework(framework).in_order())


def test_two_tabs_autosaving_one_rating_leave_one_row_with_the_last_value() -> None:
    person, framework, shifts = _person()
    checkin, _ = services.checkin_start(person=person, framework=framework)
    shift = shifts[0]
    revision = shift.revisions.latest()

    def save(i: int) -> Rating:
        return services.rating_save(
            checkin=checkin,
            shift=shift,
            revision=revision,
            changes={"level": i + 2, "note": f"tab {i}"},
        )

    saved = _race(save, threads=2, rounds=10)
    rows = Rating.objects.filter(checkin=checkin, shift=shift)
    assert rows.count() == 1
    last = max(saved, key=lambda rating: rating.updated_at)
    assert (rows.get().level, rows.get().note) == (last.level, last.note)


def test_a_double_clicked_save_creates_one_evidence_entry() -> None:
    person, _, shifts = _person()
    key = uuid.uuid4()
    data = {
        "happened_on": date(2026, 3, 1),
        "title": "Clicked twice",
        "body": "",
        "link": "",
        "visibility": "private",
        "shifts": shifts[:2],
    }
    results = _race(
        lambda i: services.evidence_create(author=person, data=data, submission_key=key), threads=4
    )
    assert Evidence.objects.filter(author=person).count() == 1
    assert sum(created for _, created in results) == 1
    assert Evidence.objects.get(author=person).shifts.count() == 2


def test_two_tabs_starting_a_check_in_share_one_draft() -> None:
    person, framework, _ = _person()
    results = _race(lambda i: services.checkin_start(person=person, framework=framework), threads=4)
    assert CheckIn.objects.filter(person=person, status="draft").count() == 1
    assert len({checkin.pk for checkin, _ in results}) == 1
