"""The register of disruptive regulations (قوانین مزاحم): the units they affect, and the Excel file the
HQ sends to the national level. Recording them is ``rownaq.hq.services``.

The file's headers are Persian whatever the page language: it is a document officials pass on.
"""

from __future__ import annotations

import io

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from rownaq.core.jalali import format_jalali
from rownaq.core.spreadsheets import xlsx_cell
from rownaq.hq.models import DisruptiveRegulation, NationalStatus, RegulationKind
from rownaq.obstacles.models import Case
from rownaq.registry.models import Unit

SHEET_TITLE = "قوانین مزاحم"
KIND_WORDS: dict[str, str] = {
    RegulationKind.LAW: "قانون",
    RegulationKind.BYLAW: "آیین‌نامه",
    RegulationKind.CIRCULAR: "بخشنامه یا دستورالعمل",
    RegulationKind.PRACTICE: "رویه اداری",
}
STATUS_WORDS: dict[str, str] = {
    NationalStatus.IDENTIFIED: "شناسایی‌شده در استان",
    NationalStatus.PROPOSED: "پیشنهاد ستاد تصویب شد",
    NationalStatus.SENT: "ارسال‌شده به سطح ملی",
    NationalStatus.UNDER_REVIEW: "در حال بررسی در سطح ملی",
    NationalStatus.AMENDED: "اصلاح یا لغو شد",
    NationalStatus.REJECTED: "پیشنهاد پذیرفته نشد",
}
# (header, column width)
HEADERS: tuple[tuple[str, int], ...] = (
    ("عنوان", 36),
    ("نوع", 16),
    ("ماده", 12),
    ("مرجع صادرکننده", 24),
    ("تاریخ صدور", 12),
    ("تعداد پرونده‌های متوقف", 12),
    ("واحدهای متأثر", 36),
    ("مشکل", 48),
    ("پیشنهاد ستاد", 48),
    ("وضعیت در سطح ملی", 22),
    ("تاریخ ارسال", 12),
    ("ارسال به", 24),
)


def regulations_with_cases(regulations: QuerySet[DisruptiveRegulation]) -> QuerySet[DisruptiveRegulation]:
    cases = Case.objects.select_related("unit").order_by("pk")
    return regulations.prefetch_related(Prefetch("cases", queryset=cases))


def units_affected(regulation: DisruptiveRegulation) -> list[Unit]:
    """The units whose cases the regulation blocks, each once, in the order of their first case."""
    units: dict[int, Unit] = {}
    for case in regulation.cases.all():
        units.setdefault(case.unit_id, case.unit)
    return list(units.values())


def _row(regulation: DisruptiveRegulation) -> list[str | int]:
    return [
        regulation.title,
        KIND_WORDS.get(regulation.kind, regulation.kind),
        regulation.article,
        regulation.issuing_body,
        format_jalali(regulation.issued_on, persian_digits=False),
        len(regulation.cases.all()),
        "، ".join(unit.name for unit in units_affected(regulation)),
        regulation.problem,
        regulation.proposal,
        STATUS_WORDS.get(regulation.national_status, regulation.national_status),
        format_jalali(regulation.sent_on, persian_digits=False),
        regulation.sent_to,
    ]


def regulations_export_xlsx(regulations: QuerySet[DisruptiveRegulation]) -> bytes:
    """One row per regulation in a right-to-left sheet, for sending upward; no text cell is a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.sheet_view.rightToLeft = True
    for index, (_header, width) in enumerate(HEADERS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    header_cells = []
    for header, _width in HEADERS:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font, cell.fill = bold, fill
        header_cells.append(cell)
    sheet.append(header_cells)
    wrap = Alignment(wrap_text=True, vertical="top")
    for regulation in regulations_with_cases(regulations):
        cells = []
        for value in _row(regulation):
            cell = xlsx_cell(sheet, value)  # a title typed as "=..." stays text, never a formula
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
