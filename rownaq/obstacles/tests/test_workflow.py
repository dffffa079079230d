"""The case state machine: every transition in the table, every one it leaves out, who may make each,
the working-day deadlines, re-routing, optimistic locking, escalation and the notices sent.

The parametrised tests read ``TRANSITIONS``: a new row is tested from each of its sources, and in
every other state, once ``perform`` knows how to call its service and ``ALLOWED`` who may take it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from rownaq.accounts.models import AgencyCode, Organisation, OrganisationKind, Role, User
from rownaq.core.jalali import format_jalali
from rownaq.notifications.models import Notification
from rownaq.obstacles import workflow
from rownaq.obstacles.models import (
    Case,
    CaseEvent,
    CaseState,
    ObstacleCategory,
    OutcomeKind,
    Referral,
    ReferralState,
)
from rownaq.obstacles.workflow import TRANSITIONS, CaseError, StaleCaseError
from rownaq.registry.models import Unit
from rownaq.workdays.models import Holiday
from rownaq.workdays.services import add_working_days

pytestmark = pytest.mark.django_db

S = CaseState
COMMENT = "طبق بررسی کارشناس"

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
}


@dataclass
class Kit:
    """What the transitions need besides the case: a merge target, another agency, another category."""

    make_case: Callable[..., Case]
    target: Case
    bank: Organisation
    tax_office: Organisation
    finance_too: ObstacleCategory


@pytest.fixture
def kit(
    make_case: Callable[..., Case], bank: Organisation, tax_office: Organisation, bank_liaison: User, tax_liaison: User
) -> Kit:
    finance_too = ObstacleCategory.objects.create(
        code="t-guarantee", name="ضمانت‌نامه بانکی", name_en="Bank guarantees", agency_codes=[AgencyCode.BANK]
    )
    target = make_case(S.ACCEPTED, title="پرونده تکراری")
    return Kit(make_case, target, bank, tax_office, finance_too)


def perform(kit: Kit, action: str, case: Case, by: User, *, expected_version: int | None = None) -> None:
    """Take ``action`` on ``case`` through its service, with valid arguments for everything but state and role."""
    v = expected_version
    if action == "accept":
        workflow.case_accept(case=case, by=by, comment=COMMENT, expected_version=v)
    elif action == "reject":
        workflow.case_reject(case=case, by=by, reason=COMMENT, expected_version=v)
    elif action == "merge":
        workflow.case_merge(case=case, into=kit.target, by=by, comment=COMMENT, expected_version=v)
    elif action == "refer":
        workflow.case_refer(case=case, agencies=[kit.tax_office], by=by, comment=COMMENT, expected_version=v)
    elif action == "answer":
        referral = case.referrals.get(agency=kit.bank, state=ReferralState.OPEN)
        workflow.referral_answer(referral=referral, by=by, answer=COMMENT, expected_version=v)
    elif action == "put_on_agenda":
        workflow.case_put_on_agenda(case=case, by=by, comment=COMMENT, expected_version=v)
    elif action == "decide":
        workflow.case_decide(case=case, by=by, comment=COMMENT, expected_version=v)
    elif action == "resolve":
        workflow.case_resolve(
            case=case,
            by=by,
            outcome_kind=OutcomeKind.MONEY_RELEASED,
            outcome_note=COMMENT,
            money_released=1_000_000,
            expected_version=v,
        )
    elif action == "confirm":
        workflow.case_confirm(case=case, by=by, comment=COMMENT, expected_version=v)
    elif action == "reopen":
        workflow.case_reopen(case=case, by=by, reason=COMMENT, expected_version=v)
    elif action == "recategorise":
        workflow.case_recategorise(case=case, category=kit.finance_too, by=by, comment=COMMENT, expected_version=v)
    else:
        raise AssertionError(f"the tests do not know how to take {action!r}: add it to perform() and ALLOWED")


def expected_state(action: str, source: str) -> str:
    target = TRANSITIONS[action].target
    if target is not None:
        return target
    # The services decide: the only open referral answered moves a referred case on, while a case on
    # the HQ agenda or decided stays there; the category changes in place.
    if action == "answer":
        return S.ANSWERED if source == S.REFERRED else source
    return {"recategorise": source}[action]


def snapshot(case: Case) -> tuple[Any, ...]:
    """Everything a refused action must leave as it was."""
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.state,
        fresh.version,
        fresh.category_id,
        fresh.closed_at,
        fresh.unit_confirmed_at,
        fresh.merged_into_id,
        fresh.outcome_kind,
        list(CaseEvent.objects.order_by("pk").values_list("pk", flat=True)),
        list(Referral.objects.order_by("pk").values_list("pk", "agency_id", "state", "escalated_at")),
        Notification.objects.count(),
    )


ALLOWED_PAIRS = [(action, source) for action, rule in TRANSITIONS.items() for source in sorted(rule.sources)]
FORBIDDEN_PAIRS = [
    (action, state) for action, rule in TRANSITIONS.items() for state in S.values if state not in rule.sources
]
WRONG_PERSONAS = [(action, persona) for action in TRANSITIONS for persona in PERSONAS if persona not in ALLOWED[action]]


def test_every_action_has_its_people_and_an_actor() -> None:
    assert set(ALLOWED) == set(TRANSITIONS) == set(ACTOR)
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
    case = kit.make_case(state, referral=ReferralState.OPEN if action == "answer" else None)
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


# -- filing -----------------------------------------------------------------------------------------


class TestFiling:
    def test_manager_files_for_own_unit(self, unit: Unit, finance: ObstacleCategory, manager: User) -> None:
        case = workflow.case_file(
            unit=unit, category=finance, title=" تأخیر  تسهیلات ", description="شرح", by=manager, amount=10
        )
        assert case.state == S.SUBMITTED
        assert case.title == "تأخیر تسهیلات"
        event = case.events.get()
        assert (event.action, event.from_state, event.to_state, event.by) == ("file", "", S.SUBMITTED, manager)

    def test_manager_cannot_file_for_another_company(
        self, other_unit: Unit, finance: ObstacleCategory, manager: User
    ) -> None:
        with pytest.raises(PermissionDenied):
            workflow.case_file(unit=other_unit, category=finance, title="t", description="d", by=manager)
        assert not Case.objects.exists()

    @pytest.mark.parametrize("persona", ["expert", "admin_user"])
    def test_expert_files_for_a_unit_of_the_province(
        self, persona: str, unit: Unit, finance: ObstacleCategory, request: pytest.FixtureRequest
    ) -> None:
        by: User = request.getfixturevalue(persona)
        case = workflow.case_file(unit=unit, category=finance, title="t", description="d", by=by, from_visit=True)
        assert case.from_visit
        assert case.filed_by == by

    @pytest.mark.parametrize("persona", ["far_expert", "deputy", "bank_liaison", "investor", "other_manager"])
    def test_others_cannot_file(
        self, persona: str, unit: Unit, finance: ObstacleCategory, request: pytest.FixtureRequest
    ) -> None:
        with pytest.raises(PermissionDenied):
            workflow.case_file(
                unit=unit, category=finance, title="t", description="d", by=request.getfixturevalue(persona)
            )
        assert not Case.objects.exists()

    def test_invalid_urgency_is_refused(self, unit: Unit, finance: ObstacleCategory, manager: User) -> None:
        with pytest.raises(ValidationError):
            workflow.case_file(unit=unit, category=finance, title="t", description="d", by=manager, urgency="asap")
        assert not Case.objects.exists()

    def test_negative_amount_is_refused(self, unit: Unit, finance: ObstacleCategory, manager: User) -> None:
        with pytest.raises(ValidationError):
            workflow.case_file(unit=unit, category=finance, title="t", description="d", by=manager, amount=-1)


# -- triage -----------------------------------------------------------------------------------------


class TestTriage:
    @pytest.mark.parametrize("reason", ["", "   "])
    def test_reject_needs_a_reason(self, reason: str, make_case: Callable[..., Case], expert: User) -> None:
        case = make_case()
        before = snapshot(case)
        with pytest.raises(CaseError):
            workflow.case_reject(case=case, by=expert, reason=reason)
        assert snapshot(case) == before

    def test_reject_ends_the_case_and_tells_the_unit(
        self, make_case: Callable[..., Case], expert: User, manager: User, other_manager: User
    ) -> None:
        case = make_case()
        workflow.case_reject(case=case, by=expert, reason="خارج از حوزه ستاد")
        case.refresh_from_db()
        assert case.state == S.REJECTED
        assert not case.is_open
        assert case.closed_at is not None
        notice = Notification.objects.get(recipient=manager)
        assert "خارج از حوزه ستاد" in notice.text
        assert notice.link == f"/obstacles/cases/{case.pk}/"
        assert not Notification.objects.filter(recipient=other_manager).exists()

    def test_reject_returns_the_case_as_saved(self, make_case: Callable[..., Case], expert: User) -> None:
        case = workflow.case_reject(case=make_case(), by=expert, reason="تکراری")
        assert case.closed_at is not None

    def test_merge_records_on_both_cases(self, kit: Kit, expert: User) -> None:
        case = kit.make_case(S.SUBMITTED)
        workflow.case_merge(case=case, into=kit.target, by=expert, comment="همان موضوع")
        case.refresh_from_db()
        assert case.state == S.MERGED
        assert case.merged_into == kit.target
        assert case.closed_at is not None
        assert case.events.get().data == {"into": kit.target.pk}
        merged_in = kit.target.events.get()
        assert (merged_in.action, merged_in.from_state, merged_in.to_state, merged_in.by) == (
            "merged_in",
            S.ACCEPTED,
            S.ACCEPTED,
            expert,
        )
        assert merged_in.data == {"from": case.pk}
        assert case.reference in merged_in.comment
        kit.target.refresh_from_db()
        assert kit.target.state == S.ACCEPTED

    def test_merge_refuses_the_case_itself(self, kit: Kit, expert: User) -> None:
        case = kit.make_case()
        before = snapshot(case)
        with pytest.raises(CaseError):
            workflow.case_merge(case=case, into=case, by=expert)
        assert snapshot(case) == before

    @pytest.mark.parametrize("target_state", [S.CLOSED, S.REJECTED, S.MERGED])
    def test_merge_refuses_a_target_that_is_not_open(self, target_state: str, kit: Kit, expert: User) -> None:
        case = kit.make_case()
        into = kit.make_case(target_state)
        before = snapshot(case)
        with pytest.raises(CaseError):
            workflow.case_merge(case=case, into=into, by=expert)
        assert snapshot(case) == before

    def test_merge_refuses_a_target_already_merged_elsewhere(self, kit: Kit, expert: User) -> None:
        case = kit.make_case()
        into = kit.make_case(S.ACCEPTED, merged_into=kit.target)
        with pytest.raises(CaseError):
            workflow.case_merge(case=case, into=into, by=expert)
        assert Case.objects.get(pk=case.pk).state == S.SUBMITTED

    def test_merge_refuses_a_case_of_another_province(
        self, kit: Kit, expert: User, far_unit: Unit, finance: ObstacleCategory, far_expert: User
    ) -> None:
        case = kit.make_case()
        far_case = workflow.case_file(unit=far_unit, category=finance, title="t", description="d", by=far_expert)
        before = snapshot(case)
        with pytest.raises(CaseError):
            workflow.case_merge(case=case, into=far_case, by=expert)
        assert snapshot(case) == before


# -- referral ---------------------------------------------------------------------------------------

WEDNESDAY = dt.datetime(2024, 7, 10, 9, 0, tzinfo=dt.UTC)  # 20 Tir 1403; Thursday 11th a holiday, Friday 12th off


@pytest.fixture
def frozen_wednesday(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """``timezone.now()`` is Wednesday 10 July 2024 in Tehran; the next day is the only holiday for a month."""
    monkeypatch.setattr(timezone, "now", lambda: WEDNESDAY)
    Holiday.objects.filter(date__range=(WEDNESDAY.date(), WEDNESDAY.date() + dt.timedelta(days=30))).delete()
    Holiday.objects.create(date=dt.date(2024, 7, 11), name="تعطیل رسمی آزمایشی")
    return WEDNESDAY.date()


class TestRefer:
    def test_one_referral_per_agency_due_in_working_days(
        self,
        kit: Kit,
        expert: User,
        frozen_wednesday: dt.date,
        bank_liaison: User,
        tax_liaison: User,
        liaison: User,
    ) -> None:
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank, kit.tax_office, kit.bank], by=expert, working_days=3)

        referrals = list(case.referrals.order_by("agency__name"))
        assert {r.agency for r in referrals} == {kit.bank, kit.tax_office}
        # Thursday is a holiday and Friday is off: Saturday, Sunday, Monday.
        due = dt.date(2024, 7, 15)
        assert due == add_working_days(frozen_wednesday, 3)
        for referral in referrals:
            assert (referral.state, referral.working_days, referral.due_on) == (ReferralState.OPEN, 3, due)
            assert referral.referred_by == expert
        assert case.events.get().data == {"agencies": [kit.bank.pk, kit.tax_office.pk], "working_days": 3}
        for person in (bank_liaison, tax_liaison):
            assert format_jalali(due) in Notification.objects.get(recipient=person).text
        assert not Notification.objects.filter(recipient=liaison).exists()

    def test_default_working_days_from_settings(self, kit: Kit, expert: User, settings: Any) -> None:
        settings.ROWNAQ_REFERRAL_WORKING_DAYS = 7
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank], by=expert)
        referral = case.referrals.get()
        assert referral.working_days == 7
        assert referral.due_on == add_working_days(timezone.localdate(), 7)

    def test_refuses_an_agency_of_another_province(
        self, kit: Kit, expert: User, make_agency: Callable[..., Organisation], isfahan: Any
    ) -> None:
        far_bank = make_agency("بانک ملت اصفهان", AgencyCode.BANK, OrganisationKind.BANK, isfahan)
        case = kit.make_case(S.ACCEPTED)
        before = snapshot(case)
        with pytest.raises(CaseError):
            workflow.case_refer(case=case, agencies=[kit.bank, far_bank], by=expert)
        assert snapshot(case) == before

    def test_national_agency_is_allowed(self, kit: Kit, expert: User, make_org: Callable[..., Organisation]) -> None:
        national = make_org("سازمان ملی استاندارد", OrganisationKind.AGENCY, None)
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[national], by=expert)
        assert case.referrals.get().agency == national

    def test_refuses_no_agency_and_bad_day_counts(self, kit: Kit, expert: User) -> None:
        case = kit.make_case(S.ACCEPTED)
        before = snapshot(case)
        with pytest.raises(CaseError):
            workflow.case_refer(case=case, agencies=[], by=expert)
        for days in (121, -1):
            with pytest.raises(CaseError):
                workflow.case_refer(case=case, agencies=[kit.bank], by=expert, working_days=days)
        assert snapshot(case) == before

    def test_re_referral_does_not_duplicate_open_referrals(self, kit: Kit, expert: User) -> None:
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank], by=expert)
        workflow.case_refer(case=case, agencies=[kit.bank, kit.tax_office], by=expert)
        assert sorted(case.referrals.values_list("agency__agency_code", flat=True)) == ["bank", "tax"]
        assert Case.objects.get(pk=case.pk).state == S.REFERRED

    def test_re_referral_after_an_answer_opens_a_new_one(self, kit: Kit, expert: User, bank_liaison: User) -> None:
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank], by=expert)
        workflow.referral_answer(referral=case.referrals.get(), by=bank_liaison, answer="مدارک ناقص است")
        workflow.case_refer(case=case, agencies=[kit.bank], by=expert, comment="مدارک تکمیل شد")
        assert list(case.referrals.order_by("pk").values_list("state", flat=True)) == [
            ReferralState.ANSWERED,
            ReferralState.OPEN,
        ]


class TestAnswer:
    def test_liaison_of_another_agency_is_refused(self, kit: Kit, tax_liaison: User, liaison: User) -> None:
        case = kit.make_case(S.REFERRED)
        referral = case.referrals.get()
        before = snapshot(case)
        for person in (tax_liaison, liaison):
            with pytest.raises(PermissionDenied):
                workflow.referral_answer(referral=referral, by=person, answer="پاسخ")
        assert snapshot(case) == before

    def test_answered_only_when_the_last_open_referral_is_answered(
        self, kit: Kit, expert: User, bank_liaison: User, tax_liaison: User
    ) -> None:
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank, kit.tax_office], by=expert)
        bank_referral = case.referrals.get(agency=kit.bank)
        tax_referral = case.referrals.get(agency=kit.tax_office)

        workflow.referral_answer(referral=bank_referral, by=bank_liaison, answer=" تسهیلات  تمدید شد ")
        case.refresh_from_db()
        assert case.state == S.REFERRED
        bank_referral.refresh_from_db()
        assert (bank_referral.state, bank_referral.answer, bank_referral.answered_by) == (
            ReferralState.ANSWERED,
            "تسهیلات تمدید شد",
            bank_liaison,
        )
        assert bank_referral.answered_at is not None
        assert Notification.objects.filter(recipient=expert, text__contains=kit.bank.name).exists()

        workflow.referral_answer(referral=tax_referral, by=tax_liaison, answer="بدهی تقسیط شد")
        case.refresh_from_db()
        assert case.state == S.ANSWERED
        answers = case.events.filter(action="answer").order_by("pk")
        assert [(e.from_state, e.to_state) for e in answers] == [(S.REFERRED, S.REFERRED), (S.REFERRED, S.ANSWERED)]

    def test_an_answer_is_needed_and_given_once(self, kit: Kit, bank_liaison: User) -> None:
        case = kit.make_case(S.REFERRED)
        referral = case.referrals.get()
        with pytest.raises(CaseError):
            workflow.referral_answer(referral=referral, by=bank_liaison, answer="  ")
        workflow.referral_answer(referral=referral, by=bank_liaison, answer="پاسخ")
        before = snapshot(case)
        referral.refresh_from_db()
        with pytest.raises(CaseError):
            workflow.referral_answer(referral=referral, by=bank_liaison, answer="پاسخ دوم")
        assert snapshot(case) == before

    def test_agency_can_still_answer_after_escalation(self, kit: Kit, bank_liaison: User) -> None:
        case = kit.make_case(S.REFERRED)
        referral = case.referrals.get()
        workflow.referrals_escalate(today=referral.due_on + dt.timedelta(days=1))
        referral.refresh_from_db()
        workflow.referral_answer(referral=referral, by=bank_liaison, answer="دیر، اما پاسخ")
        referral.refresh_from_db()
        assert referral.state == ReferralState.ANSWERED


class TestRecategorise:
    @pytest.fixture
    def energy(self, db: Any) -> ObstacleCategory:
        """Energy supply: answered by the tax office (kept) and the electricity company (new)."""
        return ObstacleCategory.objects.create(
            code="t-energy",
            name="تأمین برق",
            name_en="Electricity",
            agency_codes=[AgencyCode.TAX, AgencyCode.ELECTRICITY],
        )

    @pytest.fixture
    def customs(self, db: Any) -> ObstacleCategory:
        """Customs: no customs office of Qom is registered, so nobody answers it."""
        return ObstacleCategory.objects.create(
            code="t-customs", name="گمرک", name_en="Customs", agency_codes=[AgencyCode.CUSTOMS]
        )

    def test_re_routes_a_referred_case(
        self,
        kit: Kit,
        expert: User,
        energy: ObstacleCategory,
        make_agency: Callable[..., Organisation],
        make_user: Callable[..., User],
        isfahan: Any,
    ) -> None:
        power = make_agency("شرکت توزیع برق قم", AgencyCode.ELECTRICITY)
        make_agency("شرکت توزیع برق اصفهان", AgencyCode.ELECTRICITY, province=isfahan)
        power_liaison = make_user("power_liaison", Role.AGENCY_LIAISON, power)
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank, kit.tax_office], by=expert)
        tax_referral = case.referrals.get(agency=kit.tax_office)

        workflow.case_recategorise(case=case, category=energy, by=expert, comment="موضوع برق است")

        case.refresh_from_db()
        assert case.category == energy
        assert case.state == S.REFERRED
        states = {r.agency.name: r.state for r in case.referrals.select_related("agency")}
        assert states == {
            kit.bank.name: ReferralState.WITHDRAWN,
            kit.tax_office.name: ReferralState.OPEN,
            power.name: ReferralState.OPEN,
        }
        assert case.referrals.get(agency=kit.tax_office) == tax_referral  # kept, not opened again
        assert Notification.objects.filter(recipient=power_liaison, text__contains=case.reference).exists()
        event = case.events.get(action="recategorise")
        assert event.data == {"from": kit.make_case().category_id, "to": energy.pk}

    def test_before_referral_only_the_category_changes(self, kit: Kit, expert: User, tax: ObstacleCategory) -> None:
        case = kit.make_case(S.SUBMITTED)
        workflow.case_recategorise(case=case, category=tax, by=expert)
        case.refresh_from_db()
        assert (case.category, case.state) == (tax, S.SUBMITTED)
        assert not case.referrals.exists()

    def test_same_category_is_refused(self, kit: Kit, expert: User, finance: ObstacleCategory) -> None:
        case = kit.make_case(S.ACCEPTED)
        before = snapshot(case)
        with pytest.raises(CaseError):
            workflow.case_recategorise(case=case, category=finance, by=expert)
        assert snapshot(case) == before

    def test_recategorising_away_from_every_agency_withdraws_all(
        self, kit: Kit, expert: User, customs: ObstacleCategory
    ) -> None:
        case = kit.make_case(S.REFERRED)
        workflow.case_recategorise(case=case, category=customs, by=expert)
        case.refresh_from_db()
        assert not case.referrals.filter(state=ReferralState.OPEN).exists()
        assert case.state != S.REFERRED

    def test_history_matches_the_state_when_all_referrals_are_withdrawn(
        self, kit: Kit, expert: User, customs: ObstacleCategory
    ) -> None:
        case = kit.make_case(S.REFERRED)
        workflow.case_recategorise(case=case, category=customs, by=expert)
        case.refresh_from_db()
        assert case.events.get(action="recategorise").to_state == case.state


# -- outcome ----------------------------------------------------------------------------------------


class TestOutcome:
    @pytest.mark.parametrize(("kind", "note"), [("", "پرداخت شد"), ("bribe", "پرداخت شد"), ("other", "  ")])
    def test_resolve_needs_outcome_kind_and_note(self, kind: str, note: str, kit: Kit, expert: User) -> None:
        case = kit.make_case(S.ANSWERED)
        before = snapshot(case)
        with pytest.raises(CaseError):
            workflow.case_resolve(case=case, by=expert, outcome_kind=kind, outcome_note=note)
        assert snapshot(case) == before

    def test_resolve_refuses_negative_money(self, kit: Kit, expert: User) -> None:
        case = kit.make_case(S.ANSWERED)
        with pytest.raises(CaseError):
            workflow.case_resolve(
                case=case, by=expert, outcome_kind=OutcomeKind.MONEY_RELEASED, outcome_note="x", money_released=-5
            )

    def test_resolve_records_outcome_withdraws_referrals_and_tells_the_unit(
        self, kit: Kit, expert: User, manager: User, other_manager: User
    ) -> None:
        case = kit.make_case(S.REFERRED)
        workflow.case_resolve(
            case=case,
            by=expert,
            outcome_kind=OutcomeKind.MONEY_RELEASED,
            outcome_note="وام  پرداخت شد",
            money_released=2_000_000_000,
        )
        case.refresh_from_db()
        assert (case.state, case.outcome_kind, case.outcome_note, case.money_released) == (
            S.RESOLVED,
            OutcomeKind.MONEY_RELEASED,
            "وام پرداخت شد",
            2_000_000_000,
        )
        assert case.closed_at is None
        assert set(case.referrals.values_list("state", flat=True)) == {ReferralState.WITHDRAWN}
        assert Notification.objects.filter(recipient=manager, text__contains=case.reference).exists()
        assert not Notification.objects.filter(recipient=other_manager).exists()

    def test_confirm_closes_and_reopen_clears(self, kit: Kit, manager: User, expert: User) -> None:
        case = kit.make_case(S.RESOLVED)
        workflow.case_confirm(case=case, by=manager)
        case.refresh_from_db()
        assert case.state == S.CLOSED
        assert case.unit_confirmed_at is not None
        assert case.closed_at == case.unit_confirmed_at

        with pytest.raises(CaseError):
            workflow.case_reopen(case=case, by=manager, reason=" ")
        workflow.case_reopen(case=case, by=manager, reason="تسهیلات دوباره قطع شد")
        case.refresh_from_db()
        assert case.state == S.REOPENED
        assert (case.unit_confirmed_at, case.closed_at) == (None, None)
        assert Notification.objects.filter(recipient=expert, text__contains="تسهیلات دوباره قطع شد").exists()

    def test_closed_only_through_confirm_after_an_outcome(self) -> None:
        into_closed = [action for action, rule in TRANSITIONS.items() if rule.target == S.CLOSED]
        assert into_closed == ["confirm"]
        assert TRANSITIONS["confirm"].sources == {S.RESOLVED}
        assert [action for action, rule in TRANSITIONS.items() if rule.target == S.RESOLVED] == ["resolve"]
        # The actions whose service picks the state never leave the working states.
        for action in ("answer", "recategorise"):
            assert TRANSITIONS[action].target is None
            assert not {S.RESOLVED, S.CLOSED} & TRANSITIONS[action].sources

    def test_whole_life_of_a_case(
        self,
        unit: Unit,
        finance: ObstacleCategory,
        manager: User,
        expert: User,
        bank: Organisation,
        bank_liaison: User,
    ) -> None:
        case = workflow.case_file(unit=unit, category=finance, title="وام", description="شرح", by=manager)
        workflow.case_accept(case=case, by=expert, expected_version=case.version)
        workflow.case_refer(case=case, agencies=[bank], by=expert, expected_version=case.version)
        workflow.referral_answer(referral=case.referrals.get(), by=bank_liaison, answer="پرداخت می‌شود")
        case.refresh_from_db()
        workflow.case_resolve(
            case=case,
            by=expert,
            outcome_kind=OutcomeKind.MONEY_RELEASED,
            outcome_note="پرداخت شد",
            expected_version=case.version,
        )
        workflow.case_confirm(case=case, by=manager, expected_version=case.version)
        case.refresh_from_db()
        assert case.state == S.CLOSED
        assert case.outcome_kind == OutcomeKind.MONEY_RELEASED
        assert case.version == 6
        assert list(case.events.values_list("action", "to_state")) == [
            ("file", S.SUBMITTED),
            ("accept", S.ACCEPTED),
            ("refer", S.REFERRED),
            ("answer", S.ANSWERED),
            ("resolve", S.RESOLVED),
            ("confirm", S.CLOSED),
        ]


# -- two people at once -----------------------------------------------------------------------------


class TestConcurrentEdits:
    def test_second_writer_with_the_old_version_is_refused(
        self, make_case: Callable[..., Case], expert: User, make_user: Callable[..., User], manager: User
    ) -> None:
        colleague = make_user("colleague", Role.SMT_EXPERT, expert.organisation)
        loaded = make_case()
        mine, theirs = Case.objects.get(pk=loaded.pk), Case.objects.get(pk=loaded.pk)
        assert mine.version == theirs.version == 1

        workflow.case_accept(case=mine, by=expert, expected_version=mine.version)
        with pytest.raises(StaleCaseError):
            workflow.case_reject(case=theirs, by=colleague, reason="تکراری", expected_version=theirs.version)

        fresh = Case.objects.get(pk=loaded.pk)
        assert (fresh.state, fresh.version, fresh.closed_at) == (S.ACCEPTED, 2, None)
        assert list(fresh.events.values_list("action", "by")) == [("accept", expert.pk)]
        assert not Notification.objects.filter(recipient=manager).exists()

    def test_the_current_version_goes_through(self, make_case: Callable[..., Case], expert: User) -> None:
        case = make_case()
        workflow.case_accept(case=case, by=expert, expected_version=1)
        workflow.case_reject(case=case, by=expert, reason="تکراری", expected_version=2)
        assert Case.objects.get(pk=case.pk).version == 3

    @pytest.mark.django_db(transaction=True)
    def test_two_connections_on_postgresql(
        self, make_case: Callable[..., Case], expert: User, make_user: Callable[..., User]
    ) -> None:
        """The first holds the row locked while the second tries with the same version: the second loses."""
        colleague = make_user("colleague", Role.SMT_EXPERT, expert.organisation)
        case = make_case()

        outcome = while_locked(
            case,
            holder=lambda: workflow.case_accept(case=Case.objects.get(pk=case.pk), by=expert, expected_version=1),
            waiter=lambda: workflow.case_reject(
                case=Case.objects.get(pk=case.pk), by=colleague, reason="تکراری", expected_version=1
            ),
        )

        assert isinstance(outcome, StaleCaseError)
        fresh = Case.objects.get(pk=case.pk)
        assert (fresh.state, fresh.version) == (S.ACCEPTED, 2)
        assert list(fresh.events.values_list("action", flat=True)) == ["accept"]

    @pytest.mark.django_db(transaction=True)
    def test_two_agencies_answering_at_once_on_postgresql(
        self, kit: Kit, expert: User, bank_liaison: User, tax_liaison: User
    ) -> None:
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank, kit.tax_office], by=expert)
        bank_referral = case.referrals.get(agency=kit.bank)
        tax_referral = case.referrals.get(agency=kit.tax_office)

        outcome = while_locked(
            case,
            holder=lambda: workflow.referral_answer(referral=bank_referral, by=bank_liaison, answer="بانک: انجام شد"),
            waiter=lambda: workflow.referral_answer(referral=tax_referral, by=tax_liaison, answer="مالیات: انجام شد"),
        )

        assert outcome is None
        assert set(case.referrals.values_list("state", flat=True)) == {ReferralState.ANSWERED}
        assert Case.objects.get(pk=case.pk).state == S.ANSWERED


def while_locked(case: Case, *, holder: Callable[[], object], waiter: Callable[[], object]) -> BaseException | None:
    """Run ``waiter`` on a second connection while a first holds ``case`` locked; once the waiter is
    blocked on the lock, the first runs ``holder`` and commits. Returns what the waiter raised, if anything.
    PostgreSQL only: SQLite has no row locks."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are tested on PostgreSQL")
    locked, go = threading.Event(), threading.Event()
    raised: list[BaseException | None] = []

    def first() -> None:
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case.pk)
                locked.set()
                go.wait(timeout=10)
                holder()
        finally:
            connection.close()

    def second() -> None:
        locked.wait(timeout=10)
        try:
            waiter()
            raised.append(None)
        except BaseException as exc:
            raised.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    locked.wait(timeout=10)
    with connection.cursor() as cursor:
        for _ in range(200):  # up to 10 s for the second connection to queue on the row lock
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
    go.set()
    for thread in threads:
        thread.join(timeout=20)
    assert len(raised) == 1
    return raised[0]


