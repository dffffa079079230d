"""The life of a proposal: the table of its allowed moves (``PROPOSAL_STATES``, the shape of
``rownaq.core.workflow``), the services that make them, and ``act``, the one door through which the
pages, the API and the tests take a decision on a proposal by its name.

A proposal is submitted, talked about (messages), shortlisted, accepted (it becomes an agreement, later
delivered), declined or withdrawn; the need's owners are reminded once of a proposal left unanswered.
Each step writes one row of the proposal's history (``ProposalEvent``: its kind, who, when, a note);
``proposal_steps`` reads that history back as steps of the table, so ``PROPOSAL_STATES.path_errors``
can check any proposal's recorded life.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rownaq.accounts.models import User
from rownaq.core.workflow import StateMachine, Step, Transition
from rownaq.needs import access
from rownaq.needs.models import (
    Agreement,
    Capability,
    DeclineReason,
    Need,
    NeedState,
    Proposal,
    ProposalEvent,
    ProposalEventKind,
    ProposalMessage,
    ProposalState,
)
from rownaq.needs.services import DeskError, members_of, need_side_people, proposal_link
from rownaq.notifications.services import notify
from rownaq.workdays.services import holidays_between, working_days_between

P = ProposalState
K = ProposalEventKind


def _need_side(person: Any, proposal: Proposal) -> bool:
    return access.is_need_side(person, proposal.need)


def _proposer(person: Any, proposal: Proposal) -> bool:
    return access.is_proposer(person, proposal)


LIVE_STATES = frozenset({P.SUBMITTED, P.SHORTLISTED})
EVERY_STATE = frozenset(P.values)

# The whole life of a proposal. A (state, action) pair that is not here does not exist. "submit" is its
# birth; "message" and "remind" leave the state as it is.
PROPOSAL_STATES: StateMachine[Proposal] = StateMachine(
    {
        "shortlist": Transition(
            gettext_lazy("Add to the shortlist"), frozenset({P.SUBMITTED}), P.SHORTLISTED, (_need_side,)
        ),
        "accept": Transition(gettext_lazy("Accept and record the agreement"), LIVE_STATES, P.ACCEPTED, (_need_side,)),
        "decline": Transition(gettext_lazy("Decline"), LIVE_STATES, P.DECLINED, (_need_side,)),
        "withdraw": Transition(gettext_lazy("Withdraw the proposal"), LIVE_STATES, P.WITHDRAWN, (_proposer,)),
        "message": Transition(K.MESSAGE.label, EVERY_STATE, None, (_need_side, _proposer)),
        "remind": Transition(K.REMINDED.label, LIVE_STATES, None),
    },
    initial=P.SUBMITTED,
    births=frozenset({"submit"}),
)
# The decisions taken on a proposal by name (``act``; the page's forms, the API's ``actions/{name}/``).
DECISIONS = ("shortlist", "accept", "decline", "withdraw")
NEED_SIDE_ONLY = gettext_lazy("Only the need's owner can do this.")
REFUSED = {"withdraw": gettext_lazy("Only the proposing organisation can withdraw its proposal.")}

# The action each kind of history row records.
EVENT_ACTIONS: dict[str, str] = {
    K.SUBMITTED: "submit",
    K.SHORTLISTED: "shortlist",
    K.MESSAGE: "message",
    K.ACCEPTED: "accept",
    K.DECLINED: "decline",
    K.WITHDRAWN: "withdraw",
    K.REMINDED: "remind",
}


def proposal_steps(proposal: Proposal) -> list[Step]:
    """The proposal's recorded history (its events, in order) as steps of ``PROPOSAL_STATES``: each event is
    its action, from the state the previous one left to the state the event records (its kind, for a change
    of state; the same state for a message or a reminder). Check it with
    ``PROPOSAL_STATES.path_errors(proposal_steps(proposal), final=proposal.state)``."""
    return _steps(proposal.events.all())


def _steps(events: Iterable[ProposalEvent]) -> list[Step]:
    steps = []
    state = ""
    for event in events:
        after = event.kind if event.kind in P.values else state
        steps.append(Step(EVENT_ACTIONS.get(event.kind, event.kind), state, after))
        state = after
    return steps


def allowed_decisions(proposal: Proposal, person: User) -> list[str]:
    """The decisions ``person`` may take on the proposal now, in the table's order."""
    return [name for name in PROPOSAL_STATES.allowed(proposal.state, person, proposal) if name in DECISIONS]


