"""The outcome of a case: resolving, the unit's confirmation or reopening, and a whole life."""

from __future__ import annotations

import pytest

from rownaq.accounts.models import Organisation, User
from rownaq.notifications.models import Notification
from rownaq.obstacles import workflow
from rownaq.obstacles.models import (
    CaseState,
    ObstacleCategory,
    OutcomeKind,
    ReferralState,
)
from rownaq.obstacles.tests.kit import Kit, snapshot
from rownaq.obstacles.workflow import CaseError
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

S = CaseState


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
        workflow.referral_answer(referral=case.referrals.get(), by=bank_liaison, decision="done", answer="پرداخت می‌شود")
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
