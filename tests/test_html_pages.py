"""The HTML the pages send: valid where browsers and assistive technology read it closely
(`<time datetime>` values, paragraphs), and saying only what is true without JavaScript."""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from pytest_django.asserts import assertContains

from leadership.models import User
from transitions import feedback, services
from transitions.models import FeedbackRequest, Framework
from transitions.templatetags.isotime import isotime

# HTML's valid date, or date and time with an optional offset: seconds at most, since a
# fraction has at most three digits and Django's `date:"c"` gives six.
VALID_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?)?")
# A start tag of these closes an open <p> (a paragraph cannot contain them) …
# fmt: off
CLOSES_P = {
    "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre", "search", "section", "table", "ul",
}
# … and so does the end tag of an element a paragraph can sit in.
HOLDS_P = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "html", "li",
    "main", "nav", "search", "section", "td", "th",
}
# fmt: on


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_paragraph = False
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CLOSES_P:
            self.in_paragraph = False
        if tag == "p":
            self.in_paragraph = True
        for name, value in attrs:
            if name == "datetime" and not VALID_DATETIME.fullmatch(value or ""):
                self._problem(f'datetime="{value}" is not a valid date or time')

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and not self.in_paragraph:
            self._problem("</p> closes no open <p>")
        if tag == "p" or tag in HOLDS_P:
            self.in_paragraph = False

    def _problem(self, text: str) -> None:
        self.problems.append(f"line {self.getpos()[0]}: {text}")


def _problems(body: str) -> list[str]:
    checker = _Checker()
    checker.feed(body)
    checker.close()
    return checker.problems


def test_the_checker_finds_what_it_looks_for() -> None:
    assert _problems('<p><time datetime="2025-03-01T09:30:00+00:00">1 Mar</time></p>') == []
    assert _problems('<time datetime="2025-03-01">') == []
    assert _problems('<time datetime="2025-03-01T09:30:00.123456+00:00">') != []
    assert _problems('<p class="help"><ul><li>Rule</li></ul></p>') != []
    assert _problems("<div><p>Open</div></p>") != []
    assert _problems("<p>One<p>Two</p>") == []
    assert _problems("<p>Text <span>and <a href='/'>a link</a></span></p>") == []


def test_isotime_gives_seconds_in_the_current_time_zone() -> None:
    moment = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    with timezone.override("Europe/Berlin"):
        assert isotime(moment) == "2025-03-01T10:30:15+01:00"
    assert isotime(date(2025, 3, 1)) == "2025-03-01"
    assert isotime(None) == ""


# The pages reachable from a persona's start pages, following links up to two clicks deep,
# at most two of each kind (the 40 evidence entries look alike).
START = ["/", "/account/", "/accounts/password_change/", "/welcome/"]
SKIP = ("/admin/", "/static/", "/accounts/logout/", "/account/export")


def _kind(path: str) -> str:
    path = path.split("?")[0]
    return re.sub(r"\d+", "N", re.sub(r"shifts/[^/]+/", "shifts/S/", path))


def _crawl(client: Client, start: list[str], depth: int = 2) -> dict[str, str]:
    pages: dict[str, str] = {}
    seen = set(start)
    kinds: Counter[str] = Counter()
    queue = [(url, 0) for url in start]
    while queue:
        url, level = queue.pop(0)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        body = response.content.decode()
        pages[url] = body
        if level == depth:
            continue
        for href in re.findall(r'href="(/[^"#]*)', body):
            link = html.unescape(href)
            if link in seen or link.startswith(SKIP) or kinds[_kind(link)] >= 2:
                continue
            seen.add(link)
            kinds[_kind(link)] += 1
            queue.append((link, level + 1))
    return pages


