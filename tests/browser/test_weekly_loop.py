"""The weekly loop, end to end in a real browser, by its two people:

priya submits a check-in → marco is told (navigation count, /notifications/), opens the 1:1,
adds the suggested disconnect and an action item for priya → priya is told, sees both and
checks the item off → marco completes a review → priya is told, acknowledges it with a
response → marco is told and reads her response.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from leadership.models import User
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import submitted_checkin
from transitions import services
from transitions.models import ActionItem, Level, Notification, Review, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHIFT_RESPONSE = "The pricing alignment was mine; happy to show the notes."
RESPONSE = "Thank you. I see the exec updates differently: they are weekly already."


@pytest.fixture
def last_quarter(pm: User, manager: User, shifts: list[Shift]) -> None:
    """Last quarter: priya rated herself 5 on the first shift, marco rated it 3 (a disconnect)."""
    submitted_checkin(pm, {shifts[0]: 5, **dict.fromkeys(shifts[1:], 3)}, days_ago=60)
    review, _ = services.review_start(
        person=pm, manager=manager, framework=shifts[0].area.framework
    )
    for shift in shifts:
        services.review_rate(
            review=review, shift=shift, revision=shift.revisions.latest(), changes={"level": 3}
        )
    services.review_write(review=review, summary="A good quarter.", agreed_focus="")
    services.review_complete(review=review)
    Notification.objects.update(read_at=timezone.now())  # last quarter's news, read
    mail.outbox.clear()


def _nav_count(page: Page) -> Any:
    return page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Notifications")
    )


def _open_notification(page: Page, text: str) -> None:
    """From any page: the navigation shows one unread; the list links to the object."""
    page.goto("/")
    expect(_nav_count(page)).to_have_text(re.compile(r"Notifications\s*1\s*unread"))
    _nav_count(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    page.locator(".notification--unread").get_by_role("link", name=text).click()


def _priya_checks_in(page: Page, shifts: list[Shift]) -> None:
    page.goto("/")
    page.get_by_role("button", name="Start a check-in").first.click()
    expect(page).to_have_title(re.compile(r"^Check-in in progress · "))
    for shift in shifts:
        page.get_by_role(
            "group", name=f"Rate: from {shift.from_text} to {shift.to_text}", exact=True
        ).get_by_role("radio", name=f"4 {Level(4).label}").check()
        expect(page.locator(f"#status-{shift.slug}")).to_contain_text("Saved")
    page.get_by_role("button", name="Submit check-in").click()
    expect(page.locator("#flash")).to_contain_text("submitted")


def _marco_prepares_the_1_1(page: Page, first: Shift) -> None:
    _open_notification(page, "Priya submitted a check-in.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Priya")
    expect(_nav_count(page)).to_have_text("Notifications")  # opened = read

    page.get_by_role("navigation", name="Main").get_by_role("link", name="1:1s").click()
    page.get_by_role("link", name="Priya").click()
    page.get_by_role("button", name="Start a 1:1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1:1 with Priya")
    page.wait_for_load_state()  # htmx listens once the deferred script has run
    disconnect = page.locator(".suggestion--disconnect")
    expect(disconnect).to_have_count(1)
    expect(disconnect).to_contain_text(first.to_text)
    disconnect.get_by_role("button", name=re.compile("^Add to the agenda")).click()
    expect(page.locator(".agenda-item")).to_have_count(1)
    expect(page.locator(".agenda-item")).to_contain_text(first.to_text)

    page.get_by_label("Action", exact=True).fill("Write the hiring plan")
    page.get_by_label("Who does it").select_option(label="Priya")
    page.get_by_label("Due").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Add the action item").click()
    expect(page.locator(".action-item")).to_contain_text("Write the hiring plan")
    assert_accessible(page, "marco's agenda with a suggestion and an action item added")
    screenshot(page, "weekly-loop-agenda-marco")


def _priya_answers_on_the_agenda(page: Page, first: Shift) -> None:
    _open_notification(page, "Marco added an item to your 1:1 agenda.")
    expect(page.get_by_role("heading", level=1)).to_have_text("1:1 with Marco")
    expect(page.locator(".agenda-item")).to_have_count(1)
    expect(page.locator(".agenda-item")).to_contain_text(first.to_text)
    item = page.locator(".action-item").filter(has_text="Write the hiring plan")
    expect(item).to_contain_text("Priya")
    page.get_by_role("button", name=re.compile("^Check off.*hiring plan")).click()
    expect(page.locator(".action-item--done")).to_contain_text("Write the hiring plan")
    screenshot(page, "weekly-loop-agenda-priya")


def _marco_completes_a_review(page: Page, shifts: list[Shift]) -> None:
    page.goto("/team/")
    page.get_by_role("link", name="Review Priya").click()
    page.get_by_role("button", name="Start a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of Priya")
    page.wait_for_load_state()  # htmx sends the ratings once the deferred script has run
    for shift in shifts:
        page.get_by_role(
            "group", name=f"Your rating of Priya: from {shift.from_text} to {shift.to_text}"
        ).get_by_role("radio", name=f"4 {Level(4).label}").check()
        expect(page.locator(f"#reveal-{shift.slug}")).to_contain_text("Saved: Consistent.")
    page.get_by_label("Overall summary").fill("A strong quarter: the exec updates are routine.")
    expect(page.locator("#text-status")).to_contain_text("Saved.")
    page.get_by_role("button", name="Complete review").click()
    expect(page.locator("#flash")).to_contain_text("Review of Priya")


def _priya_acknowledges(page: Page, first: Shift) -> None:
    _open_notification(page, "Marco completed a review of your progress.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your review")
    expect(page.locator("#acknowledgement-status")).to_contain_text("Not acknowledged yet.")
    page.get_by_label("Your response overall").fill(RESPONSE)
    page.get_by_label(f"Your response on “{first.to_text}”").fill(SHIFT_RESPONSE)
    page.get_by_role("button", name="Acknowledge the review").click()
    expect(page.locator("#acknowledgement-status")).to_contain_text("Acknowledged by you")
    expect(page.get_by_role("main")).to_contain_text(RESPONSE)
    expect(page.get_by_role("main")).to_contain_text(SHIFT_RESPONSE)
    expect(page.get_by_role("button", name="Acknowledge the review")).to_have_count(0)
    assert_accessible(page, "an acknowledged review, seen by the PM")


def _marco_reads_the_response(page: Page) -> None:
    _open_notification(page, re.compile("^Priya acknowledged the review"))
    expect(page.locator("#acknowledgement-status")).to_contain_text("Acknowledged by Priya")
    expect(page.get_by_role("region", name="Priya's response")).to_contain_text(RESPONSE)
    expect(page.get_by_role("main")).to_contain_text(SHIFT_RESPONSE)
    expect(page.get_by_role("textbox")).to_have_count(0)  # read-only for both


def test_the_weekly_loop(
    open_page: Any, pm: User, manager: User, shifts: list[Shift], last_quarter: None
) -> None:
    marco, priya = open_page(manager), open_page(pm)
    _priya_checks_in(priya, shifts)
    _marco_prepares_the_1_1(marco, shifts[0])
    _priya_answers_on_the_agenda(priya, shifts[0])
    _marco_completes_a_review(marco, shifts)
    _priya_acknowledges(priya, shifts[0])
    _marco_reads_the_response(marco)

    latest = Review.objects.completed().latest("completed_at")
    assert latest.acknowledged_at is not None
    assert latest.response == RESPONSE
    assert ActionItem.objects.get().is_done
    # Each event also went out by email (immediately, by default) to the one person told.
    subjects = {(message.to[0], message.subject) for message in mail.outbox}
    assert any(to == manager.email and "submitted a check-in" in s for to, s in subjects)
    assert any(to == pm.email and "completed a review" in s for to, s in subjects)
