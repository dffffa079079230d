"""Reminding the units that have not reported last month, once per unit and month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import Role, User
from rownaq.core.jalali import format_jalali_long
from rownaq.core.periods import Period
from rownaq.geography.places import Places
from rownaq.monitoring.figures import reporting_units
from rownaq.monitoring.models import REPORTED_STATES, MonthlyReport, Reminder
from rownaq.monitoring.services import due_date, last_reportable_month
from rownaq.notifications.services import notify


@transaction.atomic
def reports_remind_missing(*, today: dt.date | None = None) -> int:
    """After the 5th (``ROWNAQ_REPORT_REMINDER_DAY``) of a month, notify the managers of every unit (not closed,
    with an owning company) that has not reported last month and was not reminded of it yet; returns how many
    units were reminded. Safe to run any number of times."""
    today = today or timezone.localdate()
    current = Period.containing(today)
    if (today - current.first_day).days + 1 <= settings.ROWNAQ_REPORT_REMINDER_DAY:
        return 0
    month = last_reportable_month(today)
    reported = MonthlyReport.objects.filter(year=month.year, month=month.number, state__in=REPORTED_STATES)
    reminded = Reminder.objects.filter(year=month.year, month=month.number)
    units = list(
        reporting_units(Places.whole_nation())
        .filter(owner__isnull=False)
        .exclude(pk__in=reported.values("unit_id"))
        .exclude(pk__in=reminded.values("unit_id"))
        .order_by("pk")
    )
    if not units:
        return 0
    managers: dict[int, list[User]] = defaultdict(list)
    for manager in User.objects.filter(
        role=Role.UNIT_MANAGER, is_active=True, organisation_id__in={u.owner_id for u in units}
    ).order_by("pk"):
        managers[manager.organisation_id].append(manager)  # type: ignore[index]
    Reminder.objects.bulk_create(
        [Reminder(unit=unit, year=month.year, month=month.number) for unit in units], ignore_conflicts=True
    )
    due = due_date(month)
    for unit in units:
        people = managers.get(unit.owner_id or 0, [])
        if people:
            text = _reminder_text(unit_name=unit.name, month=month, due=due, today=today)
            link = reverse("monitoring-report-fill", args=[unit.pk, month.year, month.number])
            notify(users=people, text=text, link=link)
    return len(units)


def _reminder_text(*, unit_name: str, month: Period, due: dt.date, today: dt.date) -> str:
    """The reminder's text: before the due day, when the report is due; after it, that the report is late and
    since when."""
    if today > due:
        return _("The monthly report of %(unit)s for %(month)s is late: it was due by %(due)s and is not in yet.") % {
            "unit": unit_name,
            "month": month,
            "due": format_jalali_long(due),
        }
    return _("The monthly report of %(unit)s for %(month)s is missing; it is due by the 10th.") % {
        "unit": unit_name,
        "month": month,
    }
