"""Filters that put user text into a Markdown file as text: it can add no heading, list,
quote, HTML or link of its own.

`md` is for a value inside a line (a title, a name), `md_quote` for text of several lines (each
line becomes a line of a block quote, so none of them can start a section), `md_link` for a
link, written only when it is http(s).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from django import template

register = template.Library()

# Characters that start inline Markdown anywhere in a line: escapes, code, emphasis, links,
# tables, strike-through and fences.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
# An "&" that would start an entity ("&lt;"): kept as the characters typed.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What a line may start with to become a heading, list item, setext underline or ordered item.
_LINE_START = re.compile(r"^(\s*)([#+\-=])")
_ORDERED = re.compile(r"^(\s*\d+)([.)])")
# Characters that stay as they are in a link's address; every other one is percent-encoded,
# so the address cannot close the link, open a tag or hold a space.
_URL_SAFE = ":/?#[]@!$&*+,;=%-._~"


def _escape_line(line: str) -> str:
    line = _INLINE.sub(r"\\\1", line)
    line = _ENTITY.sub(r"\\&", line)
    line = line.replace("<", "&lt;").replace(">", "&gt;")
    line = _LINE_START.sub(r"\1\\\2", line)
    return _ORDERED.sub(r"\1\\\2", line)


@register.filter
def md(value: object) -> str:
    """Text for inside one line of Markdown: line breaks become spaces."""
    return _escape_line(" ".join(str(value).split()))


@register.filter
def md_quote(value: object, indent: str = "") -> str:
    """Text of any number of lines as a Markdown block quote, each line prefixed with
    `indent` (to nest it in a list item) and "> "."""
    lines = str(value).splitlines() or [""]
    return "\n".join(f"{indent}> {_escape_line(line)}".rstrip() for line in lines)


@register.filter
def md_link(url: object, label: str = "link") -> str:
    """A Markdown link to an http(s) address, or nothing for any other address."""
    url = str(url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    if any(char.isspace() or not char.isprintable() for char in url):
        return ""
    return f"[{md(label)}]({quote(url, safe=_URL_SAFE)})"