def act(
    *,
    proposal: Proposal,
    action: str,
    by: User,
    value: int | None = None,
    signed_on: dt.date | None = None,
    reason: str = "",
    note: str = "",
) -> Proposal:
    """Take the decision ``action`` (one of ``DECISIONS``) on the proposal: shortlist, accept (``value``;
    ``signed_on``, today by default), decline (``reason``, ``note``), withdraw. The refusals are those of
    the services: ``PermissionDenied`` for the wrong part, ``DeskError`` for the wrong state,
    ``ValidationError`` for a wrong field."""
    match action:
        case "shortlist":
            proposal_shortlist(proposal=proposal, by=by)
        case "accept":
            if value is None:
                raise ValidationError({"value": [_("Give the agreement's value.")]})
            proposal_accept(proposal=proposal, by=by, value=value, signed_on=signed_on or timezone.localdate())
        case "decline":
            proposal_decline(proposal=proposal, by=by, reason=reason, note=note)
        case "withdraw":
            proposal_withdraw(proposal=proposal, by=by)
        case _:
            raise DeskError(_("There is no such action."))
    return proposal


# -- the steps ---------------------------------------------------------------------------------------


def _event(
    proposal: Proposal, kind: str, by: User | None, *, at: dt.datetime | None = None, note: str = ""
) -> ProposalEvent:
    """Write one step of the proposal's history; the caller holds the transaction of the step itself."""
    return ProposalEvent.objects.create(proposal=proposal, kind=kind, by=by, at=at or timezone.now(), note=note)


@transaction.atomic
def proposal_submit(
    *,
    need: Need,
    capability: Capability,
    by: User,
    text: str,
    price: int | None = None,
    delivery: str = "",
) -> Proposal:
    """Answer a need with a short offer from one of the organisation's capabilities."""
    if not access.is_capability_member(by, capability.owner_id):
        raise PermissionDenied(_("Only the capability's owner can answer with it."))
    if need.unit.owner_id is not None and need.unit.owner_id == capability.owner_id:
        raise DeskError(_("An organisation cannot answer its own need."))
    if need.state != NeedState.OPEN:
        raise DeskError(_("This need no longer takes proposals."))
    if not access.need_details_visible(by, need):
        raise PermissionDenied(_("Ask for access to the need's details before answering it."))
    if price is not None and price < 0:
        raise ValidationError(_("The price cannot be negative."))
    proposal = Proposal(
        need=need,
        capability=capability,
        organisation_id=capability.owner_id,
        submitted_by=by,
        text=text,
        price=price,
        delivery=delivery,
    )
    proposal.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        raise DeskError(_("Your organisation has already answered this need.")) from None
    _event(proposal, ProposalEventKind.SUBMITTED, by, at=proposal.submitted_at)
    notify(
        users=need_side_people(need),
        text=_("New proposal from %(org)s for your need “%(title)s”.")
        % {"org": capability.owner.name, "title": need.title},
        link=proposal_link(proposal),
    )
    return proposal


