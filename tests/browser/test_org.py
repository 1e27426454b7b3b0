"""The Head of Product's organisation page in a real browser: the heatmap filtered, toggled
and sorted in place with JavaScript, by plain GET forms without, each view at an address that
carries only the filters in use; readiness shown and nobody's words."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from leadership.models import User
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import EvidenceFactory, UserFactory, submitted_checkin
from tests.transitions.test_org import completed_review
from transitions.models import Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECRET = "Confidential pricing memo for the board"


@pytest.fixture
def organisation(head: User, manager: User, pm: User, shifts: list[Shift]) -> None:
    """helena → marco → priya (close to ready: 8 shifts at Consistent, backed), and helena →
    nina → omar."""
    nina = UserFactory(username="nina", first_name="Nina", last_name="Moreau", manager=head)
    omar = UserFactory(username="omar", first_name="Omar", last_name="Haddad", manager=nina)
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=5)
    submitted_checkin(omar, dict.fromkeys(shifts, 2), days_ago=5)
    completed_review(pm, manager, {s: 4 if n < 8 else 3 for n, s in enumerate(shifts)})
    completed_review(omar, nina, dict.fromkeys(shifts, 2))
    EvidenceFactory(author=pm, shifts=shifts, visibility="shared", title=SECRET, body=SECRET)


def _heatmap_people(page: Page) -> list[str]:
    return page.locator("#heatmap tbody th").all_inner_texts()


def test_the_head_filters_toggles_and_sorts_the_heatmap_in_place(
    open_page: Any, head: User, organisation: None
) -> None:
    page = open_page(head)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation")
    readiness = page.locator("section", has=page.get_by_role("heading", name="Ready for"))
    expect(readiness).to_contain_text("Priya — 8 of 9 needed")
    expect(page.locator("main")).not_to_contain_text(SECRET)

    page.get_by_label("Team").select_option("marco")
    expect(page).to_have_url(re.compile(r"/org/\?team=marco$"))
    expect(page.locator("#heatmap tbody tr")).to_have_count(1)
    assert _heatmap_people(page) == ["Priya"]
    expect(page.locator("#heatmap tbody td.heat").first).to_have_text("4 Consistent")

    page.get_by_label("Self level (latest submitted check-in)").check()
    expect(page).to_have_url(re.compile(r"/org/\?team=marco&levels=self$"))
    expect(page.locator("#heatmap tbody td.heat").first).to_have_text("3 Practising")
    expect(page.get_by_label("Team")).to_have_value("marco")  # the form kept its choices

    page.get_by_label("Team").select_option("")
    expect(page).to_have_url(re.compile(r"/org/\?levels=self$"))
    page.locator("#heatmap").get_by_role("link", name="Readiness").click()
    expect(page).to_have_url(re.compile(r"/org/\?levels=self&sort=readiness$"))
    expect(page.locator("#heatmap tbody th").first).to_have_text("Priya")
    screenshot(page, "org-heatmap-self-by-readiness")
    assert_accessible(page, "/org/ after the heatmap was swapped in")
    # The address is bookmarkable: reloading it shows the same view.
    page.reload()
    expect(page.get_by_label("Sort by")).to_have_value("readiness")
    expect(page.get_by_label("Self level (latest submitted check-in)")).to_be_checked()


def test_without_javascript_the_filters_are_a_plain_form(
    open_page: Any, head: User, organisation: None
) -> None:
    page = open_page(head, js=False)
    page.goto("/org/")
    page.get_by_label("Team").select_option("nina")
    page.get_by_label("Self level (latest submitted check-in)").check()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/org/\?team=nina&levels=self$"))
    assert _heatmap_people(page) == ["Omar Haddad"]
    expect(page.locator("#heatmap tbody td.heat").first).to_have_text("2 Exploring")
    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/org/$"))
    expect(page.locator("#heatmap tbody tr")).to_have_count(4)
