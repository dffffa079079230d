"""The HQ's figures: the share of resolutions carried out on time, the agency scoreboard (how the
executive agencies answer) and the obstacle counts (what was unlocked).

Scoreboard figures are computed in the database per agency and then per month; an agency with fewer
judged referrals than ``ROWNAQ_SCOREBOARD_MIN_CASES`` gets its figures but no rank, since a handful of
cases does not say how an agency works.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import jdatetime
from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from rownaq.core.periods import Period
from rownaq.geography.models import County, Province
from rownaq.geography.places import Places
from rownaq.hq.models import ADOPTING_STATES, Commitment, Meeting, Party, Resolution
from rownaq.obstacles.figures import case_figures
from rownaq.obstacles.models import Case, CaseState, Referral, ReferralState
from rownaq.workdays.services import days_off_by_province, holidays_between, working_days_between

# -- the headline figure ---------------------------------------------------------------------------


class ResolutionStatus:
    DRAFT = "draft"
    CARRIED_OUT_ON_TIME = "on_time"
    CARRIED_OUT_LATE = "late"
    OVERDUE = "overdue"
    IN_PROGRESS = "in_progress"


def resolution_status(resolution: Resolution, today: dt.date | None = None) -> str:
    """On time when every commitment was carried out by its deadline; overdue when one is past it; a draft
    until its meeting is held (it binds nobody yet)."""
    if not resolution.is_adopted:
        return ResolutionStatus.DRAFT
    today = today or timezone.localdate()
    commitments = list(resolution.commitments.all())
    if commitments and all(c.done_on is not None for c in commitments):
        on_time = all(c.done_on <= c.deadline for c in commitments if c.done_on is not None)
        return ResolutionStatus.CARRIED_OUT_ON_TIME if on_time else ResolutionStatus.CARRIED_OUT_LATE
    if any(c.done_on is None and c.deadline < today for c in commitments):
        return ResolutionStatus.OVERDUE
    return ResolutionStatus.IN_PROGRESS


@dataclass
class OnTimeShare:
    judged: int  # resolutions (or commitments) whose time is up or that are done
    on_time: int

    @property
    def share(self) -> float | None:
        return self.on_time / self.judged if self.judged else None


def on_time_share(resolutions: Iterable[Resolution], today: dt.date | None = None) -> OnTimeShare:
    """Of the adopted resolutions that are done or past a deadline, how many were carried out on time."""
    statuses = [resolution_status(r, today) for r in resolutions]
    judged = [s for s in statuses if s not in (ResolutionStatus.IN_PROGRESS, ResolutionStatus.DRAFT)]
    return OnTimeShare(judged=len(judged), on_time=sum(1 for s in judged if s == ResolutionStatus.CARRIED_OUT_ON_TIME))


def agency_on_time_share(commitments: Iterable[Commitment], today: dt.date | None = None) -> OnTimeShare:
    """Of an agency's commitments that are done or past their deadline, how many were done on time."""
    today = today or timezone.localdate()
    judged = [c for c in commitments if c.done_on is not None or c.deadline < today]
    on_time = sum(1 for c in judged if c.done_on is not None and c.done_on <= c.deadline)
    return OnTimeShare(judged=len(judged), on_time=on_time)


def meeting_shares(province: Province, last: int = 12) -> list[tuple[Meeting, OnTimeShare]]:
    """The province's last held meetings, each with the share of its resolutions carried out on time."""
    meetings = (
        Meeting.objects.filter(province=province, state__in=ADOPTING_STATES)
        .prefetch_related("resolutions__commitments")
        .order_by("-held_on", "-number")[:last]
    )
    return [(meeting, on_time_share(meeting.resolutions.all())) for meeting in meetings]


# -- the agency scoreboard ------------------------------------------------------------------------


@dataclass
class AgencyFigures:
    agency_id: int
    name: str
    received: int = 0
    answered: int = 0
    answered_on_time: int = 0
    overdue_now: int = 0
    working_days_to_answer: list[int] = field(default_factory=list)
    resolutions_judged: int = 0
    resolutions_on_time: int = 0
    rank: int | None = None

    @property
    def judged(self) -> int:
        """Referrals whose answer is in or whose time is up: the sample the agency is judged on."""
        return self.answered + self.overdue_now

    @property
    def on_time_share(self) -> float | None:
        return self.answered_on_time / self.judged if self.judged else None

    @property
    def average_days(self) -> float | None:
        days = self.working_days_to_answer
        return sum(days) / len(days) if days else None

    @property
    def resolutions_share(self) -> float | None:
        return self.resolutions_on_time / self.resolutions_judged if self.resolutions_judged else None

    def count(
        self, referral: Referral, today: dt.date, holidays: set[dt.date], days_off: Collection[int] | None = None
    ) -> None:
        """Add one referral: received, answered (on time, in how many working days of its case's province, whose
        weekly ``days_off`` they are) or overdue now."""
        self.received += 1
        if referral.state == ReferralState.ANSWERED and referral.answered_at is not None:
            answered_on = timezone.localdate(referral.answered_at)
            self.answered += 1
            self.answered_on_time += answered_on <= referral.due_on
            referred_on = timezone.localdate(referral.referred_at)
            self.working_days_to_answer.append(
                working_days_between(referred_on, answered_on, holidays, days_off=days_off)
            )
        elif referral.state == ReferralState.OPEN and referral.due_on < today:
            self.overdue_now += 1


def _holidays_since_first(referrals: list[Referral], today: dt.date) -> set[dt.date]:
    return holidays_between(min((timezone.localdate(r.referred_at) for r in referrals), default=today), today)


