"""Focus in a real browser: a next step changed in place by keyboard alone (Tab, Enter,
Escape), a focus stopped after its confirmation, both kept in history; and the same without
JavaScript, on the rows' own pages. Filter addresses keep only the filters in use."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from leadership.models import User
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import EvidenceFactory
from transitions import services
from transitions.models import Focus, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FIRST_STEP = "Run the next planning session with all three PMs"
NEW_STEP = "Let Jonas run planning while I coach"


@pytest.fixture
def focus(pm: User, shifts: list[Shift]) -> list[Focus]:
    return [
        services.focus_set(person=pm, shift=shifts[0], next_step=FIRST_STEP),
        services.focus_set(person=pm, shift=shifts[4], next_step="Write the pricing memo"),
    ]


def _tab_to(page: Page, target: Locator, presses: int = 80) -> None:
    """Press Tab until `target` has the keyboard focus, as a keyboard user would."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("node => node === document.activeElement"):
            return
    raise AssertionError(f"{presses} presses of Tab did not reach {target}")


def _row(page: Page, shift: Shift) -> Locator:
    return page.locator(".focus-item").filter(
        has=page.get_by_role("heading", name=shift.to_text, exact=False)
    )


def test_a_next_step_is_changed_and_a_focus_stopped_by_keyboard_alone(
    open_page: Any, pm: User, shifts: list[Shift], focus: list[Focus]
) -> None:
    page = open_page(pm)
    page.goto("/focus/")
    edit = page.get_by_role("link", name=f"Edit next step for {shifts[0].to_text}")
    step = page.get_by_label("Your next step", exact=True).and_(page.locator("#id_step-next_step"))

    # Enter opens the form in place, with the step in it and the keyboard there.
    _tab_to(page, edit)
    page.keyboard.press("Enter")
    expect(step).to_be_focused()
    expect(step).to_have_value(FIRST_STEP)
    expect(page).to_have_url(re.compile(r"/focus/$"))  # in place: no page of its own

    # Escape cancels: the row as it was, the keyboard back on its Edit link.
    page.keyboard.type(" and more")
    page.keyboard.press("Escape")
    expect(step).to_have_count(0)
    expect(edit).to_be_focused()
    expect(_row(page, shifts[0])).to_contain_text(f"Next step: {FIRST_STEP}")

    # Enter again, a new step, Enter saves: the row says it, focus on the row's Edit link.
    page.keyboard.press("Enter")
    expect(step).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(NEW_STEP)
    page.keyboard.press("Enter")
    expect(page.locator(".focus-status")).to_contain_text("Saved the next step")
    expect(_row(page, shifts[0])).to_contain_text(f"Next step: {NEW_STEP}")
    expect(edit).to_be_focused()
    history = page.get_by_role("table", name=re.compile("Focus you have set and cleared"))
    expect(history).to_contain_text(FIRST_STEP)  # the earlier step, kept

    # Stopping asks first; Escape keeps it.
    stop = page.get_by_role("link", name=f"Stop focusing on {shifts[4].to_text}")
    _tab_to(page, stop)
    page.keyboard.press("Enter")
    question = page.get_by_text("Stop focusing on this shift?")
    expect(page.locator(".focus-item__confirm p")).to_be_focused()
    expect(question).to_be_visible()
    expect(page.locator(".focus-item__confirm")).to_contain_text("moves to Earlier focus")
    page.keyboard.press("Escape")
    expect(question).to_have_count(0)
    expect(page.get_by_role("link", name=f"Edit next step for {shifts[4].to_text}")).to_be_focused()

    _tab_to(page, stop)
    page.keyboard.press("Enter")
    expect(page.locator(".focus-item__confirm p")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Yes, stop focusing")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".focus-status")).to_contain_text("to Earlier focus")
    expect(page.get_by_role("heading", name="Current focus")).to_be_focused()
    expect(_row(page, shifts[4])).to_have_count(0)
    expect(history).to_contain_text("Write the pricing memo")
    # The picker offers it again, and not the shift still in focus.
    picker = page.get_by_label("Shift to work on")
    expect(picker.locator(f'option[value="{shifts[4].slug}"]')).to_have_count(1)
    expect(picker.locator(f'option[value="{shifts[0].slug}"]')).to_have_count(0)
    assert list(
        Focus.objects.filter(person=pm).order_by("set_at", "pk").values_list("next_step", flat=True)
    ) == [FIRST_STEP, "Write the pricing memo", NEW_STEP]

    # axe, on the page and with a row in each of its modes. (axe and screenshots leave
    # `style=""` on what they touched, which htmx would copy while settling a swap, against the
    # CSP: each check ends on a new page.)
    assert_accessible(page, "the focus page after the changes")
    for name, mode in (("Edit next step for", "editing"), ("Stop focusing on", "confirming")):
        page.goto("/focus/")
        _tab_to(page, page.get_by_role("link", name=f"{name} {shifts[0].to_text}"))
        page.keyboard.press("Enter")
        expect(page.locator("[data-escape-cancels]")).to_be_visible()
        assert_accessible(page, f"the focus page, a row {mode}")
        screenshot(page, f"focus-{mode}")


def test_focus_without_javascript(
    open_page: Any, pm: User, shifts: list[Shift], focus: list[Focus]
) -> None:
    page = open_page(pm, js=False)
    page.goto("/focus/")
    page.get_by_role("link", name=f"Edit next step for {shifts[0].to_text}").click()
    expect(page).to_have_url(re.compile(r"/focus/\d+/edit/$"))
    expect(page).to_have_title(re.compile(r"^Change a next step"))
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(r"/focus/#focus-\d+$"))

    page.get_by_role("link", name=f"Edit next step for {shifts[0].to_text}").click()
    page.locator("#id_step-next_step").fill(NEW_STEP)
    page.get_by_role("button", name="Save next step").click()
    expect(page.locator("#flash")).to_contain_text("Saved the next step")
    expect(_row(page, shifts[0])).to_contain_text(f"Next step: {NEW_STEP}")

    page.get_by_role("link", name=f"Stop focusing on {shifts[4].to_text}").click()
    expect(page).to_have_url(re.compile(r"/focus/\d+/clear/$"))
    expect(page.locator(".focus-item__confirm")).to_contain_text("moves to Earlier focus")
    page.get_by_role("button", name="Yes, stop focusing").click()
    expect(page.locator("#flash")).to_contain_text("to Earlier focus")
    history = page.get_by_role("table", name=re.compile("Focus you have set and cleared"))
    expect(history).to_contain_text(FIRST_STEP)
    expect(history).to_contain_text("Write the pricing memo")
    screenshot(page, "focus-no-js")


def test_filter_addresses_keep_only_the_filters_in_use(
    open_page: Any, pm: User, shifts: list[Shift]
) -> None:
    EvidenceFactory(author=pm, shifts=[shifts[0]], title="Aligned two teams")
    for js in (False, True):
        page = open_page(pm, js=js)
        page.goto("/evidence/")
        page.get_by_label("Area").select_option(label=shifts[0].area.title)
        if not js:
            page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(rf"/evidence/\?area={shifts[0].area.slug}$"))
        expect(page.locator(".results__count")).to_contain_text("1 entry matches")
