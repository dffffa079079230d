"""The demo writes its rows with ``bulk_create`` and sets their states by hand: every state it wrote must be
one the services could have reached, step by step, through the transition tables.

A case's history (its ``CaseEvent`` rows, in the order the case page shows them) must start with the
filing in the model's initial state and then follow ``obstacles.workflow.TRANSITIONS`` to the case's
current state; likewise a proposal's ``ProposalEvent`` rows and ``needs.workflow.PROPOSAL_STATES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from django.db import transaction

from rownaq.core.workflow import Step
from rownaq.demo.cases import demo_cases, demo_cases_build
from rownaq.demo.desk import demo_desk_build, demo_desk_needs
from rownaq.demo.province import demo_province_build
from rownaq.demo.units import demo_units
from rownaq.geography.models import Province
from rownaq.needs.models import Proposal, ProposalEvent, ProposalEventKind, ProposalState
from rownaq.needs.workflow import PROPOSAL_STATES, proposal_steps
from rownaq.obstacles.models import Case, CaseEvent, CaseState
from rownaq.obstacles.workflow import CASE_STATES, TRANSITIONS
from rownaq.registry.models import ImportBatch

pytestmark = pytest.mark.django_db

S = CaseState
# Case events that record something without being a transition of the case they belong to.
CASE_NOTES = frozenset({"merged_in"})
# The proposal event that is each action of the table; messages and reminders change no state.
PROPOSAL_ACTIONS = {
    ProposalEventKind.SHORTLISTED: "shortlist",
    ProposalEventKind.ACCEPTED: "accept",
    ProposalEventKind.DECLINED: "decline",
    ProposalEventKind.WITHDRAWN: "withdraw",
}
PROPOSAL_NOTES = frozenset({ProposalEventKind.MESSAGE, ProposalEventKind.REMINDED})


def case_targets(action: str, state: str) -> set[str]:
    """The states ``action`` may lead to from ``state`` (where the table leaves it to the service: its rule)."""
    rule = TRANSITIONS[action]
    if rule.target is not None:
        return {rule.target}
    if action == "answer":  # referral_answer: a case waiting for agencies moves on, otherwise it stays
        return {S.REFERRED, S.ANSWERED} if state == S.REFERRED else {state}
    if action == "refer":  # case_refer: a case the HQ holds stays with it
        return {state} if state in (S.ON_AGENDA, S.DECIDED) else {S.REFERRED}
    if action == "recategorise":  # case_recategorise re-routes a referred case
        return {S.REFERRED, S.ANSWERED, S.ACCEPTED} if state == S.REFERRED else {state}
    raise AssertionError(f"the test does not know the service's target of {action!r}")


def case_problems(case: Case, events: list[CaseEvent]) -> list[str]:
    """What in the case's history no transition of the workflow allows (empty if nothing)."""
    problems: list[str] = []
    initial = Case._meta.get_field("state").get_default()
    if not events or (events[0].action, events[0].from_state, events[0].to_state) != ("file", "", initial):
        return [f"{case.reference}: does not start with its filing in {initial!r}"]
    state, transitions = initial, 0
    for event in events[1:]:
        where = f"{case.reference} event {event.pk} {event.action!r}"
        if event.action in CASE_NOTES:
            if event.from_state != state or event.to_state != state:
                problems.append(f"{where}: records {event.from_state!r}→{event.to_state!r} while the case is {state!r}")
            continue
        if event.action not in TRANSITIONS:
            problems.append(f"{where}: no such transition")
            continue
        if event.from_state != state:
            problems.append(f"{where}: from {event.from_state!r}, but the case was {state!r}")
        if state not in TRANSITIONS[event.action].sources:
            problems.append(f"{where}: not allowed from {state!r}")
        if event.to_state not in case_targets(event.action, state):
            problems.append(f"{where}: leads to {event.to_state!r}, not to {sorted(case_targets(event.action, state))}")
        state, transitions = event.to_state, transitions + 1
    if state != case.state:
        problems.append(f"{case.reference}: the history ends in {state!r}, the case is {case.state!r}")
    if case.version != 1 + transitions:
        problems.append(f"{case.reference}: version {case.version} after {transitions} transitions")
    # The same history through the core's check of the table, as the services' own tests use it.
    steps = [Step(event.action, event.from_state, event.to_state) for event in events]
    problems += [f"{case.reference}: {error}" for error in CASE_STATES.path_errors(steps, final=case.state)]
    return problems


