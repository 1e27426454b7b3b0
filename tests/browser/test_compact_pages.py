"""The check-in is compact: the scale is explained once, each shift is one row, and notes open
on demand — on a 390 px phone and on a 1280 px desktop."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from leadership.models import User
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.factories import submitted_checkin
from transitions import services
from transitions.models import Level, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

#: The issue's bounds: about 3,500 px on a phone, 2,500 px on a desktop.
MAX_HEIGHT = {"phone": 3500, "desktop": 2500}


def _height(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


@pytest.fixture
def history(pm: User, manager: User, shifts: list[Shift]) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=30)
    services.checkin_start(person=pm, framework=shifts[0].area.framework)
    services.review_start(person=pm, manager=manager, framework=shifts[0].area.framework)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_check_in_is_compact(
    open_page: Any, pm: User, shifts: list[Shift], history: None, width: str
) -> None:
    page = open_page(pm, viewport=PHONE if width == "phone" else DESKTOP)
    page.goto("/check-ins/new/")
    expect(page.get_by_role("heading", name="The scale: what 1 to 5 mean")).to_be_visible()
    # Rated: every row then also says what the last check-in was.
    group = page.get_by_role(
        "group", name=f"Rate: from {shifts[0].from_text} to {shifts[0].to_text}", exact=True
    )
    group.get_by_role("radio", name=f"4 {Level(4).label}").check()
    expect(page.locator(f"#status-{shifts[0].slug}")).to_contain_text("Up 1 step")
    screenshot(page, f"compact-checkin-{width}")
    assert _height(page) <= MAX_HEIGHT[width], _height(page)

    # The note is one click away, and a note typed stays open after a reload.
    group.get_by_text("Add a note").click()
    with page.expect_response(lambda response: response.request.method == "POST"):
        group.get_by_label("Note").fill("Coached Jonas.")
    page.reload()
    expect(group.get_by_label("Note")).to_be_visible()
    expect(group.get_by_label("Note")).to_have_value("Coached Jonas.")
    assert_accessible(page, f"the compact check-in ({width})")  # opens every <details>


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_review_is_compact(
    open_page: Any, manager: User, shifts: list[Shift], history: None, width: str
) -> None:
    page = open_page(manager, viewport=PHONE if width == "phone" else DESKTOP)
    page.goto("/team/priya/")
    expect(page.get_by_role("heading", name="The scale: what 1 to 5 mean")).to_be_visible()
    screenshot(page, f"compact-review-{width}")
    # The check-in's rows, plus a longer header and the summary and agreed focus (~450 px).
    assert _height(page) <= MAX_HEIGHT[width] + 600, _height(page)
    assert_accessible(page, f"the compact review ({width})")
