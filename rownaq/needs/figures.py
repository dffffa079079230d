"""The desk's figures for some places (a county, a province, several, the nation) and a period.

Every function takes ``places`` (``rownaq.geography.places``), a ``period`` (``rownaq.core.periods``) and
``visible``: the person the figures are for (only the rows they may see are counted), or ``None`` for every
row. One call serves the desk's dashboard of a province, a county page and the national roll-up alike.

- ``activity``: open needs and capabilities now; proposals by state and agreements (submitted, signed in
  the period; ``None``: ever);
- ``domestic_manufacture``: the agreements delivered in the period (``None``: ever), the imports they
  replace and the currency they save, against the provinces' targets of the period's Jalali year;
- ``reply_times``: the median working days the need's owners took to first answer a proposal (submitted
  in the period; ``None``: ever), counted in working days (``rownaq.workdays``);
- ``desk_figures``: what the dashboard shows: the activity and reply times to date, and the domestic
  manufacture of the period (the current Jalali year by default).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.core.periods import Period
from rownaq.geography.places import Places
from rownaq.needs.models import (
    Agreement,
    Capability,
    DomesticTarget,
    Need,
    NeedQuerySet,
    NeedState,
    Proposal,
    ProposalQuerySet,
    ProposalState,
)
from rownaq.workdays.services import holidays_between, working_days_between

Person = User | AnonymousUser | None


def needs_in(places: Places, *, visible: Person = None) -> NeedQuerySet:
    """The needs of ``places`` (those ``visible`` may find)."""
    needs = Need.objects.in_places(places)
    return needs if visible is None else needs.visible_to(visible)


def proposals_in(places: Places, *, visible: Person = None) -> ProposalQuerySet:
    """The proposals on needs of ``places`` (those ``visible`` may see)."""
    proposals = Proposal.objects.in_places(places)
    return proposals if visible is None else proposals.visible_to(visible)


# -- activity --------------------------------------------------------------------------------------


@dataclass
class Activity:
    open_needs: int = 0
    capabilities: int = 0
    # (the state's label, lazily translated; the count), in the states' order
    proposal_states: list[tuple[Any, int]] = field(default_factory=list)
    agreements: int = 0
    agreements_value: int = 0


def activity(places: Places, period: Period | None = None, *, visible: Person = None) -> Activity:
    """Open needs and capabilities of ``places`` now; the proposals by state and the agreements (their
    number and value), of those submitted (signed) in ``period``, or ever."""
    proposals = proposals_in(places, visible=visible)
    agreements = Agreement.objects.filter(proposal__in=proposals)
    if period is not None:
        proposals = proposals.filter(period.q("submitted_at", moment=True))
        agreements = agreements.filter(period.q("signed_on"))
    capabilities = Capability.objects.in_places(places)
    if visible is not None:
        capabilities = capabilities.visible_to(visible)
    by_state = dict(proposals.values_list("state").annotate(n=Count("pk")).order_by())
    signed = agreements.aggregate(count=Count("pk"), value=Coalesce(Sum("value"), 0))
    return Activity(
        open_needs=needs_in(places, visible=visible).filter(state=NeedState.OPEN).count(),
        capabilities=capabilities.count(),
        proposal_states=[(label, by_state.get(value, 0)) for value, label in ProposalState.choices],
        agreements=signed["count"],
        agreements_value=signed["value"],
    )


# -- domestic manufacture --------------------------------------------------------------------------


@dataclass
class DomesticManufacture:
    delivered: int = 0
    domestic_value: int = 0  # rials a year made at home instead of bought from outside
    currency_saved: Decimal = Decimal(0)  # US dollars a year
    target: int | None = None  # rials: the provinces' targets for the period's year; None if none is set
    target_share: float | None = None


def domestic_manufacture(
    places: Places, period: Period | None = None, *, visible: Person = None
) -> DomesticManufacture:
    """The agreements of ``places`` delivered in ``period`` (or ever), by their delivery date: what they make at
    home (the imports they replace; their value when not given) and the currency they save. With a period,
    against the targets of its Jalali year: the sum of those set for the provinces of ``places`` (the whole
    country's: every province's); a county has no target of its own."""
    agreements = Agreement.objects.filter(proposal__in=proposals_in(places, visible=visible))
    if period is not None:
        agreements = agreements.filter(period.q("delivered_on"))
    else:
        agreements = agreements.filter(delivered_on__isnull=False)
    delivered = agreements.aggregate(
        count=Count("pk"),
        domestic=Coalesce(Sum(Coalesce("import_value_replaced", "value")), 0),
        currency=Sum("currency_saved_usd"),
    )
    target = _target(places, period)
    return DomesticManufacture(
        delivered=delivered["count"],
        domestic_value=delivered["domestic"],
        currency_saved=delivered["currency"] or Decimal(0),
        target=target,
        target_share=(delivered["domestic"] / target) if target else None,
    )


def _target(places: Places, period: Period | None) -> int | None:
    if period is None or places.county_ids:
        return None
    targets = DomesticTarget.objects.filter(year=period.year)
    if not places.nation:
        targets = targets.filter(province_id__in=sorted(places.province_ids))
    total = targets.aggregate(value=Sum("value"))["value"]
    return int(total) if total is not None else None


# -- answering on time -----------------------------------------------------------------------------


def reply_times(places: Places, period: Period | None = None, *, visible: Person = None) -> float | None:
    """The median working days the need's owners of ``places`` took to first answer a proposal submitted in
    ``period`` (or ever); ``None`` when none was answered."""
    proposals = proposals_in(places, visible=visible)
    if period is not None:
        proposals = proposals.filter(period.q("submitted_at", moment=True))
    return median_reply_days(proposals)


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


# -- the dashboard ---------------------------------------------------------------------------------


@dataclass
class DeskFigures:
    period: Period
    activity: Activity
    domestic: DomesticManufacture
    median_reply_days: float | None


def desk_figures(places: Places, period: Period | None = None, *, visible: Person = None) -> DeskFigures:
    """What the desk's dashboard shows for ``places``: the activity and the reply times to date, and the
    domestic manufacture delivered in ``period`` (the current Jalali year by default)."""
    period = period or Period.current("year")
    return DeskFigures(
        period=period,
        activity=activity(places, visible=visible),
        domestic=domestic_manufacture(places, period, visible=visible),
        median_reply_days=reply_times(places, visible=visible),
    )
