"""Script payloads in every free-text field never run, and failed htmx requests are shown
to the person with what she typed still on the page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from leadership.models import User
from tests.browser.conftest import Watch, login
from tests.factories import EvidenceFactory, submitted_checkin
from transitions import services
from transitions.models import Rating, Shift

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAYLOAD = '<script>window.__xss = 1</script><img src="/x" onerror="window.__xss = 1">"\'&'


@pytest.fixture
def poisoned(pm: User, manager: User, shifts: list[Shift]) -> dict[str, Any]:
    """Every free-text field a person can fill, holding the payload."""
    framework = shifts[0].area.framework
    User.objects.filter(pk=pm.pk).update(first_name=PAYLOAD, last_name=PAYLOAD)
    pm.refresh_from_db()
    evidence = EvidenceFactory(
        author=pm,
        shifts=[shifts[0]],
        title=PAYLOAD,
        body=PAYLOAD,
        link="https://example.com/?q=%3Cscript%3E",
        visibility="shared",
    )
    checkin = submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=5)
    Rating.objects.filter(checkin=checkin).update(note=PAYLOAD)
    services.focus_set(person=pm, shift=shifts[1], next_step=PAYLOAD)
    review, _ = services.review_start(person=pm, manager=manager, framework=framework)
    for shift in shifts:
        services.review_rate(
            review=review,
            shift=shift,
            revision=shift.revisions.latest(),
            changes={"level": 2, "comment": PAYLOAD},
        )
    services.review_write(review=review, summary=PAYLOAD, agreed_focus=PAYLOAD)
    services.review_complete(review=review)
    # The next draft starts prefilled from it, payloads included.
    services.review_start(person=pm, manager=manager, framework=framework)
    return {"evidence": evidence, "checkin": checkin, "review": review, "shift": shifts[0]}


def _no_script_ran(page: Page, url: str) -> None:
    page.goto(url)
    assert page.evaluate("window.__xss") is None, url
    assert page.locator("script:not([src])").count() == 0, url


def test_no_page_runs_a_stored_script(
    open_page: Any, pm: User, manager: User, poisoned: dict[str, Any]
) -> None:
    dialogs: list[str] = []
    as_pm = open_page(pm)
    as_pm.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    slug = poisoned["shift"].slug
    for url in (
        "/",
        "/evidence/",
        f"/evidence/{poisoned['evidence'].pk}/",
        f"/evidence/{poisoned['evidence'].pk}/edit/",
        f"/shifts/{slug}/",
        f"/check-ins/{poisoned['checkin'].pk}/",
        "/focus/",
        "/packet/",
        "/packet/?include_private=1",
        f"/reviews/{poisoned['review'].pk}/",
        "/account/",
    ):
        _no_script_ran(as_pm, url)
    expect(as_pm.get_by_text(PAYLOAD).first).to_be_visible()  # shown as text

    as_manager = open_page(manager)
    for url in (
        "/team/",
        "/team/priya/",
        f"/team/priya/reviews/{poisoned['review'].pk}/",
        f"/team/priya/shifts/{slug}/",
        "/team/priya/packet/",
        f"/evidence/{poisoned['evidence'].pk}/",
    ):
        _no_script_ran(as_manager, url)
    assert dialogs == []


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ("server", "Something went wrong on our side"),
        ("network", "Could not reach the server"),
    ],
)
def test_a_failed_autosave_is_shown_and_the_text_kept(
    browser: Any, live_server: Any, pm: User, shifts: list[Shift], failure: str, message: str
) -> None:
    # Its own context: the failures below are on purpose, so the console may report them.
    # A CSP violation still fails the test.
    watch = Watch(origin=live_server.url, only_csp=True)
    context = browser.new_context(base_url=live_server.url)
    watch.watch_context(context, js=True)
    login(context, pm, live_server.url)
    page = context.new_page()
    watch.watch_page(page)
    page.goto("/check-ins/new/")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/check-ins/*/")
    page.wait_for_load_state("networkidle")
    shift = shifts[0]
    page.locator(f"#shift-{shift.slug} summary", has_text="Add a note").click()
    note = page.locator(f"#id_{shift.slug}-note")
    note.fill("Typed before the connection failed")
    page.wait_for_load_state("networkidle")  # the note's own autosave has gone through

    def fail(route: Route) -> None:
        if failure == "server":
            route.fulfill(status=500, body="Internal Server Error")
        else:
            route.abort()

    page.route(f"**/shifts/{shift.slug}/", fail)
    page.locator(f"#{shift.slug}-level-3").click()  # the radio lies over its label's box
    expect(page.locator("#htmx-error")).to_contain_text(message)
    expect(page.locator(f"#{shift.slug}-level-3")).to_be_checked()
    expect(note).to_have_value("Typed before the connection failed")
    page.wait_for_load_state("networkidle")
    assert not Rating.objects.filter(shift=shift, level__isnull=False).exists()
    watch.collect(page)
    context.close()
    assert not watch.errors, watch.errors
