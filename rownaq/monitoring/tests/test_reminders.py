"""The reminder of a missing report: after the 5th, to the unit's managers, once per unit and month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from rownaq.accounts.models import User
from rownaq.core.jalali import format_jalali_long
from rownaq.core.periods import Period
from rownaq.monitoring.models import MonthlyReport
from rownaq.monitoring.reminders import reports_remind_missing
from rownaq.monitoring.services import due_date, last_reportable_month
from rownaq.monitoring.workflow import act
from rownaq.notifications.models import Notification
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db
Enter = Callable[..., MonthlyReport]


def day_of_this_month(day: int) -> dt.date:
    return Period.current().first_day + dt.timedelta(days=day - 1)


def test_reminders_after_the_fifth_once_and_not_to_reporters(
    enter: Enter, unit: Unit, other_unit: Unit, manager: User, other_manager: User
) -> None:
    assert reports_remind_missing(today=day_of_this_month(5)) == 0
    assert not Notification.objects.exists()
    month = last_reportable_month(day_of_this_month(6))
    act(report=enter(unit=unit, period=month, by=manager), action="submit", by=manager)
    assert reports_remind_missing(today=day_of_this_month(6)) == 1
    notice = Notification.objects.get()
    assert notice.recipient == other_manager
    assert str(month) in notice.text
    assert notice.link == f"/monitoring/units/{other_unit.pk}/{month.year}/{month.number}/"
    assert reports_remind_missing(today=day_of_this_month(7)) == 0  # idempotent
    assert Notification.objects.count() == 1


def test_the_periodic_task_is_declared() -> None:
    from rownaq.core.management.commands.run_scheduler import periodic_tasks
    from rownaq.monitoring.tasks import remind_missing_reports

    assert remind_missing_reports in periodic_tasks()


def test_a_reminder_after_the_due_day_says_the_report_is_late_since_when(unit: Unit, manager: User) -> None:
    today = day_of_this_month(12)  # after the 10th, the due day
    month = last_reportable_month(today)
    assert reports_remind_missing(today=today) == 1
    text = Notification.objects.get(recipient=manager).text
    assert "دیر شده است" in text
    assert format_jalali_long(due_date(month)) in text  # since when
    assert "مهلت آن تا دهم ماه است" not in text


def test_a_reminder_before_the_due_day_says_when_it_is_due(unit: Unit, manager: User) -> None:
    assert reports_remind_missing(today=day_of_this_month(7)) == 1
    text = Notification.objects.get(recipient=manager).text
    assert "مهلت آن تا دهم ماه است" in text
    assert "دیر شده" not in text