def proposal_problems(proposal: Proposal, events: list[ProposalEvent]) -> list[str]:
    """What in the proposal's history no move of the desk's table allows (empty if nothing)."""
    problems: list[str] = []
    initial = Proposal._meta.get_field("state").get_default()
    if not events or events[0].kind != ProposalEventKind.SUBMITTED:
        return [f"proposal {proposal.pk}: does not start with its submission"]
    state = initial
    for event in events[1:]:
        if event.kind in PROPOSAL_NOTES:
            continue
        if event.kind == ProposalEventKind.SUBMITTED or event.kind not in PROPOSAL_ACTIONS:
            problems.append(f"proposal {proposal.pk} event {event.pk}: {event.kind!r} is no move of the table")
            continue
        rule = PROPOSAL_STATES[PROPOSAL_ACTIONS[ProposalEventKind(event.kind)]]
        if state not in rule.sources:
            problems.append(f"proposal {proposal.pk} event {event.pk}: {event.kind!r} is not allowed from {state!r}")
        state = rule.target or state
    if state != proposal.state:
        problems.append(f"proposal {proposal.pk}: the history ends in {state!r}, the proposal is {proposal.state!r}")
    return problems


@pytest.fixture(
    scope="module", params=[(1403, dt.date(2025, 10, 1), None), (7, dt.date(2025, 3, 21), 400)], ids=["qom", "nowruz"]
)
def demo(request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any) -> Iterator[Province]:
    """Qom's default demo (about 2,500 units and 300 cases) and a smaller one on another seed and day: each built
    once for the module's tests (which only read it) and rolled back after them."""
    seed, today, units = request.param
    with django_db_blocker.unblock(), transaction.atomic():
        qom = Province.objects.get(code="25")
        demo_province_build(province=qom, units=units, seed=seed, today=today)
        assert demo_cases_build(province=qom, seed=seed, today=today).cases
        assert demo_desk_build(province=qom, seed=seed, today=today).created
        yield qom
        transaction.set_rollback(True)


def test_every_case_history_follows_the_workflow(demo: Province) -> None:
    cases = list(demo_cases(province=demo).prefetch_related("events"))
    assert len(cases) >= 40
    assert {event.action for case in cases for event in case.events.all()} >= {
        "file", "accept", "reject", "refer", "answer", "put_on_agenda", "decide", "resolve", "confirm",
    }  # fmt: skip
    problems = [problem for case in cases for problem in case_problems(case, list(case.events.all()))]
    assert problems == []


def test_every_proposal_history_follows_the_desk_table(demo: Province) -> None:
    proposals = list(
        Proposal.objects.filter(need__in=demo_desk_needs(province=demo)).prefetch_related("events").order_by("pk")
    )
    assert {proposal.state for proposal in proposals} == set(ProposalState.values)
    problems = [problem for p in proposals for problem in proposal_problems(p, list(p.events.all()))]
    assert problems == []
    # The same histories through the core's check of the table, as the desk's own tests use it.
    assert [p.pk for p in proposals if PROPOSAL_STATES.path_errors(proposal_steps(p), final=p.state)] == []


def test_every_unit_status_history_is_a_chain(demo: Province) -> None:
    """The registry has no table of status moves, but each change starts where the previous one ended."""
    for unit in demo_units(province=demo).prefetch_related("status_changes"):
        changes = sorted(unit.status_changes.all(), key=lambda change: (change.effective_on, change.pk))
        assert changes[0].old_status == ""
        assert all(a.new_status == b.old_status and a.new_status != b.new_status for a, b in pairwise(changes))
        assert changes[-1].new_status == unit.status


def test_the_demo_makes_no_import_batches(demo: Province) -> None:
    """Import batches have states of their own; the demo does not write any (check them here if it ever does)."""
    assert not ImportBatch.objects.exists()


def test_the_checks_catch_a_state_no_transition_allows(demo: Province) -> None:
    case = demo_cases(province=demo).filter(state=S.CLOSED).first()
    assert case is not None
    events = list(case.events.all())
    assert case_problems(case, events) == []
    confirm = events[-1]
    confirm.from_state = S.ANSWERED  # confirmed straight from «answered», skipping the outcome
    assert case_problems(case, events)
    confirm.from_state = S.RESOLVED
    assert case_problems(case, [e for e in events if e.action != "resolve"])  # no outcome before the confirmation

    proposal = Proposal.objects.filter(need__in=demo_desk_needs(province=demo), state=ProposalState.DECLINED).first()
    assert proposal is not None
    history = list(proposal.events.all())
    assert proposal_problems(proposal, history) == []
    withdrawn = ProposalEvent(pk=0, proposal=proposal, kind=ProposalEventKind.WITHDRAWN, at=history[-1].at)
    assert proposal_problems(proposal, [*history, withdrawn])  # nothing moves on from «declined»
