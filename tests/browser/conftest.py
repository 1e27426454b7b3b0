"""End-to-end tests in a real browser: Chromium driven by Playwright against `live_server`.

They need Debian's Chromium at /usr/bin/chromium (or BROWSER_TESTS_CHROMIUM) and the
`playwright` package; without either, every test here is skipped and the run says why.
Playwright's own browser downloads are never used (no `playwright install`).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Route

    from leadership.models import User

# Playwright's sync API keeps an event loop in the test's thread, so Django would refuse ORM
# calls made in a test body (SynchronousOnlyOperation). They are safe here: the loop is idle
# while the test body runs. Tests only, never the app.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = os.environ.get("BROWSER_TESTS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_SOURCE_PATH = HERE / "vendor" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Those of them whose outcome depends on the colour scheme or on the width of the page.
AXE_SCHEME_AND_WIDTH_RULES = [
    "color-contrast",
    "link-in-text-block",
    "scrollable-region-focusable",
    "target-size",
    "meta-viewport",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
NARROW_PHONE = {"width": 360, "height": 740}


def _skip_reason() -> str | None:
    if os.environ.get("BROWSER_TESTS") == "skip":
        return "BROWSER_TESTS=skip (CI runs them in its PostgreSQL pass)"
    if importlib.util.find_spec("playwright") is None:
        return "the Python package playwright is not installed (make install)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium was not found at {CHROMIUM} (apt-get install chromium)"
    return None


SKIP_REASON = _skip_reason()
if SKIP_REASON and importlib.util.find_spec("playwright") is None:
    # The test modules import playwright, so they cannot even be collected.
    collect_ignore_glob = ["test_*.py"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_tests = [item for item in items if HERE in Path(str(item.path)).parents]
    for item in browser_tests:
        # With pytest-xdist (`make test`), one worker runs every browser test, one at a time;
        # the other workers run the rest.
        item.add_marker(pytest.mark.xdist_group("browser"))
    if not SKIP_REASON:
        return
    skip = pytest.mark.skip(reason=f"browser tests skipped: {SKIP_REASON}")
    for item in browser_tests:
        item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SKIP_REASON:
        terminalreporter.write_line(
            f"NOTE: the browser tests in tests/browser were skipped: {SKIP_REASON}.",
            yellow=True,
            bold=True,
        )


@pytest.fixture(autouse=True)
def _cookies_over_plain_http(settings: Any) -> None:
    """The live server speaks http: Chromium drops Secure and __Host- cookies there.

    The live server's thread reads django.conf.settings on every request, so this applies.
    """
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_NAME = "sessionid"
    settings.CSRF_COOKIE_NAME = "csrftoken"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session. Playwright's launch() starts it with a fresh,
    temporary user data dir (profile), deleted when the browser closes."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    before = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        # From now on an event loop counts as running in this thread, so Django (through
        # asgiref) would hand the test other connection objects than those the test database
        # was set up with — ones without its serialized content, so the data migrations'
        # rows would not come back between tests. Keep using the same ones.
        for alias, connection in before.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# Runs in every document before the page's own HTML and scripts (CDP, so the CSP does not
# apply to it): records each Content Security Policy violation in the document and reports it
# to the test through a binding, so that a refused inline style or script fails the test even
# when the browser would only have logged it.
CSP_WATCH_SCRIPT = """
(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    const text = `${event.effectiveDirective} refused ${event.blockedURI || "an inline thing"}`
      + ` on ${event.documentURI} (${event.sourceFile || "markup"}:${event.lineNumber})`
      + (event.sample ? `: ${event.sample}` : "");
    window.__cspViolations.push(text);
    if (typeof window.__reportCspViolation === "function") window.__reportCspViolation(text);
  }, true);
})();
"""


@dataclass
class Watch:
    """What went wrong in the browser while a test ran."""

    origin: str
    # Only CSP violations count (for a test whose failures on purpose log console errors).
    only_csp: bool = False
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def route(self, route: Route, request: Request) -> None:
        if request.url.startswith(self.origin) or request.url.startswith("data:"):
            route.continue_()
        else:
            self.external.append(request.url)
            route.abort()

    def console(self, message: Any) -> None:
        # Failed htmx requests (422 and the like) log "Failed to load resource": expected.
        # A refused script, style or connection (CSP) or any other error is not; neither is a
        # CSP message at any level (report-only policies log them as warnings).
        text = message.text
        csp = "Content Security Policy" in text or "violates" in text
        error = message.type == "error" and "Failed to load resource" not in text
        if csp or (error and not self.only_csp):
            self.errors.append(f"console ({message.type}): {text}")

    def page_error(self, error: Any) -> None:
        if not self.only_csp:
            self.errors.append(f"uncaught: {error}")

    def csp_violation(self, source: Any, text: str) -> None:
        self.errors.append(f"CSP violation: {text}")

    def watch_context(self, context: BrowserContext, *, js: bool) -> None:
        """Fail on requests outside the app and, with JavaScript, on any CSP violation."""
        context.route("**/*", self.route)
        if js:
            context.expose_binding("__reportCspViolation", self.csp_violation)
            context.add_init_script(CSP_WATCH_SCRIPT)

    def watch_page(self, page: Page) -> None:
        page.on("console", self.console)
        page.on("pageerror", self.page_error)

    def collect(self, page: Page) -> None:
        """Violations the page's current document recorded but had not reported yet."""
        from playwright.sync_api import Error

        if page.is_closed():
            return
        try:
            found = page.evaluate("window.__cspViolations || []")
        except Error:  # a page gone mid-navigation has nothing more to say
            return
        reported = set(self.errors)
        self.errors.extend(
            f"CSP violation: {text}" for text in found if f"CSP violation: {text}" not in reported
        )


