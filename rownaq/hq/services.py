"""Every change the facilitation HQ makes: meetings and their agendas, resolutions that bind both sides,
commitments carried out, objections within the window, and the register of disruptive regulations.

A meeting moves (held, minutes final) only through ``rownaq.hq.workflow``; a resolution drafted for a meeting
still to come is adopted when the meeting is held (``resolution_adopt``). Who may do each is
``rownaq.hq.access``; a case moves only through ``rownaq.obstacles.workflow``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import Organisation, Role, User
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.hq.access import can_carry_out, may_object, require_secretariat
from rownaq.hq.models import (
    AgendaItem,
    Commitment,
    DisruptiveRegulation,
    Meeting,
    MeetingEvent,
    MeetingState,
    Objection,
    ObjectionState,
    Party,
    Resolution,
)
from rownaq.notifications.services import notify
from rownaq.obstacles import workflow
from rownaq.obstacles.models import Case, CaseState, ReferralState


class HQError(Exception):
    """Something the HQ's rules do not allow; the message is for the user."""


# -- meetings and agendas --------------------------------------------------------------------------


def next_meeting_number(province: Province) -> int:
    last = Meeting.objects.filter(province=province).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


@transaction.atomic
def meeting_create(
    *,
    province: Province,
    held_on: dt.date,
    by: User,
    number: int | None = None,
    venue: str = "",
    chair: str = "",
    attendees: str = "",
) -> Meeting:
    """Plan a meeting (``held_on`` is the day it is planned for; it is recorded as held by ``workflow.act``)."""
    require_secretariat(by, province)
    number = number or next_meeting_number(province)
    if Meeting.objects.filter(province=province, number=number).exists():
        raise HQError(_("The province already has a meeting number %(n)s.") % {"n": number})
    meeting = Meeting.objects.create(
        province=province, number=number, held_on=held_on, venue=venue, chair=chair, attendees=attendees, created_by=by
    )
    MeetingEvent.objects.create(meeting=meeting, action="plan", from_state="", to_state=meeting.state, by=by)
    return meeting


def _require_open_minutes(meeting: Meeting) -> None:
    """Once a meeting's minutes are final, its agenda and resolutions no longer change."""
    if meeting.state == MeetingState.MINUTES_FINAL:
        raise HQError(
            _("The minutes of meeting %(n)s are final: its agenda and resolutions no longer change.")
            % {"n": meeting.number}
        )


def agenda_candidates(province: Province) -> QuerySet[Case]:
    """Cases that wait for the HQ: on its agenda, or with a referral past its due date, and not yet on a
    meeting's agenda that is still to be held or whose resolutions are still to come."""
    today = timezone.localdate()
    overdue = Q(referrals__state=ReferralState.OPEN, referrals__due_on__lt=today)
    waiting = Q(state=CaseState.ON_AGENDA) | (overdue & Q(state__in=workflow.CASE_STATES["put_on_agenda"].sources))
    scheduled = AgendaItem.objects.filter(meeting__province=province, case__isnull=False).filter(
        Q(meeting__state=MeetingState.PLANNED) | Q(case__state=CaseState.ON_AGENDA, meeting__resolutions__isnull=True)
    )
    return (
        Case.objects.in_places(Places.province(province))
        .filter(waiting)
        .exclude(pk__in=scheduled.values("case_id"))
        .select_related("unit", "category")
        .distinct()
        .order_by("filed_at")
    )


@transaction.atomic
def meeting_add_cases(*, meeting: Meeting, cases: Iterable[Case], by: User) -> list[AgendaItem]:
    """Put cases on the meeting's agenda (and on the HQ agenda, for those not there yet)."""
    require_secretariat(by, meeting.province)
    _require_open_minutes(meeting)
    order = (meeting.agenda.aggregate(n=Max("order"))["n"] or 0) + 1
    items = []
    for case in cases:
        if case.unit.county.province_id != meeting.province_id:
            raise HQError(_("Case %(ref)s is not of this province.") % {"ref": case.reference})
        if meeting.agenda.filter(case=case).exists():
            continue
        if workflow.CASE_STATES.can("put_on_agenda", case.state):
            workflow.case_put_on_agenda(
                case=case, by=by, comment=_("On the agenda of meeting %(n)s.") % {"n": meeting.number}
            )
        elif case.state != CaseState.ON_AGENDA:
            raise HQError(
                _("Case %(ref)s cannot go on the agenda while it is “%(state)s”.")
                % {"ref": case.reference, "state": case.get_state_display()}
            )
        items.append(
            AgendaItem.objects.create(
                meeting=meeting, order=order, case=case, title=f"{case.reference}: {case.title} ({case.unit.name})"
            )
        )
        order += 1
    return items


