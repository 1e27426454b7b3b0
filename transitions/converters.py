"""URL converters that accept only what the database can look up."""

from __future__ import annotations


class IdConverter:
    """A row id: 1 to 18 digits, so it always fits a 64-bit integer column."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class UsernameConverter:
    """A username as Django allows it: letters, digits and @ . + - _ (no NUL, no slash)."""

    regex = r"[\w.@+-]{1,150}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