def _lock(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().select_related("need", "need__unit__county").get(pk=proposal.pk)
    return locked


def _move(proposal: Proposal, action: str, by: User) -> Proposal:
    """Lock the proposal and check one move of the table: the person's part, then the state it starts from;
    the caller holds the transaction."""
    locked = _lock(proposal)
    if not PROPOSAL_STATES.may(action, by, locked):
        raise PermissionDenied(str(REFUSED.get(action, NEED_SIDE_ONLY)))
    if not PROPOSAL_STATES.can(action, locked.state):
        raise DeskError(
            _("This is not possible while the proposal is “%(state)s”.") % {"state": locked.get_state_display()}
        )
    return locked


def _first_reply(proposal: Proposal, now: dt.datetime) -> list[str]:
    if proposal.first_reply_at is None:
        proposal.first_reply_at = now
        return ["first_reply_at"]
    return []


@transaction.atomic
def proposal_message(*, proposal: Proposal, by: User, text: str) -> ProposalMessage:
    """A message in the proposal's thread; the need side's first answer counts as its reply."""
    locked = _lock(proposal)
    if not PROPOSAL_STATES.may("message", by, locked) or not PROPOSAL_STATES.can("message", locked.state):
        raise PermissionDenied(_("Only the two sides of a proposal write in its thread."))
    need_side = access.is_need_side(by, locked.need)
    if not text.strip():
        raise ValidationError(_("Write the message."))
    now = timezone.now()
    message = ProposalMessage.objects.create(proposal=locked, author=by, text=text, created_at=now)
    _event(locked, ProposalEventKind.MESSAGE, by, at=now)
    if need_side:
        fields = _first_reply(locked, now)
        if fields:
            locked.save(update_fields=fields)
        others = members_of(locked.organisation_id)
    else:
        others = need_side_people(locked.need)
    notify(
        users=[u for u in others if u.pk != by.pk],
        text=_("New message on the proposal for “%(title)s”.") % {"title": locked.need.title},
        link=proposal_link(locked),
    )
    proposal.refresh_from_db()
    return message


@transaction.atomic
def proposal_shortlist(*, proposal: Proposal, by: User) -> Proposal:
    locked = _move(proposal, "shortlist", by)
    now = timezone.now()
    locked.state = PROPOSAL_STATES.target("shortlist", locked.state)
    locked.save(update_fields=["state", *_first_reply(locked, now)])
    _event(locked, ProposalEventKind.SHORTLISTED, by, at=now)
    notify(
        users=members_of(locked.organisation_id),
        text=_("Your proposal for “%(title)s” was shortlisted.") % {"title": locked.need.title},
        link=proposal_link(locked),
    )
    proposal.refresh_from_db()
    return proposal


@transaction.atomic
def proposal_accept(*, proposal: Proposal, by: User, value: int, signed_on: dt.date) -> Agreement:
    """Accept an offer: it becomes an agreement, and the need is met."""
    locked = _move(proposal, "accept", by)
    if value < 0:
        raise ValidationError(_("The value cannot be negative."))
    if locked.need.state != NeedState.OPEN:
        raise DeskError(_("This need no longer takes proposals."))
    now = timezone.now()
    locked.state, locked.decided_at = PROPOSAL_STATES.target("accept", locked.state), now
    locked.save(update_fields=["state", "decided_at", *_first_reply(locked, now)])
    agreement = Agreement.objects.create(proposal=locked, value=value, signed_on=signed_on)
    _event(locked, ProposalEventKind.ACCEPTED, by, at=now)
    Need.objects.filter(pk=locked.need_id).update(state=NeedState.AGREED, updated_at=now)
    notify(
        users=members_of(locked.organisation_id),
        text=_("Your proposal for “%(title)s” was accepted.") % {"title": locked.need.title},
        link=proposal_link(locked),
    )
    # The other offers are answered too: nobody is left waiting on a need that is met.
    for other in (
        Proposal.objects.select_for_update()
        .select_related("need")
        .filter(need_id=locked.need_id, state__in=PROPOSAL_STATES["decline"].sources)
    ):
        _decline(other, by, DeclineReason.SOLVED, "", now)
    proposal.refresh_from_db()
    return agreement


@transaction.atomic
def proposal_decline(*, proposal: Proposal, by: User, reason: str, note: str = "") -> Proposal:
    """Decline an offer with a reason from the list (``DeclineReason``) and an optional note."""
    if reason not in DeclineReason.values:
        raise ValidationError(_("Choose the reason from the list."))
    locked = _move(proposal, "decline", by)
    _decline(locked, by, reason, note, timezone.now())
    proposal.refresh_from_db()
    return proposal


def _decline(locked: Proposal, by: User, reason: str, note: str, now: dt.datetime) -> None:
    """Decline a locked live proposal and tell its organisation; the caller holds the transaction."""
    locked.state, locked.decided_at = PROPOSAL_STATES.target("decline", locked.state), now
    locked.decline_reason, locked.decline_note = reason, note
    locked.save(update_fields=["state", "decided_at", "decline_reason", "decline_note", *_first_reply(locked, now)])
    _event(locked, ProposalEventKind.DECLINED, by, at=now, note=str(DeclineReason(reason).label))
    notify(
        users=members_of(locked.organisation_id),
        text=_("Your proposal for “%(title)s” was declined: %(reason)s")
        % {"title": locked.need.title, "reason": DeclineReason(reason).label},
        link=proposal_link(locked),
    )


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by: User) -> Proposal:
    locked = _move(proposal, "withdraw", by)
    locked.state, locked.decided_at = PROPOSAL_STATES.target("withdraw", locked.state), timezone.now()
    locked.save(update_fields=["state", "decided_at"])
    _event(locked, ProposalEventKind.WITHDRAWN, by, at=locked.decided_at)
    proposal.refresh_from_db()
    return proposal


