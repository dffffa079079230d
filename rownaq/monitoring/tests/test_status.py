"""Units' status by the rules (semi-active, idle from reports or from electricity, active again), the expert's
override the rules leave alone, the revival restart, the monthly task's idempotency, and who may override."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import AgencyCode, Organisation, OrganisationKind, User
from rownaq.accounts.testing import login
from rownaq.core.periods import Period
from rownaq.monitoring import revival, status
from rownaq.monitoring.models import MonthlyReport, ReportState, Signal, SignalFeed, SignalKind, SignalSource
from rownaq.monitoring.services import due_date, last_reportable_month, next_month
from rownaq.monitoring.status_models import StatusEvaluation, StatusOverride, StatusRule
from rownaq.monitoring.tests.conftest import months_before
from rownaq.registry.models import StatusChange, Unit, UnitStatus

pytestmark = pytest.mark.django_db
LONG_AGO = dt.date(2020, 1, 1)


@pytest.fixture
def last() -> Period:
    return last_reportable_month()


@pytest.fixture
def active(unit: Unit) -> Unit:
    Unit.objects.filter(pk=unit.pk).update(status=UnitStatus.ACTIVE, status_since=LONG_AGO)
    unit.refresh_from_db()
    return unit


def _reports(unit: Unit, last: Period, values: list[int]) -> None:
    for period, value in zip([*months_before(last, len(values) - 1), last], values, strict=True):
        MonthlyReport.objects.create(
            unit=unit, year=period.year, month=period.number, state=ReportState.APPROVED, utilisation=Decimal(value)
        )


def _electricity(unit: Unit, last: Period, values: list[int]) -> None:
    org = Organisation.objects.create(name="برق", kind=OrganisationKind.AGENCY, agency_code=AgencyCode.ELECTRICITY)
    for period, value in zip([*months_before(last, len(values) - 1), last], values, strict=True):
        feed = SignalFeed.objects.create(
            organisation=org,
            province=unit.county.province,
            year=period.year,
            month=period.number,
            source=SignalSource.DEMO,
        )
        Signal.objects.create(
            feed=feed,
            unit=unit,
            national_id=unit.national_id,
            year=period.year,
            month=period.number,
            kind=SignalKind.ELECTRICITY_KWH,
            value=value,
        )


def _evaluate(unit: Unit, last: Period) -> Unit:
    status.status_evaluate(units=[unit], period=last)
    unit.refresh_from_db()
    return unit


def test_the_default_rules_are_loaded() -> None:
    assert set(StatusRule.objects.values_list("to_status", flat=True)) == {"active", "semi_active", "idle"}


def test_below_half_for_three_months_makes_a_unit_semi_active_with_the_figures(active: Unit, last: Period) -> None:
    _reports(active, last, [70, 42, 38, 35])
    unit = _evaluate(active, last)
    assert unit.status == UnitStatus.SEMI_ACTIVE
    assert unit.status_since == last.last_day
    change = unit.status_changes.get(new_status=UnitStatus.SEMI_ACTIVE)
    assert change.old_status == UnitStatus.ACTIVE
    assert change.effective_on == last.last_day
    assert "۴۲٪، ۳۸٪، ۳۵٪" in change.note
    assert "۵۰٪" in change.note


def test_two_months_below_half_are_not_enough(active: Unit, last: Period) -> None:
    _reports(active, last, [70, 60, 38, 35])
    assert _evaluate(active, last).status == UnitStatus.ACTIVE
    assert not active.status_changes.exists()


def test_no_output_for_three_months_makes_a_unit_idle(active: Unit, last: Period) -> None:
    _reports(active, last, [0, 0, 0])
    assert _evaluate(active, last).status == UnitStatus.IDLE


def test_a_silent_unit_is_idle_when_its_electricity_is_near_zero(active: Unit, last: Period) -> None:
    _reports(active, months_before(last, 3)[0], [80])  # reported long before, then silent
    _electricity(active, last, [90_000, 91_000, 3_000, 2_000, 1_500])
    unit = _evaluate(active, last)
    assert unit.status == UnitStatus.IDLE
    assert "۳٪" in unit.status_changes.get(new_status=UnitStatus.IDLE).note


def test_a_silent_unit_without_signals_keeps_its_status(active: Unit, last: Period) -> None:
    assert _evaluate(active, last).status == UnitStatus.ACTIVE


def test_back_above_half_for_two_months_makes_a_unit_active(active: Unit, last: Period) -> None:
    Unit.objects.filter(pk=active.pk).update(status=UnitStatus.IDLE)
    active.refresh_from_db()
    _reports(active, last, [10, 55, 60])
    assert _evaluate(active, last).status == UnitStatus.ACTIVE


def test_closed_is_never_touched_by_a_rule(active: Unit, last: Period) -> None:
    Unit.objects.filter(pk=active.pk).update(status=UnitStatus.CLOSED)
    active.refresh_from_db()
    _reports(active, last, [80, 80, 80])
    assert _evaluate(active, last).status == UnitStatus.CLOSED


def test_an_inactive_rule_does_nothing(active: Unit, last: Period) -> None:
    StatusRule.objects.update(active=False)
    _reports(active, last, [30, 30, 30])
    assert _evaluate(active, last).status == UnitStatus.ACTIVE


def test_the_rules_leave_an_overridden_unit_alone_until_lifted(active: Unit, last: Period, expert: User) -> None:
    status.status_override_set(
        unit=active, status=UnitStatus.ACTIVE, reason="بازدید میدانی: تولید برقرار است", by=expert
    )
    assert active.status_changes.filter(note__contains="بازدید میدانی").exists()
    _reports(active, last, [30, 30, 30])
    assert _evaluate(active, last).status == UnitStatus.ACTIVE
    status.status_override_lift(unit=active, by=expert)
    Unit.objects.filter(pk=active.pk).update(status_since=LONG_AGO)
    assert _evaluate(active, last).status == UnitStatus.SEMI_ACTIVE


def test_an_expired_override_no_longer_holds(active: Unit, last: Period, expert: User) -> None:
    StatusOverride.objects.create(unit=active, status=UnitStatus.ACTIVE, reason="x", by=expert, until=LONG_AGO)
    _reports(active, last, [30, 30, 30])
    assert _evaluate(active, last).status == UnitStatus.SEMI_ACTIVE


def test_restarting_a_revival_case_sets_the_unit_active(active: Unit, expert: User) -> None:
    Unit.objects.filter(pk=active.pk).update(status=UnitStatus.IDLE)
    active.refresh_from_db()
    case = revival.revival_open(unit=active, cause="market", by=expert)
    revival.act(case=case, action="diagnose", by=expert, diagnosis="بازار از دست رفت")
    revival.revival_step_add(case=case, title="وام", owner="بانک", due=dt.date.today(), by=expert)
    revival.act(case=case, action="agree_plan", by=expert)
    revival.act(case=case, action="start", by=expert)
    revival.act(case=case, action="restart", by=expert, jobs_restored=5, capacity_restored=Decimal(40))
    active.refresh_from_db()
    assert active.status == UnitStatus.ACTIVE
    change = active.status_changes.get(new_status=UnitStatus.ACTIVE, old_status=UnitStatus.IDLE)
    assert str(case.pk).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in change.note


def test_the_monthly_task_runs_once_per_month_after_the_due_day(active: Unit, last: Period) -> None:
    _reports(active, last, [40, 40, 40])
    before_due = due_date(last)
    assert status.status_evaluate_due(today=before_due) == 0
    after_due = before_due + dt.timedelta(days=1)
    assert next_month(last).contains(after_due)
    assert status.status_evaluate_due(today=after_due) == 1
    assert status.status_evaluate_due(today=after_due) == 0
    assert StatusEvaluation.objects.count() == 1
    assert StatusChange.objects.filter(unit=active).count() == 1
    # evaluating the same month again by hand writes nothing more
    active.refresh_from_db()
    assert status.status_evaluate(units=[active], period=last) == []


def test_the_monthly_task_is_declared() -> None:
    from rownaq.core.management.commands.run_scheduler import periodic_tasks
    from rownaq.monitoring.tasks import evaluate_unit_statuses

    assert evaluate_unit_statuses in periodic_tasks()


def test_only_experts_set_a_status(client: Client, active: Unit, expert: User, deputy: User, manager: User) -> None:
    url = reverse("monitoring-unit-status", args=[active.pk])
    for person in (deputy, manager):
        login(client, person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"status": "idle", "reason": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        status.status_override_set(unit=active, status=UnitStatus.IDLE, reason="x", by=manager)
    login(client, expert)
    page = client.get(url)
    assert page.status_code == 200
    assert b"override-form" in page.content
    answer = client.post(url, {"status": "idle", "reason": ""})
    assert answer.status_code == 200
    assert "reason" in answer.context["form"].errors
    answer = client.post(url, {"status": "idle", "reason": "آتش‌سوزی انبار"})
    assert answer.status_code == 302
    active.refresh_from_db()
    assert active.status == UnitStatus.IDLE
    assert StatusOverride.objects.get(unit=active).reason == "آتش‌سوزی انبار"
    assert b"lift-override" in client.get(url).content
    client.post(url, {"action": "lift"})
    assert StatusOverride.objects.get(unit=active).lifted_at is not None
