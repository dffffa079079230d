"""The monitoring card of a unit's page: its reported months and revival case, only for who may see them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.accounts.testing import browser_for
from rownaq.core.periods import Period
from rownaq.geography.models import Province
from rownaq.monitoring.models import MonthlyReport, RevivalCause, RiskScore
from rownaq.monitoring.revival import revival_open
from rownaq.monitoring.tests.conftest import months_before
from rownaq.monitoring.unit_page import unit_revival_case, unit_series
from rownaq.monitoring.visits import visit_save
from rownaq.monitoring.workflow import act
from rownaq.registry.models import Unit, UnitStatus

pytestmark = pytest.mark.django_db
Enter = Callable[..., MonthlyReport]


def submitted(enter: Enter, unit: Unit, period: Period, by: User, **changes: int) -> MonthlyReport:
    report = enter(unit=unit, period=period, by=by, **changes)
    act(report=report, action="submit", by=by, confirm=True)
    return report


def test_the_unit_page_shows_its_months_to_its_manager_and_the_expert(
    manager: User, expert: User, unit: Unit, enter: Enter, last_month: Period
) -> None:
    earlier = months_before(last_month, 1)[0]
    submitted(enter, unit, earlier, manager, employees=38)
    submitted(enter, unit, last_month, manager, employees=41, tiles_out=50_000)
    enter(unit=unit, period=Period.month(1404, 1), by=manager)  # a draft is not a reported month
    for person in (manager, expert):
        text = browser_for(person).get(f"/units/{unit.pk}/").content.decode()
        assert 'id="unit-monitoring"' in text
        assert 'id="unit-series-data"' in text
        table = text[text.index('id="unit-series-table"') :]
        assert str(last_month) in table
        assert str(earlier) in table
        assert "۴۱" in table
        assert "۳۸" in table
    series = unit_series(manager, unit)
    assert series is not None
    assert [report.period for report in series.reports] == [earlier, last_month]
    data = series.chart_data()
    assert data["employees"] == [38, 41]
    assert data["labels"] == [str(earlier), str(last_month)]


def test_nobody_else_sees_the_units_figures(
    unit: Unit,
    manager: User,
    other_manager: User,
    liaison: User,
    investor: User,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    enter: Enter,
    last_month: Period,
) -> None:
    submitted(enter, unit, last_month, manager)
    other_province = Province.objects.exclude(pk=unit.county.province_id).first()
    assert other_province is not None
    far_expert = make_user(
        "far-expert", Role.SMT_EXPERT, make_org("سازمان صمت دیگر", OrganisationKind.SMT, other_province)
    )
    for person in (other_manager, liaison, investor, far_expert):
        assert unit_series(person, unit) is None, person.username
    assert unit_series(manager, unit) is not None


def test_the_card_links_the_units_revival_case(
    expert: User, manager: User, make_unit: Callable[..., Unit], unit_company: Organisation
) -> None:
    idle = make_unit("کارخانه خاموش", owner=unit_company, status=UnitStatus.IDLE)
    case = revival_open(unit=idle, cause=RevivalCause.MARKET, by=expert)
    assert unit_revival_case(manager, idle) == case
    text = browser_for(expert).get(f"/units/{idle.pk}/").content.decode()
    assert f"/monitoring/revival/{case.pk}/" in text
    assert 'id="unit-series-empty"' in text


def test_staff_see_the_units_risk_with_reasons_and_its_visits_managers_only_the_visits(
    expert: User, manager: User, unit: Unit
) -> None:
    RiskScore.objects.create(
        unit=unit,
        year=1405,
        month=6,
        score=0.62,
        reasons=[{"code": "returned_cheques", "params": {"count": 3, "year": 1405, "month": 2}}],
        model_version="logistic-test",
    )
    visit, _created = visit_save(
        key=uuid.uuid4(), unit=unit, planned_on=timezone.localdate() + dt.timedelta(days=2), by=expert
    )
    staff_page = browser_for(expert).get(f"/units/{unit.pk}/").content.decode()
    risk = staff_page[staff_page.index('id="unit-risk"') :]
    assert "۶۲٪" in risk
    assert "۳ چک برگشتی از ۱۴۰۵/۰۲" in risk
    visits = staff_page[staff_page.index('id="unit-visits"') :]
    assert f"/monitoring/visits/{visit.pk}/" in visits
    assert f"/monitoring/units/{unit.pk}/status/" in staff_page

    manager_page = browser_for(manager).get(f"/units/{unit.pk}/").content.decode()
    assert 'id="unit-risk"' not in manager_page
    assert 'id="unit-visits"' in manager_page
    assert f"/monitoring/visits/{visit.pk}/" not in manager_page  # the agency's findings are not the unit's
    assert "/status/" not in manager_page
