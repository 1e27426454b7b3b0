"""Flow (b): adding evidence, filtering the list and editing an entry — with htmx, and as
plain forms without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leadership.models import User
from tests.browser.conftest import assert_accessible
from tests.factories import EvidenceFactory
from transitions.models import Evidence, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Coached Jonas through his first roadmap review"
NEW_TITLE = "Coached Jonas and Mei through their first roadmap reviews"


@pytest.fixture
def earlier(pm: User, shifts: list[Shift]) -> Evidence:
    """An entry she logged before, for a shift of another area."""
    return EvidenceFactory(
        author=pm,
        shifts=[shifts[-1]],
        title="Quarterly business review with the executive team",
        happened_on=timezone.localdate() - timedelta(days=10),
        visibility=Evidence.Visibility.SHARED,
    )


def named(action: str, title: str) -> re.Pattern[str]:
    """The name of a per-entry button: the visible action, then the entry's title."""
    return re.compile(f"^{action}\\W+{re.escape(title)}$")


def fill_in_evidence(page: Page, shift: Shift) -> None:
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What happened").fill("Walked him through the trade-offs; he ran it alone.")
    page.get_by_role("checkbox", name=shift.to_text, exact=False).check()
    page.get_by_role("radio", name="Shared with my manager").check()


def expect_title_error(page: Page) -> None:
    title = page.get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_attribute("aria-describedby", re.compile(r"\bid_title_error\b"))
    expect(page.locator("#id_title_error")).to_have_text("Give the evidence a title.")
    expect(page.locator("#field-shifts")).to_contain_text("Pick at least one shift")


def expect_results(page: Page, text: str) -> None:
    expect(page.locator(".results__count")).to_contain_text(text)


def test_evidence_with_htmx(
    open_page: Any, pm: User, shifts: list[Shift], earlier: Evidence
) -> None:
    page = open_page(pm)
    page.goto("/evidence/")
    expect_results(page, "1 entry")
    page.get_by_role("link", name="Add evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add evidence")

    # Errors come back in place; focus moves to the first field in error.
    page.get_by_role("button", name="Save evidence").click()
    expect_title_error(page)
    expect(page.get_by_label("Title")).to_be_focused()
    assert_accessible(page, "the evidence form with errors")

    fill_in_evidence(page, shifts[1])
    page.get_by_role("button", name="Save evidence").click()
    expect(page).to_have_url(re.compile(r"/evidence/$"))
    expect(page.locator("#flash")).to_contain_text(f"Saved “{TITLE}”.")
    expect_results(page, "2 entries")

    # Filters apply as they change; the address follows, and the count is announced. (Once
    # htmx has set the page up: on a busy machine a change can come before it.)
    page.wait_for_function("() => document.readyState === 'complete' && !!window.htmx")
    page.get_by_label("Area").select_option(label=shifts[1].area.title)
    expect_results(page, "1 entry matches your filters")
    expect(page).to_have_url(re.compile(f"area={shifts[1].area.slug}"))
    expect(page.locator("#announce-polite")).to_contain_text("1 entry matches your filters")
    expect(page.get_by_role("link", name=TITLE, exact=True)).to_be_visible()

    # Typing filters too (after a pause); so does Enter.
    page.get_by_label("Search").focus()
    page.keyboard.type("no such words")
    expect_results(page, "0 entries match your filters")
    expect(page).to_have_url(re.compile(r"q=no(%20|\+)such(%20|\+)words"))
    page.get_by_label("Search").fill("")
    page.keyboard.type("roadmap")
    page.keyboard.press("Enter")
    expect_results(page, "1 entry matches your filters")
    expect(page.get_by_label("Search")).to_be_focused()
    assert_accessible(page, "the filtered evidence list")

    # One click shares or unshares; focus stays on the (new) button.
    page.get_by_role("button", name=named("Make private", TITLE)).click()
    expect(page.get_by_role("button", name=named("Share with manager", TITLE))).to_be_focused()
    assert Evidence.objects.get(title=TITLE).visibility == Evidence.Visibility.PRIVATE

    page.get_by_role("link", name=named("Edit", TITLE)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit “{TITLE}”")
    page.get_by_label("Title").fill(NEW_TITLE)
    page.get_by_role("button", name="Save evidence").click()
    expect(page.locator("#flash")).to_contain_text(f"Saved your changes to “{NEW_TITLE}”.")
    # Back on the list as it was filtered.
    expect(page).to_have_url(re.compile(r"/evidence/\?.*q=roadmap"))
    expect(page.get_by_role("link", name=NEW_TITLE, exact=True)).to_be_visible()


def test_evidence_without_javascript(
    open_page: Any, pm: User, shifts: list[Shift], earlier: Evidence
) -> None:
    page = open_page(pm, js=False)
    page.goto("/evidence/new/")
    page.get_by_role("button", name="Save evidence").click()
    expect(page).to_have_title(re.compile(r"^Error: Add evidence"))
    expect_title_error(page)

    fill_in_evidence(page, shifts[1])
    page.get_by_role("button", name="Save evidence").click()
    expect(page).to_have_url(re.compile(r"/evidence/$"))
    expect(page.locator("#flash")).to_contain_text(f"Saved “{TITLE}”.")
    expect_results(page, "2 entries")

    # The filters are a GET form.
    page.get_by_label("Area").select_option(label=shifts[1].area.title)
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(f"area={shifts[1].area.slug}"))
    expect_results(page, "1 entry matches your filters")

    page.get_by_role("button", name=named("Make private", TITLE)).click()
    expect(page.locator("#flash")).to_contain_text(f"“{TITLE}” is now private.")
    expect(page).to_have_url(re.compile(f"area={shifts[1].area.slug}"))

    page.get_by_role("link", name=named("Edit", TITLE)).click()
    page.get_by_label("Title").fill(NEW_TITLE)
    page.get_by_role("button", name="Save evidence").click()
    expect(page.locator("#flash")).to_contain_text(f"Saved your changes to “{NEW_TITLE}”.")
    expect(page).to_have_url(re.compile(f"area={shifts[1].area.slug}"))
    expect(page.get_by_role("link", name=NEW_TITLE, exact=True)).to_be_visible()
    assert Evidence.objects.get(title=NEW_TITLE).visibility == Evidence.Visibility.PRIVATE
