"""Entering a unit's monthly report: the figures typed, the product lines, the capacity utilisation derived
from them, and the dates a report is due by. The moves between states (submit, approve, return) are in
``rownaq.monitoring.workflow``; both are the only places that change reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.core.periods import Period
from rownaq.core.versions import lock_for_edit
from rownaq.monitoring import access
from rownaq.monitoring.models import FIGURE_FIELDS, MonthlyReport, ReportEvent, ReportLine, ReportState
from rownaq.monitoring.rules import Figures
from rownaq.registry.models import Product, Unit

EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})
STALE = _("Someone else changed this report after you opened it. Open it again and repeat your change.")


class ReportError(Exception):
    """A report refused for a reason the person can act on; the message is for them."""


# -- the calendar of reporting ------------------------------------------------------------------------


def next_month(period: Period) -> Period:
    return Period.month(period.year + (period.number == 12), period.number % 12 + 1)


def previous_month(period: Period) -> Period:
    return Period.month(period.year - (period.number == 1), (period.number - 2) % 12 + 1)


def due_date(period: Period) -> dt.date:
    """The day a month's report is due by: the 10th (``ROWNAQ_REPORT_DUE_DAY``) of the next Jalali month."""
    return next_month(period).first_day + dt.timedelta(days=settings.ROWNAQ_REPORT_DUE_DAY - 1)


def last_reportable_month(today: dt.date | None = None) -> Period:
    """The latest month a report may be given for: the month before the current one."""
    return previous_month(Period.containing(today or timezone.localdate()))


def check_month_reportable(period: Period, today: dt.date | None = None) -> None:
    """Refuse a month that has not ended yet (the current month or a future one)."""
    if period.kind != "month" or period > last_reportable_month(today):
        raise ReportError(_("A month can be reported only after it ends; %(month)s has not.") % {"month": period})


# -- derived figures ----------------------------------------------------------------------------------


def monthly_capacity(product: Product) -> Decimal:
    """A product's nominal capacity for one month: its annual capacity divided by 12."""
    return (product.nominal_capacity / 12).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def line_utilisation(quantity: Decimal, capacity: Decimal) -> Decimal | None:
    """Output as a percentage of the month's nominal capacity (none without a capacity)."""
    if capacity <= 0:
        return None
    return (quantity * 100 / capacity).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def report_line(product: Product, quantity: Decimal, *, report: MonthlyReport | None = None) -> ReportLine:
    """A line of ``product``'s output, with its name, measure and month's capacity as they stand today and the
    utilisation derived from them (unsaved)."""
    capacity = monthly_capacity(product)
    line = ReportLine(
        product=product,
        product_name=product.name,
        measure=product.measure,
        monthly_capacity=capacity,
        quantity=quantity,
        utilisation=line_utilisation(quantity, capacity),
    )
    if report is not None:
        line.report = report
    return line


def lines_snapshot(lines: Iterable[ReportLine]) -> list[dict[str, Any]]:
    """The lines as a submitted version keeps them (JSON)."""
    return [
        {
            "product": line.product_id,
            "name": line.product_name,
            "measure": line.measure,
            "quantity": str(line.quantity),
            "capacity": str(line.monthly_capacity),
            "utilisation": None if line.utilisation is None else str(line.utilisation),
        }
        for line in lines
    ]


def overall_utilisation(values: list[Decimal | None]) -> Decimal | None:
    """The unit's utilisation: the mean of its products' (measures differ, so each product weighs the same)."""
    known = [value for value in values if value is not None]
    if not known:
        return None
    return (sum(known, Decimal(0)) / len(known)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def report_figures(report: MonthlyReport) -> Figures:
    """What the validation rules read of a stored report."""
    lines = list(report.lines.all())
    return Figures(
        figures=report.figures(),
        quantities=[line.quantity for line in lines],
        line_utilisations=[line.utilisation for line in lines],
        utilisation=report.utilisation,
    )


def approved_history(report: MonthlyReport) -> list[Figures]:
    """The unit's approved months before the report's (the last 12, oldest first)."""
    earlier = (
        MonthlyReport.objects.filter(unit_id=report.unit_id, state=ReportState.APPROVED)
        .filter(Q(year__lt=report.year) | Q(year=report.year, month__lt=report.month))
        .prefetch_related("lines")
        .order_by("-year", "-month")[:12]
    )
    return [report_figures(month) for month in reversed(list(earlier))]


# -- entering a report --------------------------------------------------------------------------------


def _clean_figures(figures: Mapping[str, int | None]) -> dict[str, int]:
    unknown = set(figures) - set(FIGURE_FIELDS)
    if unknown:
        raise ReportError(_("Unknown figures: %(names)s") % {"names": ", ".join(sorted(unknown))})
    return {name: int(figures.get(name) or 0) for name in FIGURE_FIELDS}


@transaction.atomic
def report_save(
    *,
    unit: Unit,
    period: Period,
    figures: Mapping[str, int | None],
    quantities: Mapping[int, Decimal | None],
    by: User,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> MonthlyReport:
    """Create or change the unit's report of ``period`` as a draft (or, returned, as it is being corrected):
    the figures, the output of each of the unit's products (``quantities`` by product id), and the
    utilisation derived from them. Who entered it is recorded, and whether on the unit's behalf."""
    if not access.can_enter(by, unit):
        raise PermissionDenied(_("You cannot enter reports for this unit."))
    check_month_reportable(period, today)
    values = _clean_figures(figures)
    existing = MonthlyReport.objects.filter(unit=unit, year=period.year, month=period.number).first()
    if existing is None:
        try:
            with transaction.atomic():
                report = MonthlyReport.objects.create(unit=unit, year=period.year, month=period.number, **values)
        except IntegrityError:
            raise ReportError(_("This month's report was just started by someone else. Open it again.")) from None
        ReportEvent.objects.create(report=report, action="draft", from_state="", to_state=report.state, by=by)
    else:
        report = lock_for_edit(MonthlyReport, pk=existing.pk, expected_version=expected_version, message=STALE)
        if report.state not in EDITABLE_STATES:
            raise ReportError(_("This report has been submitted; it can be changed only if the expert returns it."))
        for name, value in values.items():
            setattr(report, name, value)
        report.version += 1
    report.entered_by = by
    report.on_behalf = access.enters_on_behalf(by, unit)
    _write_lines(report, unit, quantities)
    report.save()
    return report


def _write_lines(report: MonthlyReport, unit: Unit, quantities: Mapping[int, Decimal | None]) -> None:
    products = list(unit.products.order_by("pk"))
    known = {product.pk for product in products}
    if set(quantities) - known:
        raise ReportError(_("Give the output of this unit's own products only."))
    report.lines.all().delete()
    lines = []
    for product in products:
        lines.append(report_line(product, Decimal(quantities.get(product.pk) or 0), report=report))
    ReportLine.objects.bulk_create(lines)
    report.utilisation = overall_utilisation([line.utilisation for line in lines])
