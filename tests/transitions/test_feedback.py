"""Feedback requests: asking about one to three shifts, the public link page an outside
person answers on, the in-app answer of a colleague, and what the answer becomes (private,
shared with the manager, an attestation in the packet)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client, TestCase
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from leadership.models import User
from tests.factories import EvidenceFactory, UserFactory, submitted_checkin
from transitions import account_data, account_import, feedback, services
from transitions.models import FeedbackRequest, Notification, Review, Shift
from transitions.views import feedback as feedback_views

QUESTION = "How did the Q3 pricing alignment with your team go?"
EXAMPLE = "She brought sales and finance to one table and got a price both could sell."


# What happens after a commit (emails, notifications) happens in these tests, as it would in
# the app: each request and each service call here commits, as far as callbacks go.
_committed = TestCase.captureOnCommitCallbacks


class _CommittingClient(Client):
    def request(self, **request: object) -> object:  # type: ignore[override]
        with _committed(execute=True):
            return super().request(**request)


@pytest.fixture
def client() -> Client:
    return _CommittingClient()


def _ask(
    pm: User, shifts: list[Shift], *, email: str = "jane@example.org", **extra: object
) -> FeedbackRequest:
    with _committed(execute=True):
        return services.feedback_request_create(
            requester=pm,
            shifts=shifts,
            question=QUESTION,
            name="Jane Doe",
            email=email,
            role="VP Sales",
            **extra,
        )


def _link_from_email() -> str:
    [message] = mail.outbox
    found = re.search(r"/feedback/answer/(\w+)/", message.body)
    assert found, message.body
    return f"/feedback/answer/{found.group(1)}/"


def _answer(request: FeedbackRequest, **changes: object) -> FeedbackRequest:
    data = {
        "example": EXAMPLE,
        "frequency": "often",
        "giver_name": "Jane Doe",
        "giver_role": "VP Sales",
    }
    data.update(changes)
    with _committed(execute=True):
        return services.feedback_answer_save(request=request, data=data, send=True)


def _rows_text() -> str:
    """Every column of every feedback request row, as one text."""
    return json.dumps(list(FeedbackRequest.objects.values()), default=str)


@pytest.fixture
def asked(pm: User, shifts: list[Shift]) -> FeedbackRequest:
    """priya asked Jane Doe (no account) by email about two shifts."""
    mail.outbox.clear()
    return _ask(pm, shifts[:2])


# Asking


def test_the_pm_asks_an_outside_person_who_gets_an_email_with_the_link(
    client: Client, pm: User, shifts: list[Shift]
) -> None:
    client.force_login(pm)
    response = client.post(
        "/feedback/",
        {
            "shifts": [shifts[0].pk, shifts[3].pk],
            "question": QUESTION,
            "name": "Jane Doe",
            "email": "jane@example.org",
            "role": "VP Sales",
        },
    )
    made = FeedbackRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/feedback/{made.pk}/"
    assert made.recipient is None
    assert made.recipient_email == "jane@example.org"
    assert set(made.shifts.all()) == {shifts[0], shifts[3]}
    assert made.expires_at - made.created_at == timedelta(days=30)
    [message] = mail.outbox
    assert message.to == ["jane@example.org"]
    assert "Priya" in message.subject
    assert QUESTION in message.body
    assert shifts[0].to_text in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "/feedback/answer/" in html
    assert client.get(_link_from_email()).status_code == 200


def test_a_colleague_with_an_account_is_told_in_the_app_and_answers_there(
    client: Client, pm: User, other_pm: User, shifts: list[Shift]
) -> None:
    client.force_login(pm)
    client.post(
        "/feedback/",
        {
            "shifts": [shifts[0].pk],
            "question": QUESTION,
            "name": "Sam",
            "email": other_pm.email.upper(),
        },
    )
    made = FeedbackRequest.objects.get()
    assert made.recipient == other_pm
    assert made.token_hash == ""
    told = Notification.objects.get(recipient=other_pm, kind="feedback_requested")
    assert told.text == "Priya asked for your feedback on 1 shift."
    assert QUESTION not in told.text
    assert told.url == f"/feedback/{made.pk}/answer/"
    # Her own email says so too, but no link page exists for her.
    assert all("/feedback/answer/" not in message.body for message in mail.outbox)

    client.force_login(other_pm)
    assertContains(client.get("/feedback/"), "Priya asks about 1 shift")
    page = client.get(told.url)
    assertContains(page, QUESTION)
    assertContains(page, 'value="Sam"', html=False)  # her name, prefilled
    response = client.post(
        told.url, {"action": "send", "example": EXAMPLE, "giver_name": "Sam", "giver_role": ""}
    )
    assertContains(response, "Thank you")
    made.refresh_from_db()
    assert made.answered_at is not None
    assert made.example == EXAMPLE
    assert Notification.objects.filter(recipient=pm, kind="feedback_received").exists()
    assertContains(
        client.post(told.url, {"action": "send", "example": "Again"}), "closed", status_code=409
    )


def test_asking_from_a_shift_page_prefills_the_shift(
    client: Client, pm: User, shifts: list[Shift]
) -> None:
    client.force_login(pm)
    page = client.get(f"/shifts/{shifts[2].slug}/")
    assertContains(page, f'href="/feedback/?shift={shifts[2].slug}#ask-title"', html=False)
    form = client.get(f"/feedback/?shift={shifts[2].slug}")
    assertContains(form, f'value="{shifts[2].pk}" id="id_shifts_0_2" checked', html=False)


def test_one_to_three_shifts_and_a_question_are_required(
    client: Client, pm: User, shifts: list[Shift]
) -> None:
    client.force_login(pm)
    too_many = client.post(
        "/feedback/",
        {
            "shifts": [s.pk for s in shifts[:4]],
            "question": QUESTION,
            "name": "Jane",
            "email": "jane@example.org",
        },
    )
    assertContains(too_many, "Ask about 3 shifts at most", status_code=422)
    none = client.post("/feedback/", {"question": " ", "name": "J", "email": "own@example.org"})
    assertContains(none, "Pick at least one shift", status_code=422)
    assertContains(none, "Write the question you want answered.", status_code=422)
    own = client.post(
        "/feedback/",
        {"shifts": [shifts[0].pk], "question": "Q?", "name": "Me", "email": pm.email},
    )
    assertContains(own, "This is your own address", status_code=422)
    assert not FeedbackRequest.objects.exists()
    with pytest.raises(ValueError, match="one to 3 shifts"):
        _ask(pm, shifts[:4])


def test_at_most_ten_requests_are_open_at_once(
    client: Client, pm: User, shifts: list[Shift]
) -> None:
    for n in range(FeedbackRequest.MAX_OPEN):
        _ask(pm, [shifts[0]], email=f"person{n}@example.org")
    with pytest.raises(services.TooManyOpenRequests):
        _ask(pm, [shifts[0]])
    client.force_login(pm)
    data = {"shifts": [shifts[0].pk], "question": QUESTION, "name": "J", "email": "j@example.org"}
    response = client.post("/feedback/", data)
    assertContains(response, "You have 10 requests waiting for an answer", status_code=422)
    assert FeedbackRequest.objects.count() == 10
    # A closed one makes room.
    services.feedback_revoke(request=FeedbackRequest.objects.first())
    assert client.post("/feedback/", data).status_code == 302


def test_the_database_refuses_impossible_requests(pm: User, asked: FeedbackRequest) -> None:
    for changes in (
        {"recipient": pm},  # to herself, and both kinds of recipient at once
        {"token_hash": ""},  # an outside person without a link
        {"answered_at": timezone.now()},  # answered with no example
        {"declined_at": timezone.now(), "answered_at": timezone.now(), "example": "x"},
        {"shared_at": timezone.now()},  # shared before any answer
        {"frequency": "always"},
        {"emails_sent": 3},  # more than one reminder
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            FeedbackRequest.objects.filter(pk=asked.pk).update(**changes)


# The link page


def test_the_link_page_shows_only_the_shifts_the_question_and_her_name(
    client: Client, pm: User, shifts: list[Shift], asked: FeedbackRequest
) -> None:
    EvidenceFactory(author=pm, shifts=[shifts[0]], title="zqEvidenceTitle", visibility="shared")
    submitted_checkin(pm, dict.fromkeys(shifts, 4), days_ago=3)
    response = client.get(_link_from_email())
    assertContains(response, "Priya")
    assertContains(response, QUESTION)
    for shift in shifts[:2]:
        assertContains(response, shift.to_text)
        assertContains(response, shift.from_text)
    for shift in shifts[2:]:
        assertNotContains(response, shift.to_text)
    assertNotContains(response, "zqEvidenceTitle")
    assertNotContains(response, "<nav")
    assertNotContains(response, 'href="/"', html=False)
    assertNotContains(response, "<script")
    links = re.findall(r'href="([^"]*)"', response.content.decode())
    assert all(link.startswith("/static/") for link in links), links
    assertNotContains(response, pm.email)
    assertNotContains(response, "marco")
    assertContains(response, '<meta name="robots" content="noindex, nofollow">', html=False)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_outside_person_saves_a_draft_then_sends_once(
    client: Client, pm: User, asked: FeedbackRequest
) -> None:
    link = _link_from_email()
    draft = client.post(
        link, {"action": "save", "example": "Half written", "giver_name": "Jane Doe"}
    )
    assertContains(draft, "Draft saved")
    assertContains(client.get(link), "Half written")
    missing = client.post(link, {"action": "send", "example": "", "giver_name": "Jane Doe"})
    assertContains(missing, "Give one concrete example before sending.", status_code=422)
    sent = client.post(
        link,
        {"action": "send", "example": EXAMPLE, "frequency": "often", "giver_name": "Jane Doe"},
    )
    assertContains(sent, "Thank you")
    asked.refresh_from_db()
    assert asked.answered_at is not None
    assert asked.frequency == "often"
    assert asked.shared_at is None  # private to her by default
    told = Notification.objects.get(recipient=pm, kind="feedback_received")
    assert told.text == "Jane Doe answered your feedback request."
    # Used: the link is dead, and writes nothing more.
    before = _rows_text()
    assertContains(client.get(link), "This link does not work", status_code=404)
    assert client.post(link, {"action": "send", "example": "Changed"}).status_code == 404
    assert _rows_text() == before


def test_declining_keeps_nothing_and_closes_the_link(
    client: Client, asked: FeedbackRequest
) -> None:
    link = _link_from_email()
    client.post(link, {"action": "save", "example": "A draft", "giver_name": "Jane"})
    assertContains(client.post(link, {"action": "decline"}), "You declined")
    asked.refresh_from_db()
    assert asked.declined_at is not None
    assert asked.example == ""
    assert client.get(link).status_code == 404


@pytest.mark.parametrize("how", ["expired", "revoked", "answered", "declined", "forged"])
def test_a_dead_or_forged_link_answers_404_and_writes_nothing(
    client: Client, asked: FeedbackRequest, how: str
) -> None:
    link = _link_from_email()
    if how == "expired":
        FeedbackRequest.objects.filter(pk=asked.pk).update(
            created_at=timezone.now() - timedelta(days=31),
            expires_at=timezone.now() - timedelta(seconds=1),
        )
    elif how == "revoked":
        services.feedback_revoke(request=asked)
    elif how == "answered":
        _answer(asked)
    elif how == "declined":
        services.feedback_decline(request=asked)
    else:
        token = link.split("/")[-2]
        link = link.replace(token, token[:-1] + ("0" if token[-1] != "0" else "1"))
    before, sent = _rows_text(), len(mail.outbox)
    for response in (
        client.get(link),
        client.post(link, {"action": "send", "example": "x", "giver_name": "y"}),
        client.post(link, {"action": "decline"}),
    ):
        assertContains(response, "This link does not work", status_code=404)
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert _rows_text() == before
    assert len(mail.outbox) == sent


@pytest.mark.parametrize("token", ["x", "a" * 64, "a" * 200, "%00"])
def test_tokens_of_any_shape_are_not_found(
    client: Client, asked: FeedbackRequest, token: str
) -> None:
    assert client.get(f"/feedback/answer/{token}/").status_code == 404


def test_the_token_is_not_stored_in_clear(asked: FeedbackRequest) -> None:
    token = _link_from_email().split("/")[-2]
    assert len(token) == 64
    assert token not in _rows_text()
    assert asked.token_hash == feedback.token_hash(token) != token
    from django.apps import apps
    from django.core import serializers

    everything = "".join(
        serializers.serialize("json", model._default_manager.all())
        for model in apps.get_models()
        if model._meta.app_label in ("leadership", "transitions")
    )
    assert token not in everything


def test_the_link_page_is_rate_limited_per_address(
    client: Client, asked: FeedbackRequest, settings: object
) -> None:
    link = _link_from_email()
    for _ in range(feedback_views.LINK_RATE_LIMIT):
        assert client.get(link).status_code == 200
    limited = client.get(link)
    assertContains(limited, "Too many requests", status_code=429)
    assert limited["Retry-After"] == str(feedback_views.LINK_RATE_WINDOW)
    assert limited["X-Robots-Tag"] == "noindex, nofollow"
    # Forged tokens count too: guessing is throttled like answering.
    assert client.get("/feedback/answer/" + "b" * 64 + "/").status_code == 429
    # Another address is not held back.
    assert client.get(link, REMOTE_ADDR="203.0.113.9").status_code == 200


# What the PM does with her requests


def test_one_reminder_at_most(client: Client, pm: User, asked: FeedbackRequest) -> None:
    link = _link_from_email()
    client.force_login(pm)
    page = client.get(f"/feedback/{asked.pk}/")
    assertContains(page, "Send one reminder")
    assert client.post(f"/feedback/{asked.pk}/", {"action": "remind"}).status_code == 302
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.startswith("Reminder: ")
    assert link.split("/")[-2] in mail.outbox[1].body  # the same link
    again = client.post(f"/feedback/{asked.pk}/", {"action": "remind"})
    assertContains(again, "A reminder was sent already", status_code=409)
    assert len(mail.outbox) == 2
    assertNotContains(client.get(f"/feedback/{asked.pk}/"), "Send one reminder")
    # The task run twice sends once.
    from transitions import tasks

    assert tasks._send_feedback_request(asked.pk) == "sent already"
    assert len(mail.outbox) == 2


def test_revoking_kills_the_link(client: Client, pm: User, asked: FeedbackRequest) -> None:
    link = _link_from_email()
    client.force_login(pm)
    client.post(f"/feedback/{asked.pk}/", {"action": "revoke"})
    asked.refresh_from_db()
    assert asked.revoked_at is not None
    client.logout()
    assert client.get(link).status_code == 404
    client.force_login(pm)
    again = client.post(f"/feedback/{asked.pk}/", {"action": "remind"})
    assertContains(again, "This request is closed", status_code=409)


def test_a_request_and_its_answer_are_the_pms_alone(
    client: Client,
    pm: User,
    manager: User,
    other_pm: User,
    asked: FeedbackRequest,
) -> None:
    _answer(asked)
    services.feedback_share(request=asked, shared=True)
    for someone in (manager, other_pm):
        client.force_login(someone)
        assert client.get(f"/feedback/{asked.pk}/").status_code == 404
        assert client.post(f"/feedback/{asked.pk}/", {"action": "unshare"}).status_code == 404
        assert client.get(f"/feedback/{asked.pk}/answer/").status_code == 404
        assertNotContains(client.get("/feedback/"), EXAMPLE)
    client.force_login(pm)
    page = client.get("/feedback/")
    assertContains(page, "Jane Doe")
    assertContains(client.get(f"/feedback/{asked.pk}/"), EXAMPLE)


def _draft_review(manager: User, pm: User, shifts: list[Shift]) -> Review:
    review, _ = services.review_start(
        person=pm, manager=manager, framework=shifts[0].area.framework
    )
    return review


def test_shared_feedback_shows_on_the_review_only_once_shared_and_the_shift_rated(
    client: Client, pm: User, manager: User, shifts: list[Shift], asked: FeedbackRequest
) -> None:
    _answer(asked)
    review = _draft_review(manager, pm, shifts)
    client.force_login(manager)
    services.review_rate(
        review=review, shift=shifts[0], revision=shifts[0].revisions.latest(), changes={"level": 3}
    )
    assertNotContains(client.get("/team/priya/"), EXAMPLE)  # rated, but private still
    services.feedback_share(request=asked, shared=True)
    page = client.get("/team/priya/").content.decode()
    # Revealed under the rated shift only; the other shift asked about waits for its rating.
    assert page.count(EXAMPLE) == 1
    rated = page.split(f'id="reveal-{shifts[0].slug}"')[1].split('id="reveal-')[0]
    assert EXAMPLE in rated
    assert "Jane Doe, VP Sales" in rated
    services.feedback_share(request=asked, shared=False)
    assertNotContains(client.get("/team/priya/"), EXAMPLE)


def test_shared_feedback_is_never_shown_before_the_manager_rates_the_shift(
    client: Client, pm: User, manager: User, shifts: list[Shift], asked: FeedbackRequest
) -> None:
    _answer(asked)
    services.feedback_share(request=asked, shared=True)
    _draft_review(manager, pm, shifts)
    client.force_login(manager)
    assertNotContains(client.get("/team/priya/"), EXAMPLE)
    response = client.post(
        f"/team/priya/rate/{shifts[1].slug}/",
        {f"{shifts[1].slug}-level": "4"},
        headers={"HX-Request": "true"},
    )
    assertContains(response, EXAMPLE)  # the reveal swapped in after rating


def test_an_attestation_appears_in_both_packets_with_its_giver(
    client: Client, pm: User, manager: User, shifts: list[Shift], asked: FeedbackRequest
) -> None:
    _answer(asked)
    client.force_login(pm)
    response = client.post(f"/feedback/{asked.pk}/", {"action": "attest", "shift": shifts[1].slug})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.attested_shift == shifts[1]
    day = f"{timezone.localtime(asked.answered_at):%-d %b %Y}"
    confirmed = f"Confirmed by Jane Doe, VP Sales, {day}"
    # Private: in her own packet when she includes private items, nowhere for her manager.
    assertNotContains(client.get("/packet/"), confirmed)
    assertContains(client.get("/packet/?include_private=1"), confirmed)
    client.force_login(manager)
    assertNotContains(client.get("/team/priya/packet/"), EXAMPLE)
    # Shared: in both packets, and in the Markdown download.
    services.feedback_share(request=asked, shared=True)
    for url in ("/team/priya/packet/", "/team/priya/packet/?format=md"):
        assertContains(client.get(url), confirmed)
        assertContains(client.get(url), EXAMPLE)
    client.force_login(pm)
    assertContains(client.get("/packet/"), confirmed)
    assertContains(client.get("/packet/?format=md"), confirmed)
    # Only a shift the request asked about.
    refused = client.post(f"/feedback/{asked.pk}/", {"action": "attest", "shift": shifts[5].slug})
    assert refused.status_code == 422


def test_an_open_request_cannot_be_shared_or_attested(
    client: Client, pm: User, shifts: list[Shift], asked: FeedbackRequest
) -> None:
    client.force_login(pm)
    for data in ({"action": "share"}, {"action": "attest", "shift": shifts[0].slug}):
        assert client.post(f"/feedback/{asked.pk}/", data).status_code == 409
    asked.refresh_from_db()
    assert asked.shared_at is None
    assert asked.attested_shift is None


# Data rights


def test_givers_are_in_her_export_and_the_import_says_it_leaves_them_out(
    client: Client, pm: User, asked: FeedbackRequest
) -> None:
    _answer(asked)
    data = account_data.export(pm)
    [exported] = data["feedback_requests"]
    assert exported["recipient"] == "Jane Doe"
    assert exported["recipient_email"] == "jane@example.org"
    assert exported["answer"]["example"] == EXAMPLE
    csv_text = account_data.export_csv(data)
    assert "jane@example.org" in csv_text
    assert EXAMPLE in csv_text
    client.force_login(pm)
    assertContains(client.get("/account/export.csv"), "jane@example.org")
    data["user"]["username"] = "priya2"
    data["user"]["email"] = "priya2@example.com"
    data["user"]["manager"] = None
    imported = account_import.account_import(data)
    assert any("1 feedback request" in line for line in imported.left_out)


def test_what_she_answered_a_colleague_is_in_her_export(
    pm: User, other_pm: User, shifts: list[Shift]
) -> None:
    made = _ask(other_pm, shifts[:1], email="", recipient=pm)
    _answer(made, giver_name="Priya")
    [given] = account_data.export(pm)["feedback_given"]
    assert given["asked_by"] == "Sam"
    assert given["example"] == EXAMPLE
    assert EXAMPLE in account_data.export_csv(account_data.export(pm))
    assert account_data.export(other_pm)["feedback_given"] == []


def test_feedback_goes_with_her_account(pm: User, asked: FeedbackRequest) -> None:
    other = UserFactory(username="nadia")
    services.feedback_request_create(
        requester=other, shifts=list(asked.shifts.all()), question="Q?", recipient=pm
    )
    services.account_delete(user=pm)
    assert not FeedbackRequest.objects.exists()
    assert "jane@example.org" not in _rows_text()


# Speed


def _many_requests(pm: User, shifts: list[Shift], count: int) -> None:
    colleague = UserFactory(username="colleague")
    for n in range(count):
        made = _ask(pm, shifts[n % 3 : n % 3 + 2], email=f"giver{n}@example.org")
        if n % 2:
            _answer(made)
            services.feedback_attest(request=made, shift=shifts[n % 3])
        else:
            services.feedback_revoke(request=made)
        services.feedback_request_create(
            requester=colleague, shifts=[shifts[n % 12]], question="Q?", recipient=pm
        )


@pytest.mark.parametrize("count", [1, 8])
def test_the_feedback_page_takes_the_same_queries_at_any_size(
    client: Client,
    pm: User,
    shifts: list[Shift],
    count: int,
    django_assert_num_queries: object,
) -> None:
    _many_requests(pm, shifts, count)
    client.force_login(pm)
    client.get("/feedback/")  # the framework content is then in the cache
    with django_assert_num_queries(6):  # type: ignore[operator]
        # 1. the session, 2. the user
        # 3. her requests, with recipient and attested shift
        # 4. the open requests addressed to her, with their requester
        # 5. the shifts of all of them, with their areas
        # 6. the navigation: has reports, and the unread count
        response = client.get("/feedback/")
    assert response.status_code == 200
    assert response.content.decode().count("Jane Doe") == count


def test_the_link_page_takes_a_post_from_a_browser_that_sends_no_origin(
    asked: FeedbackRequest,
) -> None:
    """With no referrer, browsers send `Origin: null` with the page's form; the token in the
    address is the credential, so the page asks for no CSRF token."""
    link = _link_from_email()
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        link,
        {"action": "send", "example": EXAMPLE, "giver_name": "Jane Doe"},
        headers={"Origin": "null"},
    )
    assertContains(response, "Thank you")
    assertNotContains(response, "csrfmiddlewaretoken")


def test_a_colleague_gets_one_reminder_in_the_app(
    client: Client, pm: User, other_pm: User, shifts: list[Shift]
) -> None:
    made = _ask(pm, shifts[:1], email="", recipient=other_pm)
    client.force_login(pm)
    assertContains(client.get(f"/feedback/{made.pk}/"), "sees your request in the app")
    client.post(f"/feedback/{made.pk}/", {"action": "remind"})
    texts = list(
        Notification.objects.filter(recipient=other_pm, kind="feedback_requested")
        .order_by("pk")
        .values_list("text", flat=True)
    )
    assert texts == [
        "Priya asked for your feedback on 1 shift.",
        "A reminder: Priya asked for your feedback on 1 shift.",
    ]
    assert client.post(f"/feedback/{made.pk}/", {"action": "remind"}).status_code == 409


def test_a_colleague_sees_only_the_requests_addressed_to_her(
    client: Client, pm: User, other_pm: User, manager: User, shifts: list[Shift]
) -> None:
    made = _ask(pm, shifts[:1], email="", recipient=other_pm)
    client.force_login(manager)
    assertNotContains(client.get("/feedback/"), "Priya asks")
    assert client.get(f"/feedback/{made.pk}/answer/").status_code == 404
    assert client.post(f"/feedback/{made.pk}/answer/", {"action": "decline"}).status_code == 404
    made.refresh_from_db()
    assert made.is_open


def test_a_colleague_deleting_her_account_leaves_the_pm_her_answer_and_attestation(
    client: Client, pm: User, other_pm: User, manager: User, shifts: list[Shift]
) -> None:
    answered = _ask(pm, shifts[:1], recipient=other_pm, email="")
    answered = _answer(answered, giver_name="Sam Lee", giver_role="Head of Sales")
    services.feedback_attest(request=answered, shift=shifts[0])
    services.feedback_share(request=answered, shared=True)
    waiting = _ask(pm, shifts[1:2], recipient=other_pm, email="")
    confirmed = f"Confirmed by {answered.attribution}"
    client.force_login(manager)
    assertContains(client.get("/team/priya/packet/"), confirmed)

    services.account_delete(user=other_pm)

    answered.refresh_from_db()
    assert answered.recipient is None
    assert (answered.recipient_name, answered.recipient_email) == ("Sam Lee", other_pm.email)
    assert answered.attribution.startswith("Sam Lee, Head of Sales, ")
    assertContains(client.get("/team/priya/packet/"), confirmed)
    assertContains(client.get("/team/priya/packet/"), EXAMPLE)
    assert feedback.request_for_token(feedback.token_for(answered)) is None  # no link
    # What she was asked and never answered goes with her account.
    assert not FeedbackRequest.objects.filter(pk=waiting.pk).exists()
