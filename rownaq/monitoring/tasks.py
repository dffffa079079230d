"""Background work of monitoring (run by ``manage.py db_worker``): reminding the managers of units whose last
month's report is missing after the 5th of this month, and, after the due day, evaluating units' statuses by
the status rules (once per province and month, ``StatusEvaluation``). ``run_scheduler`` enqueues it at every tick; it is
idempotent, because a unit is reminded once per month (``Reminder``)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django_tasks import task

from rownaq.monitoring.reminders import reports_remind_missing
from rownaq.monitoring.status import status_evaluate_due

logger = logging.getLogger(__name__)


@task()
def remind_missing_reports() -> int:
    """Remind the managers of units that have not reported last month; returns how many units were reminded."""
    with translation.override(settings.LANGUAGE_CODE):
        count = reports_remind_missing()
    if count:
        logger.info("Reminded the managers of %s units of their missing monthly report", count)
    return count


@task()
def evaluate_unit_statuses() -> int:
    """After last month's due day, apply the status rules to each province's units, once per month; returns
    how many units changed status."""
    with translation.override(settings.LANGUAGE_CODE):
        count = status_evaluate_due()
    if count:
        logger.info("The status rules changed the status of %s units", count)
    return count
