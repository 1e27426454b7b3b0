from __future__ import annotations

import io
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone

from leadership.models import User

DEMO = {"priya", "sam", "marco", "helena", "nina", "omar", "grace", "alex", "admin"}


def _snapshot() -> list[tuple]:
    return list(
        User.objects.order_by("username").values_list(
            "username", "password", "manager_id", "is_staff"
        )
    )


@override_settings(DEBUG=True)
def test_seed_demo_creates_the_demo_accounts(db: None, capsys) -> None:
    call_command("seed_demo")
    assert set(User.objects.values_list("username", flat=True)) == DEMO
    people = {user.username: user for user in User.objects.select_related("manager")}
    alex, admin = people["alex"], people["admin"]
    managers = {name: getattr(user.manager, "username", None) for name, user in people.items()}
    assert managers == {
        "helena": None,
        "marco": "helena",
        "priya": "marco",
        "sam": "marco",
        "nina": "helena",
        "omar": "nina",
        "grace": "nina",
        "alex": None,
        "admin": None,
    }
    assert all(u.check_password("leadership-demo") for u in people.values())
    assert alex.is_staff
    assert not alex.is_superuser
    assert alex.groups.filter(name="Content editors").exists()
    assert admin.is_superuser
    assert "Created" in capsys.readouterr().out


@override_settings(DEBUG=True)
def test_seed_demo_twice_changes_nothing(db: None, capsys) -> None:
    call_command("seed_demo")
    before = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == before
    assert "nothing changed" in capsys.readouterr().out


@override_settings(DEBUG=False)
def test_seed_demo_refuses_when_debug_is_off(db: None) -> None:
    with pytest.raises(CommandError, match="only runs with DJANGO_DEBUG=1"):
        call_command("seed_demo")
    assert not User.objects.exists()


@override_settings(DEBUG=False)
def test_seed_demo_runs_with_debug_off_when_forced(db: None) -> None:
    call_command("seed_demo", force=True)
    assert User.objects.filter(username="priya").exists()


@override_settings(DEBUG=True)
def test_seed_demo_logs_a_year_of_evidence(db: None) -> None:
    from django.utils import timezone

    from transitions.models import Evidence, Shift

    call_command("seed_demo")
    priya = Evidence.objects.filter(author__username="priya")
    assert 35 <= priya.count() <= 45
    assert 1 <= priya.filter(visibility="private").count() <= 6
    dates = sorted(priya.values_list("happened_on", flat=True))
    assert (timezone.localdate() - dates[0]).days > 300
    covered = Shift.objects.filter(evidence_links__evidence__author__username="priya").distinct()
    assert covered.count() >= 10
    for pm in ("sam", "omar", "grace"):
        assert 3 <= Evidence.objects.filter(author__username=pm).count() <= 8
    before = Evidence.objects.count()
    call_command("seed_demo")
    assert Evidence.objects.count() == before


@override_settings(DEBUG=True)
def test_seed_demo_gives_a_year_of_check_ins_a_draft_and_focus(db: None) -> None:
    from transitions.models import CheckIn, Focus

    call_command("seed_demo")
    priya = CheckIn.objects.filter(person__username="priya")
    submitted = list(priya.submitted().order_by("submitted_at"))
    assert len(submitted) == 12
    assert priya.drafts().count() == 1
    averages = [sum(r.level for r in c.ratings.all()) / c.ratings.count() for c in submitted]
    assert averages[-1] > averages[0] + 1  # a believable upward trend
    assert all(c.ratings.count() == 12 for c in submitted)
    assert CheckIn.objects.filter(person__username="sam").submitted().count() == 3
    assert Focus.objects.filter(person__username="priya", cleared_at__isnull=True).count() == 3
    call_command("seed_demo")
    assert priya.count() == 13