@transaction.atomic
def meeting_add_item(*, meeting: Meeting, title: str, by: User) -> AgendaItem:
    require_secretariat(by, meeting.province)
    _require_open_minutes(meeting)
    order = (meeting.agenda.aggregate(n=Max("order"))["n"] or 0) + 1
    return AgendaItem.objects.create(meeting=meeting, order=order, title=title)


# -- resolutions -----------------------------------------------------------------------------------


class CommitmentSpec(TypedDict):
    party: str
    owner: Organisation
    text: str
    deadline: dt.date


@transaction.atomic
def resolution_issue(
    *,
    meeting: Meeting,
    text: str,
    commitments: Sequence[CommitmentSpec],
    by: User,
    case: Case | None = None,
) -> Resolution:
    """Record a resolution with each side's commitment. At a held meeting it is adopted at once; for a meeting
    still to come it is a draft, adopted when the meeting is held."""
    require_secretariat(by, meeting.province)
    _require_open_minutes(meeting)
    if not text.strip():
        raise HQError(_("Write the resolution."))
    if not commitments:
        raise HQError(_("A resolution needs at least one commitment with an owner and a deadline."))
    if not any(c["party"] == Party.AGENCY for c in commitments):
        raise HQError(_("A resolution binds at least one agency."))
    for spec in commitments:
        if spec["party"] == Party.UNIT and (case is None or spec["owner"].pk != case.unit.owner_id):
            raise HQError(_("The unit's commitment must be owned by the company of the case's unit."))
        if spec["deadline"] < meeting.held_on:
            raise HQError(_("A deadline cannot be before the meeting."))
    number = (meeting.resolutions.aggregate(n=Max("number"))["n"] or 0) + 1
    resolution = Resolution.objects.create(
        meeting=meeting,
        number=number,
        text=text,
        case=case,
        objection_until=meeting.held_on + dt.timedelta(days=settings.ROWNAQ_OBJECTION_DAYS),
    )
    for spec in commitments:
        Commitment.objects.create(
            resolution=resolution,
            party=spec["party"],
            owner=spec["owner"],
            text=spec["text"],
            deadline=spec["deadline"],
        )
    if case is not None and not meeting.agenda.filter(case=case).exists():
        meeting_add_cases(meeting=meeting, cases=[case], by=by)
    if meeting.is_held:
        resolution_adopt(resolution=resolution, by=by)
    return resolution


def resolution_adopt(*, resolution: Resolution, by: User | None) -> Resolution:
    """A resolution of a held meeting binds from the day the meeting was held: its objection window runs from
    then, its case on the agenda is decided, and the sides it binds are told. Called when a resolution is
    issued at a held meeting, and for each draft when its meeting is held (``workflow.meeting_hold``); the
    caller holds the transaction."""
    meeting = resolution.meeting
    resolution.objection_until = meeting.held_on + dt.timedelta(days=settings.ROWNAQ_OBJECTION_DAYS)
    resolution.save(update_fields=["objection_until"])
    case = resolution.case
    if case is not None:
        case.refresh_from_db()
        if case.state == CaseState.ON_AGENDA:
            workflow.case_decide(
                case=case,
                by=by,
                comment=_("Resolution %(ref)s: %(text)s") % {"ref": str(resolution), "text": resolution.text},
            )
    owners = resolution.commitments.values("owner_id")
    bound = User.objects.filter(
        organisation__in=owners, is_active=True, role__in=[Role.AGENCY_LIAISON, Role.UNIT_MANAGER]
    )
    notify(
        users=list(bound),
        text=_("HQ meeting %(n)s issued resolution %(ref)s that binds you; objections are accepted until %(date)s.")
        % {"n": meeting.number, "ref": str(resolution), "date": _jalali(resolution.objection_until)},
        link=workflow.case_link(case) if case else "",
    )
    return resolution


@transaction.atomic
def resolution_withdraw(*, resolution: Resolution, by: User) -> None:
    """Take back a draft (before its meeting is held); an adopted resolution stands, objections revise it."""
    require_secretariat(by, resolution.meeting.province)
    if resolution.is_adopted:
        raise HQError(_("Resolution %(ref)s was adopted; only a draft can be withdrawn.") % {"ref": str(resolution)})
    resolution.delete()


