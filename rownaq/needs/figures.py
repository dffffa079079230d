"""The desk's figures: how long the need's owners take to answer a proposal.

A reply time is counted in working days (``rownaq.workdays``) from a proposal's submission to the need
side's first answer (a message, or a decision).
"""

from __future__ import annotations

import statistics

from django.db.models import QuerySet
from django.utils import timezone

from rownaq.needs.models import Need, Proposal
from rownaq.workdays.services import holidays_between, working_days_between


def reply_days_of(proposals: QuerySet[Proposal]) -> list[int]:
    """The working days the need side took to first answer each answered proposal."""
    spans = [
        (timezone.localdate(submitted), timezone.localdate(replied))
        for submitted, replied in proposals.filter(first_reply_at__isnull=False).values_list(
            "submitted_at", "first_reply_at"
        )
    ]
    if not spans:
        return []
    holidays = holidays_between(min(s for s, _ in spans), max(r for _, r in spans))
    return [working_days_between(submitted, replied, holidays) for submitted, replied in spans]


def median_reply_days(proposals: QuerySet[Proposal]) -> float | None:
    """The median working days to a first answer, or ``None`` when no proposal was answered yet."""
    days = reply_days_of(proposals)
    return statistics.median(days) if days else None


def unit_reply_days(need: Need) -> float | None:
    """The median reply time of the need's owner, over every need of its unit."""
    return median_reply_days(Proposal.objects.filter(need__unit_id=need.unit_id))
