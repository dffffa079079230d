"""Months missed in a row, the units near the suspension of licence services, completeness and counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import override_settings
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.core.periods import Period
from rownaq.geography.places import Places
from rownaq.monitoring import figures
from rownaq.monitoring.models import MonthlyReport
from rownaq.monitoring.tests.conftest import months_before
from rownaq.monitoring.workflow import act
from rownaq.registry.models import Unit, UnitStatus

pytestmark = pytest.mark.django_db
Enter = Callable[..., MonthlyReport]


def registered_long_ago(unit: Unit) -> Unit:
    Unit.objects.filter(pk=unit.pk).update(created_at=timezone.now() - dt.timedelta(days=3 * 365))
    unit.refresh_from_db()
    return unit


@override_settings(ROWNAQ_MONITORING_START="1390/01")
def test_missed_in_a_row_counts_back_from_last_month(
    enter: Enter, unit: Unit, manager: User, last_month: Period
) -> None:
    unit = registered_long_ago(unit)
    old = months_before(last_month, 5)[0]  # reported five months before last month, nothing since
    act(report=enter(unit=unit, period=old, by=manager), action="submit", by=manager)
    assert figures.missed_in_a_row([unit]) == {unit.pk: 5}
    draft = enter(unit=unit, period=last_month, by=manager)  # a draft is no report
    assert figures.missed_in_a_row([unit]) == {unit.pk: 5}
    act(report=draft, action="submit", by=manager)
    assert figures.missed_in_a_row([unit]) == {unit.pk: 0}


@override_settings(ROWNAQ_MONITORING_START="1390/01")
def test_near_suspension_at_four_and_five_suspended_at_six(
    enter: Enter, unit: Unit, other_unit: Unit, manager: User, last_month: Period
) -> None:
    unit = registered_long_ago(unit)
    registered_long_ago(other_unit)
    act(report=enter(unit=unit, period=months_before(last_month, 4)[0], by=manager), action="submit", by=manager)
    rows = {row.unit.pk: row for row in figures.units_missing_months(Places.whole_nation(), least=4)}
    assert rows[unit.pk].missed == 4
    assert rows[unit.pk].near_suspension
    assert not rows[unit.pk].suspended
    assert rows[other_unit.pk].suspended
    assert not rows[other_unit.pk].near_suspension


def test_counting_starts_at_registration_or_the_platform_start(unit: Unit) -> None:
    assert figures.missed_in_a_row([unit]) == {unit.pk: 0}  # registered this month
    registered_long_ago(unit)
    last = figures.month_index(figures.last_reportable_month())
    with override_settings(ROWNAQ_MONITORING_START=figures.month_of(last).code):
        assert figures.missed_in_a_row([unit]) == {unit.pk: 1}
    with override_settings(ROWNAQ_MONITORING_START=figures.month_of(last - 2).code):
        assert figures.missed_in_a_row([unit]) == {unit.pk: 3}


def test_completeness_per_county_and_estate_skips_closed_units(
    enter: Enter, unit: Unit, other_unit: Unit, make_unit: Callable[..., Unit], manager: User, last_month: Period
) -> None:
    registered_long_ago(other_unit)
    closed = registered_long_ago(make_unit("واحد تعطیل", status=UnitStatus.CLOSED))
    act(report=enter(unit=unit, period=last_month, by=manager), action="submit", by=manager)
    shown = figures.completeness(Places.whole_nation(), last_month)
    assert shown.months == [last_month]
    assert (shown.expected, shown.reported, shown.missing_count) == (2, 1, 1)
    assert [u.pk for u, months in shown.missing] == [other_unit.pk]
    assert closed.pk not in [u.pk for u, _ in shown.missing]
    by_estate = figures.completeness(Places.whole_nation(), last_month, grouping="estate")
    assert [(row.expected, row.reported) for row in by_estate.rows] == [(2, 1)]  # both outside any estate
    assert figures.completeness(Places.whole_nation(), Period.current()).months == []


def test_month_counts(
    enter: Enter, unit: Unit, other_unit: Unit, manager: User, expert: User, last_month: Period
) -> None:
    report = enter(unit=unit, period=last_month, by=manager)
    act(report=report, action="submit", by=manager)
    counts = figures.month_counts(Places.whole_nation(), last_month)
    assert (counts.submitted, counts.approved, counts.returned, counts.missing) == (1, 0, 0, 1)
    act(report=report, action="return", by=expert, reason="نادرست")
    counts = figures.month_counts(Places.whole_nation(), last_month)
    assert (counts.submitted, counts.returned, counts.missing) == (0, 1, 1)
