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
from django.test import Client

from leadership.models import User
from tests.factories import UserFactory
from transitions import services
from transitions.models import CheckIn, Evidence, Focus, Framework, Rating, Review, Shift

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


# Races through the real views: the loser answers a message, never a 500.


def _clients(user: User, count: int) -> list[Client]:
    """Several browsers (or tabs) of one signed-in person."""
    first = Client()
    first.force_login(user)
    clients = [first]
    for _ in range(count - 1):
        other = Client()
        other.cookies = first.cookies
        clients.append(other)
    return clients


def _ready_review(manager: User, pm: User, framework: Framework, shifts: list[Shift]) -> Review:
    review, _ = services.review_start(person=pm, manager=manager, framework=framework)
    for shift in shifts:
        services.review_rate(
            review=review, shift=shift, revision=shift.revisions.latest(), changes={"level": 3}
        )
    services.review_write(review=review, summary="Ready.", agreed_focus="")
    return review


def test_two_parallel_complete_review_posts_complete_it_once() -> None:
    manager = UserFactory()
    pm, framework, shifts = _person()
    User.objects.filter(pk=pm.pk).update(manager=manager)
    draft = _ready_review(manager, pm, framework, shifts)
    clients = _clients(manager, 2)
    form = {"action": "complete", "summary": "Ready.", "agreed_focus": "", "review": draft.pk}
    responses = _race(lambda i: clients[i].post(f"/team/{pm.username}/", form))
    assert sorted(r.status_code for r in responses) == [302, 302]
    assert Review.objects.completed().filter(person=pm).count() == 1
    assert Review.objects.drafts().filter(person=pm).count() == 0
    # The loser is sent to the completed review too (with a message saying it was already
    # completed; two tabs share one session, so which message survives is not checked).
    done = Review.objects.completed().get(person=pm)
    assert {r.url for r in responses} == {f"/team/{pm.username}/reviews/{done.pk}/"}


def test_a_double_clicked_discard_of_a_check_in_discards_it_once() -> None:
    person, framework, _ = _person()
    checkin, _ = services.checkin_start(person=person, framework=framework)
    clients = _clients(person, 2)
    responses = _race(lambda i: clients[i].post(f"/check-ins/{checkin.pk}/discard/"))
    # Both requests found the draft; the one that lost the race is told it was discarded.
    assert sorted(r.status_code for r in responses) in ([302, 302], [302, 404])
    assert not CheckIn.objects.filter(pk=checkin.pk).exists()


def test_a_double_clicked_discard_of_a_review_discards_it_once() -> None:
    manager = UserFactory()
    pm, framework, _ = _person()
    User.objects.filter(pk=pm.pk).update(manager=manager)
    services.review_start(person=pm, manager=manager, framework=framework)
    clients = _clients(manager, 2)
    responses = _race(lambda i: clients[i].post(f"/team/{pm.username}/reviews/discard/"))
    assert [r.status_code for r in responses] == [302, 302]
    assert not Review.objects.filter(person=pm).exists()


def test_an_autosave_racing_a_discard_is_refused_cleanly() -> None:
    person, framework, shifts = _person()
    slug = shifts[0].slug
    for _ in range(3):
        checkin, _ = services.checkin_start(person=person, framework=framework)
        clients = _clients(person, 2)

        def act(i: int, pk: int = checkin.pk, clients: list[Client] = clients) -> Any:
            if i == 0:
                return clients[0].post(f"/check-ins/{pk}/discard/")
            return clients[1].post(
                f"/check-ins/{pk}/shifts/{slug}/",
                {f"{slug}-level": 3, f"{slug}-note": "typed"},
                headers={"HX-Request": "true"},
            )

        discard, autosave = sorted(_race(act), key=lambda r: r.status_code == 302, reverse=True)
        assert discard.status_code == 302
        assert autosave.status_code in (200, 404, 409)
        assert not CheckIn.objects.filter(pk=checkin.pk).exists()


def test_two_tabs_acknowledging_a_review_acknowledge_it_once_and_the_other_gets_409() -> None:
    manager = UserFactory()
    pm, framework, shifts = _person()
    User.objects.filter(pk=pm.pk).update(manager=manager)
    review = services.review_complete(review=_ready_review(manager, pm, framework, shifts))
    slug = shifts[0].slug
    clients = _clients(pm, 2)
    for _ in range(3):  # the service refuses too, not only the view's first look
        Review.objects.filter(pk=review.pk).update(acknowledged_at=None, response="")
        review.ratings.update(response="")
        responses = _race(
            lambda i: clients[i].post(
                f"/reviews/{review.pk}/",
                {"response": f"tab {i}", f"{slug}-response": f"shift from tab {i}"},
            )
        )
        assert sorted(r.status_code for r in responses) == [302, 409]
        [loser] = [r for r in responses if r.status_code == 409]
        assert "already acknowledged" in loser.content.decode()
        saved = Review.objects.get(pk=review.pk)
        assert saved.acknowledged_at is not None
        tab = saved.response.removeprefix("tab ")
        assert set(saved.ratings.exclude(response="").values_list("response", flat=True)) == {
            f"shift from tab {tab}"
        }


def test_two_tabs_changing_one_next_step_keep_one_and_tell_the_other() -> None:
    person, _, shifts = _person()
    focus = services.focus_set(person=person, shift=shifts[0], next_step="First idea")

    def edit(i: int) -> str:
        try:
            services.focus_edit(focus=focus, next_step=f"Tab {i}")
        except services.FocusChanged as changed:
            current = changed.current.next_step if changed.current else "nothing"
            return f"refused, saw {current}"
        return "saved"

    outcomes = sorted(_race(edit, threads=2))
    active = Focus.objects.get(person=person, cleared_at__isnull=True)
    assert outcomes == ["refused, saw " + active.next_step, "saved"]
    # Nothing lost: the first step is history, one tab's step is current, the other's in its form.
    assert Focus.objects.filter(person=person).count() == 2


def test_a_next_step_racing_a_stop_is_refused_or_comes_after_it() -> None:
    person, _, shifts = _person()
    focus = services.focus_set(person=person, shift=shifts[0], next_step="First idea")

    def act(i: int) -> str:
        if i == 0:
            return "cleared" if services.focus_clear(focus=focus) else "not cleared"
        try:
            services.focus_edit(focus=focus, next_step="New idea")
        except services.FocusChanged as changed:
            return "edit refused" if changed.current is None else "refused, yet in focus"
        return "edited"

    outcomes = set(_race(act, threads=2))
    active = list(Focus.objects.filter(person=person, cleared_at__isnull=True))
    # Either the stop came first (the edit is refused, nothing active) or the edit did (the
    # stop finds its row gone to history and moves nothing; the new step stays in focus).
    assert outcomes in ({"cleared", "edit refused"}, {"not cleared", "edited"})
    assert len(active) == (0 if "cleared" in outcomes else 1)
