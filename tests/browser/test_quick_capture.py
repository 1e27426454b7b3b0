"""Quick capture in a real browser, on a 390 px phone and a 1280 px desktop: the quick add in
three interactions, back on the same shift row after "Add evidence", the evidence form
prefilled by a share sheet and by the bookmarklet, and the web app installable."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from leadership.models import User
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.factories import submitted_checkin
from transitions import services
from transitions.models import Evidence, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]


def _quick_add(page: Page, title: str, shift: Shift) -> int:
    """Type a title, choose the shift, press Enter: the three interactions, counted."""
    line = page.get_by_role("form", name="Quick add evidence")
    steps: list[Callable[[], Any]] = [
        lambda: line.get_by_label("What happened?").fill(title),
        lambda: line.get_by_label("Which shift does it show?").select_option(shift.slug),
        lambda: line.get_by_label("What happened?").press("Enter"),
    ]
    for step in steps:
        step()
    return len(steps)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_quick_add_on_the_dashboard_in_three_interactions(
    open_page: Any, pm: User, shifts: list[Shift], viewport: dict[str, int]
) -> None:
    page = open_page(pm, viewport=viewport)
    page.goto("/")
    assert _quick_add(page, "Aligned search and payments on one roadmap", shifts[7]) == 3
    recent = page.locator("#recent-evidence")
    expect(
        recent.get_by_role("link", name="Aligned search and payments on one roadmap")
    ).to_be_visible()
    expect(page.locator("#quick-add-done")).to_contain_text("Added “Aligned search")
    expect(page.get_by_label("What happened?")).to_have_value("")  # ready for the next one
    expect(page.get_by_label("What happened?")).to_be_focused()
    assert page.url.endswith("/")  # in place: no page load
    evidence = Evidence.objects.get()
    assert evidence.visibility == "private"
    assert list(evidence.shifts.all()) == [shifts[7]]
    width = "phone" if viewport == PHONE else "desktop"
    assert_accessible(page, f"the dashboard after a quick add ({width})")

    # An incomplete line is refused in place, and what was typed stays.
    line = page.get_by_role("form", name="Quick add evidence")
    line.get_by_label("What happened?").fill("Half a thought")
    line.get_by_label("What happened?").press("Enter")
    expect(line.get_by_text("Pick the shift this evidence shows.")).to_be_visible()
    expect(page.get_by_label("What happened?")).to_have_value("Half a thought")
    expect(page.get_by_label("Which shift does it show?")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"the quick add refused ({width})")
    # Last, after the swaps: Playwright's screenshot leaves style="" on the inputs, which an
    # htmx swap would then carry over (and the CSP refuse).
    screenshot(page, f"quick-add-dashboard-{width}")

    # "More details…" opens the full form with it.
    page.get_by_label("Which shift does it show?").select_option(shifts[1].slug)
    page.get_by_role("button", name="More details…").click()
    expect(page).to_have_url(re.compile(r"/evidence/new/\?"))
    expect(page.get_by_label("Title")).to_have_value("Half a thought")
    expect(
        page.get_by_role("checkbox", name=re.compile(re.escape(shifts[1].to_text), re.I))
    ).to_be_checked()
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize("viewport", WIDTHS)
def test_quick_add_on_a_shift_page(
    open_page: Any, pm: User, shifts: list[Shift], viewport: dict[str, int]
) -> None:
    page = open_page(pm, viewport=viewport)
    page.goto(f"/shifts/{shifts[2].slug}/")
    expect(page.get_by_label("Which shift does it show?")).to_have_value(shifts[2].slug)
    assert _quick_add(page, "Ran the quarterly planning with three teams", shifts[2]) == 3
    expect(
        page.locator("#recent-evidence").get_by_role(
            "link", name="Ran the quarterly planning with three teams", exact=True
        )
    ).to_be_visible()
    expect(page.get_by_text("No evidence for this shift yet.")).to_have_count(0)
    expect(page.get_by_label("Which shift does it show?")).to_have_value(shifts[2].slug)
    width = "phone" if viewport == PHONE else "desktop"
    screenshot(page, f"quick-add-shift-{width}")
    assert_accessible(page, f"the shift page after a quick add ({width})")


def test_quick_add_without_javascript(open_page: Any, pm: User, shifts: list[Shift]) -> None:
    page = open_page(pm, js=False, viewport=PHONE)
    page.goto(f"/shifts/{shifts[2].slug}/")
    page.get_by_label("What happened?").fill("")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quick add evidence")
    expect(page.get_by_text("Give the evidence a title.")).to_be_visible()
    expect(page.get_by_label("Which shift does it show?")).to_have_value(shifts[2].slug)
    page.get_by_label("What happened?").fill("Wrote the hiring plan")
    page.get_by_label("What happened?").press("Enter")
    expect(page).to_have_url(re.compile(rf"/shifts/{shifts[2].slug}/\?added=\d+$"))
    expect(
        page.get_by_role("status").filter(has_text="Saved “Wrote the hiring plan”.")
    ).to_be_visible()
    expect(page.get_by_text("Evidence added: Wrote the hiring plan")).to_be_visible()
    page.goto("/")
    page.get_by_label("What happened?").fill("Took the exec update")
    page.get_by_role("button", name="More details…").click()
    expect(page.get_by_label("Title")).to_have_value("Took the exec update")


@pytest.fixture
def draft_with_a_nudge(pm: User, shifts: list[Shift]) -> Any:
    """A check-in in progress where the last shift went up with no evidence since."""
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=40)
    draft, _ = services.checkin_start(person=pm, framework=shifts[0].area.framework)
    for shift in shifts:
        services.rating_save(
            checkin=draft,
            shift=shift,
            revision=shift.revisions.latest(),
            changes={"level": 4 if shift == shifts[-1] else 2},
        )
    return draft


@pytest.mark.parametrize("viewport", WIDTHS)
@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_add_evidence_from_a_check_in_row_comes_back_to_that_row(
    open_page: Any,
    pm: User,
    shifts: list[Shift],
    draft_with_a_nudge: Any,
    viewport: dict[str, int],
    js: bool,
) -> None:
    shift = shifts[-1]
    page = open_page(pm, viewport=viewport, js=js)
    page.goto(f"/check-ins/{draft_with_a_nudge.pk}/")
    row = page.locator(f"#shift-{shift.slug}")
    row.get_by_role("link", name=re.compile("^Add evidence")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add evidence")
    page.get_by_label("Title").fill("Walked the board through the pricing case")
    page.get_by_role("button", name="Save evidence").click()
    expect(page).to_have_url(
        re.compile(rf"/check-ins/{draft_with_a_nudge.pk}/\?added=\d+#shift-{shift.slug}$")
    )
    expect(
        row.get_by_text("Evidence added: Walked the board through the pricing case")
    ).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Saved “Walked the board")).to_be_visible()
    expect(row).to_be_in_viewport()  # (waits: the browser may scroll after the load)
    assert page.evaluate("window.scrollY") > 0  # not back at the top of the page
    width = "phone" if viewport == PHONE else "desktop"
    if js:  # (axe itself needs JavaScript)
        screenshot(page, f"back-on-the-row-{width}")
        assert_accessible(page, f"the check-in back on its row ({width})")


def test_add_evidence_from_a_dashboard_gap_comes_back_to_that_gap(
    open_page: Any, pm: User, shifts: list[Shift]
) -> None:
    page = open_page(pm, viewport=PHONE)
    page.goto("/")
    gap = page.locator(f"#gap-{shifts[-1].slug}")
    gap.get_by_role("link", name=re.compile("^Add evidence")).click()
    page.get_by_label("Title").fill("Sized the new-market opportunity")
    page.get_by_role("button", name="Save evidence").click()
    expect(page).to_have_url(re.compile(rf"/\?added=\d+#gap-{shifts[-1].slug}$"))
    expect(gap.get_by_text("Evidence added: Sized the new-market opportunity")).to_be_visible()
    expect(gap).to_be_in_viewport()


def _form_values(page: Page) -> dict[str, str]:
    return {
        "title": page.get_by_label("Title").input_value(),
        "body": page.get_by_label("What happened").input_value(),
        "link": page.get_by_label("Link").input_value(),
    }


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_share_from_a_phone_opens_the_form_prefilled(
    open_page: Any, pm: User, viewport: dict[str, int]
) -> None:
    # What a phone's share sheet opens, per the manifest's share_target: logged out first.
    shared = {
        "title": "",
        "text": "Notes from the pricing offsite\nhttps://docs.example.com/offsite",
        "url": "",
    }
    page = open_page(None, viewport=viewport)
    page.goto("/evidence/new/?" + urlencode(shared))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(pm.username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name=re.compile("Log in", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add evidence")
    assert _form_values(page) == {
        "title": "Notes from the pricing offsite",
        "body": shared["text"],
        "link": "https://docs.example.com/offsite",
    }
    assert_accessible(page, "the evidence form, shared to")


def test_the_bookmarklet_opens_the_form_with_the_page_it_was_clicked_on(
    open_page: Any, pm: User, shifts: list[Shift]
) -> None:
    page = open_page(pm)
    page.goto("/evidence/")
    page.get_by_text("Add evidence from any web page, with a bookmark").click()
    code = page.get_by_label("The bookmark's address").input_value()
    assert code.startswith("javascript:")
    assert_accessible(page, "the evidence page with the bookmarklet")
    # Run it as the browser would on some page (here, the framework page), catching the
    # window it opens.
    page.goto("/framework/")
    reading = {"title": page.title(), "url": page.url}
    with page.context.expect_page() as opened:
        page.evaluate(code.removeprefix("javascript:"))
    form = opened.value
    form.wait_for_load_state()
    assert _form_values(form) == {"title": reading["title"], "body": "", "link": reading["url"]}


def test_the_app_is_installable(open_page: Any, pm: User) -> None:
    """What Lighthouse's installability audit asks Chromium: no installability errors, and a
    manifest parsed without errors."""
    page = open_page(pm)
    page.goto("/")
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert manifest["errors"] == []
    assert '"display": "standalone"' in manifest["data"]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # A Playwright context is an incognito profile, where nothing installs: that one is the
    # test browser's, not the app's. Any other (no manifest, no icon, bad start URL, not
    # standalone...) fails.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == [], errors
