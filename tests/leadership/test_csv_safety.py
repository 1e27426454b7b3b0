"""Cells a spreadsheet would run as a formula are written as text (OWASP CSV injection)."""

from __future__ import annotations

import pytest

from leadership.csv_safety import safe_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_with_a_formula_character_gets_a_quote(start: str) -> None:
    assert safe_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


@pytest.mark.parametrize(
    "value", ["Hired Mei", "a = b", "2 - 1", " =not first", "", "'already quoted", "ünïcode ✓"]
)
def test_ordinary_text_is_untouched(value: str) -> None:
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-3, 3, None, 2.5])
def test_values_that_are_not_text_are_untouched(value: object) -> None:
    assert safe_cell(value) == value
