"""What monitoring tells on a unit's page: its monthly series (output against capacity, employees, energy,
sales) and its revival case, for the people who may see the unit's reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.core.numbers import BILLION
from rownaq.monitoring.access import revival_cases_visible_to, sees_unit_reports
from rownaq.monitoring.models import OPEN_STAGES, REPORTED_STATES, MonthlyReport, RevivalCase
from rownaq.registry.models import Unit

SERIES_MONTHS = 24  # the charts' window: two years of months


@dataclass
class UnitSeries:
    """The unit's last reported months, oldest first, as the charts and the table beside them show them."""

    reports: list[MonthlyReport] = field(default_factory=list)

    def chart_data(self) -> dict[str, Any]:
        """Plain numbers for the charts (labels are Persian month names; money in billion rials)."""
        return {
            "labels": [str(report.period) for report in self.reports],
            "utilisation": [None if r.utilisation is None else float(r.utilisation) for r in self.reports],
            "employees": [r.employees for r in self.reports],
            "electricity": [r.electricity_kwh for r in self.reports],
            "gas": [r.gas_m3 for r in self.reports],
            "sales": [round(r.sales / BILLION, 1) for r in self.reports],
            "urls": [reverse("monitoring-report-detail", args=[r.pk]) for r in self.reports],
        }

    @property
    def latest(self) -> list[MonthlyReport]:
        """The last six months, newest first (the table shown without JavaScript)."""
        return list(reversed(self.reports[-6:]))


def unit_series(user: User | AnonymousUser, unit: Unit, *, months: int = SERIES_MONTHS) -> UnitSeries | None:
    """The unit's last reported months (``None`` if the person may not see the unit's reports)."""
    if not sees_unit_reports(user, unit):
        return None
    reports = MonthlyReport.objects.filter(unit=unit, state__in=sorted(REPORTED_STATES)).order_by("-year", "-month")
    return UnitSeries(reports=list(reversed(reports[:months])))


def unit_revival_case(user: User | AnonymousUser, unit: Unit) -> RevivalCase | None:
    """The unit's open revival case if it has one, else its latest, if the person may see it."""
    cases = revival_cases_visible_to(user).filter(unit=unit)
    return cases.filter(stage__in=sorted(OPEN_STAGES)).first() or cases.first()
