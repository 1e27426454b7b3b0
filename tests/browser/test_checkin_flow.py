"""Flow (a): a PM's first check-in, from an empty account to the dashboard that shows it —
with autosave (JavaScript), and with plain form posts (no JavaScript)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from leadership.models import User
from tests.browser.conftest import assert_accessible
from transitions.models import CheckIn, Level, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def shift_group(page: Page, shift: Shift) -> Locator:
    """The fieldset of one shift, found by its accessible name (the legend)."""
    return page.get_by_role(
        "group", name=f"Rate: from {shift.from_text} to {shift.to_text}", exact=True
    )


def rate(page: Page, shift: Shift, level: int) -> None:
    shift_group(page, shift).get_by_role("radio", name=f"{level} {Level(level).label}").check()


def expect_saved(page: Page, shift: Shift, level: int) -> None:
    expect(page.locator(f"#status-{shift.slug}")).to_contain_text(f"Saved: {Level(level).label}.")


def expect_kept(page: Page, levels: dict[Shift, int]) -> None:
    for shift, level in levels.items():
        radio = shift_group(page, shift).get_by_role("radio", name=f"{level} {Level(level).label}")
        expect(radio).to_be_checked()


def expect_dashboard_shows_the_check_in(page: Page, shifts: list[Shift]) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_text("Start with your first check-in")).to_have_count(0)
    expect(page.locator(".checkin-status")).to_contain_text("Last check-in")
    first = page.locator(".standing__shifts li").filter(
        has=page.get_by_role("link", name=shifts[0].to_text, exact=False)
    )
    expect(first).to_contain_text("3 · Practising")
    expect(page.get_by_text("You have one submitted check-in: your baseline.")).to_be_visible()


def test_first_check_in_with_autosave(open_page: Any, pm: User, shifts: list[Shift]) -> None:
    page = open_page(pm)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Priya")
    assert_accessible(page, "the dashboard of an empty account")
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    page.get_by_role("button", name="Start your first check-in").click()
    expect(page).to_have_title(re.compile(r"^Check-in in progress · "))
    page.wait_for_load_state()  # htmx listens once the deferred script has run
    expect(page.locator("#progress-count")).to_have_text(f"0 of {len(shifts)} shifts rated")
    header = page.locator(".page-header")
    expect(header).to_contain_text(
        "Every rating and note is saved as soon as you change it.", use_inner_text=True
    )
    expect(header).not_to_contain_text("Save draft” keeps", use_inner_text=True)
    first, second, third = shifts[:3]

    rate(page, first, 3)
    expect_saved(page, first, 3)
    expect(page.locator("#announce-polite")).to_have_text("Saved: Practising.")

    # Keyboard only: Space picks the focused step, an arrow key the next one; both autosave.
    shift_group(page, second).get_by_role("radio", name="1 Mostly").focus()
    page.keyboard.press("Space")
    expect_saved(page, second, 1)
    page.keyboard.press("ArrowDown")
    expect_saved(page, second, 2)

    shift_group(page, third).get_by_text("Add a note").click()  # notes open on demand
    note = shift_group(page, third).get_by_label("Note")
    note.fill("Ran the roadmap review with two other PMs.")
    expect(page.locator(f"#status-{third.slug}")).to_contain_text("Saved.")
    expect(page.locator("#progress-count")).to_have_text(f"2 of {len(shifts)} shifts rated")
    assert_accessible(page, "a check-in after autosave")

    page.reload()
    expect_kept(page, {first: 3, second: 2})
    expect(shift_group(page, third).get_by_label("Note")).to_have_value(
        "Ran the roadmap review with two other PMs."
    )
    # Submitting now (a plain form post, also with JavaScript) lists what is missing.
    page.get_by_role("button", name="Submit check-in").click()
    expect(page.get_by_role("alert")).to_contain_text("Rate every shift before submitting.")
    assert_accessible(page, "a check-in submitted with shifts missing")
    expect_kept(page, {first: 3, second: 2})

    # One save at a time: on SQLite the live server's threads share one connection.
    for n, shift in enumerate(shifts[2:]):
        rate(page, shift, 1 + n % 5)
        expect_saved(page, shift, 1 + n % 5)
    page.get_by_role("button", name="Submit check-in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Check-in of")
    expect(page.locator("#flash")).to_contain_text("Check-in submitted")
    assert CheckIn.objects.of(pm).submitted().count() == 1
    expect_dashboard_shows_the_check_in(page, shifts)


def test_first_check_in_without_javascript(open_page: Any, pm: User, shifts: list[Shift]) -> None:
    page = open_page(pm, js=False)
    page.goto("/")
    page.get_by_role("button", name="Start your first check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in in progress")
    page.wait_for_load_state()
    header = page.locator(".page-header")
    expect(header).to_contain_text(
        "“Save draft” keeps your ratings and notes for later.", use_inner_text=True
    )
    expect(header).not_to_contain_text("saved as soon as you change it", use_inner_text=True)
    first, second = shifts[:2]

    rate(page, first, 3)
    rate(page, second, 2)
    shift_group(page, second).get_by_text("Add a note").click()
    shift_group(page, second).get_by_label("Note").fill("Coached Jonas through his first review.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#flash")).to_contain_text("Draft saved.")
    page.reload()
    expect_kept(page, {first: 3, second: 2})
    expect(shift_group(page, second).get_by_label("Note")).to_have_value(
        "Coached Jonas through his first review."
    )

    # Submitting too early lists what is missing, each a link to its shift.
    page.get_by_role("button", name="Submit check-in").click()
    expect(page).to_have_title(re.compile(r"^Error: Check-in in progress"))
    missing = page.get_by_role("alert")
    expect(missing).to_contain_text(f"{len(shifts) - 2} still need a rating")
    missing.get_by_role("link", name=shifts[2].to_text, exact=False).click()
    expect(page).to_have_url(re.compile(f"#shift-{shifts[2].slug}$"))
    unrated = shift_group(page, shifts[2])
    expect(unrated).to_contain_text("Rate this shift before submitting.")
    expect(unrated.get_by_role("radio", name="1 Mostly")).to_have_attribute("aria-invalid", "true")
    expect_kept(page, {first: 3, second: 2})

    for n, shift in enumerate(shifts[2:]):
        rate(page, shift, 1 + n % 5)
    page.get_by_role("button", name="Submit check-in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check-in of")
    expect(page.locator("#flash")).to_contain_text("Check-in submitted")
    expect_dashboard_shows_the_check_in(page, shifts)