# -- escalation -------------------------------------------------------------------------------------


class TestEscalation:
    def test_overdue_referral_is_escalated_once(
        self,
        kit: Kit,
        bank_liaison: User,
        liaison: User,
        deputy: User,
        far_deputy: User,
        expert: User,
    ) -> None:
        case = kit.make_case(S.REFERRED)
        referral = case.referrals.get()
        day_after = referral.due_on + dt.timedelta(days=1)

        assert workflow.referrals_escalate(today=day_after) == 1
        assert workflow.referrals_escalate(today=day_after) == 0

        referral.refresh_from_db()
        assert referral.escalated_at is not None
        assert referral.state == ReferralState.OPEN
        case.refresh_from_db()
        assert case.state == S.ON_AGENDA
        event = case.events.get()
        assert (event.action, event.from_state, event.to_state, event.by) == (
            "put_on_agenda",
            S.REFERRED,
            S.ON_AGENDA,
            None,
        )
        assert event.data == {"referral": referral.pk, "escalated": True}
        assert kit.bank.name in event.comment
        for person in (bank_liaison, deputy):
            notice = Notification.objects.get(recipient=person)
            assert case.reference in notice.text
        for person in (liaison, far_deputy, expert):
            assert not Notification.objects.filter(recipient=person).exists()

    def test_not_yet_due_answered_and_withdrawn_are_left_alone(self, kit: Kit) -> None:
        due_today = kit.make_case(S.REFERRED)
        answered = kit.make_case(S.ANSWERED)
        withdrawn = kit.make_case(S.REFERRED)
        withdrawn.referrals.update(state=ReferralState.WITHDRAWN)
        today = due_today.referrals.get().due_on
        before = [snapshot(c) for c in (due_today, answered, withdrawn)]

        assert workflow.referrals_escalate(today=today) == 0
        answered.referrals.update(due_on=today - dt.timedelta(days=30))
        withdrawn.referrals.update(due_on=today - dt.timedelta(days=30))
        before = [snapshot(c) for c in (due_today, answered, withdrawn)]
        assert workflow.referrals_escalate(today=today) == 0
        assert [snapshot(c) for c in (due_today, answered, withdrawn)] == before

    @pytest.mark.parametrize("state", [S.ON_AGENDA, S.DECIDED])
    def test_case_already_on_the_agenda_keeps_its_state(self, state: str, kit: Kit, deputy: User) -> None:
        case = kit.make_case(state)
        referral = case.referrals.get()

        assert workflow.referrals_escalate(today=referral.due_on + dt.timedelta(days=1)) == 1

        case.refresh_from_db()
        assert (case.state, case.version) == (state, 1)
        assert not case.events.exists()
        referral.refresh_from_db()
        assert referral.escalated_at is not None
        assert Notification.objects.filter(recipient=deputy).exists()

    def test_two_overdue_referrals_of_one_case(self, kit: Kit, expert: User) -> None:
        case = kit.make_case(S.REFERRED)
        Referral.objects.create(
            case=case, agency=kit.tax_office, referred_by=expert, working_days=5, due_on=case.filed_at.date()
        )
        assert workflow.referrals_escalate(today=case.filed_at.date() + dt.timedelta(days=1)) == 2
        case.refresh_from_db()
        assert case.state == S.ON_AGENDA
        assert case.events.count() == 1
        assert not Referral.objects.filter(escalated_at__isnull=True).exists()


