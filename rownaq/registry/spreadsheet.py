"""The unit spreadsheet: one column specification for the Excel/CSV export and the Excel import.

An exported file re-imports unchanged: identifiers and codes are written as text (leading zeros
survive), dates as Jalali text in Latin digits («1403/05/12»), the status in Persian words and
yes/no as «بله»/«خیر». The headers are Persian whatever the page language, because the file is
a document that officials pass around, not part of the interface.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from rownaq.core.jalali import JalaliDateError, check_date_range, format_jalali, parse_jalali_date
from rownaq.core.normalise import normalise_text, search_key, to_latin_digits
from rownaq.core.numbers import format_number
from rownaq.core.spreadsheets import safe_row, xlsx_row
from rownaq.registry.models import Licence, LicenceKind, Unit, UnitStatus

Cell = str | int | float | None

STATUS_WORDS: dict[str, str] = {
    UnitStatus.ACTIVE: "فعال",
    UnitStatus.SEMI_ACTIVE: "نیمه‌فعال",
    UnitStatus.IDLE: "راکد",
    UnitStatus.CLOSED: "تعطیل",
}
YES, NO = "بله", "خیر"
SHEET_TITLE = "واحدهای تولیدی"


def _operating_licence(unit: Unit) -> Licence | None:
    licences: list[Licence] = getattr(unit, "operating_licences", None) or []
    return licences[0] if licences else None


def _decimal(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _yes_no(value: bool) -> str:
    return YES if value else NO


@dataclass(frozen=True)
class Column:
    """One column of the unit spreadsheet.

    ``key`` names the value for the import; ``header`` is what the file shows; ``aliases`` are
    other headers that people type for the same column; ``value`` gives the exported cell.
    """

    key: str
    header: str
    value: Callable[[Unit], Cell]
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 14
    example: Cell = None
    match_keys: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        keys = frozenset(header_key(text) for text in (self.header, *self.aliases))
        object.__setattr__(self, "match_keys", keys)


def header_key(text: object) -> str:
    """Fold a header so that «شناسه‌ملی»، «شناسه  ملي *» and «شناسه ملی» are the same column."""
    folded = search_key(str(text or "")).replace("*", "").replace(":", "")
    return "".join(folded.split())


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "نام واحد",
        lambda u: u.name,
        required=True,
        aliases=("نام", "نام واحد تولیدی"),
        width=32,
        example="کاشی‌سازی نمونه",
    ),
    Column(
        "national_id",
        "شناسه ملی",
        lambda u: u.national_id,
        required=True,
        aliases=("شناسه ملی واحد",),
        width=14,
        example="10861234565",
    ),
    Column(
        "sector",
        "کد آیسیک",
        lambda u: u.sector.code,
        required=True,
        aliases=("کد ISIC", "ISIC", "آیسیک", "کد فعالیت"),
        width=10,
        example="2393",
    ),
    Column("county", "شهرستان", lambda u: u.county.name, required=True, width=14, example="قم"),
    Column(
        "estate",
        "شهرک صنعتی",
        lambda u: u.estate.name if u.estate_id else "",  # type: ignore[union-attr]
        aliases=("شهرک یا ناحیه صنعتی", "شهرک", "ناحیه صنعتی"),
        width=24,
        example="",
    ),
    Column("address", "نشانی", lambda u: u.address, aliases=("آدرس",), width=40, example="قم، بلوار نمونه، پلاک ۱"),
    Column("postal_code", "کد پستی", lambda u: u.postal_code, width=12, example="3719999999"),
    Column("latitude", "عرض جغرافیایی", lambda u: _decimal(u.latitude), width=12, example=34.64),
    Column("longitude", "طول جغرافیایی", lambda u: _decimal(u.longitude), width=12, example=50.88),
    Column(
        "employees",
        "تعداد کارکنان",
        lambda u: u.employees,
        aliases=("کارکنان", "تعداد شاغلان", "اشتغال"),
        width=10,
        example=25,
    ),
    Column(
        "status",
        "وضعیت",
        lambda u: STATUS_WORDS.get(u.status, u.status),
        aliases=("وضعیت فعالیت",),
        width=10,
        example="فعال",
    ),
    Column(
        "status_since",
        "تاریخ وضعیت",
        lambda u: format_jalali(u.status_since, persian_digits=False),
        width=12,
        example="1403/01/15",
    ),
    Column("is_exporter", "صادرکننده", lambda u: _yes_no(u.is_exporter), width=10, example=NO),
    Column("is_knowledge_based", "دانش‌بنیان", lambda u: _yes_no(u.is_knowledge_based), width=10, example=NO),
    Column(
        "licence_number",
        "شماره پروانه بهره‌برداری",
        lambda u: getattr(_operating_licence(u), "number", ""),
        aliases=("شماره پروانه",),
        width=18,
        example="12345",
    ),
    Column(
        "licence_issued_on",
        "تاریخ صدور پروانه",
        lambda u: format_jalali(getattr(_operating_licence(u), "issued_on", None), persian_digits=False),
        width=12,
        example="1399/06/01",
    ),
    Column(
        "licence_expires_on",
        "تاریخ انقضای پروانه",
        lambda u: format_jalali(getattr(_operating_licence(u), "expires_on", None), persian_digits=False),
        aliases=("تاریخ اعتبار پروانه",),
        width=12,
        example="1404/06/01",
    ),
)
COLUMNS_BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}


# -- reading cells (the import) ------------------------------------------------------------

# Where Iran lies, with a margin: catches swapped or mistyped coordinates.
LATITUDE_RANGE = (Decimal(24), Decimal(40))
LONGITUDE_RANGE = (Decimal(44), Decimal(64))
MAX_EMPLOYEES = 1_000_000

STATUS_BY_KEY: dict[str, str] = {header_key(word): status for status, word in STATUS_WORDS.items()}
STATUS_BY_KEY.update({header_key(status.value): status.value for status in UnitStatus})
YES_KEYS = frozenset(header_key(word) for word in (YES, "آری", "بلی", "دارد", "yes", "true", "1"))
NO_KEYS = frozenset(header_key(word) for word in (NO, "نه", "ندارد", "no", "false", "0"))


class CellError(Exception):
    """A cell whose value cannot be used; the message says why, in the person's language."""


