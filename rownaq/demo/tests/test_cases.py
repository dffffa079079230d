"""The demo's obstacle cases: deterministic, and every case's state agrees with its referrals and history."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest

from rownaq.accounts.models import AgencyCode, Organisation, User
from rownaq.demo.cases import demo_cases, demo_cases_build, demo_cases_reset
from rownaq.demo.province import demo_province_build
from rownaq.demo.seed import demo_province_reset
from rownaq.geography.models import Province
from rownaq.hq.models import (
    AgendaItem,
    Commitment,
    DisruptiveRegulation,
    Meeting,
    MeetingState,
    Objection,
    Party,
    Resolution,
)
from rownaq.hq.scoreboard import on_time_share
from rownaq.obstacles.access import cases_visible_to
from rownaq.obstacles.models import Case, CaseState, Referral, ReferralState
from rownaq.workdays.services import is_working_day

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
            # After an HQ resolution the unanswered referrals are withdrawn when the case is resolved.
            decided = any(e.action == "decide" for e in events)
            assert all(
                r.answered_at is not None and r.answered_at.date() <= r.due_on
                for r in referrals
                if not decided or r.state != ReferralState.WITHDRAWN
            )
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


def hq_snapshot(province: Province) -> tuple[list[tuple[int, dt.date, str]], list[str]]:
    meetings = list(
        Meeting.objects.filter(province=province).order_by("number").values_list("number", "held_on", "state")
    )
    texts = list(
        Resolution.objects.filter(meeting__province=province)
        .order_by("meeting__number", "number")
        .values_list("text", flat=True)
    )
    return meetings, texts


def test_monthly_meetings_numbered_into_the_teens(demo: Province) -> None:
    meetings = list(Meeting.objects.filter(province=demo).order_by("held_on"))
    numbers = [m.number for m in meetings]
    assert numbers == sorted(set(numbers))
    assert 13 in numbers
    held = [m for m in meetings if m.state == MeetingState.HELD]
    assert 10 <= len(held) <= 14
    assert all(m.held_on < TODAY and is_working_day(m.held_on) for m in held)
    assert all(m.chair and m.venue and len(m.attendees.splitlines()) >= 4 for m in meetings)
    upcoming = [m for m in meetings if m.state == MeetingState.PLANNED]
    assert len(upcoming) == 1
    assert upcoming[0].held_on >= TODAY
    assert upcoming[0].number == held[-1].number + 1
    waiting = set(demo_cases(province=demo).filter(state=S.ON_AGENDA).values_list("pk", flat=True))
    assert set(upcoming[0].agenda.exclude(case=None).values_list("case_id", flat=True)) == waiting


def test_decided_cases_have_a_resolution_of_a_meeting_they_were_on(demo: Province) -> None:
    resolutions = Resolution.objects.filter(meeting__province=demo).select_related("meeting", "case")
    assert resolutions.count() >= 10
    for resolution in resolutions:
        assert resolution.case is not None
        assert AgendaItem.objects.filter(meeting=resolution.meeting, case=resolution.case).exists()
        assert resolution.commitments.filter(party=Party.AGENCY).exists()
        assert resolution.objection_until > resolution.meeting.held_on
        decide = resolution.case.events.get(action="decide")
        assert decide.at.date() == resolution.meeting.held_on
        assert decide.comment.startswith(f"مصوبه {resolution.meeting.number}/{resolution.number}:")
    for case in demo_cases(province=demo).filter(state=S.DECIDED):
        assert Resolution.objects.filter(case=case).exists()
    for commitment in Commitment.objects.filter(party=Party.UNIT).select_related("resolution__case__unit"):
        bound = commitment.resolution.case
        assert bound is not None
        assert commitment.owner_id == bound.unit.owner_id
    for objection in Objection.objects.select_related("resolution"):
        assert objection.filed_at.date() <= objection.resolution.objection_until


def test_most_resolutions_are_carried_out_on_time(demo: Province) -> None:
    resolutions = Resolution.objects.filter(meeting__province=demo).prefetch_related("commitments")
    share = on_time_share(resolutions, today=TODAY).share
    assert share is not None
    assert 0.5 <= share <= 0.9
    assert Commitment.objects.filter(done_on=None, deadline__lt=TODAY).exists()  # some are overdue


def test_disruptive_regulations_register(demo: Province) -> None:
    regulations = DisruptiveRegulation.objects.filter(province=demo)
    assert 5 <= regulations.count() <= 8
    assert len(set(regulations.values_list("national_status", flat=True))) >= 4
    assert all(r.proposal and r.cases.exists() for r in regulations)


def test_same_seed_gives_the_same_meetings(demo: Province) -> None:
    first = hq_snapshot(demo)
    demo_cases_reset(province=demo)
    assert not Meeting.objects.exists()
    assert not Resolution.objects.exists()
    assert not AgendaItem.objects.exists()
    assert not Commitment.objects.exists()
    assert not Objection.objects.exists()
    assert not DisruptiveRegulation.objects.exists()
    demo_cases_build(province=demo, seed=1403, today=TODAY, count=120)
    assert hq_snapshot(demo) == first
