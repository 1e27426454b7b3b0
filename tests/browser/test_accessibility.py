"""Every page of the app, for each persona, checked with axe-core (WCAG 2.0-2.2 A and AA) in the
light and the dark colour scheme, with headings, titles and phone widths checked as well.

The data is the demo's (seed_demo): a year of check-ins, evidence, reviews — pages as people
see them. Screenshots of the main pages go to test-artifacts/screenshots/; with
UPDATE_DOCS_SCREENSHOTS=1 the README's pictures in docs/screenshots/ are made again.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from leadership.models import User
from tests.browser.conftest import (
    AXE_SCHEME_AND_WIDTH_RULES,
    DESKTOP,
    NARROW_PHONE,
    PHONE,
    ROOT,
    axe_violations,
    horizontal_overflow,
    screenshot,
)
from transitions import feedback, notifications, services
from transitions.models import (
    CheckIn,
    Evidence,
    FeedbackRequest,
    Focus,
    OneOnOne,
    Review,
    Shift,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCHEMES = [pytest.param(False, id="light-desktop"), pytest.param(True, id="dark-phone")]
SITE = "Leadership Transitions"


@dataclass(frozen=True)
class Visit:
    name: str
    path: str
    main: bool = False  # a main page: screenshot it
    status: int = 200
    dark: bool = True  # also visit it in the dark, phone-sized pass


@dataclass
class Demo:
    priya: User
    marco: User
    helena: User
    alex: User
    draft_checkin: CheckIn
    submitted_checkin: CheckIn
    evidence: Evidence
    review: Review  # the latest, awaiting her acknowledgement: the form to answer it
    acknowledged: Review  # an older one she answered
    shift: Shift
    feedback_attested: FeedbackRequest  # answered by an outside person, shared, attested
    feedback_waiting: FeedbackRequest  # to an outside person, still open
    feedback_to_priya: FeedbackRequest  # sam asks priya, a colleague with an account
    focus: Focus  # one of her current focus shifts


@pytest.fixture
def demo() -> Demo:
    call_command("seed_demo", force=True, stdout=io.StringIO())
    users = {user.username: user for user in User.objects.all()}
    priya = users["priya"]
    evidence = Evidence.objects.by(priya).shared().newest_first().first()
    asked = FeedbackRequest.objects.of(priya)
    to_priya = services.feedback_request_create(
        requester=users["sam"],
        shifts=list(Shift.objects.filter(slug="drive-complex-initiatives")),
        question="How did the data-platform hand-over look from your side?",
        recipient=priya,
    )
    return Demo(
        priya=priya,
        marco=users["marco"],
        helena=users["helena"],
        alex=users["alex"],
        draft_checkin=CheckIn.objects.of(priya).drafts().get(),
        submitted_checkin=CheckIn.objects.of(priya).submitted().latest("submitted_at"),
        evidence=evidence,
        review=Review.objects.filter(person=priya).completed().latest("completed_at"),
        acknowledged=Review.objects.get(person=priya, acknowledged_at__isnull=False),
        shift=evidence.shifts.first(),
        feedback_attested=asked.exclude(attested_shift=None).get(),
        feedback_waiting=asked.open().get(),
        feedback_to_priya=to_priya,
        focus=Focus.objects.filter(person=priya, cleared_at__isnull=True).first(),
    )


def pm_pages(demo: Demo) -> list[Visit]:
    draft, submitted, item = demo.draft_checkin.pk, demo.submitted_checkin.pk, demo.evidence.pk
    area = demo.shift.area.slug
    return [
        Visit("pm-dashboard", "/", main=True),
        Visit("pm-checkins", "/check-ins/"),
        Visit("pm-checkin-draft", f"/check-ins/{draft}/", main=True),
        Visit("pm-checkin-submitted", f"/check-ins/{submitted}/"),
        Visit("pm-checkin-discard", f"/check-ins/{draft}/discard/", dark=False),
        Visit("pm-evidence", "/evidence/", main=True),
        Visit("pm-evidence-filtered", f"/evidence/?area={area}&q=the", dark=False),
        Visit("pm-evidence-bad-filter", "/evidence/?date_from=2025-05-01&date_to=2025-01-01"),
        Visit("pm-evidence-new", "/evidence/new/"),
        # What a phone's share sheet and the bookmarklet open (the manifest's share_target).
        Visit(
            "pm-evidence-shared",
            "/evidence/new/?title=&text=Pricing+offsite+notes%0Ahttps%3A%2F%2Fexample.com%2Fo",
            dark=False,
        ),
        Visit(
            "pm-evidence-bookmarklet",
            f"/evidence/new/?title=Q3+plan&link=https%3A%2F%2Fexample.com%2Fq3&shift={demo.shift.slug}",
        ),
        # Back from "Add evidence": the row says what was added.
        Visit("pm-dashboard-added", f"/?added={item}"),
        Visit("pm-shift-added", f"/shifts/{demo.shift.slug}/?added={item}#timeline-title"),
        Visit("pm-checkin-added", f"/check-ins/{draft}/?added={item}#shift-{demo.shift.slug}"),
        Visit("pm-evidence-detail", f"/evidence/{item}/"),
        Visit("pm-evidence-edit", f"/evidence/{item}/edit/"),
        Visit("pm-evidence-delete", f"/evidence/{item}/delete/", dark=False),
        Visit("pm-focus", "/focus/", main=True),
        Visit("pm-focus-edit", f"/focus/{demo.focus.pk}/edit/"),
        Visit("pm-focus-clear", f"/focus/{demo.focus.pk}/clear/", dark=False),
        Visit("pm-framework", "/framework/"),
        Visit("pm-shift", f"/shifts/{demo.shift.slug}/", main=True),
        Visit("pm-packet", "/packet/", main=True),
        Visit("pm-account", "/account/"),
        Visit("pm-account-delete", "/account/delete/", dark=False),
        Visit("pm-password-change", "/accounts/password_change/", dark=False),
        Visit("pm-review", f"/reviews/{demo.review.pk}/", main=True),
        Visit("pm-notifications", "/notifications/", main=True),
        Visit("pm-notification-preferences", "/notifications/preferences/"),
        Visit("pm-review-acknowledged", f"/reviews/{demo.acknowledged.pk}/"),
        Visit("pm-one-on-ones", "/one-on-ones/"),
        Visit("pm-one-on-one-agenda", "/one-on-ones/marco/", main=True),
        Visit("pm-one-on-one-closed", f"/one-on-ones/marco/{_closed_one_on_one()}/"),
        Visit("pm-feedback", "/feedback/", main=True),
        Visit("pm-feedback-ask-from-shift", f"/feedback/?shift={demo.shift.slug}", dark=False),
        Visit("pm-feedback-answered", f"/feedback/{demo.feedback_attested.pk}/", main=True),
        Visit("pm-feedback-waiting", f"/feedback/{demo.feedback_waiting.pk}/"),
        Visit("pm-feedback-answer", f"/feedback/{demo.feedback_to_priya.pk}/answer/"),
        Visit("pm-not-found", "/no-such-page/", status=404, dark=False),
        Visit("pm-welcome", "/welcome/"),
    ]


def manager_pages(demo: Demo) -> list[Visit]:
    slug, review = demo.shift.slug, demo.review.pk
    return [
        Visit("manager-dashboard", "/"),
        Visit("manager-team", "/team/", main=True),
        Visit("manager-review-draft", "/team/priya/", main=True),
        Visit("manager-review-history", "/team/sam/"),
        Visit("manager-review-completed", f"/team/priya/reviews/{review}/"),
        Visit("manager-review-acknowledged", f"/team/priya/reviews/{demo.acknowledged.pk}/"),
        Visit("manager-review-discard", "/team/priya/reviews/discard/", dark=False),
        Visit("manager-report-shift", f"/team/priya/shifts/{slug}/"),
        Visit("manager-packet", "/team/priya/packet/"),
        Visit("manager-notifications", "/notifications/"),
        Visit("manager-one-on-ones", "/one-on-ones/"),
        Visit("manager-one-on-one-agenda", "/one-on-ones/priya/", main=True),
        Visit("manager-one-on-one-closed", f"/one-on-ones/priya/{_closed_one_on_one()}/"),
        Visit("manager-one-on-one-first", "/one-on-ones/sam/"),
        Visit("manager-people", "/people/", main=True),
        Visit("manager-invite", "/people/invite/"),
    ]


def head_pages(demo: Demo) -> list[Visit]:
    """The Head of Product's organisation, with the manager's levels and with the self levels."""
    return [
        Visit("head-org", "/org/", main=True),
        Visit("head-org-self", "/org/?levels=self&sort=readiness", main=True),
        Visit("head-org-team", "/org/?team=nina", dark=False),
        Visit("head-team", "/team/", dark=False),
        Visit("head-report-packet", "/team/marco/packet/", dark=False),
    ]


def _closed_one_on_one() -> int:
    return OneOnOne.objects.filter(closed_at__isnull=False).latest("started_at").pk


def admin_pages(demo: Demo) -> list[Visit]:
    return [
        Visit("admin-people", "/people/", main=True),
        Visit("admin-invite", "/people/invite/"),
        Visit("admin-import", "/people/import/"),
        Visit("admin-deactivate", "/people/sam/deactivate/", dark=False),
    ]


INVITATION_TOKEN = "the-demo-invitation-link-for-the-accessibility-sweep"


def _demo_invitation_link() -> str:
    """The demo's pending invitation, with a link whose token the test knows."""
    from leadership import invitations
    from leadership.models import Invitation

    Invitation.objects.open().update(token_hash=invitations.hash_token(INVITATION_TOKEN))
    return f"/invitations/{INVITATION_TOKEN}/"


