"""Background work of the Industry Needs Desk (run by ``manage.py db_worker``).

- the matches of a need or of a capability, enqueued by the services after their transaction commits;
- the reminder of proposals left unanswered past the promised working days, enqueued by
  ``run_scheduler`` at every tick; a proposal is reminded once (``Proposal.reminded_at``).

Each task is idempotent: running it twice stores the same matches and sends no second reminder.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django_tasks import task

from rownaq.needs import matching_jobs
from rownaq.needs.workflow import proposals_remind_overdue

logger = logging.getLogger(__name__)


@task()
def recompute_need_matches(need_id: int) -> int:
    count = matching_jobs.recompute_need(need_id)
    logger.info("Stored %s matches for need %s", count, need_id)
    return count


@task()
def recompute_capability_matches(capability_id: int) -> int:
    count = matching_jobs.recompute_capability(capability_id)
    logger.info("Stored %s matches after capability %s changed", count, capability_id)
    return count


@task()
def remind_overdue_proposals() -> int:
    """Remind need owners of proposals they have not answered in time; returns how many were reminded."""
    with translation.override(settings.LANGUAGE_CODE):
        count = proposals_remind_overdue()
    if count:
        logger.info("Reminded need owners of %s unanswered proposals", count)
    return count
