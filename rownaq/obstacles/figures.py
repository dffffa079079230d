"""The obstacles' figures for some places (a county, a province, several, the nation), optionally of a period.

``case_figures(places, period, visible=...)`` serves the province overview, a county page and the national
roll-up alike; ``visible`` is what the person may see (``Case.objects.visible_to(user)``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from rownaq.core.periods import Period
from rownaq.geography.places import Places
from rownaq.obstacles.models import Case, Referral, ReferralState
from rownaq.obstacles.models.cases import OPEN_STATES


@dataclass(frozen=True)
class CaseFigures:
    open_cases: int  # now
    overdue_referrals: int  # open referrals past their due date now
    filed: int | None = None  # cases filed in the period (``None`` without a period)


def case_figures(places: Places, period: Period | None = None, *, visible: QuerySet[Case]) -> CaseFigures:
    """The open cases and overdue referrals of ``places`` (of the cases in ``visible``) as they are today, and
    with a period the cases filed in it."""
    cases = visible.filter(places.q("unit__county"))
    overdue = Referral.objects.filter(
        state=ReferralState.OPEN, due_on__lt=timezone.localdate(), case__in=cases.values("pk")
    )
    return CaseFigures(
        open_cases=cases.filter(state__in=OPEN_STATES).count(),
        overdue_referrals=overdue.count(),
        filed=cases.filter(period.q("filed_at", moment=True)).count() if period is not None else None,
    )
