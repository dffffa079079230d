"""The demo's distress simulation: twenty-odd months of reports and agency signals per unit, drawn from a hidden
course (stable, decline, shock, recovery) with noisy signs, silent units whose signals keep coming, and statuses
written month by month by the status rules, so that each unit's status follows from its history."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from rownaq.core.periods import Period
from rownaq.demo import distress
from rownaq.demo.province import demo_province_build
from rownaq.demo.reports import demo_reports, demo_reports_build
from rownaq.demo.units import demo_units
from rownaq.geography.models import Province
from rownaq.monitoring.models import Signal, SignalFeed, SignalKind, SignalSource
from rownaq.monitoring.services import last_reportable_month, previous_month
from rownaq.registry.models import StatusChange, UnitStatus

TODAY = dt.date(2026, 12, 7)


def _window() -> list[tuple[int, int]]:
    months = [last_reportable_month(TODAY)]
    while len(months) < distress.WINDOW:
        months.append(previous_month(months[-1]))
    return [(period.year, period.number) for period in reversed(months)]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[Province]:
    """A small demo with its simulated history, built once for the module's tests (which only read it) and
    rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        qom = Province.objects.get(code="25")
        demo_province_build(province=qom, units=120, seed=11, today=TODAY)
        demo_reports_build(province=qom, seed=11, today=TODAY)
        yield qom
        transaction.set_rollback(True)


def test_units_have_twenty_months_of_reports_and_every_month_of_signals(demo: Province, db: None) -> None:
    window = _window()
    assert len(window) >= 20
    assert {(r.year, r.month) for r in demo_reports(province=demo)} == set(window)
    simulated = demo_units(province=demo).exclude(status=UnitStatus.CLOSED)
    electricity = defaultdict(set)
    for unit_id, year, month in Signal.objects.filter(kind=SignalKind.ELECTRICITY_KWH).values_list(
        "unit_id", "year", "month"
    ):
        electricity[unit_id].add((year, month))
    for unit in simulated:
        assert electricity[unit.pk] == set(window), unit.pk
    feeds = list(SignalFeed.objects.filter(province=demo).values_list("organisation", "year", "month", "source"))
    assert len(feeds) == len(set(feeds))  # one feed per agency and month
    assert {source for *_rest, source in feeds} == {SignalSource.DEMO}
    kinds = set(Signal.objects.values_list("kind", flat=True))
    assert {SignalKind.INSURED_HEADCOUNT, SignalKind.INSURANCE_DEBT, SignalKind.RETURNED_CHEQUES} <= kinds
    assert not Signal.objects.filter(unit__isnull=True).exists()


def test_units_status_follows_from_the_history_the_rules_wrote(demo: Province, db: None) -> None:
    window_start = Period.month(*_window()[0]).first_day
    moved = set()
    for unit in demo_units(province=demo).exclude(status=UnitStatus.CLOSED).prefetch_related("status_changes"):
        changes = sorted(unit.status_changes.all(), key=lambda c: (c.effective_on, c.recorded_at))
        assert changes[-1].new_status == unit.status, unit.pk
        assert changes[-1].effective_on == unit.status_since
        for change in changes:
            if change.effective_on >= window_start:
                assert change.new_status != UnitStatus.CLOSED  # never set by a rule
                assert Period.containing(change.effective_on).last_day == change.effective_on
                assert any("\u06f0" <= char <= "\u06f9" for char in change.note), change.note  # Persian digits
                moved.add(change.new_status)
    assert moved == {UnitStatus.SEMI_ACTIVE, UnitStatus.IDLE, UnitStatus.ACTIVE}
    assert StatusChange.objects.filter(unit__in=demo_units(province=demo), effective_on__gte=window_start).exists()


def test_silent_units_keep_their_agency_signals(demo: Province, db: None) -> None:
    window = _window()
    recent = set(window[-3:])
    last_reported: dict[int, tuple[int, int]] = {}
    for report in demo_reports(province=demo):
        last_reported[report.unit_id] = max(last_reported.get(report.unit_id, (0, 0)), (report.year, report.month))
    silent = [unit for unit, month in last_reported.items() if month < window[-3]]
    assert silent
    for unit_id in silent:
        months = set(
            Signal.objects.filter(unit_id=unit_id, kind=SignalKind.ELECTRICITY_KWH).values_list("year", "month")
        )
        assert recent <= months


def _courses(start: str, count: int, seed: int = 3) -> list[distress.Course]:
    courses = []
    for index in range(count):
        rng = random.Random(f"{seed}:{start}:{index}")
        course = distress.course_plan(rng, start_status=start)
        courses.append(distress.simulate(course, rng, first_month=4, nominal_employees=30))
    return courses


def test_the_simulation_is_the_same_for_the_same_seed() -> None:
    assert [c.months for c in _courses(UnitStatus.ACTIVE, 30)] == [c.months for c in _courses(UnitStatus.ACTIVE, 30)]
    assert [c.months for c in _courses(UnitStatus.ACTIVE, 30)] != [
        c.months for c in _courses(UnitStatus.ACTIVE, 30, seed=4)
    ]


def test_declines_drift_and_shocks_collapse_within_a_month() -> None:
    courses = _courses(UnitStatus.ACTIVE, 600)
    kinds = {c.kind for c in courses}
    assert {"stable", "decline", "shock"} <= kinds
    for course in courses:
        shares = [m.share for m in course.months]
        if course.kind == "shock":
            assert shares[course.onset] < 0.1 <= max(shares[: course.onset])
        if course.kind == "decline":
            assert sum(shares[-3:]) < sum(shares[: course.onset + 1][-3:]) or course.onset >= distress.WINDOW - 4
    stable = [c for c in courses if c.kind == "stable"]
    assert all(min(m.share for m in c.months) > 0.2 for c in stable)


def test_signs_of_distress_are_noisy() -> None:
    courses = _courses(UnitStatus.ACTIVE, 600)
    declines = [c for c in courses if c.kind in ("decline", "shock")]
    with_wages = [c for c in declines if any(m.overdue_wages for m in c.months)]
    with_cheques = [c for c in declines if any(m.returned_cheques for m in c.months)]
    assert 0 < len(with_wages) < len(declines)
    assert 0 < len(with_cheques) < len(declines)
    stable = [c for c in courses if c.kind == "stable"]
    assert any(any(m.returned_cheques or m.overdue_wages for m in c.months) for c in stable)
    assert sum(any(m.returned_cheques for m in c.months) for c in stable) / len(stable) < 0.5


def test_recoveries_climb_back() -> None:
    courses = _courses(UnitStatus.IDLE, 200) + _courses(UnitStatus.SEMI_ACTIVE, 200)
    recoveries = [c for c in courses if c.kind == "recovery"]
    assert recoveries
    for course in recoveries:
        if course.onset <= distress.WINDOW - 6:
            shares = [month.share for month in course.months]
            assert sum(shares[-3:]) / 3 > sum(shares[:2]) / 2 + 0.1