def _days_off(referrals: list[Referral]) -> dict[int | None, frozenset[int]]:
    """The weekly days off of the provinces of the referrals' cases (one query for all)."""
    return days_off_by_province({r.case.unit.county.province_id for r in referrals})


def places_referrals(places: Places) -> QuerySet[Referral]:
    """The referrals (not withdrawn) of the cases of ``places``."""
    return Referral.objects.in_places(places).exclude(state=ReferralState.WITHDRAWN)


def _meetings_q(places: Places, path: str = "resolution__meeting__province") -> Q:
    """The HQ meetings of the provinces of ``places`` (an HQ meets for a whole province)."""
    if places.nation:
        return Q()
    provinces = set(places.province_ids)
    if places.county_ids:
        provinces |= set(County.objects.filter(pk__in=places.county_ids).values_list("province_id", flat=True))
    return Q(**{f"{path}__in": sorted(provinces)})


def agency_scoreboard(
    places: Places, period: Period | None = None, *, today: dt.date | None = None
) -> list[AgencyFigures]:
    """One row per agency that received referrals of ``places`` (in the period, by referral date), ranked by
    the share answered on time (then by average working days to answer), ranks only for agencies with enough
    cases."""
    today = today or timezone.localdate()
    referrals = places_referrals(places).select_related("agency", "case__unit__county")
    if period is not None:
        referrals = referrals.filter(period.q("referred_at", moment=True))
    rows: dict[int, AgencyFigures] = {}
    loaded = list(referrals.order_by("pk"))
    holidays, days_off = _holidays_since_first(loaded, today), _days_off(loaded)
    for referral in loaded:
        row = rows.setdefault(referral.agency_id, AgencyFigures(referral.agency_id, referral.agency.name))
        row.count(referral, today, holidays, days_off[referral.case.unit.county.province_id])
    commitments = Commitment.objects.filter(
        _meetings_q(places), party=Party.AGENCY, owner_id__in=list(rows), resolution__meeting__state__in=ADOPTING_STATES
    )
    by_owner: dict[int, list[Commitment]] = defaultdict(list)
    for commitment in commitments:
        by_owner[commitment.owner_id].append(commitment)
    for agency_id, row in rows.items():
        share = agency_on_time_share(by_owner.get(agency_id, []), today)
        row.resolutions_judged, row.resolutions_on_time = share.judged, share.on_time
    minimum = settings.ROWNAQ_SCOREBOARD_MIN_CASES
    ranked = sorted(
        (row for row in rows.values() if row.judged >= minimum),
        key=lambda r: (-(r.on_time_share or 0), r.average_days if r.average_days is not None else 1e9, r.name),
    )
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    return sorted(rows.values(), key=lambda r: (r.rank is None, r.rank or 0, r.name))


def agency_months(places: Places, agency_id: int, *, today: dt.date | None = None) -> list[tuple[str, AgencyFigures]]:
    """The agency's figures per Jalali month of referral (of the cases of ``places``), oldest first («۱۴۰۴/۰۳»)."""
    today = today or timezone.localdate()
    referrals = places_referrals(places).filter(agency_id=agency_id).select_related("agency", "case__unit__county")
    months: dict[str, AgencyFigures] = {}
    loaded = list(referrals.order_by("referred_at"))
    holidays, days_off = _holidays_since_first(loaded, today), _days_off(loaded)
    for referral in loaded:
        jalali = jdatetime.date.fromgregorian(date=timezone.localdate(referral.referred_at))
        key = f"{jalali.year:04d}/{jalali.month:02d}"
        row = months.setdefault(key, AgencyFigures(agency_id, referral.agency.name))
        row.count(referral, today, holidays, days_off[referral.case.unit.county.province_id])
    return list(months.items())


@dataclass
class ObstacleCounts:
    by_category: list[dict[str, Any]]
    by_estate: list[dict[str, Any]]
    by_sector: list[dict[str, Any]]
    resolved_this_year: int
    money_unlocked: int
    open_cases: int
    overdue_referrals: int


def obstacle_counts(places: Places, period: Period | None = None, *, today: dt.date | None = None) -> ObstacleCounts:
    """The cases of ``places`` by category, estate and sector, those resolved in the period (the Jalali year of
    ``today`` without one) and the money they unlocked, and the open cases and overdue referrals now."""
    today = today or timezone.localdate()
    period = period or Period.containing(today, "year")
    cases = Case.objects.in_places(places).exclude(state=CaseState.MERGED)
    by_category = list(
        cases.values("category_id", "category__name").annotate(count=Count("id")).order_by("-count", "category__name")
    )
    by_estate = list(
        cases.values("unit__estate_id", "unit__estate__name").annotate(count=Count("id")).order_by("-count")
    )
    by_sector = list(
        cases.values("unit__sector__parent__parent__code", "unit__sector__parent__parent__title")
        .annotate(count=Count("id"))
        .order_by("-count")
    )
    resolved = cases.filter(
        period.q("events__at", moment=True),
        Q(state=CaseState.CLOSED) | Q(state=CaseState.RESOLVED),
        events__action="resolve",
    ).distinct()
    money = Case.objects.filter(pk__in=resolved.values("pk")).aggregate(total=Sum("money_released"))["total"] or 0
    now = case_figures(places, visible=Case.objects.all())
    return ObstacleCounts(
        by_category=by_category,
        by_estate=by_estate,
        by_sector=by_sector,
        resolved_this_year=resolved.count(),
        money_unlocked=money,
        open_cases=now.open_cases,
        overdue_referrals=now.overdue_referrals,
    )
