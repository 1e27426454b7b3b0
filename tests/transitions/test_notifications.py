"""Notifications: who is told on each event, delivery through the task queue after commit,
sent once, retried on SMTP failure, unsubscribed without login, grouped in digests; the list,
its unread count, preferences, and links that keep the target's access rules."""

from __future__ import annotations

import smtplib
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail, signing
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import EvidenceFactory
from transitions import notifications, services, tasks
from transitions.models import (
    CheckIn,
    Evidence,
    Notification,
    NotificationPreference,
    Review,
    Shift,
)

Kind = notifications.Kind


def _draft_ready(person: User, shifts: list[Shift]) -> CheckIn:
    """A draft check-in with every shift rated, ready to submit."""
    checkin, _ = services.checkin_start(person=person, framework=shifts[0].area.framework)
    for shift in shifts:
        services.rating_save(
            checkin=checkin, shift=shift, revision=shift.revisions.latest(), changes={"level": 3}
        )
    return checkin


def _review_ready(person: User, manager: User, shifts: list[Shift]) -> Review:
    review, _ = services.review_start(
        person=person, manager=manager, framework=shifts[0].area.framework
    )
    for shift in shifts:
        services.review_rate(
            review=review, shift=shift, revision=shift.revisions.latest(), changes={"level": 4}
        )
    services.review_write(review=review, summary="A good quarter.", agreed_focus="")
    return review


def _evidence_data(shifts: list[Shift], visibility: str, **changes: Any) -> dict[str, Any]:
    return {
        "happened_on": date(2026, 5, 3),
        "title": "zqPrivateTitle",
        "body": "zqPrivateBody",
        "link": "",
        "visibility": visibility,
        "shifts": [shifts[0]],
        **changes,
    }


def _told() -> list[tuple[str, str]]:
    return sorted(Notification.objects.values_list("recipient__username", "kind"))


@pytest.fixture
def everyone(pm: User, manager: User, other_pm: User, other_manager: User, editor: User) -> None:
    """All personas exist, so that 'exactly the right people' means something."""


# Who is told, on each event that exists today.


def test_a_submitted_check_in_tells_her_manager_only(
    everyone: None, pm: User, shifts: list[Shift], django_capture_on_commit_callbacks
) -> None:
    checkin = _draft_ready(pm, shifts)
    with django_capture_on_commit_callbacks(execute=True):
        services.checkin_submit(checkin=checkin)
    assert _told() == [("marco", Kind.CHECKIN_SUBMITTED)]
    notification = Notification.objects.get()
    assert notification.text == "Priya submitted a check-in."
    assert notification.url == "/team/priya/"
    assert notification.actor == pm
    assert notification.target == checkin
    assert [m.to for m in mail.outbox] == [["marco@example.com"]]


def test_saving_the_check_in_form_with_submit_tells_her_manager(
    everyone: None, pm: User, shifts: list[Shift], django_capture_on_commit_callbacks
) -> None:
    checkin = _draft_ready(pm, shifts)
    with django_capture_on_commit_callbacks(execute=True):
        services.checkin_save(checkin=checkin, rows=[], submit=True)
    assert _told() == [("marco", Kind.CHECKIN_SUBMITTED)]


def test_a_pm_without_a_manager_tells_nobody(
    everyone: None, pm: User, shifts: list[Shift], django_capture_on_commit_callbacks
) -> None:
    User.objects.filter(pk=pm.pk).update(manager=None)
    pm.refresh_from_db()
    checkin = _draft_ready(pm, shifts)
    with django_capture_on_commit_callbacks(execute=True):
        services.checkin_submit(checkin=checkin)
        services.evidence_create(
            author=pm, data=_evidence_data(shifts, "shared"), submission_key=None
        )
    assert _told() == []


