"""Monthly reports of the demo units: the last three months for most units (six months back for the units that
stopped reporting), the same for the same seed.

Written in bulk for speed (``bulk_create`` bypasses the services): every report's history is one of the paths
of ``monitoring.workflow.REPORT_STATES`` (draft; draft → submit; → approve; → return; → return → submit →
approve), with one submitted version per submission, and ``tests/test_reports.py`` checks every one of them
against the table. The figures follow each unit's size and a utilisation of its own with monthly noise;
utilisation is derived exactly as ``monitoring.services`` does. Some units stopped reporting months ago
(four or five missed months: near the suspension of licence services), some have not reported last month
yet, some reports were returned.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rownaq.accounts.models import Role, User
from rownaq.core.periods import Period
from rownaq.demo.units import demo_units
from rownaq.demo.vocabulary import report_return_reasons
from rownaq.geography.models import Province
from rownaq.monitoring.models import MonthlyReport, ReportEvent, ReportLine, ReportState, ReportVersion
from rownaq.monitoring.services import (
    due_date,
    last_reportable_month,
    lines_snapshot,
    monthly_capacity,
    overall_utilisation,
    previous_month,
    report_line,
)
from rownaq.registry.models import Product, Unit, UnitStatus

MONTHS = 6  # the window: units that stopped reporting last reported at its start
REGULAR_MONTHS = 3  # the others report its last three months (fewer rows: seed_demo stays fast)
REPORTING_SHARE = 0.85  # of the units that are not closed
S = ReportState
# The paths a demo report takes (its actions after "draft"), and the state each ends in.
PATHS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (),
    S.SUBMITTED: ("submit",),
    S.APPROVED: ("submit", "approve"),
    S.RETURNED: ("submit", "return"),
    "corrected": ("submit", "return", "submit", "approve"),
}
TARGETS = {"submit": S.SUBMITTED, "approve": S.APPROVED, "return": S.RETURNED}


@dataclass
class DemoReportsSummary:
    reports: int = 0
    lines: int = 0
    states: Counter[str] = field(default_factory=Counter)
    stopped: int = 0


def demo_reports(*, province: Province) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.filter(unit__in=demo_units(province=province).values("pk"))


def demo_reports_build(*, province: Province, seed: int, today: dt.date | None = None) -> DemoReportsSummary:
    """The demo units' monthly reports; nothing if they have some already."""
    today = today or timezone.localdate()
    if demo_reports(province=province).exists():
        return DemoReportsSummary()
    with transaction.atomic():
        return _Builder(province=province, seed=seed, today=today).build()


