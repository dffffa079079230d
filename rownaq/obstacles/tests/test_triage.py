"""Filing a case and its triage: who files for which unit, rejecting and merging duplicates."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rownaq.accounts.models import User
from rownaq.notifications.models import Notification
from rownaq.obstacles import workflow
from rownaq.obstacles.models import (
    Case,
    CaseState,
    ObstacleCategory,
)
from rownaq.obstacles.tests.kit import Kit, snapshot
from rownaq.obstacles.workflow import CaseError
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

S = CaseState


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