def cell_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    return normalise_text(str(raw))


def parse_int(raw: object, text: str) -> int:
    if isinstance(raw, bool):
        raise CellError(_("Write a whole number, such as 25."))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise CellError(_("Write a whole number, such as 25."))
    digits = re.sub(r"[,٬\s]", "", to_latin_digits(text))
    if not re.fullmatch(r"-?\d+", digits):
        raise CellError(_("Write a whole number, such as 25."))
    return int(digits)


def parse_decimal(raw: object, text: str) -> Decimal:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = Decimal(str(raw))
    else:
        cleaned = to_latin_digits(text).replace("٫", ".").replace("/", ".").replace(" ", "")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise CellError(_("Write a number, such as 34.64.")) from None
    if not value.is_finite():
        raise CellError(_("Write a number, such as 34.64."))
    if abs(value) >= 10**9:  # no coordinate or capacity of ours comes near; 1e30 cannot even be rounded
        raise CellError(_("This number is too large."))
    return value.quantize(Decimal("0.00001"))


def parse_date(raw: object, text: str) -> dt.date:
    try:
        if isinstance(raw, dt.datetime):
            return check_date_range(raw.date())
        if isinstance(raw, dt.date):
            return check_date_range(raw)
        return parse_jalali_date(text)
    except JalaliDateError as exc:
        raise CellError(str(exc)) from None


def parse_yes_no(text: str) -> bool:
    key = header_key(text)
    if key in YES_KEYS:
        return True
    if key in NO_KEYS:
        return False
    raise CellError(_("Write «%(yes)s» or «%(no)s».") % {"yes": YES, "no": NO})


def check_length(text: str, limit: int) -> str:
    if len(text) > limit:
        raise CellError(_("This text is longer than %(limit)s characters.") % {"limit": format_number(limit)})
    return text


def parse_coordinate(raw: object, text: str, bounds: tuple[Decimal, Decimal], message: str) -> Decimal:
    value = parse_decimal(raw, text)
    if not bounds[0] <= value <= bounds[1]:
        raise CellError(message % {"low": format_number(bounds[0]), "high": format_number(bounds[1])})
    return value


# -- writing (the export) ------------------------------------------------------------------


def units_for_export(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The related rows every column needs, fetched in a fixed number of queries."""
    if not units.ordered:
        units = units.order_by("pk")
    return units.select_related("sector", "county", "estate").prefetch_related(
        Prefetch("licences", queryset=Licence.objects.filter(kind=LicenceKind.OPERATING), to_attr="operating_licences")
    )


def unit_rows(units: QuerySet[Unit]) -> Iterator[list[Cell]]:
    for unit in units_for_export(units).iterator(chunk_size=1000):
        yield [column.value(unit) for column in COLUMNS]


def units_export_csv(units: QuerySet[Unit]) -> bytes:
    """The units as CSV in UTF-8 with a byte-order mark, so that Excel shows the Persian text. A text that a
    spreadsheet would take for a formula gets a leading apostrophe (``rownaq.core.spreadsheets``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in COLUMNS])
    writer.writerows(safe_row(row) for row in unit_rows(units))
    return buffer.getvalue().encode("utf-8-sig")


def units_export_xlsx(units: QuerySet[Unit]) -> bytes:
    """The units as an Excel workbook with a right-to-left sheet; it can be imported again. No text cell is
    ever a formula (``rownaq.core.spreadsheets``)."""
    return _workbook_bytes(unit_rows(units))


def import_template_xlsx() -> bytes:
    """An empty import file: the header row and one example row."""
    return _workbook_bytes([[column.example for column in COLUMNS]], mark_required=True)


def _workbook_bytes(rows: Iterable[list[Cell]], *, mark_required: bool = False) -> bytes:
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet(SHEET_TITLE)
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.append(_header_cells(sheet, mark_required=mark_required))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_cells(sheet: WriteOnlyWorksheet, *, mark_required: bool) -> list[WriteOnlyCell]:
    cells = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header + (" *" if mark_required and column.required else ""))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    return cells