def test_shared_evidence_tells_her_manager_and_private_evidence_nobody(
    everyone: None, pm: User, shifts: list[Shift], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _private, _ = services.evidence_create(
            author=pm, data=_evidence_data(shifts, "private"), submission_key=None
        )
    assert _told() == []
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_create(
            author=pm, data=_evidence_data(shifts, "shared"), submission_key=None
        )
    assert _told() == [("marco", Kind.EVIDENCE_SHARED)]
    notification = Notification.objects.get()
    # Names and dates only: nothing of what the entry says.
    assert notification.text == "Priya shared evidence from 3 May 2026."
    assert "zq" not in notification.text
    # Evidence is told in the daily digest by default: no email now.
    assert notification.email == "digest"
    assert mail.outbox == []


def test_evidence_going_from_private_to_shared_tells_her_manager_once(
    everyone: None, pm: User, shifts: list[Shift], django_capture_on_commit_callbacks
) -> None:
    evidence = EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="private")
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_set_visibility(evidence=evidence, visibility="shared")
        services.evidence_set_visibility(evidence=evidence, visibility="shared")  # no change
    assert _told() == [("marco", Kind.EVIDENCE_SHARED)]

    # An edit of an entry shared already tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_update(
            evidence=evidence,
            data=_evidence_data(shifts, "shared", title="Edited"),
            expected_version=evidence.version,
        )
    assert len(_told()) == 1

    # Unshared, then shared again by an edit: told again.
    other = EvidenceFactory(author=pm, shifts=[shifts[0]], visibility="private")
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_update(
            evidence=other, data=_evidence_data(shifts, "shared"), expected_version=other.version
        )
    assert _told() == [("marco", Kind.EVIDENCE_SHARED)] * 2


def test_a_completed_review_tells_the_pm_only(
    everyone: None,
    pm: User,
    manager: User,
    shifts: list[Shift],
    django_capture_on_commit_callbacks,
) -> None:
    review = _review_ready(pm, manager, shifts)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_complete(review=review)
    assert _told() == [("priya", Kind.REVIEW_COMPLETED)]
    assert Notification.objects.get().url == f"/reviews/{review.pk}/"
    assert [m.to for m in mail.outbox] == [["priya@example.com"]]

    second = _review_ready(pm, manager, shifts)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_save(
            review=second, rows=[], summary="Again.", agreed_focus="", complete=True
        )
    assert _told() == [("priya", Kind.REVIEW_COMPLETED)] * 2


def test_a_kind_turned_off_tells_nobody_and_unknown_kinds_are_refused(
    pm: User, manager: User
) -> None:
    NotificationPreference.objects.create(
        person=manager, kind=Kind.CHECKIN_SUBMITTED, enabled=False, email="never"
    )
    assert (
        notifications.notify(Kind.CHECKIN_SUBMITTED, recipient=manager, actor=pm, text="x") is None
    )
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notifications.notify("gossip", recipient=manager, text="x")


def test_the_kinds_built_in_parallel_can_be_told_through_notify(
    pm: User, manager: User, django_capture_on_commit_callbacks
) -> None:
    """The integrator calls notify for the 1:1 and acknowledgement events; nothing else."""
    with django_capture_on_commit_callbacks(execute=True):
        for kind in (Kind.REVIEW_ACKNOWLEDGED, Kind.ONE_ON_ONE_ITEM_ADDED, Kind.ACTION_ITEM_DUE):
            notifications.notify(kind, recipient=manager, actor=pm, text=f"{kind} happened.")
    assert _told() == sorted(
        [
            ("marco", Kind.REVIEW_ACKNOWLEDGED),
            ("marco", Kind.ONE_ON_ONE_ITEM_ADDED),
            ("marco", Kind.ACTION_ITEM_DUE),
        ]
    )
    # Immediate ones are emailed now; the 1:1 item waits for the digest.
    assert len(mail.outbox) == 2


# Delivery: after commit, once, retried.


def test_nothing_is_told_or_enqueued_before_the_write_commits(
    pm: User, shifts: list[Shift], django_capture_on_commit_callbacks
) -> None:
    checkin = _draft_ready(pm, shifts)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.checkin_submit(checkin=checkin)
        assert Notification.objects.count() == 0
    assert mail.outbox == []
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        callbacks[0]()  # the commit: the notification is written, its email not yet sent
    assert _told() == [("marco", Kind.CHECKIN_SUBMITTED)]
    assert mail.outbox == []
    enqueued[0]()  # the notification's own commit: now the email task is enqueued and runs
    assert len(mail.outbox) == 1


