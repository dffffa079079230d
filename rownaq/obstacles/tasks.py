"""Background work of obstacles: escalating overdue referrals (run by ``manage.py db_worker``).

``run_scheduler`` enqueues the escalation every few minutes; it is safe to run any number of times,
because a referral is escalated once (``Referral.escalated_at``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django_tasks import task

from rownaq.obstacles.referrals import referrals_escalate

logger = logging.getLogger(__name__)


@task()
def escalate_overdue_referrals() -> int:
    """Put the cases of referrals past their due date on the HQ agenda; returns how many were escalated."""
    with translation.override(settings.LANGUAGE_CODE):
        count = referrals_escalate()
    if count:
        logger.info("Escalated %s overdue referrals to the HQ agenda", count)
    return count
