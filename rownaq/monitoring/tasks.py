"""Background work of monitoring (run by ``manage.py db_worker``): checking and committing a month's reports
imported from Excel (``validate_report_import``, ``commit_report_import``); reminding the managers of units
whose last month's report is missing after the 5th of this month; and, after the due day, evaluating units'
statuses by the status rules (once per province and month, ``StatusEvaluation``). ``run_scheduler`` enqueues
the periodic ones at every tick; each is idempotent (a unit is reminded once per month, ``Reminder``; a
province's statuses are evaluated and its risk of last month scored once, ``StatusEvaluation``, ``RiskRun``)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from rownaq.accounts.models import User
from rownaq.geography.models import Province
from rownaq.monitoring.models import ReportImport, RiskRunState
from rownaq.monitoring.reminders import reports_remind_missing
from rownaq.monitoring.risk_scoring import risk_score_province
from rownaq.monitoring.services import last_reportable_month
from rownaq.monitoring.status import status_evaluate_due
from rownaq.registry.models import ImportState

logger = logging.getLogger(__name__)


@task()
def remind_missing_reports() -> int:
    """Remind the managers of units that have not reported last month; returns how many units were reminded."""
    with translation.override(settings.LANGUAGE_CODE):
        count = reports_remind_missing()
    if count:
        logger.info("Reminded the managers of %s units of their missing monthly report", count)
    return count


def _import_failed(batch_id: int, exc: Exception) -> None:
    from rownaq.monitoring.report_imports import report_import_fail

    batch = ReportImport.objects.get(pk=batch_id)
    if batch.state != ImportState.FAILED:  # the service has not recorded the failure itself
        logger.exception("Report import %s failed", batch_id)
        report_import_fail(
            batch=batch,
            message=_("The import failed and nothing was saved. Technical detail: %(detail)s") % {"detail": exc},
        )


@task()
def validate_report_import(batch_id: int) -> None:
    """Check an uploaded workbook of a month's reports; safe to run twice (it claims the import first)."""
    from rownaq.monitoring.report_imports import REPORT_IMPORT_STATES, report_import_validate

    claimed = ReportImport.objects.filter(pk=batch_id, state__in=REPORT_IMPORT_STATES["validate"].sources).update(
        state=ImportState.VALIDATING
    )
    if not claimed:
        return  # already checked: nothing to do
    batch = ReportImport.objects.select_related("uploaded_by").get(pk=batch_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            report_import_validate(batch=batch)
        except Exception as exc:
            _import_failed(batch_id, exc)


@task()
def commit_report_import(batch_id: int, user_id: int) -> None:
    """Write the confirmed import's reports; does nothing unless it is waiting to be committed."""
    from rownaq.monitoring.report_imports import report_import_commit

    batch = ReportImport.objects.get(pk=batch_id)
    if batch.state != ImportState.COMMITTING:
        return
    user = User.objects.get(pk=user_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            report_import_commit(batch=batch, by=user)
        except Exception as exc:
            _import_failed(batch_id, exc)


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
def refresh_after_signals(feed_id: int) -> None:
    """After an agency's feed is received: its units' statuses as of the feed's month by the status rules, and,
    if last month's risk is already scored, the province scored again with the new figures."""
    from rownaq.monitoring.models import FeedState, RiskRun, SignalFeed
    from rownaq.monitoring.status import status_evaluate
    from rownaq.registry.models import Unit

    feed = SignalFeed.objects.select_related("province").filter(pk=feed_id, state=FeedState.COMMITTED).first()
    if feed is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        status_evaluate(units=Unit.objects.filter(signals__feed=feed).distinct(), period=feed.period)
        period = last_reportable_month()
        if RiskRun.objects.filter(province=feed.province, year=period.year, month=period.number).exists():
            risk_score_province(province=feed.province, period=period, again=True)


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


@task()
def evaluate_unit_statuses() -> int:
    """After last month's due day, apply the status rules to each province's units, once per month; returns
    how many units changed status."""
    with translation.override(settings.LANGUAGE_CODE):
        count = status_evaluate_due()
    if count:
        logger.info("The status rules changed the status of %s units", count)
    return count
