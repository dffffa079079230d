"""Monthly reports of the demo units over the distress simulation's window (``distress.WINDOW`` months up to
the last reportable month), drawn from each unit's hidden course, with the agencies' signals of the same months
(``agency_signals``) and the status history the rules write from what was reported (``unit_statuses``); the
same for the same seed.

Written in bulk for speed (``bulk_create`` bypasses the services): every report's history is one of the paths
of ``monitoring.workflow.REPORT_STATES`` (draft; draft → submit; → approve; → return; → return → submit →
approve), with one submitted version per submission, and ``tests/test_reports.py`` checks every one of them
against the table. Utilisation is derived exactly as ``monitoring.services`` does. About 15% of the units
never report; some stopped reporting four or five months ago (near the suspension of licence services), some
fell silent after their output collapsed, some have not reported last month yet, some reports were returned.
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

from rownaq.accounts.models import AgencyCode, Organisation, Role, User
from rownaq.demo import distress
from rownaq.demo.agency_signals import UnitSignals, agency_signals_write, unit_signals
from rownaq.demo.bulk_rows import insert_rows
from rownaq.demo.unit_statuses import UnitActivity, status_at, status_history_write
from rownaq.demo.units import demo_units
from rownaq.demo.vocabulary import report_return_reasons
from rownaq.geography.models import Province
from rownaq.monitoring.models import (
    REPORTED_STATES,
    MonthlyReport,
    ReportEvent,
    ReportLine,
    ReportState,
    ReportVersion,
)
from rownaq.monitoring.reference import default_status_rule_specs as status_rule_specs
from rownaq.monitoring.services import (
    due_date,
    last_reportable_month,
    lines_snapshot,
    monthly_capacity,
    overall_utilisation,
    previous_month,
    report_line,
)
from rownaq.monitoring.status_rules import MonthActivity, electricity_share
from rownaq.registry.models import Product, StatusChange, Unit, UnitStatus

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
# A report event as the row written: report, action, from, to, by, at, comment.
EventRow = tuple[int, str, str, str, int | None, dt.datetime, str]
TARGETS = {"submit": S.SUBMITTED, "approve": S.APPROVED, "return": S.RETURNED}


@dataclass
class DemoReportsSummary:
    reports: int = 0
    lines: int = 0
    states: Counter[str] = field(default_factory=Counter)
    stopped: int = 0
    signals: int = 0
    courses: Counter[str] = field(default_factory=Counter)
    status_changes: Counter[str] = field(default_factory=Counter)


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
        self.seed = seed
        self.province = province
        self.today = today
        self.summary = DemoReportsSummary()
        last = last_reportable_month(today)
        months = [last]
        while len(months) < distress.WINDOW:
            months.append(previous_month(months[-1]))
        self.months = list(reversed(months))  # oldest first
        self.last_days = {(p.year, p.number): p.last_day for p in self.months}  # Jalali arithmetic, once
        self.dues = [due_date(period) for period in self.months]
        self.expert = User.objects.filter(username="expert").first()
        self.managers: dict[int, User] = {}
        for manager in User.objects.filter(role=Role.UNIT_MANAGER, organisation__province=province).order_by("pk"):
            self.managers.setdefault(manager.organisation_id or 0, manager)

    def _states(self, rng: random.Random, course: distress.Course) -> dict[int, str]:
        """The path of each month's report (by the month's position), missing months left out."""
        last = len(self.months) - 1
        if rng.random() > REPORTING_SHARE or (course.start_status == UnitStatus.IDLE and rng.random() < 0.7):
            return {}  # never reports
        final = last
        roll = rng.random()
        if roll < 0.06:  # stopped reporting: five months missed
            final = last - 5
            self.summary.stopped += 1
        elif roll < 0.12:  # stopped reporting: four months missed
            final = last - 4
            self.summary.stopped += 1
        collapse = course.collapse
        if collapse is not None and collapse < final and rng.random() < distress.SILENT_AFTER_COLLAPSE:
            final = collapse + rng.randint(0, 2)  # fell silent after its output collapsed
        paths: dict[int, str] = {}
        for index in range(min(final + 1, last)):
            if rng.random() < 0.04:
                continue  # a month missed
            paths[index] = "corrected" if rng.random() < 0.05 else "approved"
        if final < last:
            return paths
        if last - 1 in paths and rng.random() < 0.15:
            paths[last - 1] = rng.choice(["submitted", "returned"])  # the expert is behind
        latest = rng.random()
        if latest < 0.50:
            paths[last] = "submitted"
        elif latest < 0.68:
            paths[last] = "approved"
        elif latest < 0.76:
            paths[last] = "returned"
        elif latest < 0.84:
            paths[last] = "draft"
        return paths  # else: last month not reported yet

    def _start(self, unit: Unit, rows: list[tuple[str, dt.date]]) -> tuple[str, dt.date, str, int]:
        """The unit's status at the window's start and since when; the status the registry demo gave it during
        the window (if any) and the month's position."""
        first = self.months[0].first_day
        start, since = status_at(rows, first, UnitStatus.ACTIVE)
        lean, lean_month = "", 0
        if unit.status_since and unit.status_since >= first and unit.status != start:
            lean = unit.status
            lean_month = next(
                (t for t, period in enumerate(self.months) if period.contains(unit.status_since)), len(self.months) - 1
            )
        return start, since or unit.status_since or first, lean, lean_month

    def build(self) -> DemoReportsSummary:
        if self.expert is None:
            return self.summary
        simulated = demo_units(province=self.province).exclude(status=UnitStatus.CLOSED)
        units = list(simulated.order_by("pk"))
        history: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
        for unit_id, new, day in StatusChange.objects.filter(unit__in=simulated.values("pk")).values_list(
            "unit_id", "new_status", "effective_on"
        ):
            history[unit_id].append((new, day))
        products: dict[int, list[Product]] = defaultdict(list)
        for product in Product.objects.filter(unit__in=simulated.values("pk")).order_by("pk"):
            products[product.unit_id].append(product)
        banks = Organisation.objects.filter(province=self.province, agency_code=AgencyCode.BANK).count()
        reports: list[MonthlyReport] = []
        plans: list[tuple[MonthlyReport, str, list[ReportLine]]] = []
        signals: list[UnitSignals] = []
        activity: list[UnitActivity] = []
        for unit in units:
            rng = random.Random(f"rownaq-demo-distress:{self.seed}:{unit.national_id}")
            start, since, lean, lean_month = self._start(unit, history[unit.pk])
            course = distress.course_plan(rng, start_status=start, lean=lean, lean_month=lean_month)
            distress.simulate(course, rng, first_month=self.months[0].number, nominal_employees=unit.employees)
            agency = unit_signals(unit, course, rng, banks=banks)
            signals.append(agency)
            self.summary.courses[course.kind] += 1
            person = self.managers.get(unit.owner_id or -1) or self.expert
            utilisation: dict[int, Decimal | None] = {}
            for index, path in sorted(self._states(rng, course).items()):
                report, lines = self._report(unit, index, path, agency, products[unit.pk], person, rng)
                reports.append(report)
                plans.append((report, path, lines))
                if report.state in REPORTED_STATES:
                    utilisation[index] = report.utilisation
            activity.append(UnitActivity(unit, start, since, self._activity(utilisation, agency.electricity)))
        MonthlyReport.objects.bulk_create(reports, batch_size=2_000)
        all_lines: list[tuple[object, ...]] = []
        events: list[EventRow] = []
        versions: list[tuple[object, ...]] = []
        for report, path, lines in plans:
            all_lines.extend(
                (
                    report.pk,
                    line.product_id,
                    line.product_name,
                    line.measure,
                    line.monthly_capacity,
                    line.quantity,
                    line.utilisation,
                )
                for line in lines
            )
            events_of, versions_of = self._history(report, path, lines)
            events.extend(events_of)
            versions.extend(versions_of)
            self.summary.states[report.state] += 1
        line_columns = ("report", "product", "product_name", "measure", "monthly_capacity", "quantity", "utilisation")
        insert_rows(ReportLine, line_columns, all_lines)
        insert_rows(ReportEvent, ("report", "action", "from_state", "to_state", "by", "at", "comment"), events)
        version_columns = (
            "report",
            "number",
            "figures",
            "lines",
            "utilisation",
            "warnings",
            "explanation",
            "submitted_by",
            "on_behalf",
            "submitted_at",
        )
        insert_rows(ReportVersion, version_columns, versions)
        self.summary.reports, self.summary.lines = len(reports), len(all_lines)
        self.summary.signals = agency_signals_write(province=self.province, months=self.months, units=signals)
        self.summary.status_changes = status_history_write(
            units=simulated, activity=activity, months=self.months, rules=status_rule_specs(), today=self.today
        )
        return self.summary

    def _activity(self, utilisation: dict[int, Decimal | None], electricity: list[int]) -> list[MonthActivity]:
        return [
            MonthActivity(period, utilisation.get(t), electricity_share(electricity[t], electricity[:t]))
            for t, period in enumerate(self.months)
        ]

    def _report(
        self,
        unit: Unit,
        index: int,
        path: str,
        agency: UnitSignals,
        products: list[Product],
        person: User,
        rng: random.Random,
    ) -> tuple[MonthlyReport, list[ReportLine]]:
        period, month = self.months[index], agency.course.months[index]
        lines = []
        for product in products:
            capacity = monthly_capacity(product)
            quantity = (capacity * Decimal(str(round(month.share * rng.uniform(0.95, 1.05), 3)))).quantize(Decimal(1))
            lines.append(report_line(product, quantity))
        nominal = max(1, unit.employees)
        employees = max(1, round(nominal * month.workforce * rng.uniform(0.98, 1.02)))
        sales = round(nominal * month.share * rng.uniform(0.8, 1.2) * 90_000_000) * 10
        gas = agency.gas[index]
        report = MonthlyReport(
            unit=unit,
            year=period.year,
            month=period.number,
            state=S.DRAFT,
            sales=sales,
            exports=round(sales * rng.uniform(0.1, 0.4)) if unit.is_exporter else 0,
            employees=employees,
            electricity_kwh=round(agency.electricity[index] * rng.uniform(0.97, 1.03)),
            gas_m3=round((gas or 0) * rng.uniform(0.97, 1.03)),
            raw_material_days=month.raw_days,
            overdue_wage_months=month.overdue_wages,
            insurance_debt=month.insurance_debt,
            returned_cheques=month.returned_cheques,
            returned_cheques_amount=month.cheques_amount,
            utilisation=overall_utilisation([line.utilisation for line in lines]),
            entered_by=person,
            on_behalf=person.role != Role.UNIT_MANAGER,
        )
        actions = PATHS[path]
        report.state = TARGETS[actions[-1]] if actions else S.DRAFT
        report.version = 1 + len(actions)
        if actions:
            first = self.last_days[period.year, period.number] + dt.timedelta(days=rng.randint(1, 14))
            report.submitted_at = _moment(min(first, self.today))
            report.is_late = first > self.dues[index]
        if report.state == S.RETURNED:
            report.return_reason = rng.choice(report_return_reasons())
        return report, lines

    def _history(
        self, report: MonthlyReport, path: str, lines: list[ReportLine]
    ) -> tuple[list[EventRow], list[tuple[object, ...]]]:
        start = report.submitted_at or _moment(
            min(self.last_days[report.year, report.month] + dt.timedelta(days=1), self.today)
        )
        at = start - dt.timedelta(hours=2)
        events: list[EventRow] = [(report.pk, "draft", "", S.DRAFT, report.entered_by_id, at, "")]
        versions: list[tuple[object, ...]] = []
        state = S.DRAFT
        now = timezone.now()
        for action in PATHS[path]:
            at += dt.timedelta(hours=2 if action == "submit" and state == S.DRAFT else 30)
            at = min(at, now)
            target = TARGETS[action]
            by = report.entered_by if action == "submit" else self.expert
            comment = ""
            if action == "return":
                comment = report.return_reason or report_return_reasons()[0]
            events.append((report.pk, action, state, target, by.pk if by else None, at, comment))
            if action == "submit":
                versions.append(
                    (
                        report.pk,
                        len(versions) + 1,
                        report.figures(),
                        lines_snapshot(lines),
                        report.utilisation,
                        [],
                        "",
                        report.entered_by_id,
                        report.on_behalf,
                        at,
                    )
                )
            state = target
        return events, versions


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
