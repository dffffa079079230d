"""The workbook of a month's reports: its columns (shared by the template, the page that documents them and
the import), and the template, prefilled with the province's units and their products.

One row per unit and product: the national ID, the product (its name as registered, or its number) and the
month's output. The report's figures (sales, employees, energy...) are given once per unit, on any one of its
rows (the template puts them on the first); the unit's other rows leave them empty. The headers are Persian
whatever the page language, because the file is a document that officials pass around; the second sheet
explains each column.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from rownaq.core.periods import Period
from rownaq.core.spreadsheets import xlsx_row
from rownaq.monitoring.models import FIGURE_FIELDS
from rownaq.registry.models import Product, Unit
from rownaq.registry.spreadsheet import header_key

SHEET_TITLE = "گزارش ماهانه"
GUIDE_TITLE = "راهنما"
TEMPLATE_UNITS = 5000  # units prefilled in a template at most


@dataclass(frozen=True)
class ReportColumn:
    """One column of the reports workbook: ``key`` names the value for the import, ``header`` is what the file
    shows, ``aliases`` other titles people type, ``help`` what to write in it (shown on the page and the guide)."""

    key: str
    header: str
    help: str | Promise
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 14
    match_keys: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "match_keys", frozenset(header_key(t) for t in (self.header, *self.aliases)))


FIGURE_HEADERS: dict[str, str] = {
    "sales": "فروش (ریال)",
    "exports": "صادرات (ریال)",
    "employees": "تعداد کارکنان",
    "electricity_kwh": "مصرف برق (کیلووات‌ساعت)",
    "gas_m3": "مصرف گاز (مترمکعب)",
    "raw_material_days": "موجودی مواد اولیه (روز)",
    "overdue_wage_months": "حقوق معوق (ماه)",
    "insurance_debt": "بدهی بیمه (ریال)",
    "returned_cheques": "چک برگشتی (تعداد)",
    "returned_cheques_amount": "چک برگشتی (ریال)",
}
assert set(FIGURE_HEADERS) == set(FIGURE_FIELDS)
FIGURE_HELP = _("A whole number, not negative; once per unit, on any one of its rows (the others empty).")

COLUMNS: tuple[ReportColumn, ...] = (
    ReportColumn(
        "month",
        "ماه گزارش",
        _("The Jalali month, as 1404/05: the month chosen on the page. It may be left out."),
        aliases=("ماه", "سال و ماه"),
        width=10,
    ),
    ReportColumn(
        "national_id",
        "شناسه ملی",
        _("The unit's 11-digit national ID, as registered. Required."),
        required=True,
        aliases=("شناسه ملی واحد",),
    ),
    ReportColumn("name", "نام واحد", _("The unit's name, for the reader only: it is not checked."), width=28),
    ReportColumn(
        "product",
        "کالا",
        _("One of the unit's registered products: its name as registered, or its number."),
        aliases=("محصول", "نام کالا", "شناسه کالا"),
        width=24,
    ),
    ReportColumn("measure", "واحد سنجش", _("The product's measure, for the reader only: it is not checked."), width=10),
    ReportColumn(
        "quantity",
        "مقدار تولید",
        _("The month's output of the product, in its measure; a number, not negative. Required with a product."),
        aliases=("تولید", "مقدار"),
        width=12,
    ),
    *(ReportColumn(name, FIGURE_HEADERS[name], FIGURE_HELP, width=14) for name in FIGURE_FIELDS),
)
COLUMNS_BY_KEY: dict[str, ReportColumn] = {column.key: column for column in COLUMNS}


def template_units(units: QuerySet[Unit]) -> list[Unit]:
    """The units a template lists, with their products in one query."""
    products = Prefetch("products", queryset=Product.objects.order_by("pk"))
    return list(units.order_by("name_sort", "pk").prefetch_related(products)[:TEMPLATE_UNITS])


def template_rows(units: list[Unit], period: Period) -> list[list[object]]:
    """A row per unit and product (one row for a unit without products), the figures left empty."""
    rows: list[list[object]] = []
    for unit in units:
        products: list[Product | None] = [*unit.products.all()] or [None]
        for product in products:
            row: dict[str, object] = {"month": period.code, "national_id": unit.national_id, "name": unit.name}
            if product is not None:
                row.update(product=product.name, measure=product.measure)
            rows.append([row.get(column.key) for column in COLUMNS])
    return rows


def report_template_xlsx(units: list[Unit], period: Period) -> bytes:
    """The template of ``period``'s reports: a right-to-left sheet with the header row and a row per unit and
    product, and a second sheet explaining each column."""
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet(SHEET_TITLE)
    sheet.sheet_view.rightToLeft = True
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.append([_header_cell(sheet, column.header + (" *" if column.required else "")) for column in COLUMNS])
    for row in template_rows(units, period):
        sheet.append(xlsx_row(sheet, row))
    guide: WriteOnlyWorksheet = workbook.create_sheet(GUIDE_TITLE)
    guide.sheet_view.rightToLeft = True
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 90
    guide.append([_header_cell(guide, "ستون"), _header_cell(guide, "چه بنویسید")])
    for column in COLUMNS:
        guide.append(xlsx_row(guide, [column.header, str(column.help)]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor="DDEBF7")
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell
