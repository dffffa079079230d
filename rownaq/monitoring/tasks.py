"""Background work of monitoring (run by ``manage.py db_worker``): reminding the managers of units whose last
month's report is missing after the 5th of this month. ``run_scheduler`` enqueues it at every tick; it is
idempotent, because a unit is reminded once per month (``Reminder``)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django_tasks import task

from rownaq.monitoring.reminders import reports_remind_missing

logger = logging.getLogger(__name__)


@task()
def remind_missing_reports() -> int:
    """Remind the managers of units that have not reported last month; returns how many units were reminded."""
    with translation.override(settings.LANGUAGE_CODE):
        count = reports_remind_missing()
    if count:
        logger.info("Reminded the managers of %s units of their missing monthly report", count)
    return count
