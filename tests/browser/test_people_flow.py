"""Bringing people in, in a real browser: a manager invites, the invitee joins through the
link and lands on the first-run page; an administrator imports an org chart in one preview and
one confirmation; and a person signs in through a real OpenID Connect provider started by
the test (tests/leadership/oidc_provider.py), landing on the right account."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, expect

from leadership.models import Invitation, User
from tests.browser.conftest import DESKTOP, assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-and-unusual-passphrase-17"


def test_a_manager_invites_and_the_invitee_joins(open_page: Any, manager: User, pm: User) -> None:
    page = open_page(manager)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    page.get_by_role("link", name="Invite people").click()
    page.get_by_label("Email addresses").fill("nora@example.com\nnot an address")
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.locator("#field-emails")).to_contain_text("not email addresses")
    assert_accessible(page, "the invitation form with an error")
    page.get_by_label("Email addresses").fill("nora@example.com, leo@example.com")
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.get_by_role("status").first).to_contain_text("Sent 2 invitations.")
    expect(page.get_by_role("cell", name="Marco").first).to_be_visible()
    screenshot(page, "people-manager")

    (email,) = [each for each in mail.outbox if each.to == ["nora@example.com"]]
    link = re.search(r"/invitations/[\w-]+/", email.body)
    assert link
    visitor = open_page(None)
    visitor.goto(link.group(0))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Join Leadership Transitions")
    visitor.get_by_label("First name").fill("Nora")
    visitor.get_by_label("Last name").fill("Quist")
    visitor.get_by_label("Password", exact=True).fill("short")
    visitor.get_by_label("The same password again").fill("short")
    visitor.get_by_role("button", name="Join").click()
    expect(visitor.locator("#field-password1")).to_contain_text("too short")
    assert_accessible(visitor, "the invitation page with an error")
    screenshot(visitor, "invitation-error")
    visitor.get_by_label("Password", exact=True).fill(PASSWORD)
    visitor.get_by_label("The same password again").fill(PASSWORD)
    visitor.get_by_role("button", name="Join").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Welcome, Nora")
    assert_accessible(visitor, "the first-run page")
    screenshot(visitor, "welcome")
    visitor.get_by_role("link", name="Start my first check-in").click()
    expect(visitor).to_have_url(re.compile(r"/check-ins/"))
    nora = User.objects.get(email="nora@example.com")
    assert nora.manager == manager
    # The link was used: it works no more.
    again = open_page(None)
    again.goto(link.group(0))
    expect(again.get_by_role("heading", level=1)).to_have_text(
        "This invitation link no longer works"
    )


def test_an_administrator_imports_an_org_chart_in_one_preview_and_one_confirmation(
    open_page: Any, superuser: User, tmp_path: Any
) -> None:
    rows = ["email,first_name,last_name,manager_email", "helena@example.com,Helena,Berg,"]
    rows += [f"pm{n}@example.com,Pm,{n},helena@example.com" for n in range(30)]
    rows += ["ghost@example.com,Ghost,,nobody@example.com"]
    csv = tmp_path / "people.csv"
    csv.write_text("\n".join(rows) + "\n")
    page = open_page(superuser)
    page.goto("/people/import/")
    page.get_by_label("Org chart (CSV)").set_input_files(str(csv))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Preview: nothing is written yet")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("ghost@example.com"))).to_contain_text(
        "Refused: The manager nobody@example.com"
    )
    assert not User.objects.filter(email="helena@example.com").exists()
    assert_accessible(page, "the import preview")
    screenshot(page, "import-preview")
    page.get_by_role("button", name=re.compile("^Import: create 31")).click()
    expect(page.get_by_role("status").first).to_contain_text("31 created")
    assert User.objects.get(email="pm7@example.com").manager.email == "helena@example.com"
    assert Invitation.objects.count() == 31


def test_an_administrator_deactivates_after_confirming_and_can_reactivate(
    open_page: Any, superuser: User, pm: User
) -> None:
    priya = open_page(pm)
    priya.goto("/")
    page = open_page(superuser)
    page.goto("/people/")
    page.get_by_role("link", name="Deactivate Priya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate Priya?")
    page.get_by_role("button", name="Deactivate Priya").click()
    expect(page.get_by_role("status").first).to_contain_text("Deactivated Priya")
    priya.reload()
    expect(priya).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("button", name="Reactivate Priya").click()
    expect(page.get_by_role("status").first).to_contain_text("Reactivated Priya")
    assert User.objects.get(pk=pm.pk).is_active


def test_signing_in_through_the_company_provider_lands_on_the_right_account(
    browser: Browser, live_server: Any, sso: str, pm: User, manager: User
) -> None:
    """A real provider on another port, so not `open_page` (which refuses other origins)."""
    for email, name, lands in [
        ("nora@example.com", "Nora", "Welcome, Nora"),  # invited: joins marco's team
        (pm.email, "Priya", "Priya"),  # an existing account, linked by its address
    ]:
        if email == "nora@example.com":
            from leadership import invitations

            invitations.invite(emails=[email], by=manager, manager=manager, framework=None)
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto("/accounts/login/")
        if email == pm.email:
            assert_accessible(page, "the login page with the provider's button")
            screenshot(page, "login-with-sso")
        page.get_by_role("button", name="Sign in with Example SSO").click()
        expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
        assert page.url.startswith(sso)
        page.get_by_label("Email", exact=True).fill(email)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/"))
        expect(page.locator(".site-header__user")).to_contain_text(name)
        if lands.startswith("Welcome"):
            expect(page.get_by_role("heading", level=1)).to_have_text(lands)
            screenshot(page, "sso-welcome")
        context.close()
    nora = User.objects.get(email="nora@example.com")
    assert nora.manager == manager
    assert not nora.has_usable_password()
    assert pm.socialaccount_set.count() == 1
