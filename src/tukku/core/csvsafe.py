"""Spreadsheet-safe CSV text cells: what a spreadsheet would take for a formula is kept as text."""

from __future__ import annotations

# The first characters that make Excel, LibreOffice or Google Sheets read a cell as a formula
# (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str | None) -> str:
    """A text column's value as tukku writes it to a CSV file: "" for None; the value with a
    single quote `'` in front when it begins with one of `FORMULA_TRIGGERS`, so a spreadsheet
    shows it as text and never evaluates it; any other value unchanged.

    For text columns only (names, IDs, SKUs, descriptions), whatever their content looks like:
    numeric and date columns are written as they are, so -1.5 stays a number."""
    if not value:
        return ""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value
