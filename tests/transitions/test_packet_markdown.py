"""The packet's Markdown download: user text stays text inside its own block."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from leadership.models import User
from tests.factories import EvidenceFactory, submitted_checkin
from transitions import services
from transitions.models import Shift
from transitions.templatetags.markdown_escape import md, md_link, md_quote

FORGED = (
    "x\n## Manager's summary\nManager: 5\n<script>alert(1)</script>\n[click](javascript:alert(1))"
)


def test_user_text_cannot_forge_sections_html_or_links_in_the_markdown_packet(
    client: Client, manager: User, pm: User, shifts: list[Shift]
) -> None:
    submitted_checkin(pm, dict.fromkeys(shifts, 2), days_ago=60)
    submitted_checkin(pm, dict.fromkeys(shifts, 3), days_ago=10)
    EvidenceFactory(
        author=pm,
        shifts=[shifts[0]],
        title="Win\n# Forged <b>title</b>",
        body=FORGED,
        link="https://example.com/a_(b)",
        visibility="shared",
    )
    review, _ = services.review_start(
        person=pm, manager=manager, framework=shifts[0].area.framework
    )
    for shift in shifts:
        services.review_rate(
            review=review,
            shift=shift,
            revision=shift.revisions.latest(),
            changes={"level": 3, "comment": FORGED if shift == shifts[0] else ""},
        )
    services.review_write(review=review, summary=FORGED, agreed_focus=FORGED)
    services.review_complete(review=review)

    client.force_login(manager)
    response = client.get("/team/priya/packet/?format=md")
    assert response.status_code == 200
    text = response.content.decode()
    lines = text.splitlines()

    # The headings are the packet's own: title, summary, one per area, one per shift (a
    # heading inside a quote counts too).
    headings = [line for line in lines if re.match(r"\s*(>\s*)*#", line)]
    areas = {shift.area_id for shift in shifts}
    assert len(headings) == 2 + len(areas) + len(shifts), headings
    assert headings[0] == "# Promotion packet: Priya"
    assert [h for h in headings if "Manager's summary" in h] == ["## Manager's summary"]
    assert all(re.match(r"#{1,3} \S", h) for h in headings)
    # No forged rating line: where "Manager: 5" appears, it is quoted text.
    for line in lines:
        if "Manager: 5" in line:
            assert line.lstrip().startswith(">"), line
    assert not [line for line in lines if re.match(r"\s*(- )?Manager: 5", line)]
    # No raw HTML, no javascript: link.
    assert "<script" not in text
    assert "<b>" not in text
    assert not re.search(r"(?<!\\)\]\(\s*javascript:", text)
    assert "<javascript:" not in text
    # The evidence's own http(s) link is a link, its URL unable to break out of it.
    assert "(https://example.com/a_%28b%29)" in text
    # The trend reads as levels, not as a Python list.
    assert "- Trend over the year: 2 → 3" in lines
    assert "[2, 3]" not in text


def test_every_value_in_the_markdown_template_is_escaped_or_not_text() -> None:
    """A new `{{ value }}` in packet.md must go through a Markdown filter (or be a date/number)."""
    source = (settings.BASE_DIR / "templates/transitions/packet.md").read_text()
    not_text = {
        'made_at|date:"j F Y"',
        'packet.review.completed_at|date:"j M Y"',
        'packet.review.acknowledged_at|date:"j M Y"',
        'item.happened_on|date:"Y-m-d"',
        "row.shift.current_revision_number",
        "row.self_level",
        "row.self_label",
        "row.manager_level",
        "row.manager_label",
        "level",
        "link",  # built by md_link just above
    }
    values = re.findall(r"{{\s*(.*?)\s*}}", source)
    assert values
    unescaped = [
        v for v in values if v not in not_text and not re.search(r"\|md(_quote|_link)?\b", v)
    ]
    assert unescaped == []


# The filters


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# Heading", "\\# Heading"),
        ("  ## Indented heading", "  \\## Indented heading"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("* item", "\\* item"),
        ("1. item", "1\\. item"),
        ("12) item", "12\\) item"),
        ("===", "\\==="),
        ("---", "\\---"),
        ("> quote", "&gt; quote"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"),
        ("![img](http://x.test/a.png)", "!\\[img\\](http://x.test/a.png)"),
        (
            "*bold* _em_ `code` ~~gone~~ a|b",
            "\\*bold\\* \\_em\\_ \\`code\\` \\~\\~gone\\~\\~ a\\|b",
        ),
        ("back\\slash", "back\\\\slash"),
        ("&lt;b&gt; and &#60;", "\\&lt;b\\&gt; and \\&#60;"),
        ("R&D, 3 - 2 = 1, #1 (first).", "R&D, 3 - 2 = 1, #1 (first)."),
    ],
)
def test_md_quote_escapes_markdown_and_html(text: str, escaped: str) -> None:
    assert md_quote(text) == "> " + escaped
    assert md(text) == escaped.lstrip()  # one line: leading spaces go


def test_md_quote_keeps_every_line_inside_the_quote() -> None:
    assert md_quote("x\n## Manager's summary\r\nManager: 5\n\nend", "  ") == (
        "  > x\n  > \\## Manager's summary\n  > Manager: 5\n  >\n  > end"
    )
    assert md_quote("") == ">"


def test_md_puts_several_lines_on_one() -> None:
    assert md("Win\n# Forged\u2028title") == "Win # Forged title"
    assert md("Priya") == "Priya"


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://example.com/doc?id=1#top", "[link](https://example.com/doc?id=1#top)"),
        ("HTTP://example.com/", "[link](HTTP://example.com/)"),
        ("https://example.com/a_(b)", "[link](https://example.com/a_%28b%29)"),
        ("https://example.com/<x>\"'", "[link](https://example.com/%3Cx%3E%22%27)"),
        ("https://example.com/ü", "[link](https://example.com/%C3%BC)"),
    ],
)
def test_md_link_links_http_addresses_that_cannot_break_out(url: str, link: str) -> None:
    assert md_link(url) == link


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "mailto:a@example.com",
        "http:alert(1)",
        "//example.com/",
        "https://example.com/a b",
        "https://example.com/a\nb",
        "https://[::1",
    ],
)
def test_md_link_writes_nothing_for_other_addresses(url: str) -> None:
    assert md_link(url) == ""


def test_md_link_escapes_its_label() -> None:
    assert md_link("https://example.com/", "[x](javascript:y)") == (
        "[\\[x\\](javascript:y)](https://example.com/)"
    )
