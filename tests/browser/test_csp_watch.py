"""The browser tests' own guard: any Content Security Policy violation fails a test.

Every journey runs under `open_page`, which records violations through a
`securitypolicyviolation` listener and the console; here a page is made to break the policy
on purpose, to show that the guard sees it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Watch

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize(
    ("what", "breach"),
    [
        ("inline style", "document.body.setAttribute('style', 'color: red')"),
        (
            "swapped-in style attribute",
            "document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')",
        ),
        (
            "inline script",
            "const s = document.createElement('script'); s.textContent = '1';"
            " document.body.append(s)",
        ),
    ],
)
def test_the_watch_sees_a_csp_violation(
    browser: Any, live_server: Any, what: str, breach: str
) -> None:
    watch = Watch(origin=live_server.url)
    context = browser.new_context(base_url=live_server.url)
    try:
        watch.watch_context(context, js=True)
        page = context.new_page()
        watch.watch_page(page)
        page.goto("/accounts/login/")
        assert watch.errors == []
        page.evaluate(breach)
        page.wait_for_function("window.__cspViolations.length > 0")
        watch.collect(page)
    finally:
        context.close()
    violations = [error for error in watch.errors if error.startswith("CSP violation:")]
    assert violations, (what, watch.errors)
    assert any("Content Security Policy" in error for error in watch.errors), watch.errors


def test_an_expired_form_is_refused_in_a_page_that_keeps_the_policy(
    open_page: Any, pm: Any, shifts: Any, settings: Any
) -> None:
    """Django's own CSRF failure page has an inline style; ours must not. (Without JavaScript
    the violation reaches the test through the console.)"""
    from playwright.sync_api import expect

    from transitions.models import Evidence

    page = open_page(pm, js=False)
    page.goto("/evidence/new/")
    page.context.clear_cookies(name=settings.CSRF_COOKIE_NAME)
    page.get_by_label("Title").fill("Sent from a stale page")
    page.get_by_role("button", name="Save evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This form has expired")
    assert not Evidence.objects.exists()