@override_settings(DEBUG=True)
def test_the_demo_personas_pages_are_valid_where_it_matters(db: None) -> None:
    call_command("seed_demo", stdout=None)
    problems = []
    visited = 0
    for username in ["priya", "sam", "marco", "helena", "nina", "alex", "admin"]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        pages = _crawl(client, START)
        visited += len(pages)
        problems += [
            f"{username} {url} {p}" for url, page in pages.items() for p in _problems(page)
        ]
        if username == "marco":
            assert "/team/priya/" in pages  # the crawl reaches the manager's pages
            assert "/people/invite/" in pages
        if username == "helena":
            assert "/org/" in pages  # and the Head of Product's
        if username == "admin":
            assert "/people/import/" in pages
        if username == "priya":
            assert any(url.startswith("/feedback/") and url[10:11].isdigit() for url in pages)
    waiting = FeedbackRequest.objects.of(User.objects.get(username="priya")).open().get()
    link = f"/feedback/answer/{feedback.token_for(waiting)}/"  # what an outside person sees
    anonymous = _crawl(Client(), ["/accounts/login/", "/accounts/password_reset/", link], depth=0)
    assert link in anonymous
    problems += [f"anonymous {url} {p}" for url, body in anonymous.items() for p in _problems(body)]
    assert problems == []
    assert visited > 60


def test_the_check_in_promises_autosave_only_with_javascript(
    client: Client, pm: User, framework: Framework
) -> None:
    checkin, _ = services.checkin_start(person=pm, framework=framework)
    client.force_login(pm)
    response = client.get(f"/check-ins/{checkin.pk}/")
    # static/js/app.js shows the first sentence and hides the second.
    assertContains(
        response,
        "<span data-js-only hidden>Every rating and note is saved as soon as you change it."
        "</span><span data-no-js>“Save draft” keeps your ratings and notes for later.</span>",
    )
    assertContains(response, "saved as soon as you change it", count=1)


@pytest.mark.parametrize("url", ["/accounts/password_change/"])
def test_the_password_rules_are_not_inside_a_paragraph(client: Client, pm: User, url: str) -> None:
    client.force_login(pm)
    response = client.get(url)
    assertContains(response, '<div class="field__help" id="id_new_password1_helptext"><ul>')
    assert _problems(response.content.decode()) == []


def test_the_invitation_page_is_valid_and_keeps_the_password_rules_out_of_paragraphs(
    client: Client, manager: User
) -> None:
    from datetime import timedelta

    from leadership import invitations
    from leadership.models import Invitation

    token = "a-link-for-the-html-check-" + "x" * 20
    Invitation.objects.create(
        email="nora@example.com",
        token_hash=invitations.hash_token(token),
        invited_by=manager,
        manager=manager,
        expires_at=timezone.now() + timedelta(days=7),
    )
    response = client.get(f"/invitations/{token}/")
    assertContains(response, '<div class="field__help" id="id_password1_helptext"><ul>')
    assert _problems(response.content.decode()) == []
    gone = client.get("/invitations/no-such-link/")
    assert gone.status_code == 410
    assert _problems(gone.content.decode()) == []


def test_the_quick_capture_pages_are_valid_where_it_matters(
    client: Client, pm: User, framework: Framework
) -> None:
    client.force_login(pm)
    shift = framework.areas.first().shifts.first()
    client.post("/evidence/quick/", {"title": "Ran the review", "shift": shift.slug})
    added = pm.evidence.get()
    pages = {
        "dashboard, an entry just added": client.get(f"/?added={added.pk}"),
        "shift page, an entry just added": client.get(f"/shifts/{shift.slug}/?added={added.pk}"),
        "evidence, with the bookmarklet": client.get("/evidence/"),
        "evidence form, shared to": client.get("/evidence/new/?title=A&text=B%0Ahttps://e.com/"),
        "quick add refused": client.post("/evidence/quick/", {"title": "", "shift": ""}),
    }
    problems = [
        f"{name}: {p}" for name, page in pages.items() for p in _problems(page.content.decode())
    ]
    assert problems == []
    assert {name: page.status_code for name, page in pages.items()}["quick add refused"] == 422