OpenPage = Callable[..., "Page"]


@pytest.fixture
def open_page(browser: Browser, live_server: Any) -> Iterator[OpenPage]:
    """`open_page(user, js=True, dark=False, viewport=DESKTOP)`: a page in a new context,
    logged in as `user` (or anonymous). Requests anywhere but the app fail the test, and so do
    errors in the browser console and any Content Security Policy violation on any page."""
    watch = Watch(origin=live_server.url)
    contexts: list[tuple[BrowserContext, bool]] = []

    def _open(
        user: User | None = None,
        *,
        js: bool = True,
        dark: bool = False,
        viewport: dict[str, int] | None = None,
    ) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=js,
            color_scheme="dark" if dark else "light",
            reduced_motion="reduce",
            viewport=viewport or DESKTOP,
            locale="en-GB",
        )
        context.set_default_timeout(10_000)
        watch.watch_context(context, js=js)
        if user is not None:
            login(context, user, live_server.url)
        contexts.append((context, js))
        page = context.new_page()
        watch.watch_page(page)
        return page

    yield _open
    for context, js in contexts:
        if js:
            for page in context.pages:
                watch.collect(page)
        context.close()
    assert not watch.external, f"requests outside the app: {watch.external}"
    assert not watch.errors, "errors in the browser:\n" + "\n".join(watch.errors)


def login(context: BrowserContext, user: User, url: str) -> None:
    """Sign in by handing the browser a session made by Django's test client."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": url}])


_axe_source: list[str] = []


def axe_violations(
    page: Page, *, rules: list[str] | None = None, open_details: bool = True
) -> list[str]:
    """Run axe-core (vendored in tests/browser/vendor) on the page: WCAG 2.x A and AA rules,
    or only the given `rules` (ids of rules among those).

    The page's CSP allows no inline script, so axe is evaluated, not added as a <script>.
    `open_details` opens every <details> first, so that hidden content is checked too.
    The page is checked once loaded: its heading can show before its stylesheet applies, and
    unstyled links are too small to tap."""
    page.wait_for_load_state()
    if not _axe_source:
        _axe_source.append(AXE_SOURCE_PATH.read_text(encoding="utf-8"))
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source[0])
    if open_details:
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    violations = page.evaluate(
        """async ([tags, rules]) => {
            const result = await axe.run(document, {
                runOnly: rules ? {type: "rule", values: rules} : {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — "
                    + (n.failureSummary || "").replace(/\\s+/g, " ")),
                count: v.nodes.length,
            }));
        }""",
        [AXE_TAGS, rules],
    )
    return [
        f"{v['id']} ({v['impact']}, {v['count']} element(s)): {v['help']}\n      "
        + "\n      ".join(v["nodes"])
        for v in violations
    ]


def assert_accessible(page: Page, label: str = "") -> None:
    found = axe_violations(page)
    assert not found, f"axe on {label or page.url}:\n  " + "\n  ".join(found)


def screenshot(page: Page, name: str) -> None:
    """A full-page screenshot under test-artifacts/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True, animations="disabled")


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)"
    )
