"""Flow (c): the manager's review, from the team page to completion (rate first, then see her
self-rating), and the PM reading it from her dashboard — with autosave, and without
JavaScript (Save / Complete review)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from leadership.models import User
from tests.browser.conftest import assert_accessible
from tests.factories import EvidenceFactory, submitted_checkin
from transitions.models import Evidence, Level, Review, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUMMARY = "Priya leads the payments PMs well; next, make the exec updates routine."


@pytest.fixture
def history(pm: User, shifts: list[Shift]) -> None:
    """Priya has submitted a check-in (4 on every shift) and shared evidence for the first."""
    submitted_checkin(pm, dict.fromkeys(shifts, 4), days_ago=5)
    EvidenceFactory(
        author=pm,
        shifts=[shifts[0]],
        title="Set up the PM guild",
        visibility=Evidence.Visibility.SHARED,
    )


def review_group(page: Page, shift: Shift) -> Locator:
    return page.get_by_role(
        "group",
        name=f"Your rating of Priya: from {shift.from_text} to {shift.to_text}",
        exact=True,
    )


def rate(page: Page, shift: Shift, level: int) -> None:
    review_group(page, shift).get_by_role("radio", name=f"{level} {Level(level).label}").check()


def open_review_from_team_page(page: Page) -> None:
    page.goto("/team/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team")
    page.get_by_role("link", name="Review Priya").click()
    page.get_by_role("button", name="Start a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of Priya")
    # The heading shows while the page is still loading; a rating chosen before the
    # deferred script has run would not be sent by htmx (the form's Save button would).
    page.wait_for_load_state()


def pm_reads_the_review(open_page: Any, pm: User, *, js: bool) -> None:
    review = Review.objects.completed().get(person=pm)
    page = open_page(pm, js=js)
    page.goto("/")
    latest = page.get_by_role("region", name="Your latest review")
    expect(latest).to_contain_text(SUMMARY)
    latest.get_by_role("link", name="Read the whole review").click()
    expect(page).to_have_url(re.compile(f"/reviews/{review.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your review")
    expect(page.get_by_role("main")).to_contain_text(SUMMARY)
    expect(page.locator(".compare").first).to_contain_text("Manager's rating")


def test_review_with_autosave(
    open_page: Any, manager: User, pm: User, shifts: list[Shift], history: None
) -> None:
    page = open_page(manager)
    open_review_from_team_page(page)

    first = shifts[0]
    reveal = page.locator(f"#reveal-{first.slug}")
    # Anti-anchoring: her rating stays hidden until the manager has rated the shift.
    expect(reveal).to_contain_text("Rate it to see Priya's own rating and evidence.")
    expect(reveal).not_to_contain_text("self-rating")
    rate(page, first, 2)
    expect(reveal).to_contain_text("Saved: Exploring.")
    expect(reveal).to_contain_text("Priya's self-rating: 4 · Consistent")
    expect(reveal).to_contain_text("Gap 2")
    expect(page.locator("#announce-polite")).to_contain_text("Priya's self-rating: 4 · Consistent")
    # A gap of two is a disconnect: the evidence she shared opens by itself.
    expect(reveal.get_by_text("Evidence shared with you for this shift: 1")).to_be_visible()
    expect(reveal.get_by_role("link", name="Set up the PM guild")).to_be_visible()

    # One save at a time: on SQLite the live server's threads share one connection.
    for shift in shifts[1:]:
        rate(page, shift, 4)
        expect(page.locator(f"#reveal-{shift.slug}")).to_contain_text("Saved: Consistent.")
    page.get_by_label("Overall summary").fill(SUMMARY)
    expect(page.locator("#text-status")).to_contain_text("Saved.")
    assert_accessible(page, "a review with every rating revealed")

    page.reload()
    expect(page.get_by_role("heading", name="Rated, largest disagreement first")).to_be_visible()
    expect(page.get_by_label("Overall summary")).to_have_value(SUMMARY)
    page.get_by_role("button", name="Complete review").click()
    expect(page.locator("#flash")).to_contain_text("Review of Priya")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review of Priya")
    expect(page.get_by_role("main")).to_contain_text("2 — ")

    pm_reads_the_review(open_page, pm, js=True)


def test_review_without_javascript(
    open_page: Any, manager: User, pm: User, shifts: list[Shift], history: None
) -> None:
    page = open_page(manager, js=False)
    open_review_from_team_page(page)

    for shift in shifts[:6]:
        rate(page, shift, 3)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#flash")).to_contain_text("Review saved.")
    # Rated shifts now show her self-rating beside the manager's.
    expect(page.locator(f"#reveal-{shifts[0].slug}")).to_contain_text("Priya's self-rating: 4")
    expect(page.locator(f"#reveal-{shifts[-1].slug}")).not_to_contain_text("self-rating")

    # Completing too early says what is missing.
    page.get_by_role("button", name="Complete review").click()
    expect(page).to_have_title(re.compile(r"^Error: Review of Priya"))
    missing = page.get_by_role("alert")
    expect(missing.get_by_role("link", name="Write the overall summary")).to_be_visible()
    expect(missing.get_by_role("link", name=re.compile("^Rate: "))).to_have_count(6)

    for shift in shifts[6:]:
        rate(page, shift, 3)
    page.get_by_label("Overall summary").fill(SUMMARY)
    page.get_by_role("button", name="Complete review").click()
    expect(page.locator("#flash")).to_contain_text("Review of Priya")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review of Priya")

    pm_reads_the_review(open_page, pm, js=False)
