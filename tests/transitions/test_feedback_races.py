"""Feedback requests under concurrent writes, with real threads and connections: asking
past the limit from two tabs, a double-clicked "Send my answer", two reminders at once.
PostgreSQL only, like tests/transitions/test_concurrency.py."""

from __future__ import annotations

import pytest
from django.db import connection

from leadership.models import User
from tests.transitions.test_concurrency import _person, _race
from transitions import services
from transitions.models import FeedbackRequest, Notification, Shift

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency needs PostgreSQL (CI runs the suite on it too)",
    ),
]

ANSWER = {"example": "She did.", "frequency": "", "giver_name": "Jane", "giver_role": ""}


def _ask(person: User, shifts: list[Shift], n: int) -> FeedbackRequest:
    return services.feedback_request_create(
        requester=person, shifts=shifts[:1], question="Q?", name="J", email=f"j{n}@example.org"
    )


def test_asking_from_several_tabs_never_exceeds_ten_open_requests() -> None:
    person, _, shifts = _person()
    for n in range(FeedbackRequest.MAX_OPEN - 2):
        _ask(person, shifts, n)

    def ask(i: int) -> str:
        try:
            _ask(person, shifts, 100 + i)
        except services.TooManyOpenRequests:
            return "refused"
        return "asked"

    results = _race(ask, threads=4)
    assert sorted(results) == ["asked", "asked", "refused", "refused"]
    assert FeedbackRequest.objects.of(person).open().count() == FeedbackRequest.MAX_OPEN


def test_a_double_clicked_send_answers_once() -> None:
    person, _, shifts = _person()
    asked = _ask(person, shifts, 1)

    def send(i: int) -> str:
        try:
            services.feedback_answer_save(request=asked, data=ANSWER, send=True)
        except services.FeedbackClosed:
            return "closed"
        return "sent"

    assert sorted(_race(send, threads=2)) == ["closed", "sent"]
    assert Notification.objects.filter(recipient=person, kind="feedback_received").count() == 1


def test_two_reminders_at_once_send_one() -> None:
    person, _, shifts = _person()
    asked = _ask(person, shifts, 1)

    def remind(i: int) -> str:
        try:
            services.feedback_remind(request=asked)
        except services.AlreadyReminded:
            return "refused"
        return "reminded"

    assert sorted(_race(remind, threads=2)) == ["refused", "reminded"]
    asked.refresh_from_db()
    assert asked.emails_sent == 2
