"""What monitoring tells on a unit's page: its monthly series (output against capacity, employees, energy,
sales) for the people who may see the unit's reports, its risk of going idle with the reasons (province
staff), its field visits (as the visits' own rules show them) and its revival case."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.core.numbers import BILLION
from rownaq.monitoring.access import revival_cases_visible_to, risk_scores_visible_to, sees_unit_reports, sees_visits
from rownaq.monitoring.models import OPEN_STAGES, REPORTED_STATES, MonthlyReport, RevivalCase, RiskScore
from rownaq.monitoring.risk_reasons import reason_texts
from rownaq.monitoring.visits import ShownVisit, unit_visits
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


def unit_risk(user: User | AnonymousUser, unit: Unit) -> tuple[RiskScore, list[str]] | None:
    """The unit's latest risk score and its reasons in Persian, if the person may see scores."""
    score = risk_scores_visible_to(user).filter(unit=unit).order_by("-year", "-month").first()
    return None if score is None else (score, reason_texts(score.reasons))


def unit_visit_list(user: User | AnonymousUser, unit: Unit) -> list[ShownVisit] | None:
    """The visits to the unit the person sees (``None`` without the visit calendar at all)."""
    if not isinstance(user, User) or not sees_visits(user):
        return None
    return unit_visits(unit, user, limit=5)
