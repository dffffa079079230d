"""Read-only figures of monthly reporting, each a function of ``(places, period)``: who reported which
month, who did not, the months missed in a row, and the units near the six missed months at which their
licence services are suspended."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.db.models import Count, ExpressionWrapper, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.core.periods import Period
from rownaq.geography.places import Places
from rownaq.monitoring.models import REPORTED_STATES, MonthlyReport, ReportState, RevivalCase, RevivalStage
from rownaq.monitoring.services import last_reportable_month
from rownaq.registry.models import StatusChange, Unit, UnitQuerySet, UnitStatus

# Six months missed in a row suspend a unit's licence services; four or five flag it as near.
SUSPENSION_MONTHS = 6
NEAR_SUSPENSION = range(4, SUSPENSION_MONTHS)
Grouping = Literal["county", "estate", "sector"]
GROUPINGS: tuple[Grouping, ...] = ("county", "estate", "sector")


def month_index(period: Period) -> int:
    return period.year * 12 + period.number - 1


def month_of(index: int) -> Period:
    return Period.month(index // 12, index % 12 + 1)


def platform_start() -> Period:
    """The first month units report on the platform (``ROWNAQ_MONITORING_START``)."""
    return Period.parse(settings.ROWNAQ_MONITORING_START)


def months_in(period: Period, *, today: dt.date | None = None) -> list[Period]:
    """The months of ``period`` a report may already be asked for (up to last month, from the platform's start)."""
    first = max(month_index(Period.containing(period.first_day)), month_index(platform_start()))
    last = min(month_index(Period.containing(period.last_day)), month_index(last_reportable_month(today)))
    return [month_of(index) for index in range(first, last + 1)]


def reporting_units(places: Places) -> UnitQuerySet:
    """The units expected to report: every unit of the places that is not closed."""
    return Unit.objects.in_places(places).exclude(status=UnitStatus.CLOSED)


def _months_q(first: Period, last: Period) -> Q:
    """Reports of the months from ``first`` to ``last`` (both months), by their year and month."""
    # the years as a range of their own, so the database reads the index from the first year to the last
    years = Q(year__gte=first.year, year__lte=last.year)
    return (
        years
        & (Q(year__gt=first.year) | Q(month__gte=first.number))
        & (Q(year__lt=last.year) | Q(month__lte=last.number))
    )


def _reported_months(unit_ids: list[int], since: int) -> dict[int, set[int]]:
    """The months (as indexes) each unit has reported since the month ``since``."""
    reported: dict[int, set[int]] = defaultdict(set)
    start = month_of(since)
    rows = (
        MonthlyReport.objects.filter(unit_id__in=unit_ids, state__in=REPORTED_STATES)
        .filter(Q(year__gt=start.year) | Q(year=start.year, month__gte=start.number))
        .values_list("unit_id", "year", "month")
    )
    for unit_id, year, month in rows:
        reported[unit_id].add(year * 12 + month - 1)
    return reported


def _report_spans(units: list[int] | QuerySet[Unit], *, until: int) -> dict[int, tuple[int, int]]:
    """The first and the last month (as indexes, not after ``until``) each unit has reported: two lookups per
    unit in the index of reported months (``monitoring_report_reported``), not a read of its years of reports."""
    end = month_of(until)
    reported = MonthlyReport.objects.filter(unit=OuterRef("pk"), state__in=sorted(REPORTED_STATES)).filter(
        Q(year__lt=end.year) | Q(year=end.year, month__lte=end.number)
    )
    index = ExpressionWrapper(F("year") * 12 + F("month") - 1, output_field=IntegerField())
    rows = (
        Unit.objects.filter(pk__in=units.values("pk") if isinstance(units, QuerySet) else units)
        .annotate(
            first=Subquery(reported.order_by("year", "month").annotate(i=index).values("i")[:1]),
            last=Subquery(reported.order_by("-year", "-month").annotate(i=index).values("i")[:1]),
        )
        .filter(first__isnull=False)
        .values_list("pk", "first", "last")
    )
    return {unit_id: (first, last) for unit_id, first, last in rows}


def _first_months(units: list[Unit], reported: dict[int, set[int]] | dict[int, tuple[int, int]]) -> dict[int, int]:
    """The first month each unit is expected to report: from its registration (or its first report, if
    earlier), but never before the platform's start. ``reported`` holds each unit's reported months, or the
    first and last of them (``_report_spans``)."""
    start = month_index(platform_start())
    firsts = {}
    months: dict[dt.date, int] = {}  # the Jalali month of each day, computed once per day
    for unit in units:
        day = timezone.localdate(unit.created_at)
        if day not in months:
            months[day] = month_index(Period.containing(day))
        earliest = min([months[day], *reported.get(unit.pk, ())])
        firsts[unit.pk] = max(start, earliest)
    return firsts


def missed_in_a_row(
    units: Iterable[Unit], *, today: dt.date | None = None, among: QuerySet[Unit] | None = None
) -> dict[int, int]:
    """How many months each unit has missed in a row, counting back from last month (down to the first month
    it was expected to report). ``among``: the query the units come from, if the caller has it (the database
    then reads it rather than a list of their ids)."""
    rows = list(units)
    last = month_index(last_reportable_month(today))
    spans = _report_spans([u.pk for u in rows] if among is None else among, until=last)
    firsts = _first_months(rows, spans)
    missed = {}
    for unit in rows:
        last_reported = spans[unit.pk][1] if unit.pk in spans else -1
        missed[unit.pk] = max(0, last - max(last_reported, firsts[unit.pk] - 1))
    return missed


@dataclass(frozen=True)
class AtRisk:
    unit: Unit
    missed: int

    @property
    def near_suspension(self) -> bool:
        return self.missed in NEAR_SUSPENSION

    @property
    def suspended(self) -> bool:
        return self.missed >= SUSPENSION_MONTHS


def units_missing_months(places: Places, *, today: dt.date | None = None, least: int = 1) -> list[AtRisk]:
    """The units of the places that missed at least ``least`` months in a row, most missed first."""
    expected = reporting_units(places)
    units = list(expected.only("pk", "name", "name_sort", "created_at"))
    missed = missed_in_a_row(units, today=today, among=expected)
    rows = [AtRisk(unit, missed[unit.pk]) for unit in units if missed[unit.pk] >= least]
    return sorted(rows, key=lambda row: (-row.missed, row.unit.name_sort))


class Reporting:
    """Units expected to report and how many did: what is missing, and the share reported (%)."""

    expected: int
    reported: int

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def rate(self) -> float | None:
        return self.reported * 100 / self.expected if self.expected else None


@dataclass
class GroupRow(Reporting):
    label: str
    expected: int = 0
    reported: int = 0


@dataclass
class Completeness:
    period: Period
    months: list[Period]
    grouping: Grouping
    rows: list[GroupRow] = field(default_factory=list)
    missing: list[tuple[Unit, list[Period]]] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(row.expected for row in self.rows)

    @property
    def reported(self) -> int:
        return sum(row.reported for row in self.rows)

    @property
    def missing_count(self) -> int:
        return self.expected - self.reported


def _group_label(unit: Unit, grouping: Grouping) -> str:
    if grouping == "county":
        return unit.county.name
    if grouping == "estate":
        return unit.estate.name if unit.estate is not None else _("Outside industrial estates")
    division = unit.sector.division
    return str(division or unit.sector)


def completeness(
    places: Places, period: Period, *, grouping: Grouping = "county", today: dt.date | None = None
) -> Completeness:
    """Which units have not reported which months of ``period``, and the counts per county, estate or sector
    (expected: the units not closed, from the month they are expected to report)."""
    months = months_in(period, today=today)
    result = Completeness(period=period, months=months, grouping=grouping)
    if not months:
        return result
    units = list(
        reporting_units(places).select_related("county", "estate", "sector__parent__parent").order_by("name_sort", "pk")
    )
    indexes = [month_index(m) for m in months]
    reported = _reported_months([u.pk for u in units], indexes[0])
    firsts = _first_months(units, reported)
    groups: dict[str, GroupRow] = {}
    for unit in units:
        label = _group_label(unit, grouping)
        row = groups.setdefault(label, GroupRow(label))
        gaps = []
        for index in indexes:
            if index < firsts[unit.pk]:
                continue
            row.expected += 1
            if index in reported[unit.pk]:
                row.reported += 1
            else:
                gaps.append(month_of(index))
        if gaps:
            result.missing.append((unit, gaps))
    result.rows = sorted(groups.values(), key=lambda r: (-r.missing, r.label))
    return result


@dataclass(frozen=True)
class MonthCounts:
    period: Period
    submitted: int
    approved: int
    returned: int
    drafts: int
    missing: int


def month_counts(places: Places, period: Period) -> MonthCounts:
    """The reports of the month ``period`` by state, and the units (not closed) that have not reported it."""
    by_state = dict(
        MonthlyReport.objects.in_places(places)
        .filter(year=period.year, month=period.number)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    reported_units = (
        MonthlyReport.objects.in_places(places)
        .filter(year=period.year, month=period.number, state__in=REPORTED_STATES)
        .values("unit_id")
    )
    missing = reporting_units(places).exclude(pk__in=reported_units).count()
    return MonthCounts(
        period=period,
        submitted=by_state.get(ReportState.SUBMITTED, 0),
        approved=by_state.get(ReportState.APPROVED, 0),
        returned=by_state.get(ReportState.RETURNED, 0),
        drafts=by_state.get(ReportState.DRAFT, 0),
        missing=missing,
    )


# -- the revival of idle units -----------------------------------------------------------------------------


@dataclass
class RevivalRow:
    label: str
    revived: int = 0
    jobs: int = 0
    capacity_total: Decimal = Decimal(0)

    @property
    def capacity(self) -> Decimal | None:
        """The average share of nominal capacity restored by the units revived (%)."""
        return (self.capacity_total / self.revived).quantize(Decimal("0.1")) if self.revived else None


@dataclass
class RevivalFigures:
    period: Period
    grouping: Grouping
    rows: list[RevivalRow] = field(default_factory=list)

    @property
    def revived(self) -> int:
        return sum(row.revived for row in self.rows)

    @property
    def jobs(self) -> int:
        return sum(row.jobs for row in self.rows)

    @property
    def capacity(self) -> Decimal | None:
        total = sum((row.capacity_total for row in self.rows), Decimal(0))
        return (total / self.revived).quantize(Decimal("0.1")) if self.revived else None


def revival_figures(places: Places, period: Period, *, grouping: Grouping = "county") -> RevivalFigures:
    """The units of the places revived in ``period`` (their case restarted then), the jobs restored and the
    average share of capacity restored, per county, estate or sector."""
    cases = (
        RevivalCase.objects.filter(places.q("unit__county"), stage=RevivalStage.RESTARTED)
        .filter(restarted_on__gte=period.first_day, restarted_on__lte=period.last_day)
        .select_related("unit__county", "unit__estate", "unit__sector__parent__parent")
    )
    groups: dict[str, RevivalRow] = {}
    for case in cases:
        label = _group_label(case.unit, grouping)
        row = groups.setdefault(label, RevivalRow(label))
        row.revived += 1
        row.jobs += case.jobs_restored or 0
        row.capacity_total += case.capacity_restored or Decimal(0)
    rows = sorted(groups.values(), key=lambda r: (-r.revived, r.label))
    return RevivalFigures(period=period, grouping=grouping, rows=rows)


def revival_stage_counts(cases: QuerySet[RevivalCase]) -> dict[str, int]:
    """How many of ``cases`` are at each stage (every stage named, zero included)."""
    counts = dict(cases.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    return {stage: counts.get(stage, 0) for stage in RevivalStage.values}


# -- the dashboard's charts --------------------------------------------------------------------------------

# The bands of capacity utilisation (%, lower bound included, upper excluded); ``None``: no upper bound.
UTILISATION_BANDS: tuple[tuple[int, int | None], ...] = ((0, 25), (25, 50), (50, 75), (75, 100), (100, None))


@dataclass(frozen=True)
class Band:
    low: int
    high: int | None
    count: int


@dataclass(frozen=True)
class UtilisationBands:
    period: Period
    bands: list[Band]
    unknown: int  # reports without a utilisation (no product with a capacity)

    @property
    def total(self) -> int:
        return sum(band.count for band in self.bands) + self.unknown


def last_reported_month(places: Places, *, today: dt.date | None = None) -> Period:
    """The latest month (not after last month) that some unit of the places has reported; last month if none."""
    last = last_reportable_month(today)
    latest = (
        MonthlyReport.objects.in_places(places)
        .filter(state__in=REPORTED_STATES)
        .filter(Q(year__lt=last.year) | Q(year=last.year, month__lte=last.number))
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )
    return Period.month(*latest) if latest else last


def utilisation_bands(places: Places, period: Period) -> UtilisationBands:
    """How many of the month's reports (submitted, approved or returned) fall in each band of capacity
    utilisation, in one query."""
    counts = {
        f"b{i}": Count("pk", filter=Q(utilisation__gte=low) & (Q(utilisation__lt=high) if high is not None else Q()))
        for i, (low, high) in enumerate(UTILISATION_BANDS)
    }
    row = (
        MonthlyReport.objects.in_places(places)
        .filter(year=period.year, month=period.number, state__in=REPORTED_STATES)
        .aggregate(unknown=Count("pk", filter=Q(utilisation__isnull=True)), **counts)
    )
    bands = [Band(low, high, row[f"b{i}"]) for i, (low, high) in enumerate(UTILISATION_BANDS)]
    return UtilisationBands(period=period, bands=bands, unknown=row["unknown"])


def last_months(count: int, *, until: Period | None = None) -> list[Period]:
    """The ``count`` Jalali months ending with ``until`` (this month by default), oldest first."""
    last = month_index(until or Period.current())
    return [month_of(index) for index in range(last - count + 1, last + 1)]


@dataclass(frozen=True)
class StatusMonth:
    period: Period
    counts: dict[str, int]  # every status, zero included

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def units_by_status_over_months(
    places: Places, months: list[Period], *, today: dt.date | None = None
) -> list[StatusMonth]:
    """How many units of the places stood in each status at the end of each of ``months`` (today, for a month
    not ended), derived from the history of status changes (``registry.StatusChange``).

    A unit's status on a day is the new status of its last change effective by then; before its first change,
    that change's previous status (none if it was the unit's registration, and then the unit is not counted);
    a unit without any recorded change has stood in its present status since it was registered."""
    today = today or timezone.localdate()
    ends = [min(month.last_day, today) for month in months]
    units = list(Unit.objects.in_places(places).values_list("pk", "status", "created_at"))
    history: dict[int, list[tuple[dt.date, str, str]]] = defaultdict(list)
    changes = (
        StatusChange.objects.filter(places.q("unit__county"))
        .order_by("effective_on", "recorded_at", "pk")
        .values_list("unit_id", "effective_on", "old_status", "new_status")
    )
    for unit_id, effective_on, old_status, new_status in changes:
        history[unit_id].append((effective_on, old_status, new_status))
    result = [StatusMonth(month, dict.fromkeys(UnitStatus.values, 0)) for month in months]
    for unit_id, status, created_at in units:
        steps = history.get(unit_id, [])
        registered = timezone.localdate(created_at)
        for month, end in zip(result, ends, strict=True):
            standing = _status_on(end, steps, present=status, registered=registered)
            if standing in month.counts:
                month.counts[standing] += 1
    return result


def _status_on(day: dt.date, steps: list[tuple[dt.date, str, str]], *, present: str, registered: dt.date) -> str:
    if not steps:
        return present if registered <= day else ""
    standing = ""
    for effective_on, _old, new in steps:
        if effective_on > day:
            break
        standing = new
    if standing:
        return standing
    return steps[0][1]  # before the first change: what it changed from ("" if that was the registration)


@dataclass(frozen=True)
class MonthCompleteness(Reporting):
    period: Period
    expected: int
    reported: int


def completeness_by_month(
    places: Places, months: list[Period], *, today: dt.date | None = None
) -> list[MonthCompleteness]:
    """For each of ``months`` that a report may already be asked for, the units expected to report it (not
    closed, from their first month) and how many did; the counts ``completeness`` gives for one month."""
    asked = [m for m in months if m.first_day >= platform_start().first_day and m <= last_reportable_month(today)]
    if not asked:
        return []
    units = list(reporting_units(places).only("pk", "created_at"))
    indexes = [month_index(m) for m in asked]
    firsts = _first_months(units, _report_spans(reporting_units(places), until=indexes[-1]))
    # the reports of each month, counted by the database (a unit that reported a month was expected to)
    counted = (
        MonthlyReport.objects.filter(unit__in=reporting_units(places), state__in=REPORTED_STATES)
        .filter(_months_q(asked[0], asked[-1]))
        .values("year", "month")
        .annotate(n=Count("pk"))
        .values_list("year", "month", "n")
    )
    reported = {year * 12 + month - 1: n for year, month, n in counted}
    return [
        MonthCompleteness(month, sum(1 for u in units if firsts[u.pk] <= index), reported.get(index, 0))
        for month, index in zip(asked, indexes, strict=True)
    ]