@override_settings(DEBUG=True)
def test_seed_demo_gives_marco_reviews_of_his_reports(db: None) -> None:
    from transitions.models import Review

    call_command("seed_demo")
    of_priya = Review.objects.filter(person__username="priya", manager__username="marco")
    assert of_priya.completed().count() == 2
    assert of_priya.drafts().count() == 1
    assert Review.objects.filter(person__username="sam").completed().count() == 1
    assert all(r.ratings.count() == 12 for r in Review.objects.completed())
    # Priya acknowledged the older one with a response, overall and on two shifts; the
    # latest awaits her acknowledgement.
    older, latest = of_priya.completed().order_by("completed_at")
    assert older.acknowledged_at is not None
    assert older.response
    assert older.ratings.exclude(response="").count() == 2
    assert latest.acknowledged_at is None
    assert not Review.objects.filter(person__username="sam", acknowledged_at__isnull=False)
    call_command("seed_demo")
    assert Review.objects.count() == 6
    assert Review.objects.get(pk=older.pk).acknowledged_at == older.acknowledged_at
    assert Review.objects.filter(acknowledged_at__isnull=False).count() == 1


@override_settings(DEBUG=True)
def test_every_personas_demo_data_is_honest(db: None) -> None:
    from django.utils import timezone

    from transitions.models import CheckIn, Evidence, Focus, Rating, Review

    call_command("seed_demo")
    now, today = timezone.now(), timezone.localdate()
    pms = {
        u.username: u.first_name
        for u in User.objects.filter(manager__isnull=False, reports__isnull=True)
    }
    assert set(pms) == {"priya", "sam", "omar", "grace"}

    for review in Review.objects.completed().select_related("person"):
        words = " ".join(
            [
                review.summary,
                review.agreed_focus,
                review.response,
                *review.ratings.values_list("comment", flat=True),
                *review.ratings.values_list("response", flat=True),
            ]
        )
        name = review.person.first_name
        assert name in review.summary, (name, review.summary)
        others = [first for first in pms.values() if first != name]
        assert not [first for first in others if first in words], (name, words)
        assert review.completed_at < now
        if review.acknowledged_at is not None:
            assert review.completed_at < review.acknowledged_at < now

    for focus in Focus.objects.all():
        assert focus.set_at < now, focus
        if focus.cleared_at is not None:
            assert focus.set_at < focus.cleared_at <= now, (focus, focus.set_at, focus.cleared_at)

    for username in pms:
        dates = list(
            CheckIn.objects.filter(person__username=username)
            .submitted()
            .order_by("created_at")
            .values_list("submitted_at", flat=True)
        )
        assert dates, username
        assert all(when < now for when in dates)
        gaps = [(later - earlier).days for earlier, later in pairwise(dates)]
        assert all(28 <= gap <= 31 for gap in gaps), (username, gaps)  # monthly, oldest first
    # A note belongs to one person's story: none is copied into another person's check-in.
    notes = Rating.objects.exclude(note="").values_list("note", "checkin__person__username")
    assert len({note for note, _ in notes}) == len(set(notes))

    assert not Evidence.objects.filter(happened_on__gt=today).exists()
    assert not Evidence.objects.filter(created_at__gt=now).exists()