def editor_pages(demo: Demo) -> list[Visit]:
    return [Visit("editor-dashboard", "/"), Visit("editor-framework", "/framework/")]


def anonymous_pages(demo: Demo) -> list[Visit]:
    token = notifications.unsubscribe_token(demo.priya, ["review_completed"])
    return [
        Visit("anonymous-unsubscribe", f"/notifications/unsubscribe/{token}/"),
        Visit("anonymous-login", "/accounts/login/", main=True),
        Visit("anonymous-password-reset", "/accounts/password_reset/"),
        Visit("anonymous-password-reset-done", "/accounts/password_reset/done/", dark=False),
        Visit("anonymous-password-reset-bad-link", "/accounts/reset/MQ/bad-token/"),
        Visit("anonymous-invitation", _demo_invitation_link(), main=True),
        Visit("anonymous-invitation-gone", "/invitations/no-such-link/", status=410),
        Visit(
            "anonymous-feedback-link",
            f"/feedback/answer/{feedback.token_for(demo.feedback_waiting)}/",
            main=True,
        ),
        Visit("anonymous-feedback-link-gone", "/feedback/answer/" + "f" * 64 + "/", status=404),
    ]


def page_structure(page: Any) -> list[str]:
    """Our own checks beside axe: one main and h1, headings without skipped levels, a title."""
    found: list[str] = []
    title = page.title()
    if not title.endswith(f" · {SITE}") or title == f"{SITE} · {SITE}":
        found.append(f"title {title!r} does not say what the page is")
    levels = page.eval_on_selector_all(
        "h1, h2, h3, h4, h5, h6", "(hs) => hs.map((h) => Number(h.tagName[1]))"
    )
    if levels.count(1) != 1 or levels[0] != 1:
        found.append(f"expected one h1 before any other heading, got levels {levels}")
    for before, after in pairwise(levels):
        if after > before + 1:
            found.append(f"heading level skips from h{before} to h{after}: {levels}")
            break
    if page.locator("main").count() != 1:
        found.append("expected exactly one <main>")
    return found


