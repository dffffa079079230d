"""The register of disruptive regulations (قوانین مزاحم): recording them, the units they affect, and
the Excel file the HQ sends to the national level.

The file's headers are Persian whatever the page language: it is a document officials pass on.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from rownaq.accounts.models import User
from rownaq.core.jalali import format_jalali
from rownaq.geography.models import Province
from rownaq.obstacles.hq import is_hq_secretariat
from rownaq.obstacles.models import Case, DisruptiveRegulation, NationalStatus, RegulationKind
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


def _require_secretariat(user: User, province: Province) -> None:
    if not is_hq_secretariat(user, province):
        raise PermissionDenied(_("Only the HQ secretariat of the province can do this."))


def _check_cases(province: Province, cases: Iterable[Case]) -> list[Case]:
    cases = list(cases)
    if any(case.unit.county.province_id != province.pk for case in cases):
        raise PermissionDenied(_("A case of another province cannot be linked."))
    return cases


@transaction.atomic
def regulation_create(
    *, province: Province, by: User, cases: Sequence[Case] = (), **fields: Any
) -> DisruptiveRegulation:
    _require_secretariat(by, province)
    checked = _check_cases(province, cases)
    regulation = DisruptiveRegulation.objects.create(province=province, created_by=by, **fields)
    regulation.cases.set(checked)
    return regulation


@transaction.atomic
def regulation_update(
    *, regulation: DisruptiveRegulation, by: User, cases: Sequence[Case] = (), **fields: Any
) -> DisruptiveRegulation:
    _require_secretariat(by, regulation.province)
    checked = _check_cases(regulation.province, cases)
    for name, value in fields.items():
        setattr(regulation, name, value)
    regulation.save(update_fields=[*fields, "updated_at"])
    regulation.cases.set(checked)
    return regulation


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
    """One row per regulation in a right-to-left sheet, for sending upward."""
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
            cell = WriteOnlyCell(sheet, value=value)
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
