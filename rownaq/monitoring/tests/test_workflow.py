"""A report's path: draft → submitted → approved, or returned with a reason → corrected → submitted again;
the utilisation derived, versions kept, errors refusing, warnings confirmed, late and future months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rownaq.accounts.models import User
from rownaq.core.periods import Period
from rownaq.core.versions import StaleEditError
from rownaq.monitoring import services
from rownaq.monitoring.models import MonthlyReport, ReportState
from rownaq.monitoring.services import ReportError
from rownaq.monitoring.workflow import REPORT_STATES, ReportWarnings, act, allowed_actions, report_steps, report_submit
from rownaq.notifications.models import Notification
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db
Enter = Callable[..., MonthlyReport]


def test_utilisation_is_derived_per_product_and_overall(
    enter: Enter, unit: Unit, manager: User, last_month: Period
) -> None:
    report = enter(unit=unit, period=last_month, by=manager, tiles_out=80_000, glaze_out=250)
    lines = {line.product_name: line for line in report.lines.all()}
    assert lines["کاشی دیوار"].monthly_capacity == 100_000
    assert lines["کاشی دیوار"].utilisation == Decimal("80.0")
    assert lines["لعاب"].utilisation == Decimal("125.0")
    assert report.utilisation == Decimal("102.5")
    assert report.state == ReportState.DRAFT
    assert report.entered_by == manager
    assert not report.on_behalf


def test_the_whole_path_with_a_return_and_every_version_kept(
    enter: Enter, unit: Unit, manager: User, expert: User, last_month: Period
) -> None:
    report = enter(unit=unit, period=last_month, by=manager)
    act(report=report, action="submit", by=manager)
    assert report.state == ReportState.SUBMITTED
    with pytest.raises(ValidationError):
        act(report=report, action="return", by=expert, reason="  ")
    act(report=report, action="return", by=expert, reason="فروش با صورت‌حساب‌ها نمی‌خواند")
    assert report.state == ReportState.RETURNED
    assert report.return_reason
    assert Notification.objects.filter(recipient=manager, text__contains=unit.name).exists()
    report = enter(unit=unit, period=last_month, by=manager, sales=11_000_000_000)
    act(report=report, action="submit", by=manager)
    act(report=report, action="approve", by=expert)
    assert report.state == ReportState.APPROVED
    versions = list(report.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].figures["sales"] == 12_000_000_000
    assert versions[1].figures["sales"] == 11_000_000_000
    assert versions[0].submitted_by == manager
    assert versions[0].lines[0]["utilisation"] == "80.0"
    assert [s.action for s in report_steps(report)] == ["draft", "submit", "return", "submit", "approve"]
    assert REPORT_STATES.path_errors(report_steps(report), final=report.state) == []


def test_one_report_per_unit_and_month(
    enter: Enter, unit: Unit, manager: User, expert: User, last_month: Period
) -> None:
    first = enter(unit=unit, period=last_month, by=manager)
    again = enter(unit=unit, period=last_month, by=expert, employees=41)
    assert again.pk == first.pk
    assert MonthlyReport.objects.count() == 1
    assert again.on_behalf
    assert again.entered_by == expert
    act(report=again, action="submit", by=expert)
    assert again.versions.get().on_behalf
    with pytest.raises(ReportError):
        enter(unit=unit, period=last_month, by=manager)  # submitted: no change until returned


def test_parts_manager_cannot_approve_outsiders_cannot_enter(
    enter: Enter, unit: Unit, manager: User, other_manager: User, deputy: User, liaison: User, last_month: Period
) -> None:
    report = enter(unit=unit, period=last_month, by=manager)
    for outsider in (other_manager, liaison, deputy):
        with pytest.raises(PermissionDenied):
            enter(unit=unit, period=last_month, by=outsider)
    act(report=report, action="submit", by=manager)
    assert allowed_actions(report, manager) == []
    with pytest.raises(PermissionDenied):
        act(report=report, action="approve", by=manager)
    with pytest.raises(PermissionDenied):
        act(report=report, action="approve", by=deputy)


def test_wrong_state_and_stale_version(
    enter: Enter, unit: Unit, manager: User, expert: User, last_month: Period
) -> None:
    report = enter(unit=unit, period=last_month, by=manager)
    with pytest.raises(ReportError):
        act(report=report, action="approve", by=expert)
    seen = report.version
    enter(unit=unit, period=last_month, by=manager, employees=39)
    with pytest.raises(StaleEditError):
        act(report=report, action="submit", by=manager, expected_version=seen)


def test_future_and_current_months_are_refused(enter: Enter, unit: Unit, manager: User) -> None:
    for period in (Period.current(), services.next_month(Period.current())):
        with pytest.raises(ReportError) as refused:
            enter(unit=unit, period=period, by=manager)
        assert str(period) in str(refused.value)


def test_negative_figures_refuse_the_submission(enter: Enter, unit: Unit, manager: User, last_month: Period) -> None:
    report = enter(unit=unit, period=last_month, by=manager, sales=-1)
    with pytest.raises(ReportError, match="منفی"):
        act(report=report, action="submit", by=manager, confirm=True)
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert not report.versions.exists()


def test_warnings_are_confirmed_and_explained(enter: Enter, unit: Unit, manager: User, last_month: Period) -> None:
    report = enter(unit=unit, period=last_month, by=manager, tiles_out=150_000)  # 150%
    with pytest.raises(ReportWarnings) as refused:
        act(report=report, action="submit", by=manager)
    assert [f.code for f in refused.value.findings] == ["utilisation-above-120"]
    assert "۱۵۰" in refused.value.findings[0].message
    warnings = act(report=report, action="submit", by=manager, confirm=True, explanation="سفارش صادراتی، سه شیفت")
    assert [w.code for w in warnings] == ["utilisation-above-120"]
    version = report.versions.get()
    assert version.explanation == "سفارش صادراتی، سه شیفت"
    assert version.warnings[0]["code"] == "utilisation-above-120"


def test_employees_change_is_against_the_previous_approved_month(
    enter: Enter, unit: Unit, manager: User, expert: User, last_month: Period
) -> None:
    before = services.previous_month(last_month)
    approved = enter(unit=unit, period=before, by=manager, employees=40)
    act(report=approved, action="submit", by=manager)
    act(report=approved, action="approve", by=expert)
    report = enter(unit=unit, period=last_month, by=manager, employees=15)
    with pytest.raises(ReportWarnings) as refused:
        act(report=report, action="submit", by=manager)
    assert "employees-changed-half" in [f.code for f in refused.value.findings]


def test_a_submission_after_the_10th_of_the_next_month_is_late(
    enter: Enter, unit: Unit, manager: User, expert: User, last_month: Period
) -> None:
    due = services.due_date(last_month)
    assert Period.containing(due) == services.next_month(last_month)
    assert due == services.next_month(last_month).first_day + dt.timedelta(days=9)
    assert Period.containing(due - dt.timedelta(9)) == services.next_month(last_month)
    on_time = enter(unit=unit, period=last_month, by=manager)
    report_submit(report=on_time, by=manager, today=due)
    assert not on_time.is_late
    older = services.previous_month(last_month)
    late = enter(unit=unit, period=older, by=manager)
    report_submit(report=late, by=manager, today=services.due_date(older) + dt.timedelta(days=1))
    assert late.is_late
