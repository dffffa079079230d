"""The revival of idle units: who may open a case for which unit, the stages and what each move needs,
the plan of steps, and the figures officials report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.core.periods import Period
from rownaq.core.versions import StaleEditError
from rownaq.geography.models import IndustrialEstate
from rownaq.geography.places import Places
from rownaq.monitoring import figures
from rownaq.monitoring.models import RevivalCase, RevivalCause, RevivalStage
from rownaq.monitoring.revival import (
    REVIVAL_STAGES,
    RevivalError,
    act,
    allowed_actions,
    case_steps,
    revival_open,
    revival_step_add,
    revival_step_set_done,
)
from rownaq.registry.models import Sector, Unit, UnitStatus

pytestmark = pytest.mark.django_db
S = RevivalStage


@pytest.fixture
def idle_unit(unit: Unit) -> Unit:
    unit.status = UnitStatus.IDLE
    unit.save()
    return unit


def open_case(unit: Unit, by: User) -> RevivalCase:
    return revival_open(unit=unit, cause=RevivalCause.WORKING_CAPITAL, by=by, support_needed="تسهیلات سرمایه در گردش")


def to_in_progress(case: RevivalCase, by: User) -> RevivalCase:
    act(case=case, action="diagnose", by=by, diagnosis="کمبود نقدینگی پس از توقف صادرات")
    revival_step_add(case=case, title="معرفی به بانک", owner="بانک ملت", due=dt.date(2027, 1, 10), by=by)
    act(case=case, action="agree_plan", by=by)
    return act(case=case, action="start", by=by)


def test_opens_only_for_idle_or_closed_units(expert: User, unit: Unit, make_unit: Callable[..., Unit]) -> None:
    with pytest.raises(RevivalError, match="راکد یا تعطیل"):
        open_case(unit, expert)  # the unit is active
    closed = make_unit("ریخته‌گری بسته", status=UnitStatus.CLOSED)
    case = open_case(closed, expert)
    assert case.stage == S.IDENTIFIED
    assert case.opened_by == expert
    assert [(e.action, e.from_state, e.to_state, e.by) for e in case.events.all()] == [
        ("open", "", S.IDENTIFIED, expert)
    ]


def test_at_most_one_open_case_per_unit(expert: User, idle_unit: Unit) -> None:
    case = open_case(idle_unit, expert)
    with pytest.raises(RevivalError, match="پرونده احیای باز"):
        open_case(idle_unit, expert)
    act(case=case, action="abandon", by=expert, reason="مالک واحد را فروخت")
    again = open_case(idle_unit, expert)  # the first is closed: a new one may start
    assert RevivalCase.objects.filter(unit=idle_unit).count() == 2
    assert again.is_open


def test_the_whole_path_to_restarted(expert: User, idle_unit: Unit) -> None:
    case = open_case(idle_unit, expert)
    assert allowed_actions(case, expert) == ["diagnose", "abandon"]
    case = to_in_progress(case, expert)
    assert case.stage == S.IN_PROGRESS
    case = act(case=case, action="restart", by=expert, jobs_restored=18, capacity_restored=Decimal("45.5"))
    assert case.stage == S.RESTARTED
    assert case.jobs_restored == 18
    assert case.capacity_restored == Decimal("45.5")
    assert case.restarted_on == timezone.localdate()
    assert REVIVAL_STAGES.path_errors(case_steps(case), final=case.stage) == []
    assert [e.to_state for e in case.events.all()] == [
        S.IDENTIFIED,
        S.DIAGNOSED,
        S.PLAN_AGREED,
        S.IN_PROGRESS,
        S.RESTARTED,
    ]
    assert allowed_actions(case, expert) == []
    with pytest.raises(RevivalError):
        act(case=case, action="abandon", by=expert, reason="دیر شد")


def test_moves_need_what_they_record(expert: User, idle_unit: Unit) -> None:
    case = open_case(idle_unit, expert)
    with pytest.raises(RevivalError):
        act(case=case, action="start", by=expert)  # a stage cannot be skipped
    with pytest.raises(ValidationError) as empty:
        act(case=case, action="diagnose", by=expert, diagnosis="  ")
    assert "diagnosis" in empty.value.message_dict
    act(case=case, action="diagnose", by=expert, diagnosis="اختلاف شرکا")
    with pytest.raises(RevivalError, match="دست‌کم یک گام"):
        act(case=case, action="agree_plan", by=expert)
    revival_step_add(case=case, title="داوری", owner="شورای حل اختلاف", due=dt.date(2027, 2, 1), by=expert)
    act(case=case, action="agree_plan", by=expert)
    act(case=case, action="start", by=expert)
    for jobs, share in ((None, Decimal(40)), (10, None), (10, Decimal(120)), (-1, Decimal(10))):
        with pytest.raises(ValidationError):
            act(case=case, action="restart", by=expert, jobs_restored=jobs, capacity_restored=share)
    with pytest.raises(ValidationError) as no_reason:
        act(case=case, action="abandon", by=expert)
    assert "reason" in no_reason.value.message_dict
    case.refresh_from_db()
    assert case.stage == S.IN_PROGRESS


def test_abandon_keeps_the_reason(deputy: User, idle_unit: Unit) -> None:
    case = open_case(idle_unit, deputy)
    case = act(case=case, action="abandon", by=deputy, reason="زمین واحد به کاربری دیگر رفت")
    assert case.stage == S.ABANDONED
    assert case.abandon_reason == "زمین واحد به کاربری دیگر رفت"
    assert case.events.last().comment == "زمین واحد به کاربری دیگر رفت"  # type: ignore[union-attr]
    with pytest.raises(RevivalError):
        revival_step_add(case=case, title="گام", owner="کسی", due=dt.date(2027, 1, 1), by=deputy)


def test_stale_version_is_refused(expert: User, idle_unit: Unit) -> None:
    case = open_case(idle_unit, expert)
    with pytest.raises(StaleEditError):
        act(case=case, action="diagnose", by=expert, diagnosis="بازار", expected_version=case.version + 1)


def test_only_the_provinces_staff_act(
    expert: User,
    deputy: User,
    manager: User,
    bank_liaison: User,
    idle_unit: Unit,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> None:
    from rownaq.geography.models import Province

    elsewhere = Province.objects.exclude(code="25").first()
    far_expert = make_user("far", Role.SMT_EXPERT, make_org("سازمان صمت دیگر", OrganisationKind.SMT, elsewhere))
    for outsider in (manager, bank_liaison, far_expert):
        with pytest.raises(PermissionDenied):
            open_case(idle_unit, outsider)
    case = open_case(idle_unit, expert)
    for outsider in (manager, bank_liaison, far_expert):
        assert allowed_actions(case, outsider) == []
        with pytest.raises(PermissionDenied):
            act(case=case, action="diagnose", by=outsider, diagnosis="بازار")
        with pytest.raises(PermissionDenied):
            revival_step_add(case=case, title="گام", owner="کسی", due=dt.date(2027, 1, 1), by=outsider)
    assert allowed_actions(case, deputy) == ["diagnose", "abandon"]


def test_steps_done_and_overdue(expert: User, idle_unit: Unit) -> None:
    case = open_case(idle_unit, expert)
    today = timezone.localdate()
    late = revival_step_add(
        case=case, title="تمدید پروانه", owner="اداره صمت", due=today - dt.timedelta(days=1), by=expert
    )
    soon = revival_step_add(case=case, title="تأمین گاز", owner="شرکت گاز", due=today + dt.timedelta(days=5), by=expert)
    assert late.is_overdue(today)
    assert not soon.is_overdue(today)
    revival_step_set_done(step=late, done=True, by=expert)
    late.refresh_from_db()
    assert late.done
    assert late.done_at is not None
    assert not late.is_overdue(today)
    revival_step_set_done(step=late, done=False, by=expert)
    late.refresh_from_db()
    assert not late.done
    assert late.done_at is None


def test_figures_count_units_revived_this_year_by_group(
    expert: User, idle_unit: Unit, make_unit: Callable[..., Unit], shokouhieh: IndustrialEstate
) -> None:
    other = make_unit("نساجی احیا", status=UnitStatus.CLOSED, estate=shokouhieh, sector=Sector.objects.get(code="1393"))
    still = make_unit("واحد در جریان", status=UnitStatus.IDLE)
    for unit, jobs, share in ((idle_unit, 12, Decimal(40)), (other, 30, Decimal(70))):
        case = to_in_progress(open_case(unit, expert), expert)
        act(case=case, action="restart", by=expert, jobs_restored=jobs, capacity_restored=share)
    to_in_progress(open_case(still, expert), expert)
    year = Period.current("year")
    shown = figures.revival_figures(Places.province(idle_unit.county.province_id), year)
    assert (shown.revived, shown.jobs, shown.capacity) == (2, 42, Decimal("55.0"))
    by_estate = figures.revival_figures(Places.province(idle_unit.county.province_id), year, grouping="estate")
    assert {(r.label, r.revived, r.jobs) for r in by_estate.rows} == {
        ("شهرک صنعتی شکوهیه", 1, 30),
        ("خارج از شهرک‌های صنعتی", 1, 12),
    }
    last_year = Period.whole_year(year.year - 1)
    assert figures.revival_figures(Places.province(idle_unit.county.province_id), last_year).revived == 0
    counts = figures.revival_stage_counts(RevivalCase.objects.all())
    assert (counts[S.RESTARTED], counts[S.IN_PROGRESS], counts[S.IDENTIFIED]) == (2, 1, 0)