@override_settings(DEBUG=True)
def test_seed_demo_leaves_unread_notifications_that_open_for_their_recipient(
    db: None, client, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    from transitions.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    # History, not news: seeding tells nobody of anything now and sends nothing.
    assert mail.outbox == []
    assert (
        Notification.objects.filter(created_at__gt=timezone.now() - timedelta(hours=1)).count() == 0
    )
    assert Notification.objects.filter(recipient__username="marco").count() <= 8
    for username in ("priya", "sam", "marco"):
        person = User.objects.get(username=username)
        mine = Notification.objects.filter(recipient=person)
        assert mine.unread().exists(), username
        client.force_login(person)
        for notification in mine:
            response = client.get(f"/notifications/{notification.pk}/", follow=True)
            assert response.status_code == 200, (username, notification.text)
    told_of_evidence = Notification.objects.filter(kind="evidence_shared")
    assert set(told_of_evidence.values_list("recipient__username", flat=True)) == {"marco"}


@override_settings(DEBUG=True)
def test_seed_demo_gives_marco_and_priya_a_1_1_history_with_an_open_agenda(
    db: None, client
) -> None:
    from transitions.models import ActionItem, OneOnOne, PrivateNote

    call_command("seed_demo")
    meetings = list(OneOnOne.objects.order_by("started_at"))
    assert [(m.manager.username, m.person.username) for m in meetings] == [("marco", "priya")] * 4
    past, current = meetings[:3], meetings[3]
    assert all(m.closed_at is not None and m.shared_notes for m in past)
    assert all(m.actions.exists() for m in past)
    assert current.is_open
    assert ActionItem.objects.filter(done_at__isnull=True).exists()  # carried over
    client.force_login(User.objects.get(username="marco"))
    page = client.get("/one-on-ones/priya/").content.decode()
    assert "Suggested from the data" in page
    assert page.count('value="add_suggestion"') >= 3
    assert "carried over" in page
    note = PrivateNote.objects.get(meeting=past[0]).text.split(". ")[-1]  # no apostrophe
    assert note in client.get(f"/one-on-ones/priya/{past[0].pk}/").content.decode()
    client.force_login(User.objects.get(username="priya"))
    assert note not in client.get(f"/one-on-ones/marco/{past[0].pk}/").content.decode()
    before = list(OneOnOne.objects.values())
    call_command("seed_demo")
    assert list(OneOnOne.objects.values()) == before


@override_settings(DEBUG=True)
def test_seed_demo_gives_helena_an_organisation_worth_looking_at(db: None, client) -> None:
    call_command("seed_demo")
    client.force_login(User.objects.get(username="helena"))
    response = client.get("/org/")
    found = response.context["org"]
    assert {row.person.username for row in found.people} == {
        "marco",
        "sam",
        "priya",
        "nina",
        "omar",
        "grace",
    }
    assert [row.person.username for row in found.close_to_ready] == ["priya"]
    assert [row.person.username for row in found.checkin_due] == ["grace"]
    assert "omar" in {row.person.username for row in found.review_stale}
    assert "grace" in {row.person.username for row in found.evidence_quiet}
    assert all(area.self_averages[-1] for area in found.areas)


@override_settings(DEBUG=True)
def test_seed_demo_puts_an_earlier_demos_marco_under_helena(db: None, capsys) -> None:
    User.objects.create_user("marco", first_name="Marco")
    call_command("seed_demo")
    assert User.objects.get(username="marco").manager.username == "helena"
    out = capsys.readouterr().out
    assert "marco now reports to helena." in out
    assert "Created helena, priya, sam, nina," in out


@override_settings(DEBUG=True)
def test_seed_demo_leaves_one_pending_invitation_to_marcos_team(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    from leadership.models import Invitation

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.manager.username == "marco"
    assert mail.outbox == []  # history: "Send again" on /people/ sends a working link
    call_command("seed_demo", stdout=io.StringIO())
    assert Invitation.objects.count() == 1


@override_settings(DEBUG=True)
def test_seed_demo_gives_priya_feedback_answered_declined_and_waiting(
    db: None, client: Client
) -> None:
    from django.core import mail

    from transitions.models import FeedbackRequest

    call_command("seed_demo")
    asked = FeedbackRequest.objects.filter(requester__username="priya")
    assert {each.status for each in asked} == {"answered", "declined", "waiting"}
    assert asked.filter(answered_at__isnull=False).count() == 2
    [attested] = asked.exclude(attested_shift=None)
    assert attested.is_shared
    assert attested.attested_shift in attested.shifts.all()
    assert attested.attribution.startswith("Jane Doe, VP Sales, ")
    assert mail.outbox == []  # history: nobody is emailed
    marco = User.objects.get(username="marco")
    client.force_login(marco)
    packet = client.get("/team/priya/packet/")
    assert f"Confirmed by {attested.attribution}" in packet.content.decode()
    client.force_login(User.objects.get(username="priya"))
    assert client.get("/feedback/").status_code == 200
    call_command("seed_demo")
    assert FeedbackRequest.objects.count() == 4