def test_a_rolled_back_write_tells_and_sends_nothing(
    pm: User, manager: User, shifts: list[Shift], django_capture_on_commit_callbacks
) -> None:
    checkin = _draft_ready(pm, shifts)
    review = _review_ready(pm, manager, shifts)

    def request_that_fails_after_writing() -> None:
        with transaction.atomic():
            services.checkin_submit(checkin=checkin)
            services.review_complete(review=review)
            services.evidence_create(
                author=pm, data=_evidence_data(shifts, "shared"), submission_key=None
            )
            raise RuntimeError("something later in the request failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        request_that_fails_after_writing()
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def _immediate(recipient: User, kind: str = Kind.REVIEW_COMPLETED) -> Notification:
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        text="Marco completed a review.",
        url="/",
        email="immediately",
    )


def test_a_task_run_twice_sends_once(pm: User) -> None:
    notification = _immediate(pm)
    first = tasks.send_notification_email.enqueue(notification.pk)
    second = tasks.send_notification_email.enqueue(notification.pk)
    assert (first.return_value, second.return_value) == ("sent", "nothing to send")
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_digest_task_run_twice_sends_once(manager: User) -> None:
    notifications.notify(Kind.EVIDENCE_SHARED, recipient=manager, text="Priya shared evidence.")
    tasks.send_digest.enqueue(manager.pk)
    tasks.send_digest.enqueue(manager.pk)
    assert len(mail.outbox) == 1


