"""The page reader behind the no-inline-code checks: what it must catch and what it lets be."""

from __future__ import annotations

import pytest

from tests.html_page import Page


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<script src=''>alert(1)</script>",
        "<script type='module'>import('/x.js')</script>",
        "<style>p { color: red }</style>",
        "<svg><style>circle { fill: red }</style></svg>",
        "<p style='color: red'>x</p>",
        "<circle STYLE='fill: red'></circle>",
        "<img src=x onerror='alert(1)'>",
        "<body ONLOAD='go()'>",
        "<button hx-on:click='go()'>x</button>",
        "<div hx-on::after-request='go()'></div>",
        "<a href='javascript:alert(1)'>x</a>",
        "<a href='  JaVa&#x09;Script:alert(1)'>x</a>",
        "<a href='java\nscript:alert(1)'>x</a>",
        "<form action='javascript:go()'></form>",
        "<button formaction='javascript:go()'>x</button>",
        "<iframe src='javascript:go()'></iframe>",
        "<svg><a xlink:href='javascript:go()'>x</a></svg>",
        "<div hx-vals='js:{a: go()}'></div>",
        "<div hx-vars='a:go()'></div>",
    ],
)
def test_it_finds_inline_code(html: str) -> None:
    assert Page(html).inline_code, html


@pytest.mark.parametrize(
    "html",
    [
        "<script src='/static/js/app.js' defer></script>",
        "<link rel='stylesheet' href='/static/css/app.css'>",
        "<p class='styled' data-style='x'>Say onclick= or style= or javascript: in text</p>",
        "<a href='/evidence/?q=javascript:'>search</a>",
        "<a href='/javascript:/'>a path</a>",
        "<div hx-vals='{\"a\": 1}' hx-trigger='change'></div>",
        "<textarea>&lt;script&gt;alert(1)&lt;/script&gt; style='x'</textarea>",
    ],
)
def test_it_lets_external_code_and_plain_text_be(html: str) -> None:
    assert Page(html).inline_code == [], html


def test_it_lists_links_and_admin_rows() -> None:
    page = Page(
        "<a href='/admin/x/'>x</a><a>no href</a>"
        "<input type='checkbox' name='_selected_action' value='7'>"
    )
    assert page.links == ["/admin/x/"]
    assert page.selectable == ["7"]
