"""Escalating overdue referrals to the HQ agenda (the service; the job is in ``test_escalation``), and the
notices the workflow sends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from rownaq.accounts.models import Organisation, Role, User
from rownaq.notifications.models import Notification
from rownaq.obstacles import referrals, workflow
from rownaq.obstacles.models import (
    CaseState,
    ObstacleCategory,
    OutcomeKind,
    Referral,
    ReferralState,
)
from rownaq.obstacles.tests.kit import Kit, snapshot
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

S = CaseState


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

        assert referrals.referrals_escalate(today=day_after) == 1
        assert referrals.referrals_escalate(today=day_after) == 0

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

        assert referrals.referrals_escalate(today=today) == 0
        answered.referrals.update(due_on=today - dt.timedelta(days=30))
        withdrawn.referrals.update(due_on=today - dt.timedelta(days=30))
        before = [snapshot(c) for c in (due_today, answered, withdrawn)]
        assert referrals.referrals_escalate(today=today) == 0
        assert [snapshot(c) for c in (due_today, answered, withdrawn)] == before

    @pytest.mark.parametrize("state", [S.ON_AGENDA, S.DECIDED])
    def test_case_already_on_the_agenda_keeps_its_state(self, state: str, kit: Kit, deputy: User) -> None:
        case = kit.make_case(state)
        referral = case.referrals.get()

        assert referrals.referrals_escalate(today=referral.due_on + dt.timedelta(days=1)) == 1

        case.refresh_from_db()
        assert (case.state, case.version) == (state, 1)
        assert not case.events.exists()
        referral.refresh_from_db()
        assert referral.escalated_at is not None
        assert Notification.objects.filter(recipient=deputy).exists()

    def test_two_overdue_referrals_of_one_case(self, kit: Kit, expert: User) -> None:
        case = kit.make_case(S.REFERRED)
        Referral.objects.create(
            case=case,
            agency=kit.tax_office,
            referred_by=expert,
            working_days=5,
            due_on=timezone.localdate(case.filed_at),
        )
        assert referrals.referrals_escalate(today=timezone.localdate(case.filed_at) + dt.timedelta(days=1)) == 2
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