class _Builder:
    def __init__(self, *, province: Province, seed: int, today: dt.date) -> None:
        self.rng = random.Random(f"rownaq-demo-reports:{seed}:{province.code}")
        self.province = province
        self.today = today
        self.summary = DemoReportsSummary()
        last = last_reportable_month(today)
        months = [last]
        while len(months) < MONTHS:
            months.append(previous_month(months[-1]))
        self.months = list(reversed(months))  # oldest first
        self.expert = User.objects.filter(username="expert").first()
        self.managers: dict[int, User] = {}
        for manager in User.objects.filter(role=Role.UNIT_MANAGER, organisation__province=province).order_by("pk"):
            self.managers.setdefault(manager.organisation_id or 0, manager)

    def _states(self) -> dict[int, str] | None:
        """The path of each month's report (by the month's position), missing months left out."""
        roll = self.rng.random()
        last = len(self.months) - 1
        if roll < 0.06:  # stopped reporting: five months missed
            self.summary.stopped += 1
            return {0: "approved"}
        if roll < 0.12:  # stopped reporting: four months missed
            self.summary.stopped += 1
            return {0: "approved", 1: "approved"}
        paths: dict[int, str] = {}
        for index in range(len(self.months) - REGULAR_MONTHS, last):
            if self.rng.random() < 0.04:
                continue  # a month missed long ago
            paths[index] = "corrected" if self.rng.random() < 0.05 else "approved"
        if last - 1 in paths and self.rng.random() < 0.15:
            paths[last - 1] = self.rng.choice(["submitted", "returned"])  # the expert is behind
        latest = self.rng.random()
        if latest < 0.50:
            paths[last] = "submitted"
        elif latest < 0.68:
            paths[last] = "approved"
        elif latest < 0.76:
            paths[last] = "returned"
        elif latest < 0.84:
            paths[last] = "draft"
        return paths  # else: last month not reported yet

    def build(self) -> DemoReportsSummary:
        if self.expert is None:
            return self.summary
        units = list(demo_units(province=self.province).exclude(status=UnitStatus.CLOSED).order_by("pk"))
        products: dict[int, list[Product]] = defaultdict(list)
        for product in Product.objects.filter(unit__in=units).order_by("pk"):
            products[product.unit_id].append(product)
        reports: list[MonthlyReport] = []
        plans: list[tuple[MonthlyReport, str, list[ReportLine]]] = []
        for unit in units:
            if self.rng.random() > REPORTING_SHARE:
                continue
            paths = self._states()
            if not paths:
                continue
            level = self.rng.uniform(0.25, 0.9) if unit.status == UnitStatus.ACTIVE else self.rng.uniform(0.05, 0.4)
            person = self.managers.get(unit.owner_id or -1) or self.expert
            for index, path in sorted(paths.items()):
                report, lines = self._report(unit, self.months[index], path, level, products[unit.pk], person)
                reports.append(report)
                plans.append((report, path, lines))
        MonthlyReport.objects.bulk_create(reports, batch_size=2_000)
        all_lines, events, versions = [], [], []
        for report, path, lines in plans:
            for line in lines:
                line.report = report
            all_lines.extend(lines)
            events_of, versions_of = self._history(report, path, lines)
            events.extend(events_of)
            versions.extend(versions_of)
            self.summary.states[report.state] += 1
        ReportLine.objects.bulk_create(all_lines, batch_size=5_000)
        ReportEvent.objects.bulk_create(events, batch_size=5_000)
        ReportVersion.objects.bulk_create(versions, batch_size=2_000)
        self.summary.reports, self.summary.lines = len(reports), len(all_lines)
        return self.summary

    def _report(
        self, unit: Unit, period: Period, path: str, level: float, products: list[Product], person: User
    ) -> tuple[MonthlyReport, list[ReportLine]]:
        rng = self.rng
        share = max(0.0, min(1.3, level * rng.uniform(0.85, 1.15)))
        lines = []
        for product in products:
            capacity = monthly_capacity(product)
            quantity = (capacity * Decimal(str(round(share * rng.uniform(0.9, 1.1), 3)))).quantize(Decimal(1))
            lines.append(report_line(product, quantity))
        employees = max(1, round(unit.employees * rng.uniform(0.95, 1.03)))
        sales = round(employees * share * rng.uniform(0.6, 1.4) * 90_000_000) * 10
        exporter = unit.is_exporter
        trouble = level < 0.3
        report = MonthlyReport(
            unit=unit,
            year=period.year,
            month=period.number,
            state=S.DRAFT,
            sales=sales,
            exports=round(sales * rng.uniform(0.1, 0.4)) if exporter else 0,
            employees=employees,
            electricity_kwh=round(employees * share * rng.uniform(1_500, 4_000)),
            gas_m3=round(employees * share * rng.uniform(200, 900)),
            raw_material_days=rng.randint(3, 12) if trouble else rng.randint(10, 60),
            overdue_wage_months=rng.randint(1, 4) if trouble and rng.random() < 0.5 else 0,
            insurance_debt=rng.randrange(50, 2_000) * 10_000_000 if trouble and rng.random() < 0.6 else 0,
            returned_cheques=rng.randint(1, 3) if trouble and rng.random() < 0.3 else 0,
            utilisation=overall_utilisation([line.utilisation for line in lines]),
            entered_by=person,
            on_behalf=person.role != Role.UNIT_MANAGER,
        )
        if report.returned_cheques:
            report.returned_cheques_amount = report.returned_cheques * rng.randrange(20, 400) * 10_000_000
        actions = PATHS[path]
        report.state = TARGETS[actions[-1]] if actions else S.DRAFT
        report.version = 1 + len(actions)
        if actions:
            first = period.last_day + dt.timedelta(days=rng.randint(1, 14))
            report.submitted_at = _moment(min(first, self.today))
            report.is_late = first > due_date(period)
        if report.state == S.RETURNED:
            report.return_reason = rng.choice(report_return_reasons())
        return report, lines

    def _history(
        self, report: MonthlyReport, path: str, lines: list[ReportLine]
    ) -> tuple[list[ReportEvent], list[ReportVersion]]:
        start = report.submitted_at or _moment(min(report.period.last_day + dt.timedelta(days=1), self.today))
        at = start - dt.timedelta(hours=2)
        events = [
            ReportEvent(report=report, action="draft", from_state="", to_state=S.DRAFT, by=report.entered_by, at=at)
        ]
        versions: list[ReportVersion] = []
        state = S.DRAFT
        for action in PATHS[path]:
            at += dt.timedelta(hours=2 if action == "submit" and state == S.DRAFT else 30)
            at = min(at, timezone.now())
            target = TARGETS[action]
            by = report.entered_by if action == "submit" else self.expert
            comment = ""
            if action == "return":
                comment = report.return_reason or report_return_reasons()[0]
            events.append(
                ReportEvent(
                    report=report, action=action, from_state=state, to_state=target, by=by, at=at, comment=comment
                )
            )
            if action == "submit":
                versions.append(
                    ReportVersion(
                        report=report,
                        number=len(versions) + 1,
                        figures=report.figures(),
                        lines=lines_snapshot(lines),
                        utilisation=report.utilisation,
                        submitted_by=report.entered_by,
                        on_behalf=report.on_behalf,
                        submitted_at=at,
                    )
                )
            state = target
        return events, versions


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
