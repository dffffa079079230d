"""Each role's work queue on its start page, composed from the apps' own access rules: what waits for this
person now (referrals to answer, commitments owed, proposals to decide, matched needs...), oldest due first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import Role, User
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import to_persian_digits
from rownaq.hq.models import Commitment, Meeting, MeetingState
from rownaq.needs import access as needs_access
from rownaq.needs.models import Match, NeedState, Proposal, ProposalState
from rownaq.obstacles import access as obstacles_access
from rownaq.obstacles.models import CaseState, ReferralState
from rownaq.obstacles.models.cases import OPEN_STATES
from rownaq.registry import access as registry_access

SHOWN = 8  # rows of each queue; the card links to the whole list
WAITING = (ProposalState.SUBMITTED, ProposalState.SHORTLISTED)  # proposals no one has decided on yet


@dataclass
class Item:
    label: str
    url: str
    note: str = ""
    alert: bool = False  # overdue, or waiting for this person


@dataclass
class Queue:
    key: str
    title: str
    empty: str
    total: int = 0
    more_url: str = ""
    items: list[Item] = field(default_factory=list)


def _due_note(due: dt.date, today: dt.date) -> tuple[str, bool]:
    if due < today:
        return _("overdue since %(date)s") % {"date": format_jalali(due)}, True
    return _("due %(date)s") % {"date": format_jalali(due)}, False


def _referrals(user: User, today: dt.date) -> Queue:
    referrals = (
        obstacles_access.referrals_visible_to(user)
        .filter(state=ReferralState.OPEN)
        .select_related("case", "case__unit")
        .order_by("due_on", "pk")
    )
    queue = Queue(
        "referrals",
        _("Referrals waiting for your answer"),
        _("No referral is waiting for your answer."),
        referrals.count(),
        reverse("obstacles-referral-list"),
    )
    for referral in referrals[:SHOWN]:
        note, late = _due_note(referral.due_on, today)
        label = f"{to_persian_digits(referral.case.reference)} · {referral.case.title}"
        queue.items.append(Item(label, reverse("obstacles-case-detail", args=[referral.case_id]), note, late))
    return queue


def _commitments(user: User, today: dt.date) -> Queue:
    commitments: QuerySet[Commitment] = (
        Commitment.objects.filter(owner_id=user.organisation_id, done_on__isnull=True)
        .select_related("resolution")
        .order_by("deadline", "pk")
    )
    queue = Queue(
        "commitments",
        _("Commitments your organisation owes"),
        _("Your organisation owes no HQ commitment."),
        commitments.count(),
        reverse("hq-resolution-list"),
    )
    for commitment in commitments[:SHOWN]:
        note, late = _due_note(commitment.deadline, today)
        queue.items.append(Item(commitment.text[:120], reverse("hq-resolution-list"), note, late))
    return queue


def _own_cases(user: User) -> Queue:
    cases = (
        obstacles_access.cases_visible_to(user)
        .filter(state__in=OPEN_STATES | {CaseState.RESOLVED})
        .select_related("unit")
        .order_by("-filed_at")
    )
    queue = Queue(
        "cases",
        _("Your open cases"),
        _("None of your units has an open case."),
        cases.count(),
        reverse("obstacles-case-list"),
    )
    for case in cases[:SHOWN]:
        waiting = case.state == CaseState.RESOLVED  # the unit confirms the outcome or reopens the case
        note = _("waiting for your confirmation") if waiting else str(case.get_state_display())
        label = f"{to_persian_digits(case.reference)} · {case.title}"
        queue.items.append(Item(label, reverse("obstacles-case-detail", args=[case.pk]), note, waiting))
    return queue


def _units(user: User) -> Queue:
    units = registry_access.units_visible_to(user).order_by("name_sort", "pk")
    queue = Queue("units", _("Your units"), _("No unit is registered for your company."), units.count())
    queue.more_url = reverse("registry-unit-list")
    for unit in units[:SHOWN]:
        queue.items.append(
            Item(unit.name, reverse("registry-unit-detail", args=[unit.pk]), str(unit.get_status_display()))
        )
    return queue


def _proposals_to_decide(user: User) -> Queue:
    proposals = (
        needs_access.proposals_visible_to(user)
        .filter(
            need__unit__owner_id=user.organisation_id, state__in=[ProposalState.SUBMITTED, ProposalState.SHORTLISTED]
        )
        .select_related("need", "organisation")
        .order_by("submitted_at", "pk")
    )
    queue = Queue(
        "proposals_in",
        _("Proposals to your needs waiting for your decision"),
        _("No proposal is waiting for your decision."),
        proposals.count(),
        reverse("needs-need-list"),
    )
    for proposal in proposals[:SHOWN]:
        label = f"{proposal.organisation} → {proposal.need.title}"
        note = str(proposal.get_state_display())
        queue.items.append(Item(label, reverse("needs-proposal-detail", args=[proposal.pk]), note, True))
    return queue


def _own_proposals(user: User) -> Queue:
    proposals: QuerySet[Proposal] = (
        needs_access.proposals_visible_to(user)
        .filter(organisation=user.organisation, state__in=WAITING)
        .select_related("need")
        .order_by("-submitted_at", "pk")
    )
    queue = Queue(
        "proposals_out",
        _("Your proposals awaiting an answer"),
        _("None of your proposals is awaiting an answer."),
        proposals.count(),
        reverse("needs-my-proposals"),
    )
    for proposal in proposals[:SHOWN]:
        url = reverse("needs-proposal-detail", args=[proposal.pk])
        queue.items.append(Item(proposal.need.title, url, str(proposal.get_state_display())))
    return queue


def _matched_needs(user: User) -> Queue:
    matches = (
        Match.objects.filter(
            capability__in=needs_access.own_capabilities(user),
            need__in=needs_access.needs_visible_to(user).filter(state=NeedState.OPEN),
        )
        .select_related("need", "capability")
        .order_by("-score", "pk")
    )
    needs_seen: set[int] = set()
    queue = Queue(
        "matches",
        _("Open needs matched to your capabilities"),
        _("No open need matches your capabilities yet."),
        matches.values("need").distinct().count(),
        reverse("needs-need-list"),
    )
    for match in matches[: SHOWN * 4]:
        if match.need_id in needs_seen or len(queue.items) == SHOWN:
            continue
        needs_seen.add(match.need_id)
        note = _("for «%(capability)s»") % {"capability": match.capability.title}
        queue.items.append(Item(match.need.title, reverse("needs-need-detail", args=[match.need_id]), note))
    return queue


def _meetings(user: User, today: dt.date) -> Queue:
    meetings = Meeting.objects.filter(state=MeetingState.PLANNED, held_on__gte=today).order_by("held_on", "number")
    if user.province_id is not None:
        meetings = meetings.filter(province_id=user.province_id)
    queue = Queue(
        "meetings",
        _("HQ meetings coming up"),
        _("No HQ meeting is planned."),
        meetings.count(),
        reverse("hq-meeting-list"),
    )
    for meeting in meetings[:SHOWN]:
        label = _("Meeting %(number)s") % {"number": to_persian_digits(str(meeting.number))}
        url = reverse("hq-meeting-detail", args=[meeting.pk])
        queue.items.append(Item(label, url, format_jalali(meeting.held_on)))
    return queue


def _overdue_commitments(user: User, today: dt.date) -> Queue:
    overdue = Commitment.objects.filter(done_on__isnull=True, deadline__lt=today).select_related("owner")
    if user.province_id is not None:
        overdue = overdue.filter(resolution__meeting__province_id=user.province_id)
    overdue = overdue.order_by("deadline", "pk")
    queue = Queue(
        "overdue_commitments",
        _("HQ commitments past their deadline"),
        _("No HQ commitment is past its deadline."),
        overdue.count(),
        reverse("hq-resolution-list"),
    )
    for commitment in overdue[:SHOWN]:
        note, late = _due_note(commitment.deadline, today)
        queue.items.append(
            Item(f"{commitment.owner} · {commitment.text[:100]}", reverse("hq-resolution-list"), note, late)
        )
    return queue


def queues_for(user: User) -> list[Queue]:
    """The queues of the person's start page, most pressing first."""
    today = timezone.localdate()
    if user.is_province_staff:
        return [_meetings(user, today), _overdue_commitments(user, today)]
    if user.role == Role.AGENCY_LIAISON:
        return [_referrals(user, today), _commitments(user, today)]
    if user.role == Role.UNIT_MANAGER:
        return [_own_cases(user), _proposals_to_decide(user), _commitments(user, today), _units(user)]
    if user.role == Role.KNOWLEDGE_MEMBER:
        return [_matched_needs(user), _own_proposals(user)]
    return []
