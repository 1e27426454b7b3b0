from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from leadership.models import User
from tests.factories import UserFactory, submitted_checkin
from transitions.models import Notification, Shift


def _joined(days_ago: int, **kwargs: object) -> User:
    return UserFactory(date_joined=timezone.now() - timedelta(days=days_ago), **kwargs)


def test_it_emails_exactly_the_people_whose_check_in_is_due(
    shifts: list[Shift], capsys, django_capture_on_commit_callbacks
) -> None:
    overdue = _joined(100, username="overdue")
    submitted_checkin(overdue, {shifts[0]: 3}, days_ago=40)
    recent = _joined(100, username="recent")
    submitted_checkin(recent, {shifts[0]: 3}, days_ago=10)
    _joined(45, username="never")
    _joined(5, username="newcomer")
    weekly = _joined(100, username="weekly", checkin_interval_days=7)
    submitted_checkin(weekly, {shifts[0]: 3}, days_ago=8)
    _joined(100, username="inactive", is_active=False)
    _joined(100, username="no-email", email="")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_checkin_reminders")

    assert sorted(m.to[0] for m in mail.outbox) == [
        "never@example.com",
        "overdue@example.com",
        "weekly@example.com",
    ]
    assert "Sent 3 check-in reminders." in capsys.readouterr().out
    message = next(m for m in mail.outbox if m.to == ["overdue@example.com"])
    assert "Your last check-in was on" in message.body
    assert "/check-ins/new/" in message.body
    # The reminder is in the app too, and that is where its email came from.
    assert Notification.objects.get(recipient__username="overdue").text in message.body


def test_it_reminds_once_per_due_period(
    shifts: list[Shift], capsys, django_capture_on_commit_callbacks
) -> None:
    person = _joined(100, username="due")
    submitted_checkin(person, {shifts[0]: 3}, days_ago=40)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_checkin_reminders")
        call_command("send_checkin_reminders")
    assert len(mail.outbox) == 1
    assert "Sent 0 check-in reminders." in capsys.readouterr().out.splitlines()[-1]

    # A new check-in starts a new period; once that is due, one more reminder goes out.
    submitted_checkin(person, {shifts[0]: 4}, days_ago=35)
    User.objects.filter(pk=person.pk).update(
        checkin_reminded_at=timezone.now() - timedelta(days=36)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_checkin_reminders")
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(recipient=person, kind="checkin_due").count() == 2


@pytest.mark.django_db
def test_it_says_so_when_nobody_is_due(capsys) -> None:
    call_command("send_checkin_reminders")
    assert capsys.readouterr().out.strip() == "Sent 0 check-in reminders."