class FailsOnce(EmailBackend):
    """An SMTP server that drops the first message and accepts the rest."""

    failures = 0

    def send_messages(self, messages: Any) -> int:
        if FailsOnce.failures == 0:
            FailsOnce.failures += 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class AlwaysFails(EmailBackend):
    def send_messages(self, messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_failed_send_fails_the_task_and_is_retried(pm: User, settings) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.FailsOnce"
    FailsOnce.failures = 0
    notification = _immediate(pm)
    result = tasks.send_notification_email.enqueue(notification.pk)
    assert result.status == "FAILED"  # the first attempt raised...
    assert FailsOnce.failures == 1
    assert len(mail.outbox) == 1  # ...and its retry sent the email, once
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_send_that_keeps_failing_gives_up_and_stays_unsent(pm: User, settings) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.AlwaysFails"
    notification = _immediate(pm)
    tasks.send_notification_email.enqueue(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert mail.outbox == []


def test_with_the_database_backend_a_retry_waits_in_the_queue(pm: User, settings) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = f"{__name__}.AlwaysFails"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    notification = _immediate(pm)
    tasks.send_notification_email.enqueue(notification.pk)
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    assert queued.args_kwargs["args"] == [notification.pk]
    with pytest.raises(smtplib.SMTPException):  # what the worker runs
        tasks.send_notification_email.call(notification.pk)
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after > timezone.now() + timedelta(minutes=1)


# Emails and unsubscribing.


def _unsubscribe_url(message: mail.EmailMessage) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    return header.strip("<>")


def test_an_email_has_text_html_and_one_click_unsubscribe_headers(pm: User) -> None:
    tasks.send_notification_email.enqueue(_immediate(pm).pk)
    [message] = mail.outbox
    assert "Marco completed a review." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Marco completed a review." in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = _unsubscribe_url(message)
    assert "/notifications/unsubscribe/" in url
    assert url in message.body
    assert url in html


def test_unsubscribe_works_without_login_for_its_own_recipient_and_kind_only(
    pm: User, manager: User
) -> None:
    tasks.send_notification_email.enqueue(_immediate(pm).pk)
    url = _unsubscribe_url(mail.outbox[0])
    anonymous = Client(enforce_csrf_checks=True)

    assertContains(anonymous.get(url), "Unsubscribe from these emails?")
    assert not NotificationPreference.objects.exists()  # a GET (a link scanner) changes nothing

    # The mail client's one-click POST: no login, no CSRF token.
    assertContains(anonymous.post(url, {"List-Unsubscribe": "One-Click"}), "You are unsubscribed")
    assert list(
        NotificationPreference.objects.values_list("person__username", "kind", "email")
    ) == [("priya", Kind.REVIEW_COMPLETED, "never")]
    # Her other kinds, and everyone else, are as they were.
    prefs = {p.kind: p.email for p in notifications.preferences_of(pm)}
    assert prefs[Kind.CHECKIN_DUE] == "immediately"
    assert {p.email for p in notifications.preferences_of(manager)} == {"immediately", "digest"}
    # And no more email of that kind reaches her; the app still tells her.
    notification = notifications.notify(Kind.REVIEW_COMPLETED, recipient=pm, text="Again.")
    assert notification is not None
    assert notification.email == "never"


def test_an_unsubscribe_token_cannot_be_changed_to_name_someone_else(
    client: Client, pm: User, manager: User
) -> None:
    token = notifications.unsubscribe_token(pm, [Kind.REVIEW_COMPLETED])
    # Her signature on a payload that names her manager, or another kind.
    signature = token[token.index(":") :]
    for_him = signing.dumps({"u": manager.pk, "k": [Kind.REVIEW_COMPLETED]}, salt="other")
    other_kind = signing.dumps({"u": pm.pk, "k": [Kind.CHECKIN_DUE]}, salt="other")
    spliced = [t[: t.index(":")] + signature for t in (for_him, other_kind)]
    # A token signed for something else altogether (same key, another purpose).
    elsewhere = signing.dumps({"u": manager.pk, "k": [Kind.REVIEW_COMPLETED]})
    for bad in (*spliced, token[:-2], elsewhere, "not-a-token"):
        assert client.post(f"/notifications/unsubscribe/{bad}/").status_code == 404
    assert not NotificationPreference.objects.exists()


def test_a_digest_groups_what_happened_since_the_last_one(manager: User, pm: User) -> None:
    def told(kind: str, text: str) -> Notification | None:
        return notifications.notify(kind, recipient=manager, actor=pm, text=text, url="/x/")

    told(Kind.EVIDENCE_SHARED, "Priya shared evidence from 1 May 2026.")
    told(Kind.EVIDENCE_SHARED, "Priya shared evidence from 2 May 2026.")
    told(Kind.ONE_ON_ONE_ITEM_ADDED, "Priya added an item to your 1:1.")
    already_read = told(Kind.EVIDENCE_SHARED, "Priya shared evidence from 9 April 2026.")
    Notification.objects.filter(pk=already_read.pk).update(read_at=timezone.now())
    assert mail.outbox == []  # digest kinds wait

    assert tasks.queue_digests() == 1
    [digest] = mail.outbox
    assert digest.to == ["marco@example.com"]
    assert digest.subject == "Your digest: 3 updates"
    body = digest.body
    assert body.index("A report shared evidence") < body.index("1 May 2026") < body.index("2 May")
    assert body.index("A 1:1 agenda item was added") < body.index("added an item to your 1:1")
    assert "9 April" not in body  # read in the app already
    assert "List-Unsubscribe" in digest.extra_headers

    assert tasks.queue_digests() == 0  # nothing since
    told(Kind.EVIDENCE_SHARED, "Priya shared evidence from 5 May 2026.")
    assert tasks.queue_digests() == 1
    assert "5 May" in mail.outbox[1].body
    assert "1 May" not in mail.outbox[1].body
    assert mail.outbox[1].subject == "Your digest: 1 update"


def test_the_digest_command_says_what_it_enqueued(manager: User, capsys) -> None:
    from django.core.management import call_command

    notifications.notify(Kind.EVIDENCE_SHARED, recipient=manager, text="Priya shared evidence.")
    call_command("send_notification_digests")
    assert capsys.readouterr().out.strip() == "Enqueued 1 digest."
    assert len(mail.outbox) == 1


# Pages.


def _notify_many(person: User, count: int) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=Kind.EVIDENCE_SHARED,
            text=f"Event number {n}.",
            url="/evidence/",
            email="never",
            created_at=now - timedelta(minutes=count - n),
        )
        for n in range(count)
    )


