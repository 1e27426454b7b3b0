"""A 1:1 in a real browser: marco adds a suggested disconnect, his own item and an action item
for priya, reorders the agenda; priya sees them, checks the action off and writes notes —
with htmx, and as plain forms without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leadership.models import User
from tests.browser.conftest import assert_accessible
from tests.factories import submitted_checkin
from transitions import services
from transitions.models import ActionItem, AgendaItem, OneOnOne, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def meeting(pm: User, manager: User, shifts: list[Shift]) -> OneOnOne:
    """A completed review with a disconnect of two steps on the first shift, and a 1:1."""
    submitted_checkin(pm, {shifts[0]: 5, **dict.fromkeys(shifts[1:], 3)}, days_ago=5)
    review, _ = services.review_start(
        person=pm, manager=manager, framework=shifts[0].area.framework
    )
    for shift in shifts:
        services.review_rate(
            review=review,
            shift=shift,
            revision=shift.revisions.latest(),
            changes={"level": 3},
        )
    services.review_write(review=review, summary="Fine.", agreed_focus="")
    services.review_complete(review=review)
    return services.one_on_one_start(manager=manager, person=pm)


def _agenda(page: Page) -> list[str]:
    return page.locator(".agenda-item > p:first-child").all_inner_texts()


def _loop(page: Page, pm_page: Page, js: bool) -> None:
    page.goto("/one-on-ones/")
    page.get_by_role("link", name="Priya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1:1 with Priya")
    suggestions = page.locator(".suggestion--disconnect")
    expect(suggestions).to_have_count(1)
    suggestions.get_by_role("button", name=re.compile("^Add to the agenda")).click()
    expect(page.locator(".agenda-item")).to_have_count(1)
    expect(page.locator(".suggestion--disconnect")).to_have_count(0)

    page.get_by_label("Talking point").fill("The hiring plan")
    page.get_by_role("button", name="Add to the agenda", exact=True).click()
    expect(page.locator(".agenda-item")).to_have_count(2)
    page.get_by_role("button", name=re.compile("^Move up.*hiring plan")).click()
    expect(page.locator(".agenda-item").first).to_contain_text("The hiring plan")

    page.get_by_label("Action", exact=True).fill("Draft the job description")
    page.get_by_label("Who does it").select_option(label="Priya")
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    page.get_by_label("Due").fill(due)
    page.get_by_role("button", name="Add the action item").click()
    expect(page.locator(".action-item")).to_contain_text("Draft the job description")
    assert_accessible(page, f"the agenda after marco's writes (js={js})")

    pm_page.goto("/one-on-ones/marco/")
    expect(pm_page.locator(".agenda-item")).to_have_count(2)
    expect(pm_page.locator(".agenda-item").first).to_contain_text("The hiring plan")
    pm_page.get_by_role("button", name=re.compile("^Check off.*job description")).click()
    expect(pm_page.locator(".action-item--done")).to_contain_text("Draft the job description")
    pm_page.get_by_label("Notes you both see").fill("We agreed on the plan.")
    if js:
        expect(pm_page.locator("#shared-status")).to_contain_text("Saved.")
    else:
        pm_page.get_by_role("button", name="Save shared notes").click()
    pm_page.get_by_label("Notes only you see").fill("Ask about the budget.")
    if js:
        expect(pm_page.locator("#private-status")).to_contain_text("Saved.")
    else:
        pm_page.get_by_role("button", name="Save private notes").click()
    expect(pm_page.get_by_label("Notes only you see")).to_have_value("Ask about the budget.")

    page.reload()
    expect(page.get_by_label("Notes you both see")).to_have_value("We agreed on the plan.")
    expect(page.get_by_label("Notes only you see")).to_have_value("")
    page.get_by_role("button", name="Start the next 1:1").click()
    expect(page.locator(".agenda-item")).to_have_count(0)
    expect(page.locator(".action-item")).to_have_count(0)  # done: it stays in its record
    history = page.get_by_role("region", name="All 1:1s with Priya")
    expect(history.get_by_role("listitem")).to_have_count(2)


def test_a_1_1_with_htmx(open_page: Any, pm: User, manager: User, meeting: OneOnOne) -> None:
    _loop(open_page(manager), open_page(pm), js=True)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2
    assert ActionItem.objects.get().is_done
    assert OneOnOne.objects.count() == 2


def test_a_1_1_without_javascript(open_page: Any, manager: User, meeting: OneOnOne) -> None:
    """Plain forms: a suggestion and an own item are added, and an item moves."""
    page = open_page(manager, js=False)
    page.goto("/one-on-ones/priya/")
    page.locator(".suggestion--disconnect").get_by_role(
        "button", name=re.compile("^Add to the agenda")
    ).click()
    expect(page.locator(".agenda-item")).to_have_count(1)
    page.get_by_label("Talking point").fill("The hiring plan")
    page.get_by_role("button", name="Add to the agenda", exact=True).click()
    expect(page.locator(".agenda-item")).to_have_count(2)
    page.get_by_role("button", name=re.compile("^Move up.*hiring plan")).click()
    expect(page.locator(".agenda-item").first).to_contain_text("The hiring plan")
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2