# -- notices ----------------------------------------------------------------------------------------


class TestNotices:
    def test_filing_tells_the_experts_of_the_province(
        self,
        unit: Unit,
        finance: ObstacleCategory,
        manager: User,
        expert: User,
        far_expert: User,
        deputy: User,
    ) -> None:
        case = workflow.case_file(unit=unit, category=finance, title="کمبود نقدینگی", description="d", by=manager)
        notice = Notification.objects.get(recipient=expert)
        assert case.reference in notice.text
        assert "کمبود نقدینگی" in notice.text
        assert notice.link == f"/obstacles/cases/{case.pk}/"
        for person in (far_expert, deputy, manager):
            assert not Notification.objects.filter(recipient=person).exists()

    def test_an_expert_filing_is_not_told_of_their_own_case(
        self, unit: Unit, finance: ObstacleCategory, expert: User, make_user: Callable[..., User]
    ) -> None:
        colleague = make_user("colleague", Role.SMT_EXPERT, expert.organisation)
        workflow.case_file(unit=unit, category=finance, title="t", description="d", by=expert)
        assert list(Notification.objects.values_list("recipient", flat=True)) == [colleague.pk]

    def test_referral_tells_only_the_agency_liaisons(
        self, kit: Kit, expert: User, bank_liaison: User, tax_liaison: User, make_user: Callable[..., User]
    ) -> None:
        inactive = make_user("gone", Role.AGENCY_LIAISON, kit.bank, is_active=False)
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank], by=expert)
        assert list(Notification.objects.values_list("recipient", flat=True)) == [bank_liaison.pk]
        assert not Notification.objects.filter(recipient__in=[tax_liaison, inactive]).exists()

    def test_resolve_tells_the_unit_managers(
        self, kit: Kit, expert: User, manager: User, make_user: Callable[..., User], unit_company: Organisation
    ) -> None:
        second = make_user("manager2", Role.UNIT_MANAGER, unit_company)
        case = kit.make_case(S.ANSWERED)
        workflow.case_resolve(case=case, by=expert, outcome_kind=OutcomeKind.OTHER, outcome_note="رفع شد")
        assert set(Notification.objects.values_list("recipient", flat=True)) == {manager.pk, second.pk}


def test_only_the_banks_named_by_the_filer_are_proposed_not_every_bank(
    make_case: Callable[..., Case], bank: Organisation, make_org: Callable[..., Organisation], tax_office: Organisation
) -> None:
    other_bank = make_org("بانک سپه، مدیریت شعب استان قم", OrganisationKind.BANK)
    other_bank.agency_code = AgencyCode.BANK
    other_bank.save()
    case = make_case(S.ACCEPTED)  # a finance case whose filer named ``bank``
    assert workflow.default_agencies(case) == [bank]
    case.agencies_concerned.clear()
    assert workflow.default_agencies(case) == []  # the expert chooses the bank
    tax_category = ObstacleCategory.objects.create(
        code="t-tax-only", name="مالیات", name_en="Tax", agency_codes=[AgencyCode.TAX]
    )
    assert workflow.default_agencies(case, tax_category) == [tax_office]
