"""The case state machine: every transition in the table, every one it leaves out, who may make each, the
table's shape, and a case's recorded history checked against the table (``CASE_STATES.path_errors``).

The parametrised tests read ``TRANSITIONS``: a new row is tested from each of its sources, and in
every other state, once ``actions.act`` takes it (``kit.perform`` gives it valid arguments) and ``ALLOWED``
says who may take it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.core.workflow import Step
from rownaq.obstacles import actions, referrals, workflow
from rownaq.obstacles.models import Case, CaseEvent, CaseState, ObstacleCategory, OutcomeKind, ReferralState
from rownaq.obstacles.tests.kit import COMMENT, Kit, perform, snapshot
from rownaq.obstacles.workflow import CASE_STATES, TRANSITIONS, CaseError, StaleCaseError
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

S = CaseState


# Every persona the tests try; those not allowed an action must be refused it.
PERSONAS = (
    "expert",
    "deputy",
    "admin_user",
    "manager",
    "other_manager",
    "bank_liaison",
    "liaison",
    "investor",
    "far_expert",
    "far_deputy",
)
EXPERTS = frozenset({"expert", "admin_user"})
SECRETARIAT = EXPERTS | {"deputy"}
UNIT_SIDE = frozenset({"manager", "admin_user"})
# Who may take each action on a case of Qom about ``unit`` with an open referral to ``bank``.
ALLOWED: dict[str, frozenset[str]] = {
    "accept": EXPERTS,
    "reject": EXPERTS,
    "merge": EXPERTS,
    "refer": EXPERTS,
    "answer": frozenset({"bank_liaison"}),
    "put_on_agenda": SECRETARIAT,
    "decide": SECRETARIAT,
    "resolve": EXPERTS,
    "confirm": UNIT_SIDE,
    "reopen": UNIT_SIDE,
    "recategorise": EXPERTS,
    "withdraw_referral": EXPERTS,
    "return_referral": frozenset({"bank_liaison"}),
}
# The persona who takes each action in the tests of allowed transitions.
ACTOR = {
    "accept": "expert",
    "reject": "expert",
    "merge": "expert",
    "refer": "expert",
    "answer": "bank_liaison",
    "put_on_agenda": "deputy",
    "decide": "deputy",
    "resolve": "expert",
    "confirm": "manager",
    "reopen": "manager",
    "recategorise": "expert",
    "withdraw_referral": "expert",
    "return_referral": "bank_liaison",
}


def expected_state(action: str, source: str) -> str:
    target = TRANSITIONS[action].target
    if target is not None:
        return target
    # The services decide: the only open referral answered moves a referred case on, while a case on
    # the HQ agenda or decided stays there; the category changes in place.
    if action == "answer":
        return S.ANSWERED if source == S.REFERRED else source
    # The only referral (to the bank) withdrawn or returned: the case goes back to the expert to refer again;
    # a case the HQ holds stays where it is, and is referred again there.
    if action in ("withdraw_referral", "return_referral"):
        return S.ACCEPTED if source == S.REFERRED else source
    if action == "refer":
        return source if source in (S.ON_AGENDA, S.DECIDED) else S.REFERRED
    return {"recategorise": source}[action]


ALLOWED_PAIRS = [(action, source) for action, rule in TRANSITIONS.items() for source in sorted(rule.sources)]
FORBIDDEN_PAIRS = [
    (action, state) for action, rule in TRANSITIONS.items() for state in S.values if state not in rule.sources
]
WRONG_PERSONAS = [(action, persona) for action in TRANSITIONS for persona in PERSONAS if persona not in ALLOWED[action]]


def test_every_action_has_its_people_and_an_actor() -> None:
    assert set(ALLOWED) == set(TRANSITIONS) == set(ACTOR) == set(actions.ACTIONS)
    assert all(ACTOR[action] in ALLOWED[action] for action in TRANSITIONS)


@pytest.mark.parametrize(("action", "source"), ALLOWED_PAIRS, ids=[f"{a}-from-{s}" for a, s in ALLOWED_PAIRS])
def test_allowed_transition_moves_and_records(
    action: str, source: str, kit: Kit, request: pytest.FixtureRequest
) -> None:
    actor: User = request.getfixturevalue(ACTOR[action])
    case = kit.make_case(source)
    version = case.version

    perform(kit, action, case, actor, expected_version=version)

    case.refresh_from_db()
    target = expected_state(action, source)
    assert case.state == target
    assert case.version == version + 1
    events = list(case.events.all())
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.from_state, event.to_state, event.by, event.comment) == (
        action,
        source,
        target,
        actor,
        COMMENT,
    )
    assert event.at <= timezone.now()


@pytest.mark.parametrize(("action", "state"), FORBIDDEN_PAIRS, ids=[f"{a}-in-{s}" for a, s in FORBIDDEN_PAIRS])
def test_forbidden_transition_changes_nothing(
    action: str, state: str, kit: Kit, request: pytest.FixtureRequest
) -> None:
    actor: User = request.getfixturevalue(ACTOR[action])
    needs_referral = action in ("answer", "withdraw_referral", "return_referral")
    case = kit.make_case(state, referral=ReferralState.OPEN if needs_referral else None)
    before = snapshot(case)

    with pytest.raises(CaseError) as raised:
        perform(kit, action, case, actor, expected_version=case.version)

    assert not isinstance(raised.value, StaleCaseError)
    assert snapshot(case) == before


@pytest.mark.parametrize(("action", "persona"), WRONG_PERSONAS, ids=[f"{p}-may-not-{a}" for a, p in WRONG_PERSONAS])
def test_wrong_persona_is_refused_and_changes_nothing(
    action: str, persona: str, kit: Kit, request: pytest.FixtureRequest
) -> None:
    person: User = request.getfixturevalue(persona)
    source = S.REFERRED if S.REFERRED in TRANSITIONS[action].sources else sorted(TRANSITIONS[action].sources)[0]
    case = kit.make_case(source)
    before = snapshot(case)

    with pytest.raises(PermissionDenied):
        perform(kit, action, case, person, expected_version=case.version)

    assert snapshot(case) == before


@pytest.mark.parametrize("state", S.values)
def test_allowed_actions_follow_the_table_for_each_persona(
    state: str, kit: Kit, request: pytest.FixtureRequest
) -> None:
    case = kit.make_case(state)
    for persona in PERSONAS:
        person: User = request.getfixturevalue(persona)
        expected = [a for a, rule in TRANSITIONS.items() if state in rule.sources and persona in ALLOWED[a]]
        assert workflow.allowed_actions(case, person) == expected, persona


def test_closed_only_through_confirm_after_an_outcome() -> None:
    into_closed = [action for action, rule in TRANSITIONS.items() if rule.target == S.CLOSED]
    assert into_closed == ["confirm"]
    assert TRANSITIONS["confirm"].sources == {S.RESOLVED}
    assert [action for action, rule in TRANSITIONS.items() if rule.target == S.RESOLVED] == ["resolve"]
    # The actions whose service picks the state never leave the working states.
    for action in ("answer", "recategorise"):
        assert TRANSITIONS[action].target is None
        assert not {S.RESOLVED, S.CLOSED} & TRANSITIONS[action].sources


# -- the table is the core's state machine, and a case's history follows it -------------------------


def test_the_table_is_a_core_state_machine() -> None:
    """People take the actions of ``TRANSITIONS``; filing and a merge into the case are only recorded."""
    assert (CASE_STATES.initial, CASE_STATES.births) == (S.SUBMITTED, {"file"})
    assert set(CASE_STATES.transitions) - set(TRANSITIONS) == {"file", "merged_in"}
    assert all(CASE_STATES[action] is rule for action, rule in TRANSITIONS.items())
    assert not CASE_STATES["file"].sources
    assert CASE_STATES["merged_in"].target is None  # the case merged into keeps its state


def test_only_actions_people_take_can_be_taken(kit: Kit, expert: User) -> None:
    case = kit.make_case()
    for name in ("file", "merged_in", "launch"):
        with pytest.raises(actions.NoSuchAction):
            actions.act(case=case, action=name, by=expert, data={"comment": COMMENT})
    assert snapshot(case)[1] == 1


def history(case: Case) -> list[Step]:
    return [Step(e.action, e.from_state, e.to_state) for e in CaseEvent.objects.filter(case=case).order_by("at", "pk")]


def test_a_life_through_the_services_is_a_path_of_the_table(
    kit: Kit,
    unit: Unit,
    finance: ObstacleCategory,
    manager: User,
    expert: User,
    deputy: User,
    bank_liaison: User,
    tax_liaison: User,
) -> None:
    """Every step the services record is an allowed transition from the state the previous one left: the
    check the demo's tests run on the states the demo writes (``CASE_STATES.path_errors``) means something."""
    case = workflow.case_file(unit=unit, category=finance, title="تأخیر در تسهیلات", description="شرح", by=manager)

    def take(action: str, by: User, **data: Any) -> None:
        case.refresh_from_db()  # as the person loaded it
        actions.act(case=case, action=action, by=by, data={"comment": COMMENT, **data}, expected_version=case.version)

    take("accept", expert)
    duplicate = workflow.case_file(unit=unit, category=finance, title="همان موضوع", description="شرح", by=manager)
    actions.act(case=duplicate, action="merge", by=expert, data={"into": case})
    take("refer", expert, agencies=[kit.bank, kit.tax_office], working_days=5)
    take("answer", bank_liaison, decision="done", answer="در کمیته اعتباری است")  # the tax office has not answered yet
    case.referrals.filter(agency=kit.tax_office).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert referrals.referrals_escalate() == 1  # the system puts the case on the HQ agenda
    take("decide", deputy)
    take("answer", tax_liaison, decision="done", answer="بدهی تقسیط شد")  # late, after the HQ's resolution
    take("resolve", expert, outcome_kind=OutcomeKind.MONEY_RELEASED, outcome_note="پرداخت شد", money_released=9)
    take("confirm", manager)
    take("reopen", manager, reason="دوباره قطع شد")
    take("recategorise", expert, category=kit.finance_too)
    take("refer", expert, agencies=[kit.bank, kit.tax_office])
    take("return_referral", tax_liaison, reason="این تسهیلات به اداره مالیات مربوط نیست")
    wrong = case.referrals.get(agency=kit.bank, state=ReferralState.OPEN)
    take("withdraw_referral", expert, referral=wrong, reason="به شعبه دیگری باید ارجاع شود")
    take("refer", expert, agencies=[kit.bank])
    take("answer", bank_liaison, decision="done", answer="تمدید شد")
    take("resolve", expert, outcome_kind=OutcomeKind.OTHER, outcome_note="رفع شد")
    take("confirm", manager)

    case.refresh_from_db()
    duplicate.refresh_from_db()
    steps = history(case)
    assert {step.action for step in steps} == set(CASE_STATES.transitions) - {"merge", "reject"}
    assert case.state == S.CLOSED
    assert CASE_STATES.path_errors(steps, final=case.state) == []
    assert CASE_STATES.path_errors(history(duplicate), final=duplicate.state) == []
    assert [step.action for step in history(duplicate)] == ["file", "merge"]

    # A state written around the services is caught.
    Case.objects.filter(pk=case.pk).update(state=S.REFERRED)
    assert CASE_STATES.path_errors(steps, final=S.REFERRED.value) == [
        "the history ends at 'closed' but the row is 'referred'"
    ]
    CaseEvent.objects.create(case=case, action="decide", from_state=S.CLOSED, to_state=S.DECIDED)
    assert "'decide' is not allowed from 'closed'" in CASE_STATES.path_errors(history(case))[0]