def sweep(open_page: Any, user: User | None, visits: list[Visit], *, dark: bool) -> None:
    """Visit each page; collect every problem, then fail once with all of them.

    Light, 1280 px: every WCAG A/AA rule of axe and our own checks. Dark, 360 px: the rules
    that depend on colours or width, and no horizontal scrolling (screenshots at 390 px)."""
    scheme = "dark" if dark else "light"
    page = open_page(user, dark=dark, viewport=NARROW_PHONE if dark else DESKTOP)
    problems: list[str] = []
    for visit in visits:
        if dark and not visit.dark:
            continue
        response = page.goto(visit.path)
        assert response is not None
        if response.status != visit.status:
            problems.append(f"{visit.path}: status {response.status}, expected {visit.status}")
            continue
        found = [] if dark else page_structure(page)
        if overflow := horizontal_overflow(page):
            width = page.viewport_size["width"]
            found.append(f"{overflow}px wider than the {width}px viewport (horizontal scroll)")
        if visit.main and dark:
            page.set_viewport_size(PHONE)
            screenshot(page, f"{visit.name}-phone-dark")
            page.set_viewport_size(NARROW_PHONE)
        elif visit.main:
            screenshot(page, f"{visit.name}-desktop")
        # Last: it opens every <details>.
        found += axe_violations(page, rules=AXE_SCHEME_AND_WIDTH_RULES if dark else None)
        problems += [f"{visit.path} ({scheme}): {problem}" for problem in found]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("dark", SCHEMES)
