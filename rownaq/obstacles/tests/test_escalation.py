"""The escalation job: overdue referrals put their case on the HQ agenda, run by the real worker."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rownaq.accounts.models import Organisation, User
from rownaq.core.testing import run_worker
from rownaq.notifications.models import Notification
from rownaq.obstacles import workflow
from rownaq.obstacles.models import Case, CaseState, ObstacleCategory, Referral
from rownaq.obstacles.tasks import escalate_overdue_referrals
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


def refer(unit: Unit, manager: User, expert: User, bank: Organisation, *, due: dt.date) -> Referral:
    case = workflow.case_file(
        unit=unit,
        category=ObstacleCategory.objects.get(code="bank-guarantee"),
        title="عدم تمدید ضمانت‌نامه بانکی",
        description="بانک به دلیل بدهی معوق ضمانت‌نامه را تمدید نمی‌کند.",
        amount=40_000_000_000,
        by=manager,
    )
    workflow.case_accept(case=case, by=expert)
    workflow.case_refer(case=case, agencies=[bank], by=expert, working_days=5)
    referral = case.referrals.get()
    Referral.objects.filter(pk=referral.pk).update(due_on=due)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def people(deputy: User, bank_liaison: User) -> dict[str, User]:
    deputy.email = "deputy@ostandari.example"
    deputy.save(update_fields=["email"])
    bank_liaison.email = "liaison@bank.example"
    bank_liaison.save(update_fields=["email"])
    return {"deputy": deputy, "liaison": bank_liaison}


def test_an_overdue_referral_is_escalated_by_the_worker(
    unit: Unit, manager: User, expert: User, bank: Organisation, people: dict[str, User], mailoutbox: list[Any]
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    referral = refer(unit, manager, expert, bank, due=yesterday)
    mailoutbox.clear()

    escalate_overdue_referrals.enqueue()
    run_worker()

    referral.refresh_from_db()
    case = Case.objects.get(pk=referral.case_id)
    assert referral.escalated_at is not None
    assert case.state == CaseState.ON_AGENDA
    event = case.events.latest("at", "pk")
    assert (event.action, event.from_state, event.to_state, event.by) == (
        "put_on_agenda",
        CaseState.REFERRED,
        CaseState.ON_AGENDA,
        None,
    )
    assert bank.name in event.comment
    for person in people.values():
        notice = Notification.objects.filter(recipient=person).latest("pk")
        assert case.reference in notice.text
        assert bank.name in notice.text
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == ["deputy@ostandari.example", "liaison@bank.example"]
    assert (
        DBTaskResult.objects.get(task_path="rownaq.obstacles.tasks.escalate_overdue_referrals").status == "SUCCESSFUL"
    )

    # Running it again escalates nothing more.
    notices = Notification.objects.count()
    escalate_overdue_referrals.enqueue()
    run_worker()
    assert case.events.filter(action="put_on_agenda").count() == 1
    assert Notification.objects.count() == notices
    assert len(mailoutbox) == 1


def test_a_referral_due_today_or_answered_is_not_escalated(
    unit: Unit,
    other_unit: Unit,
    manager: User,
    other_manager: User,
    expert: User,
    bank: Organisation,
    bank_liaison: User,
) -> None:
    due_today = refer(unit, manager, expert, bank, due=timezone.localdate())
    answered = refer(other_unit, other_manager, expert, bank, due=timezone.localdate() - dt.timedelta(days=3))
    workflow.referral_answer(referral=answered, by=bank_liaison, decision="done", answer="ضمانت‌نامه تمدید شد.")

    escalate_overdue_referrals.enqueue()
    run_worker()

    for referral in (due_today, answered):
        referral.refresh_from_db()
        assert referral.escalated_at is None
    assert Case.objects.get(pk=due_today.case_id).state == CaseState.REFERRED
    assert Case.objects.get(pk=answered.case_id).state == CaseState.ANSWERED


def test_the_command_escalates_now_and_prints_the_count(
    unit: Unit, manager: User, expert: User, bank: Organisation, bank_liaison: User
) -> None:
    refer(unit, manager, expert, bank, due=timezone.localdate() - dt.timedelta(days=2))
    out = io.StringIO()
    call_command("escalate_overdue", stdout=out)
    assert out.getvalue().startswith("1 ")
    out = io.StringIO()
    call_command("escalate_overdue", stdout=out)
    assert out.getvalue().startswith("0 ")


def test_run_scheduler_once_enqueues_the_escalation() -> None:
    call_command("run_scheduler", once=True, verbosity=0)
    result = DBTaskResult.objects.get(task_path="rownaq.obstacles.tasks.escalate_overdue_referrals")
    assert result.task_path == "rownaq.obstacles.tasks.escalate_overdue_referrals"
    assert result.status == "READY"
