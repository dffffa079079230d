"""The agencies' monthly workbook: the template an agency downloads (national ID, name, and one column per
kind of signal the agency sends, Persian headers) and the reading of an uploaded file into entries that
``rownaq.monitoring.feeds`` checks the same way as an API push.

Headers are Persian whatever the page language, as in the unit spreadsheet: the file is a document that
officials pass around. A header is matched loosely (``registry.spreadsheet.header_key``); a column of a
kind another agency sends is a problem of that column, an unknown column is ignored.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import cast

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from rownaq.core.spreadsheets import xlsx_row
from rownaq.core.workbooks import WorkbookError, workbook_check
from rownaq.monitoring.models import SIGNAL_AGENCY, SignalKind
from rownaq.registry.spreadsheet import cell_text, header_key

NATIONAL_ID_HEADER = "شناسه ملی"
NAME_HEADER = "نام واحد"
NATIONAL_ID_KEYS = frozenset(header_key(text) for text in (NATIONAL_ID_HEADER, "شناسه ملی واحد", "national_id"))
NAME_KEYS = frozenset(header_key(text) for text in (NAME_HEADER, "نام", "نام مشترک", "نام شرکت", "name"))
KIND_HEADERS: dict[str, str] = {
    SignalKind.ELECTRICITY_KWH: "مصرف برق (کیلووات‌ساعت)",
    SignalKind.GAS_M3: "مصرف گاز (مترمکعب)",
    SignalKind.INSURED_HEADCOUNT: "تعداد بیمه‌شدگان",
    SignalKind.INSURANCE_DEBT: "بدهی بیمه (ریال)",
    SignalKind.TAX_ARREARS: "بدهی مالیاتی (ریال)",
    SignalKind.RETURNED_CHEQUES: "تعداد چک برگشتی",
    SignalKind.RETURNED_CHEQUES_AMOUNT: "مبلغ چک برگشتی (ریال)",
    SignalKind.OVERDUE_INSTALMENTS: "اقساط معوق (ریال)",
}
# A header names a kind by its Persian title (with or without the unit in brackets) or by its code.
KIND_BY_HEADER: dict[str, str] = {}
for _kind, _title in KIND_HEADERS.items():
    for _text in (_title, _title.split("(")[0], _kind):
        KIND_BY_HEADER[header_key(_text)] = _kind
HEADER_SEARCH_ROWS = 20
PROGRESS_EVERY = 200
SHEET_TITLE = "نشانه‌های ماهانه"
# The help sheet of the template: how to fill the first sheet, and an example row that is not data.
HELP_SHEET_TITLE = "راهنما"
HELP_LINES = (
    "هر سطر برگهٔ «%(sheet)s» یک واحد تولیدی است: شناسهٔ ملی ۱۱ رقمی، نام واحد و رقم هر نشانه در ستون خودش.",
    "هر سطری که زیر سطر عنوان‌ها بنویسید خوانده می‌شود؛ سطر نمونه یا توضیح در آن برگه ننویسید.",
    "خانهٔ خالی یعنی آن نشانه برای آن واحد در این ماه رقمی ندارد. مبلغ‌ها به ریال است.",
    "نمونهٔ یک سطر (فقط برای دیدن؛ این برگه خوانده نمی‌شود):",
)
EXAMPLE_NATIONAL_ID = "10861234565"
EXAMPLE_NAME = "کاشی‌سازی نمونه"


class FeedFileError(ValueError):
    """A file that cannot be read at all (not a workbook, no header row); the message is for the person."""


def agency_kinds(agency_code: str) -> list[str]:
    """The kinds of signal an agency (``AgencyCode`` value) sends, in ``SignalKind`` order."""
    return [kind for kind in SignalKind.values if SIGNAL_AGENCY.get(kind) == agency_code]


def _header_cells(sheet: WriteOnlyWorksheet, headers: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cells.append(cell)
    return cells


def feed_template_xlsx(agency_code: str) -> bytes:
    """The empty monthly file of an agency: on its first sheet the header row only (every row under it is
    read as data), and on a help sheet how to fill it, with an example row."""
    kinds = agency_kinds(agency_code)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    headers = [NATIONAL_ID_HEADER, NAME_HEADER, *(KIND_HEADERS[kind] for kind in kinds)]
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14 if index == 1 else 24
    sheet.append(_header_cells(sheet, headers))
    help_sheet = workbook.create_sheet(HELP_SHEET_TITLE)
    help_sheet.sheet_view.rightToLeft = True
    for index in range(1, len(headers) + 1):
        help_sheet.column_dimensions[get_column_letter(index)].width = 14 if index == 1 else 24
    for line in HELP_LINES:
        help_sheet.append([line % {"sheet": SHEET_TITLE}])
    help_sheet.append([])
    help_sheet.append(_header_cells(help_sheet, headers))
    help_sheet.append(xlsx_row(help_sheet, [EXAMPLE_NATIONAL_ID, EXAMPLE_NAME, *(0 for _kind in kinds)]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Entry:
    """One value of one row: what a cell of the file, or an item of an API push, says. ``column`` names
    the place of a problem (the file's header, or the API's field); ``value`` is as sent."""

    row: int
    national_id: str
    name: str
    kind: str
    value: object
    column: str


@dataclass
class SheetRead:
    entries: list[Entry]
    problems: list[dict[str, object]]
    rows: int  # data rows read (not empty)


def problem(row: int, column: str, value: object, message: str) -> dict[str, object]:
    return {"row": row, "column": column, "value": cell_text(value)[:100], "message": message}


def _sheet_rows(content: bytes) -> Iterator[tuple[object, ...]]:
    try:
        workbook_check(io.BytesIO(content))
    except WorkbookError as exc:
        raise FeedFileError(str(exc)) from exc
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise FeedFileError(
            _("This file could not be opened as an Excel workbook. Save it again in Excel as .xlsx and upload it.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        yield (sheet.max_row or 0,)  # first, the number of rows the sheet declares (for the progress bar)
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def read_feed_sheet(content: bytes, agency_code: str, *, on_row: Callable[[int, int], None] | None = None) -> SheetRead:
    """The entries of an uploaded monthly file for an agency, and the problems of its columns; raises
    ``FeedFileError`` when the file or its header row cannot be read. ``on_row(count, declared)`` (if given)
    is called every ``PROGRESS_EVERY`` data rows with the rows read and the rows the sheet declares."""
    allowed = set(agency_kinds(agency_code))
    rows = _sheet_rows(content)
    declared = int(cast(int, next(rows)[0]))
    problems: list[dict[str, object]] = []
    header_row = 0
    columns: dict[str, int] = {}
    kind_columns: dict[int, str] = {}
    for number, values in enumerate(rows, start=1):
        found_id = [index for index, value in enumerate(values) if header_key(value) in NATIONAL_ID_KEYS]
        if found_id:
            header_row = number
            columns["national_id"] = found_id[0]
            for index, value in enumerate(values):
                key = header_key(value)
                if key in NAME_KEYS and "name" not in columns:
                    columns["name"] = index
                kind = KIND_BY_HEADER.get(key)
                if kind is None:
                    continue
                if kind not in allowed:
                    problems.append(
                        problem(
                            number,
                            cell_text(value),
                            value,
                            _("This column is «%(kind)s», which your agency does not send; remove it.")
                            % {"kind": SignalKind(kind).label},
                        )
                    )
                elif kind not in kind_columns.values():
                    kind_columns[index] = kind
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if not header_row:
        raise FeedFileError(
            _(
                "The header row was not found: one of the first rows must hold the column titles, "
                "such as «%(national_id)s». Download the template to see them."
            )
            % {"national_id": NATIONAL_ID_HEADER}
        )
    if not kind_columns:
        raise FeedFileError(
            _("The file has no column of a signal your agency sends: %(columns)s. Download the template.")
            % {"columns": "، ".join(KIND_HEADERS[kind] for kind in sorted(allowed))}
        )
    entries: list[Entry] = []
    count = 0
    for number, values in enumerate(rows, start=header_row + 1):
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            continue
        count += 1
        if on_row is not None and count % PROGRESS_EVERY == 0:
            on_row(count, max(declared - header_row, count))

        def cell(index: int | None, values: tuple[object, ...] = values) -> object:
            return values[index] if index is not None and index < len(values) else None

        national_id = cell_text(cell(columns["national_id"]))
        name = cell_text(cell(columns.get("name")))
        for index, kind in kind_columns.items():
            value = cell(index)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue  # no value of this kind for this unit this month
            entries.append(Entry(number, national_id, name, kind, value, KIND_HEADERS[kind]))
        if not any(entry.row == number for entry in entries[-len(kind_columns) :]):
            problems.append(
                problem(number, NATIONAL_ID_HEADER, national_id, _("This row has a national ID but no value."))
            )
    return SheetRead(entries=entries, problems=problems, rows=count)
