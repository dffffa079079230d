"""Cells of the spreadsheets Rownaq hands out (CSV and Excel), safe to open.

A text that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) is read by
Excel, LibreOffice and Google Sheets as a formula: a unit named ``=HYPERLINK("http://…", "…")`` would give
whoever opens the export a live link or worse (CSV/formula injection). Every export writes its cells
through this module:

- ``safe_cell`` for CSV: such a text gets a leading apostrophe, which spreadsheets show as text.
- ``xlsx_cell`` for Excel: such a text is stored as a text cell marked "quote prefix", so it is shown and
  re-imported exactly as it was typed, and never evaluated.

Numbers (a negative number included) and dates are left as they are: only text can carry a formula.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """Whether a spreadsheet would read ``value`` as a formula (or a command) rather than as text."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """``value`` for a CSV file: a formula-like text is prefixed with an apostrophe; anything else unchanged."""
    if looks_like_formula(value):
        return "'" + value
    return value


def safe_row(values: list[Any]) -> list[Any]:
    """A CSV row whose every cell went through ``safe_cell``."""
    return [safe_cell(value) for value in values]


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A cell of a write-only Excel sheet holding ``value``; a formula-like text stays plain text."""
    cell = WriteOnlyCell(sheet, value=value)
    if looks_like_formula(value):
        cell.data_type = "s"  # openpyxl took the leading "=" for a formula
        cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    return cell


def xlsx_row(sheet: WriteOnlyWorksheet, values: list[Any]) -> list[WriteOnlyCell]:
    """A row of a write-only Excel sheet whose every cell went through ``xlsx_cell``."""
    return [xlsx_cell(sheet, value) for value in values]
