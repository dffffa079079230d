"""The shared guards on what people send: digits that are digits, whole numbers a column holds, searches of
at most twenty terms, JSON of bounded depth, workbooks that do not expand without end, dates of the
Jalali years 1300 to 1499."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from rownaq.core.jalali import DATE_MAX, DATE_MIN, JalaliDateError, check_date_range, parse_jalali_date
from rownaq.core.normalise import (
    SEARCH_MAX_TERM_LENGTH,
    SEARCH_MAX_TERMS,
    WHOLE_NUMBER_MAX,
    is_digits,
    parse_int,
    search_terms,
)
from rownaq.core.parsers import json_depth
from rownaq.core.workbooks import WorkbookError, workbook_check


@pytest.mark.parametrize("text", ["0", "12", "۱۲", "١٢", "007"])
def test_digits_are_persian_arabic_or_latin(text: str) -> None:
    assert is_digits(text)


@pytest.mark.parametrize("text", ["", "²", "①", "१२", "1 2", "-1", "1.5", "۱²", "\u1369"])
def test_what_only_looks_like_digits_is_not(text: str) -> None:
    assert not is_digits(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [("12", 12), (" ۱۲ ", 12), ("0", 0), (str(WHOLE_NUMBER_MAX), WHOLE_NUMBER_MAX), (7, 7)],
)
def test_parse_int_reads_whole_numbers_a_column_holds(text: object, number: int) -> None:
    assert parse_int(text) == number


@pytest.mark.parametrize("text", ["²", "", None, "abc", str(WHOLE_NUMBER_MAX + 1), "1" + "0" * 30, -1, True, "1e3"])
def test_parse_int_refuses_everything_else(text: object) -> None:
    assert parse_int(text) is None


def test_a_search_keeps_its_first_twenty_distinct_terms_each_cut_to_a_hundred_characters() -> None:
    terms = search_terms(" ".join(f"واژه{n}" for n in range(1500)))
    assert terms == [f"واژه{n}" for n in range(SEARCH_MAX_TERMS)]
    assert search_terms("الف " * 1500) == ["الف"]
    assert search_terms("ب" * 5000) == ["ب" * SEARCH_MAX_TERM_LENGTH]


@pytest.mark.parametrize(
    ("text", "depth"),
    [("1", 0), ("[]", 1), ('{"a": [1, {"b": []}]}', 4), ('{"a": "[[[[{{{{"}', 1), ('["\\"[[["]', 1)],
)
def test_json_depth_counts_brackets_outside_strings(text: str, depth: int) -> None:
    assert json_depth(text) == depth


def _workbook() -> bytes:
    workbook = Workbook()
    workbook.active.append(["نام", "شناسه"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_ordinary_workbook_passes() -> None:
    workbook_check(io.BytesIO(_workbook()))


def test_a_zip_part_that_expands_far_beyond_its_size_is_refused() -> None:
    buffer = io.BytesIO(_workbook())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", bytes(12 * 1024 * 1024))
    with pytest.raises(WorkbookError):
        workbook_check(buffer)


def test_something_that_is_not_a_zip_is_refused() -> None:
    with pytest.raises(WorkbookError):
        workbook_check(io.BytesIO(b"PK\x03\x04 not a zip"))


def test_dates_are_accepted_only_in_the_jalali_years_1300_to_1499() -> None:
    assert check_date_range(DATE_MIN) == DATE_MIN
    assert check_date_range(DATE_MAX) == DATE_MAX
    assert parse_jalali_date("1300/01/01") == DATE_MIN
    assert parse_jalali_date("1499/12/29") <= DATE_MAX
    for day in (DATE_MIN - dt.timedelta(days=1), DATE_MAX + dt.timedelta(days=1), dt.date(1, 1, 1)):
        with pytest.raises(JalaliDateError):
            check_date_range(day)
    for text in ("1299/12/29", "1500/01/01", "0001/01/01", "140/01/01"):
        with pytest.raises(JalaliDateError):
            parse_jalali_date(text)
    assert parse_jalali_date("03/01/01") == parse_jalali_date("1403/01/01")  # two digits: 13xx or 14xx
