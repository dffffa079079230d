"""The life of a proposal as one table (``PROPOSAL_STATES``) and one door (``act``): every recorded history
is a path of the table, and the page, the API and the services refuse what the table does not allow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.core.workflow import Step
from rownaq.needs import services
from rownaq.needs.models import (
    DeclineReason,
    Need,
    NeedState,
    Proposal,
    ProposalEvent,
    ProposalEventKind,
    ProposalState,
)
from rownaq.needs.tests.desk import Desk, post_need
from rownaq.needs.workflow import (
    DECISIONS,
    PROPOSAL_STATES,
    act,
    agreement_deliver,
    allowed_decisions,
    proposal_message,
    proposal_steps,
    proposal_submit,
    proposals_remind_overdue,
)
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

S = ProposalState


def path_errors(proposal: Proposal) -> list[str]:
    proposal.refresh_from_db()
    return PROPOSAL_STATES.path_errors(proposal_steps(proposal), final=proposal.state)


@pytest.fixture
def need(unit: Unit, manager: User) -> Need:
    return post_need(unit, manager, reply_days=5)


def test_a_proposal_lives_its_life_along_the_table(need: Need, unit: Unit, manager: User, desk: Desk) -> None:
    chosen = proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="قالب در ۸ هفته")
    other = proposal_submit(need=need, capability=desk.firm_capability, by=desk.firm, text="پیشنهاد دوم")
    assert path_errors(chosen) == []
    assert proposal_steps(chosen) == [Step("submit", "", S.SUBMITTED)]

    proposal_message(proposal=chosen, by=manager, text="جنس فولاد قالب چیست؟")
    proposal_message(proposal=chosen, by=desk.lab, text="فولاد ۲۳۱۱")
    act(proposal=chosen, action="shortlist", by=manager)
    accepted = act(proposal=chosen, action="accept", by=manager, value=4_000_000_000)
    assert accepted.state == S.ACCEPTED
    assert accepted.agreement.signed_on == timezone.localdate()  # today, unless the need side says otherwise
    agreement_deliver(agreement=accepted.agreement, by=manager, delivered_on=timezone.localdate())
    proposal_message(proposal=chosen, by=desk.lab, text="تحویل شد")  # the thread stays open after the decision

    assert [(s.action, s.from_state, s.to_state) for s in proposal_steps(chosen)] == [
        ("submit", "", S.SUBMITTED),
        ("message", S.SUBMITTED, S.SUBMITTED),
        ("message", S.SUBMITTED, S.SUBMITTED),
        ("shortlist", S.SUBMITTED, S.SHORTLISTED),
        ("accept", S.SHORTLISTED, S.ACCEPTED),
        ("message", S.ACCEPTED, S.ACCEPTED),
    ]
    assert path_errors(chosen) == []
    # Accepting one offer declined the other: its history is a path of the table too.
    assert other.events.last().kind == ProposalEventKind.DECLINED  # type: ignore[union-attr]
    assert path_errors(other) == []
    need.refresh_from_db()
    assert need.state == NeedState.AGREED

    # A reminded proposal, later declined; a withdrawn one.
    later = post_need(unit, manager, title="یاتاقان", reply_days=1)
    reminded = proposal_submit(need=later, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    withdrawn = proposal_submit(need=later, capability=desk.firm_capability, by=desk.firm, text="پیشنهاد")
    act(proposal=withdrawn, action="withdraw", by=desk.firm)
    assert proposals_remind_overdue(today=timezone.localdate() + dt.timedelta(days=30)) == 1
    act(proposal=reminded, action="decline", by=manager, reason=DeclineReason.PRICE, note="گران است")
    assert [s.action for s in proposal_steps(reminded)] == ["submit", "remind", "decline"]
    for proposal in (reminded, withdrawn):
        assert path_errors(proposal) == [], proposal.pk


def test_path_errors_find_a_history_the_table_does_not_allow(need: Need, manager: User, desk: Desk) -> None:
    proposal = proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    act(proposal=proposal, action="decline", by=manager, reason=DeclineReason.TIME)
    ProposalEvent.objects.create(proposal=proposal, kind=ProposalEventKind.SHORTLISTED, by=manager)
    assert path_errors(proposal) == [
        "step 2: 'shortlist' is not allowed from 'declined'",
        "the history ends at 'shortlisted' but the row is 'declined'",
    ]


def test_act_refuses_what_the_table_or_the_fields_do_not_allow(need: Need, manager: User, desk: Desk) -> None:
    proposal = proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    with pytest.raises(services.DeskError):
        act(proposal=proposal, action="reopen", by=manager)
    with pytest.raises(ValidationError) as refused:
        act(proposal=proposal, action="accept", by=manager)
    assert set(refused.value.message_dict) == {"value"}
    with pytest.raises(PermissionDenied):
        act(proposal=proposal, action="shortlist", by=desk.lab)  # the proposer does not shortlist
    with pytest.raises(PermissionDenied):
        act(proposal=proposal, action="withdraw", by=manager)  # nor does the need side withdraw
    act(proposal=proposal, action="shortlist", by=manager)
    with pytest.raises(services.DeskError):
        act(proposal=proposal, action="shortlist", by=manager)  # once
    assert path_errors(proposal) == []


def test_the_decisions_offered_are_the_tables(need: Need, manager: User, expert: User, desk: Desk) -> None:
    proposal = proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    proposal = Proposal.objects.select_related("need__unit__county").get(pk=proposal.pk)
    assert allowed_decisions(proposal, manager) == ["shortlist", "accept", "decline"]
    assert allowed_decisions(proposal, expert) == ["shortlist", "accept", "decline"]
    assert allowed_decisions(proposal, desk.lab) == ["withdraw"]
    assert allowed_decisions(proposal, desk.firm) == []
    act(proposal=proposal, action="shortlist", by=manager)
    assert allowed_decisions(proposal, manager) == ["accept", "decline"]
    assert set(DECISIONS) <= set(PROPOSAL_STATES.transitions)