def test_pm_pages(open_page: Any, demo: Demo, dark: bool) -> None:
    sweep(open_page, demo.priya, pm_pages(demo), dark=dark)


@pytest.mark.parametrize("dark", SCHEMES)
def test_manager_pages(open_page: Any, demo: Demo, dark: bool) -> None:
    sweep(open_page, demo.marco, manager_pages(demo), dark=dark)


@pytest.mark.parametrize("dark", SCHEMES)
def test_head_of_product_pages(open_page: Any, demo: Demo, dark: bool) -> None:
    sweep(open_page, demo.helena, head_pages(demo), dark=dark)


@pytest.mark.parametrize("dark", SCHEMES)
def test_administrator_pages(open_page: Any, demo: Demo, dark: bool) -> None:
    sweep(open_page, User.objects.get(username="admin"), admin_pages(demo), dark=dark)


@pytest.mark.parametrize("dark", SCHEMES)
def test_editor_pages_and_the_admin(open_page: Any, demo: Demo, dark: bool) -> None:
    sweep(open_page, demo.alex, editor_pages(demo), dark=dark)
    # The admin is Django's own; it has to work for the editor, not pass our checks.
    page = open_page(demo.alex, dark=dark)
    page.goto("/admin/")
    page.get_by_role("link", name="Shifts").first.click()
    expect(page.get_by_role("heading", name="Select shift to change")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Select this object for an action")).to_have_count(
        Shift.objects.count()
    )


@pytest.mark.parametrize("dark", SCHEMES)
def test_anonymous_pages(open_page: Any, demo: Demo, dark: bool) -> None:
    sweep(open_page, None, anonymous_pages(demo), dark=dark)
    # A failed login shows the error tied to the form, and passes the same checks.
    page = open_page(None, dark=dark, viewport=NARROW_PHONE if dark else DESKTOP)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page).to_have_title(f"Error: Log in · {SITE}")
    problems = page_structure(page) + axe_violations(page)
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(
    not os.environ.get("UPDATE_DOCS_SCREENSHOTS"), reason="set UPDATE_DOCS_SCREENSHOTS=1"
)
def test_update_readme_screenshots(open_page: Any, demo: Demo) -> None:
    """The README's pictures: viewport-sized, desktop, light — as the demo really looks."""
    folder = ROOT / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page = open_page(demo.priya, viewport={"width": 1280, "height": 960})
    page.goto("/")
    page.screenshot(path=folder / "dashboard.png", animations="disabled")
    # The manager's review in progress, just after rating a shift: her rating is revealed.
    page = open_page(demo.marco, viewport={"width": 1280, "height": 1200})
    page.goto("/team/priya/")
    row = page.locator("#to-rate-title + fieldset")
    row.get_by_role("radio", name="2 Exploring").check()
    expect(row.locator(".reveal__compare")).to_contain_text("self-rating")
    page.get_by_role("heading", level=1).click()  # no focus ring in the picture
    page.screenshot(path=folder / "review.png", animations="disabled")