@transaction.atomic
def agreement_deliver(
    *,
    agreement: Agreement,
    by: User,
    delivered_on: dt.date,
    import_value_replaced: int | None = None,
    currency_saved_usd: Decimal | None = None,
) -> Agreement:
    """Record the delivery: from now on it counts as domestic manufacture achieved."""
    locked = Agreement.objects.select_for_update().select_related("proposal__need__unit__county").get(pk=agreement.pk)
    if not access.is_need_side(by, locked.proposal.need):
        raise PermissionDenied(_("Only the need's owner records the delivery."))
    if locked.delivered_on is not None:
        raise DeskError(_("The delivery is already recorded."))
    if (import_value_replaced or 0) < 0 or (currency_saved_usd or 0) < 0:
        raise ValidationError(_("The amounts cannot be negative."))
    locked.delivered_on = delivered_on
    locked.import_value_replaced = import_value_replaced
    locked.currency_saved_usd = currency_saved_usd
    locked.save(update_fields=["delivered_on", "import_value_replaced", "currency_saved_usd"])
    agreement.refresh_from_db()
    return agreement


# -- answering on time -----------------------------------------------------------------------------


def proposals_remind_overdue(today: dt.date | None = None) -> int:
    """Remind the need's unit managers, once, of each proposal unanswered after the promised working days."""
    today = today or timezone.localdate()
    waiting = (
        Proposal.objects.filter(
            first_reply_at__isnull=True,
            reminded_at__isnull=True,
            state__in=PROPOSAL_STATES["remind"].sources,
            need__state=NeedState.OPEN,
        )
        .select_related("need", "need__unit", "need__posted_by", "organisation")
        .order_by("pk")
    )
    waiting_list = list(waiting)
    first = min((timezone.localdate(p.submitted_at) for p in waiting_list), default=today)
    holidays = holidays_between(first, today)
    count = 0
    for proposal in waiting_list:
        submitted = timezone.localdate(proposal.submitted_at)
        if working_days_between(submitted, today, holidays) <= proposal.need.reply_days:
            continue
        with transaction.atomic():
            now = timezone.now()
            claimed = Proposal.objects.filter(pk=proposal.pk, reminded_at__isnull=True, first_reply_at__isnull=True)
            if not claimed.update(reminded_at=now):
                continue  # answered, or reminded by a run at the same time
            _event(proposal, ProposalEventKind.REMINDED, None, at=now)
            notify(
                users=need_side_people(proposal.need),
                text=_(
                    "You promised to answer proposals within %(days)s working days: %(org)s is waiting for "
                    "your answer on “%(title)s”."
                )
                % {"days": proposal.need.reply_days, "org": proposal.organisation.name, "title": proposal.need.title},
                link=proposal_link(proposal),
                email=True,
            )
        count += 1
    return count
