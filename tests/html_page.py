"""Reading a rendered page with the standard library's HTML parser: its links, and anything
in it that the Content Security Policy (no 'unsafe-inline', no eval) would refuse."""

from __future__ import annotations

from html.parser import HTMLParser

# Attributes that hold a URL a browser may follow, load or submit to.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
# ASCII whitespace and control characters, which browsers drop from a URL's scheme.
_IGNORED_IN_SCHEME = {chr(n) for n in range(0x21)} | {"\x7f"}


def _is_javascript_url(value: str) -> bool:
    scheme = "".join(c for c in value if c not in _IGNORED_IN_SCHEME).lower()
    return scheme.startswith("javascript:")


class Page(HTMLParser):
    """Feed it a page; then `links` are its <a href>s and `inline_code` says, one line per
    finding, where it carries a script or style the CSP would refuse:

    - a <script> without src, or a <style> element;
    - an event handler attribute (on*=) or htmx's hx-on*, which htmx evaluates;
    - a style= attribute;
    - a javascript: URL in href, src, action or another URL attribute;
    - htmx attributes that evaluate JavaScript (hx-vars, hx-vals="js:...").

    Attribute values reach us with character references decoded, as the browser sees them.
    """

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.selectable: list[str] = []  # admin changelist rows (action checkboxes)
        self.inline_code: list[str] = []
        self.feed(html)
        self.close()

    def _found(self, tag: str, what: str) -> None:
        line, column = self.getpos()
        self.inline_code.append(f"line {line}:{column} <{tag}>: {what}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and not values.get("src", "").strip():
            self._found(tag, "inline script")
        if tag == "style":
            self._found(tag, "inline <style> element")
        for name, value in values.items():
            if name.startswith("on") or name.startswith(("hx-on", "data-hx-on")):
                self._found(tag, f"event handler attribute {name}={value!r}")
            elif name == "style":
                self._found(tag, f"style attribute {value!r}")
            elif name in URL_ATTRIBUTES and _is_javascript_url(value):
                self._found(tag, f"javascript: URL in {name}={value!r}")
            elif name in ("hx-vars", "data-hx-vars") or (
                name in ("hx-vals", "data-hx-vals")
                and value.strip().lower().startswith(("js:", "javascript:"))
            ):
                self._found(tag, f"evaluated htmx attribute {name}={value!r}")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "input" and values.get("name") == "_selected_action":
            self.selectable.append(values.get("value", ""))
