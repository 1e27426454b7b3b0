"""Feedback from outside the app, end to end in a real browser:

priya asks Jane (no account) by email about a shift, from the shift's page → Jane opens the
link from the email in a fresh browser (no login), sees only the shift, the question and
priya's name, and answers → priya is told, shares the answer and attaches it to the shift as
an attestation (her packet shows it) → marco, reviewing priya, sees it only once he has
rated that shift → helena, the Head of Product, sees on /org/ that the attestation made
priya ready, and none of its text.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from leadership.models import User
from tests.browser.conftest import SCREENSHOTS, assert_accessible, screenshot
from tests.factories import EvidenceFactory, submitted_checkin
from transitions import services
from transitions.models import FeedbackRequest, Level, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUESTION = "How did the Q3 pricing alignment with your team go?"
EXAMPLE = "Priya met each regional lead before the pricing review; we agreed in one meeting."


def _consistent_with_eight_shifts_backed(pm: User, manager: User, shifts: list[Shift]) -> None:
    """marco's last review rated priya Consistent on every shift; she shared evidence for
    eight of them (none for the shift she will ask about): one short of ready."""
    framework = shifts[0].area.framework
    review, _ = services.review_start(person=pm, manager=manager, framework=framework)
    for each in shifts:
        services.review_rate(
            review=review, shift=each, revision=each.revisions.latest(), changes={"level": 4}
        )
    services.review_write(review=review, summary="Consistent.", agreed_focus="")
    services.review_complete(review=review)
    backed = [each for each in shifts if each.slug != "align-with-leadership-team"][:8]
    EvidenceFactory(author=pm, shifts=backed, visibility="shared", title="zqEvidenceTitle")


def test_feedback_from_an_outside_person_becomes_an_attestation_marco_sees_after_rating(
    open_page: Any,
    pm: User,
    manager: User,
    head: User,
    shifts: list[Shift],
    live_server: Any,
    settings: Any,
) -> None:
    settings.SITE_URL = live_server.url  # the email's link points at the running app
    shift = next(s for s in shifts if s.slug == "align-with-leadership-team")
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=5)
    _consistent_with_eight_shifts_backed(pm, manager, shifts)
    services.review_start(person=pm, manager=manager, framework=shift.area.framework)
    mail.outbox.clear()

    # priya asks, from the shift's page.
    priya = open_page(pm)
    priya.goto(f"/shifts/{shift.slug}/")
    priya.get_by_role("link", name="Ask for feedback on this shift").click()
    form = priya.locator("#feedback-form")
    expect(form.get_by_role("checkbox", name=re.compile(shift.to_text, re.I))).to_be_checked()
    form.get_by_label("Your question").fill(QUESTION)
    form.get_by_label("Their name").fill("Jane Doe")
    form.get_by_label("Their email").fill("jane@example.org")
    form.get_by_label("Their role or title").fill("VP Sales")
    form.get_by_role("button", name="Send the request").click()
    expect(priya.get_by_role("heading", level=1)).to_have_text("Feedback from Jane Doe")
    expect(priya.locator("#flash")).to_contain_text("Asked Jane Doe by email")
    assert_accessible(priya, "a request waiting for its answer")

    # Jane, with no account, opens the link from her email in a browser of her own.
    [message] = mail.outbox
    assert message.to == ["jane@example.org"]
    link = re.search(r"https?://\S+/feedback/answer/\w+/", message.body)
    assert link is not None, message.body
    jane = open_page(None)
    response = jane.goto(link.group(0))
    assert response is not None
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(jane.get_by_role("heading", level=1)).to_have_text("Priya asks for your feedback")
    expect(jane.locator("main")).to_contain_text(QUESTION)
    expect(jane.locator("main")).to_contain_text(shift.to_text)
    expect(jane.get_by_role("navigation")).to_have_count(0)
    expect(jane.get_by_role("link")).to_have_count(0)
    expect(jane.locator("main")).not_to_contain_text(shifts[0].to_text)
    assert_accessible(jane, "the link page")
    screenshot(jane, "feedback-link-desktop")
    expect(jane.get_by_label("Your name")).to_have_value("Jane Doe")
    expect(jane.get_by_label("Your role or title")).to_have_value("VP Sales")
    jane.get_by_label("A concrete example").fill(EXAMPLE)
    jane.get_by_role("radio", name="Consistently").check()
    jane.get_by_role("button", name="Send my answer").click()
    expect(jane.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert jane.goto(link.group(0)).status == 404  # used up

    # priya is told, shares it and makes it an attestation.
    priya.goto("/")
    priya.get_by_role("link", name=re.compile("^Notifications")).click()
    priya.get_by_role("link", name="Jane Doe answered your feedback request.").click()
    expect(priya.locator("main")).to_contain_text(EXAMPLE)
    priya.get_by_role("button", name="Share with my manager").click()
    expect(priya.locator("#flash")).to_contain_text("Shared with your manager.")
    priya.get_by_role(
        "radio", name=re.compile(f"Confirms: {re.escape(shift.to_text)}", re.I)
    ).check()
    priya.get_by_role("button", name="Save attestation").click()
    expect(priya.locator("#flash")).to_contain_text("Attached to your packet")
    assert_accessible(priya, "an answer, shared and attested")
    screenshot(priya, "feedback-answered-desktop")
    asked = FeedbackRequest.objects.get()
    assert asked.is_shared
    assert asked.attested_shift == shift
    confirmed = f"Confirmed by {asked.attribution}"
    assert confirmed.startswith("Confirmed by Jane Doe, VP Sales, ")
    priya.goto("/packet/")
    expect(priya.locator("main")).to_contain_text(confirmed)
    expect(priya.locator("main")).to_contain_text(EXAMPLE)

    # marco sees it on his review of priya only once he has rated that shift.
    marco = open_page(manager)
    marco.goto("/team/priya/")
    expect(marco.get_by_role("heading", level=1)).to_have_text("Review of Priya")
    reveal = marco.locator(f"#reveal-{shift.slug}")
    expect(reveal).not_to_contain_text(EXAMPLE)
    expect(marco.locator("main")).not_to_contain_text(EXAMPLE)
    marco.get_by_role(
        "group",
        name=f"Your rating of Priya: from {shift.from_text} to {shift.to_text}",
        exact=True,
    ).get_by_role("radio", name=f"4 {Level(4).label}").check()
    expect(reveal).to_contain_text("Saved: Consistent.")
    expect(reveal).to_contain_text("Jane Doe, VP Sales")
    expect(reveal).to_contain_text(EXAMPLE)
    assert_accessible(marco, "the review with shared feedback revealed")
    reveal.scroll_into_view_if_needed()
    reveal.screenshot(path=SCREENSHOTS / "feedback-review-reveal.png", animations="disabled")
    marco.goto("/team/priya/packet/")
    expect(marco.locator("main")).to_contain_text(confirmed)

    # helena sees that the attestation made priya ready, and nothing of what anyone wrote.
    helena = open_page(head)
    helena.goto("/org/")
    ready = helena.get_by_role("region", name="Ready for the next step")
    expect(ready).to_contain_text("Priya")
    for text in (EXAMPLE, QUESTION, "Jane Doe", "zqEvidenceTitle"):
        expect(helena.locator("body")).not_to_contain_text(text)
    screenshot(helena, "feedback-org-readiness")
