"""A whole check-in from the dashboard in at most 15 interactions (the way there, a rating
per shift, submit), plus one per note — by pointer, and by keyboard alone — on a 390 px
phone and a 1280 px desktop.

An interaction is a click, a tap or a key that does something; moving the pointer, and
moving focus with Tab, are the way to it and are not counted.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from leadership.models import User
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import submitted_checkin
from transitions.models import CheckIn, Level, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BUDGET = 15
NOTE = "Ran the first PM guild."


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def _submitted(pm: User) -> CheckIn:
    return CheckIn.objects.of(pm).submitted().order_by("-submitted_at").first()


@pytest.fixture
def last_month(pm: User, shifts: list[Shift]) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=30)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_check_in_by_pointer(
    open_page: Any, pm: User, shifts: list[Shift], last_month: None, width: str
) -> None:
    page = open_page(pm, viewport=PHONE if width == "phone" else DESKTOP)
    act = Counter()
    page.goto("/")
    page.get_by_role("button", name="Start a check-in").first.click()
    act()
    for n, shift in enumerate(shifts):
        group = page.get_by_role(
            "group", name=f"Rate: from {shift.from_text} to {shift.to_text}", exact=True
        )
        group.get_by_role("radio", name=f"{3 + n % 3} {Level(3 + n % 3).label}").click()
        act()
        expect(page.locator(f"#status-{shift.slug}")).to_contain_text("Saved")
        if n == 0:
            group.get_by_text("Add a note").click()
            note = group.get_by_label("Note")
            with page.expect_response(lambda response: response.request.method == "POST"):
                note.fill(NOTE)
            act()
            act()
            # Leaving the note saves it once more ("change"): let that finish before the next
            # click (on SQLite the live server's threads share one connection).
            with page.expect_response(lambda response: response.request.method == "POST"):
                note.blur()
    page.get_by_role("button", name="Submit check-in").click()
    act()
    expect(page.locator("#flash")).to_contain_text("submitted")
    assert act.count <= BUDGET + 1, act.count  # one note
    checkin = _submitted(pm)
    assert sorted(r.level for r in checkin.ratings.all()) == sorted(
        3 + n % 3 for n in range(len(shifts))
    )
    assert checkin.ratings.get(shift=shifts[0]).note == NOTE


def _tab_to(page: Page, accepts: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches `accepts` (a JS predicate on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {accepts}; }})()"):
            return
    raise AssertionError(f"Tab never reached: {accepts}")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_check_in_by_keyboard_alone(
    open_page: Any, pm: User, shifts: list[Shift], last_month: None, width: str
) -> None:
    page = open_page(pm, viewport=PHONE if width == "phone" else DESKTOP)
    act = Counter()
    page.goto("/")
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Start a check-in')")
    page.keyboard.press("Enter")
    act()
    expect(page.locator("#progress-count")).to_be_visible()
    _tab_to(page, "el.type === 'radio' && !!el.closest('.scale')")
    for n, shift in enumerate(shifts):
        page.keyboard.press(str(3 + n % 3))  # rates the focused shift and moves to the next
        act()
        expect(page.locator(f"#status-{shift.slug}")).to_contain_text("Saved")
    expect(page.get_by_role("button", name="Submit check-in")).to_be_focused()
    page.keyboard.press("Enter")
    act()
    expect(page.locator("#flash")).to_contain_text("submitted")
    assert act.count <= BUDGET, act.count
    assert sorted(r.level for r in _submitted(pm).ratings.all()) == sorted(
        3 + n % 3 for n in range(len(shifts))
    )