def test_the_list_is_newest_first_paginated_with_the_unread_count_in_the_navigation(
    client: Client, pm: User, django_assert_num_queries
) -> None:
    _notify_many(pm, 25)
    client.force_login(pm)
    with django_assert_num_queries(6):
        # 1. the session, 2. the user, 3. the version tokens (page cache)
        # 4. the count for the paginator
        # 5. the page of notifications
        # 6. the navigation: has reports, and the unread count
        response = client.get("/notifications/")
    content = response.content.decode()
    assert content.index("Event number 24.") < content.index("Event number 5.")
    assertNotContains(response, "Event number 4.")
    assertContains(response, '25<span class="visually-hidden"> unread</span>', html=False)
    page_two = client.get("/notifications/?page=2", headers={"HX-Request": "true"})
    assertContains(page_two, "Event number 4.")
    assertNotContains(page_two, "<html")


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(
    client: Client, pm: User
) -> None:
    _notify_many(pm, 2)
    first, second = Notification.objects.order_by("created_at")
    client.force_login(pm)
    response = client.get(f"/notifications/{first.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/evidence/"
    first.refresh_from_db()
    assert first.read_at is not None
    assertContains(client.get("/"), '1<span class="visually-hidden"> unread</span>', html=False)
    client.post(f"/notifications/{second.pk}/read/")
    assertNotContains(client.get("/"), "unread</span>")


def test_mark_all_as_read(client: Client, pm: User, other_pm: User) -> None:
    _notify_many(pm, 3)
    _notify_many(other_pm, 2)
    client.force_login(pm)
    assertContains(client.post("/notifications/read/", follow=True), "Marked 3 notifications")
    assert Notification.objects.unread().filter(recipient=other_pm).count() == 2


def test_a_notification_link_answers_404_once_access_is_lost(
    client: Client,
    pm: User,
    manager: User,
    other_manager: User,
    shifts: list[Shift],
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        evidence, _ = services.evidence_create(
            author=pm, data=_evidence_data(shifts, "shared"), submission_key=None
        )
    notification = Notification.objects.get(recipient=manager)
    client.force_login(manager)
    assertContains(client.get(f"/notifications/{notification.pk}/", follow=True), "zqPrivateTitle")
    User.objects.filter(pk=pm.pk).update(manager=other_manager)  # priya moved teams
    response = client.get(f"/notifications/{notification.pk}/", follow=True)
    assert response.status_code == 404
    # The list still says what it said, which was never private.
    assertContains(client.get("/notifications/"), "Priya shared evidence from 3 May 2026.")
    assertNotContains(client.get("/notifications/"), "zqPrivate")
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_preferences_are_saved_and_stop_waiting_email(client: Client, manager: User) -> None:
    notifications.notify(Kind.EVIDENCE_SHARED, recipient=manager, text="Priya shared evidence.")
    client.force_login(manager)
    assertContains(client.get("/account/"), 'href="/notifications/preferences/"')
    page = client.get("/notifications/preferences/")
    assertContains(page, "<legend>A report shared evidence</legend>", html=False)
    data = {f"{kind}-email": "immediately" for kind in notifications.KINDS}
    data |= {f"{kind}-enabled": "on" for kind in notifications.KINDS}
    data[f"{Kind.EVIDENCE_SHARED}-email"] = "never"
    del data[f"{Kind.CHECKIN_SUBMITTED}-enabled"]
    response = client.post("/notifications/preferences/", data, follow=True)
    assertContains(response, "Saved your notification preferences.")
    prefs = {p.kind: (p.enabled, p.email) for p in notifications.preferences_of(manager)}
    assert prefs[Kind.EVIDENCE_SHARED] == (True, "never")
    assert prefs[Kind.CHECKIN_SUBMITTED] == (False, "immediately")
    assert tasks.queue_digests() == 0  # what waited for the digest will not be emailed
    bad = client.post("/notifications/preferences/", {**data, "checkin_due-email": "hourly"})
    assertContains(bad, "Choose how to be emailed", status_code=422)


def test_what_others_were_told_of_a_person_goes_with_her_account(
    pm: User, manager: User, shifts: list[Shift], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.checkin_submit(checkin=_draft_ready(pm, shifts))
        services.review_complete(review=_review_ready(pm, manager, shifts))
    assert _told() == [("marco", Kind.CHECKIN_SUBMITTED), ("priya", Kind.REVIEW_COMPLETED)]
    services.account_delete(user=pm)
    assert _told() == []  # marco's, which named her, and her own
