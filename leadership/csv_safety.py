"""CSV cells that a spreadsheet shows as text, never runs as a formula.

Every CSV the app writes passes each cell through `safe_cell` (OWASP "CSV Injection"): a text cell
starting with = + - @ tab or carriage return gets a leading single quote. Numbers, dates and
empty cells are left as they are.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
