"""The life of an HQ meeting: one table of allowed moves (``MEETING_STATES``, the shape of
``rownaq.core.workflow``), the services that make them, and ``act``, the one door through which the meeting
page, the API and the tests move a meeting by the action's name.

A meeting is planned (its agenda prepared, its resolutions drafted), then held: the day it was held is
recorded, and its draft resolutions are adopted (their objection window runs from that day, their cases on
the agenda are decided, the sides they bind are told, and their commitments can be carried out); then its
minutes are made final, and its agenda and resolutions no longer change. Each move writes one row of the
meeting's history (``MeetingEvent``: who, when, from which state to which, and why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rownaq.accounts.models import User
from rownaq.core.workflow import StateMachine, Step, Transition
from rownaq.hq import access
from rownaq.hq.models import Commitment, Meeting, MeetingEvent, MeetingState
from rownaq.hq.services import HQError, resolution_adopt

M = MeetingState


def _secretariat(person: Any, meeting: Meeting) -> bool:
    return access.is_hq_secretariat(person, meeting.province)


# The whole life of a meeting. A (state, action) pair that is not here does not exist. "plan" only records a
# meeting's birth (``services.meeting_create``).
MEETING_STATES: StateMachine[Meeting] = StateMachine(
    {
        "plan": Transition(gettext_lazy("Planned"), frozenset(), M.PLANNED),
        "hold": Transition(gettext_lazy("Record the meeting as held"), frozenset({M.PLANNED}), M.HELD, (_secretariat,)),
        "finalise": Transition(
            gettext_lazy("Make the minutes final"), frozenset({M.HELD}), M.MINUTES_FINAL, (_secretariat,)
        ),
    },
    initial=M.PLANNED,
    births=frozenset({"plan"}),
)

# The actions people take on a meeting (every one of ``MEETING_STATES`` but its birth), in table order.
ACTIONS = tuple(name for name, rule in MEETING_STATES.transitions.items() if rule.parts)


class NoSuchAction(LookupError):
    """The name is no action a person takes on a meeting (a page answers 404)."""


def allowed_actions(meeting: Meeting, person: User) -> list[str]:
    """The actions ``person`` may take on the meeting now, in table order."""
    return MEETING_STATES.allowed(meeting.state, person, meeting)


def meeting_steps(meeting: Meeting) -> list[Step]:
    """The meeting's recorded history as steps of ``MEETING_STATES`` (check it with ``path_errors``)."""
    return [Step(e.action, e.from_state, e.to_state) for e in meeting.events.order_by("at", "pk")]


def act(*, meeting: Meeting, action: str, by: User, data: Mapping[str, Any] | None = None) -> Meeting:
    """Take ``action`` on the meeting as ``by``; returns the meeting as it is now. ``data``: ``comment`` (every
    action, optional) and, for ``hold``, ``held_on`` (the day it was held; missing or ``None``: the day it was
    planned for, or today if that is still to come). Raises ``NoSuchAction`` for a name that is no action,
    ``PermissionDenied`` for someone not of the secretariat and ``HQError`` for what the state does not allow."""
    data = data or {}
    comment = str(data.get("comment") or "")
    match action:
        case "hold":
            meeting_hold(meeting=meeting, by=by, held_on=data.get("held_on"), comment=comment)
        case "finalise":
            meeting_finalise(meeting=meeting, by=by, comment=comment)
        case _:
            raise NoSuchAction(action)
    meeting.refresh_from_db()
    return meeting


def _move(meeting: Meeting, action: str, by: User) -> Meeting:
    """Lock the meeting and check one move of the table: the person's part, then the state it starts from; the
    caller holds the transaction."""
    locked = Meeting.objects.select_for_update().select_related("province").get(pk=meeting.pk)
    if not MEETING_STATES.may(action, by, locked):
        raise PermissionDenied(_("Only the HQ secretariat of the province can do this."))
    if not MEETING_STATES.can(action, locked.state):
        raise HQError(
            _("“%(action)s” is not possible while the meeting is “%(state)s”.")
            % {"action": MEETING_STATES[action].label, "state": locked.get_state_display()}
        )
    return locked


def _record(meeting: Meeting, action: str, from_state: str, by: User, comment: str) -> None:
    MeetingEvent.objects.create(
        meeting=meeting, action=action, from_state=from_state, to_state=meeting.state, by=by, comment=comment
    )


def default_held_on(meeting: Meeting, today: dt.date | None = None) -> dt.date:
    """The day a meeting is recorded as held when none is given: the day it was planned for, unless that is
    still to come (then today)."""
    today = today or timezone.localdate()
    return min(meeting.held_on, today)


@transaction.atomic
def meeting_hold(*, meeting: Meeting, by: User, held_on: dt.date | None = None, comment: str = "") -> Meeting:
    """Record that the meeting was held (on ``held_on``, never a day still to come) and adopt its drafts."""
    locked = _move(meeting, "hold", by)
    day = held_on or default_held_on(locked)
    if day > timezone.localdate():
        raise HQError(_("A meeting cannot be recorded as held on a day still to come."))
    early = (
        Commitment.objects.filter(resolution__meeting=locked, deadline__lt=day)
        .select_related("resolution")
        .order_by("resolution__number", "pk")
        .first()
    )
    if early is not None:
        raise HQError(
            _(
                "A deadline of resolution %(ref)s is before the day the meeting was held; withdraw the draft and "
                "issue it again with a later deadline."
            )
            % {"ref": f"{locked.number}/{early.resolution.number}"}
        )
    from_state = locked.state
    locked.state, locked.held_on = M.HELD, day
    locked.save(update_fields=["state", "held_on"])
    _record(locked, "hold", from_state, by, comment)
    for resolution in locked.resolutions.select_related("case", "meeting").order_by("number"):
        resolution.meeting = locked
        resolution_adopt(resolution=resolution, by=by)
    return locked


@transaction.atomic
def meeting_finalise(*, meeting: Meeting, by: User, comment: str = "") -> Meeting:
    """Make the minutes final: the agenda and the resolutions no longer change (their follow-up goes on)."""
    locked = _move(meeting, "finalise", by)
    from_state = locked.state
    locked.state = M.MINUTES_FINAL
    locked.save(update_fields=["state"])
    _record(locked, "finalise", from_state, by, comment)
    return locked