@transaction.atomic
def commitment_carry_out(*, commitment: Commitment, by: User, note: str, done_on: dt.date | None = None) -> Commitment:
    if not can_carry_out(by, commitment):
        raise PermissionDenied(_("Only the owner of this commitment or the HQ secretariat can record it."))
    if not commitment.resolution.is_adopted:
        raise HQError(
            _("Resolution %(ref)s is a draft until meeting %(n)s is held; its commitments are carried out after that.")
            % {"ref": str(commitment.resolution), "n": commitment.resolution.meeting.number}
        )
    if commitment.done_on is not None:
        raise HQError(_("This commitment is already recorded as carried out."))
    if not note.strip():
        raise HQError(_("Write how it was carried out."))
    day = done_on or timezone.localdate()
    if day < commitment.resolution.meeting.held_on or day > timezone.localdate():
        raise HQError(_("The date must be between the meeting and today."))
    commitment.done_on, commitment.done_note, commitment.done_by = day, note, by
    commitment.save(update_fields=["done_on", "done_note", "done_by"])
    return commitment


# -- objections ------------------------------------------------------------------------------------


def objection_window_open(resolution: Resolution, today: dt.date | None = None) -> bool:
    return (today or timezone.localdate()) <= resolution.objection_until


@transaction.atomic
def objection_file(*, resolution: Resolution, by: User, text: str, today: dt.date | None = None) -> Objection:
    """A side bound by the resolution (an agency, or the unit's company) objects within the window; after it, it
    must carry it out."""
    organisation_id = by.organisation_id
    if not may_object(by, resolution):
        raise PermissionDenied(_("Only a side bound by this resolution can object to it."))
    if not resolution.is_adopted:
        raise HQError(_("Objections are accepted once the resolution is adopted at its meeting."))
    if not objection_window_open(resolution, today):
        raise HQError(
            _("Objections to this resolution were accepted until %(date)s; it must now be carried out.")
            % {"date": _jalali(resolution.objection_until)}
        )
    if not text.strip():
        raise HQError(_("Write the objection."))
    if resolution.objections.filter(agency_id=organisation_id, state=ObjectionState.PENDING).exists():
        raise HQError(_("Your organisation's objection to this resolution is already waiting for the HQ."))
    assert by.organisation is not None
    objection = Objection.objects.create(resolution=resolution, agency=by.organisation, text=text, filed_by=by)
    secretariat = User.objects.filter(
        role=Role.GOVERNORATE_DEPUTY, is_active=True, organisation__province=resolution.meeting.province
    )
    notify(
        users=list(secretariat),
        text=_("%(agency)s objected to resolution %(ref)s.") % {"agency": by.organisation.name, "ref": str(resolution)},
    )
    return objection


@transaction.atomic
def objection_decide(*, objection: Objection, by: User, upheld: bool, note: str) -> Objection:
    require_secretariat(by, objection.resolution.meeting.province)
    if objection.state != ObjectionState.PENDING:
        raise HQError(_("This objection has already been decided."))
    objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    objection.decision_note = note
    objection.save(update_fields=["state", "decision_note"])
    return objection


# -- the register of disruptive regulations -------------------------------------------------------


def _check_cases(province: Province, cases: Iterable[Case]) -> list[Case]:
    cases = list(cases)
    if any(case.unit.county.province_id != province.pk for case in cases):
        raise PermissionDenied(_("A case of another province cannot be linked."))
    return cases


@transaction.atomic
def regulation_create(
    *, province: Province, by: User, cases: Sequence[Case] = (), **fields: Any
) -> DisruptiveRegulation:
    require_secretariat(by, province)
    checked = _check_cases(province, cases)
    regulation = DisruptiveRegulation.objects.create(province=province, created_by=by, **fields)
    regulation.cases.set(checked)
    return regulation


@transaction.atomic
def regulation_update(
    *, regulation: DisruptiveRegulation, by: User, cases: Sequence[Case] = (), **fields: Any
) -> DisruptiveRegulation:
    require_secretariat(by, regulation.province)
    checked = _check_cases(regulation.province, cases)
    for name, value in fields.items():
        setattr(regulation, name, value)
    regulation.save(update_fields=[*fields, "updated_at"])
    regulation.cases.set(checked)
    return regulation


def _jalali(day: dt.date) -> str:
    from rownaq.core.jalali import format_jalali

    return format_jalali(day)
