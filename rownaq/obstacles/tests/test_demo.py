"""The demo's obstacle cases: deterministic, and every case's state agrees with its referrals and history."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest

from rownaq.accounts.models import AgencyCode, Organisation, User
from rownaq.geography.models import Province
from rownaq.obstacles.access import cases_visible_to
from rownaq.obstacles.demo import demo_cases, demo_cases_build, demo_cases_reset
from rownaq.obstacles.models import Case, CaseState, Referral, ReferralState
from rownaq.registry.demo.generator import demo_province_build, demo_province_reset

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 10, 1)  # 1404/07/09
S = CaseState


@pytest.fixture
def demo(qom: Province) -> Province:
    demo_province_build(province=qom, units=80, seed=1403, today=TODAY)
    demo_cases_build(province=qom, seed=1403, today=TODAY, count=120)
    return qom


def snapshot(province: Province) -> list[tuple[str, str, str, int | None]]:
    return list(demo_cases(province=province).order_by("pk").values_list("title", "state", "urgency", "amount"))


def test_same_seed_gives_the_same_cases(demo: Province) -> None:
    first = snapshot(demo)
    assert len(first) == 120
    demo_cases_reset(province=demo)
    assert not demo_cases(province=demo).exists()
    demo_cases_build(province=demo, seed=1403, today=TODAY, count=120)
    assert snapshot(demo) == first
    demo_cases_reset(province=demo)
    demo_cases_build(province=demo, seed=99, today=TODAY, count=120)
    assert snapshot(demo) != first


def test_building_again_adds_nothing(demo: Province) -> None:
    assert demo_cases_build(province=demo, seed=1403, today=TODAY).cases == 0
    assert demo_cases(province=demo).count() == 120


def test_states_agree_with_referrals_and_history(demo: Province) -> None:
    cases = demo_cases(province=demo).prefetch_related("referrals", "events")
    states = {case.state for case in cases}
    assert {S.SUBMITTED, S.REFERRED, S.ANSWERED, S.ON_AGENDA, S.RESOLVED, S.CLOSED, S.REJECTED} <= states
    for case in cases:
        referrals = list(case.referrals.all())
        open_referrals = [r for r in referrals if r.state == ReferralState.OPEN]
        events = list(case.events.all())
        transitions = [e for e in events if e.action not in ("file", "merged_in")]
        assert (events[0].action, events[0].to_state) == ("file", S.SUBMITTED)
        assert [e for e in events if e.action != "merged_in"][-1].to_state == case.state
        assert case.version == 1 + len(transitions)
        for before, after in pairwise(events):
            assert before.at <= after.at
            if after.action != "merged_in":
                assert after.from_state == before.to_state or before.action == "merged_in"
        assert events[-1].at.date() < TODAY
        if case.state == S.REFERRED:
            assert open_referrals
        if case.state in (S.ANSWERED, S.RESOLVED, S.CLOSED):
            assert referrals
            assert not open_referrals
            assert all(r.answered_at is not None and r.answered_at.date() <= r.due_on for r in referrals)
        if case.state == S.ON_AGENDA:
            assert any(r.escalated_at is not None and r.due_on < TODAY for r in referrals)
        if case.state in (S.RESOLVED, S.CLOSED):
            assert case.outcome_kind
            assert case.outcome_note
        if case.state == S.CLOSED:
            assert case.unit_confirmed_at is not None
            assert case.closed_at is not None
        if case.state in (S.REJECTED, S.MERGED):
            assert case.closed_at is not None
            assert not referrals
        if case.state == S.MERGED:
            assert case.merged_into is not None
        for referral in referrals:
            assert referral.agency.province_id == demo.pk
            assert referral.due_on > referral.referred_at.date()
            if referral.state == ReferralState.OPEN and referral.due_on < TODAY - dt.timedelta(days=1):
                assert referral.escalated_at is not None  # the job escalates the day after the due date


def test_referrals_go_to_the_agencies_of_the_category(demo: Province) -> None:
    for referral in Referral.objects.filter(case__in=demo_cases(province=demo)).select_related(
        "agency", "case__category"
    ):
        assert referral.agency.agency_code in referral.case.category.agency_codes


def test_money_is_in_rials_and_released_only_when_resolved(demo: Province) -> None:
    with_money = demo_cases(province=demo).exclude(amount=None)
    assert with_money.exists()
    assert all(2_000_000_000 <= case.amount <= 300_000_000_000 for case in with_money if case.amount)
    released = demo_cases(province=demo).exclude(money_released=None)
    assert released.exists()
    assert set(released.values_list("state", flat=True)) <= {S.RESOLVED, S.CLOSED}


def test_the_demo_logins_show_real_cases(demo: Province) -> None:
    bank = User.objects.get(username="bank")
    assert bank.organisation is not None
    assert bank.organisation.agency_code == AgencyCode.BANK
    open_referrals = Referral.objects.filter(agency=bank.organisation, state=ReferralState.OPEN)
    assert open_referrals.count() >= 3
    assert open_referrals.filter(due_on__lt=TODAY).exists()
    assert open_referrals.filter(due_on__gte=TODAY).exists()
    assert cases_visible_to(bank).count() >= 3

    manager = User.objects.get(username="manager")
    own = Case.objects.filter(unit__owner=manager.organisation)
    assert 2 <= own.count() <= 3
    assert len(set(own.values_list("state", flat=True))) == own.count()
    assert own.filter(filed_by=manager).count() == own.count()


def test_every_demo_agency_has_its_code(demo: Province) -> None:
    agencies = Organisation.objects.filter(province=demo, kind__in=["bank", "agency"])
    assert agencies.count() >= 20
    assert not agencies.filter(agency_code="").exists()
    codes = set(agencies.values_list("agency_code", flat=True))
    assert {"bank", "tax", "social_security", "electricity", "gas", "customs", "judiciary"} <= codes


def test_reset_removes_the_cases_with_the_units(demo: Province) -> None:
    demo_province_reset(province=demo)
    assert not Case.objects.exists()
    assert not Referral.objects.exists()
