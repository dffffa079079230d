"""Background work of monitoring (run by ``manage.py db_worker``): reminding the managers of units whose last
month's report is missing after the 5th of this month, and scoring the units' risk of last month.
``run_scheduler`` enqueues both at every tick; both are idempotent (a unit is reminded once per month,
``Reminder``; a province's month is scored once, ``RiskRun``)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from rownaq.geography.models import Province
from rownaq.monitoring.models import RiskRunState
from rownaq.monitoring.reminders import reports_remind_missing
from rownaq.monitoring.risk_scoring import risk_score_province
from rownaq.monitoring.services import last_reportable_month

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
def score_risk_monthly() -> int:
    """Retrain the early-warning model and score every province's units for last month; idempotent per month
    (a province's month is scored once: ``RiskRun``). Returns how many provinces have the month scored."""
    period = last_reportable_month()
    done = 0
    with translation.override(settings.LANGUAGE_CODE):
        for province in Province.objects.filter(counties__units__isnull=False).distinct().order_by("pk"):
            run = risk_score_province(province=province, period=period)
            done += run.state == RiskRunState.DONE
    return done


@task()
def check_signal_feed(feed_id: int) -> None:
    """Check the rows of an uploaded agency feed (``feeds.feed_check``); safe to run twice."""
    from rownaq.monitoring.feeds import feed_check, feed_fail
    from rownaq.monitoring.models import SignalFeed

    feed = SignalFeed.objects.select_related("organisation").filter(pk=feed_id).first()
    if feed is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        try:
            feed_check(feed=feed)
        except Exception as exc:
            logger.exception("Signal feed %s could not be checked", feed_id)
            feed_fail(
                feed_id=feed_id,
                message=_("The file could not be checked and nothing was saved. Technical detail: %(detail)s")
                % {"detail": exc},
            )
