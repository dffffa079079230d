"""The HQ's rules: meeting numbers, agendas from overdue cases, binding resolutions, the objection window
and the share of resolutions carried out on time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from rownaq.accounts.models import Organisation, User
from rownaq.geography.models import Province
from rownaq.hq import scoreboard, services
from rownaq.hq import workflow as meetings
from rownaq.hq.models import Commitment, Meeting, ObjectionState, Party
from rownaq.obstacles import workflow
from rownaq.obstacles.models import Case, CaseState, ObstacleCategory
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 5, 10)


@pytest.fixture
def finance() -> ObstacleCategory:
    category, _created = ObstacleCategory.objects.update_or_create(
        code="working-capital",
        defaults={"name": "سرمایه در گردش", "name_en": "Working capital", "agency_codes": ["bank"]},
    )
    return category


@pytest.fixture
def referred_case(unit: Unit, manager: User, expert: User, finance: ObstacleCategory, bank: Organisation) -> Case:
    case = workflow.case_file(
        unit=unit,
        category=finance,
        title="عدم تمدید ضمانت‌نامه",
        description="بانک ضمانت‌نامه را تمدید نمی‌کند",
        by=manager,
    )
    workflow.case_accept(case=case, by=expert)
    return workflow.case_refer(case=case, agencies=[bank], by=expert, working_days=5)


def test_meetings_are_numbered_after_the_last_one_and_numbers_are_unique(qom: Province, deputy: User) -> None:
    Meeting.objects.create(province=qom, number=12, held_on=TODAY, created_by=deputy)
    meeting = services.meeting_create(province=qom, held_on=TODAY + dt.timedelta(days=30), by=deputy)
    assert meeting.number == 13
    with pytest.raises(services.HQError):
        services.meeting_create(province=qom, held_on=TODAY, number=13, by=deputy)


def test_only_the_secretariat_creates_meetings(qom: Province, manager: User, liaison: User) -> None:
    for person in (manager, liaison):
        with pytest.raises(PermissionDenied):
            services.meeting_create(province=qom, held_on=TODAY, by=person)


def test_agenda_candidates_are_cases_on_the_agenda_or_with_overdue_referrals(
    qom: Province, deputy: User, referred_case: Case
) -> None:
    assert referred_case not in services.agenda_candidates(qom)  # its referral is not due yet
    referred_case.referrals.update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert list(services.agenda_candidates(qom)) == [referred_case]
    meeting = services.meeting_create(province=qom, held_on=timezone.localdate() + dt.timedelta(days=7), by=deputy)
    services.meeting_add_cases(meeting=meeting, cases=[referred_case], by=deputy)
    referred_case.refresh_from_db()
    assert referred_case.state == CaseState.ON_AGENDA
    assert referred_case not in services.agenda_candidates(qom)  # already on the next meeting's agenda
    assert referred_case.events.last().action == "put_on_agenda"  # type: ignore[union-attr]


def test_a_resolution_binds_the_agency_and_the_unit_and_decides_the_case(
    qom: Province, deputy: User, referred_case: Case, bank: Organisation, unit: Unit
) -> None:
    meeting = services.meeting_create(province=qom, held_on=timezone.localdate(), by=deputy)
    meetings.act(meeting=meeting, action="hold", by=deputy)
    services.meeting_add_cases(meeting=meeting, cases=[referred_case], by=deputy)
    assert unit.owner is not None
    resolution = services.resolution_issue(
        meeting=meeting,
        case=referred_case,
        text="بانک بدهی را استمهال کند؛ واحد ۲۰٪ را ظرف یک ماه بپردازد.",
        commitments=[
            {
                "party": Party.AGENCY,
                "owner": bank,
                "text": "استمهال بدهی",
                "deadline": meeting.held_on + dt.timedelta(30),
            },
            {
                "party": Party.UNIT,
                "owner": unit.owner,
                "text": "پرداخت ۲۰٪",
                "deadline": meeting.held_on + dt.timedelta(30),
            },
        ],
        by=deputy,
    )
    referred_case.refresh_from_db()
    assert referred_case.state == CaseState.DECIDED
    assert resolution.number == 1
    assert resolution.objection_until == meeting.held_on + dt.timedelta(days=15)
    assert {c.party for c in resolution.commitments.all()} == {"agency", "unit"}


def test_a_resolution_must_bind_an_agency_and_the_units_own_company(
    qom: Province, deputy: User, referred_case: Case, other_company: Organisation, bank: Organisation
) -> None:
    meeting = services.meeting_create(province=qom, held_on=timezone.localdate(), by=deputy)
    deadline = meeting.held_on + dt.timedelta(days=10)
    with pytest.raises(services.HQError):
        services.resolution_issue(
            meeting=meeting,
            case=referred_case,
            text="...",
            by=deputy,
            commitments=[{"party": Party.UNIT, "owner": referred_case.unit.owner, "text": "x", "deadline": deadline}],  # type: ignore[typeddict-item]
        )
    with pytest.raises(services.HQError):
        services.resolution_issue(
            meeting=meeting,
            case=referred_case,
            text="...",
            by=deputy,
            commitments=[
                {"party": Party.AGENCY, "owner": bank, "text": "x", "deadline": deadline},
                {"party": Party.UNIT, "owner": other_company, "text": "y", "deadline": deadline},
            ],
        )


@override_settings(ROWNAQ_OBJECTION_DAYS=15)
def test_agencies_object_within_the_window_and_must_carry_out_after_it(
    qom: Province, deputy: User, bank: Organisation, bank_liaison: User, liaison: User
) -> None:
    meeting = services.meeting_create(province=qom, held_on=TODAY, by=deputy)
    meetings.act(meeting=meeting, action="hold", by=deputy)
    resolution = services.resolution_issue(
        meeting=meeting,
        text="بانک‌ها سقف ضمانت‌نامه را افزایش دهند.",
        by=deputy,
        commitments=[
            {"party": Party.AGENCY, "owner": bank, "text": "افزایش سقف", "deadline": TODAY + dt.timedelta(60)}
        ],
    )
    with pytest.raises(PermissionDenied):  # an agency the resolution does not bind
        services.objection_file(resolution=resolution, by=liaison, text="اعتراض", today=TODAY)
    objection = services.objection_file(
        resolution=resolution, by=bank_liaison, text="منابع کافی نیست", today=TODAY + dt.timedelta(15)
    )
    assert objection.state == ObjectionState.PENDING
    services.objection_decide(objection=objection, by=deputy, upheld=False, note="مصوبه پابرجاست")
    with pytest.raises(services.HQError):  # day 16: too late
        services.objection_file(resolution=resolution, by=bank_liaison, text="دوباره", today=TODAY + dt.timedelta(16))


def test_on_time_share_counts_only_resolutions_whose_time_is_up(
    qom: Province, deputy: User, bank: Organisation, bank_liaison: User, manager: User, make_org: Any
) -> None:
    held = timezone.localdate() - dt.timedelta(days=40)
    meeting = services.meeting_create(province=qom, held_on=held, by=deputy)
    meetings.act(meeting=meeting, action="hold", by=deputy)

    def issue(deadline_days: int) -> Commitment:
        resolution = services.resolution_issue(
            meeting=meeting,
            text=f"مصوبه {deadline_days}",
            by=deputy,
            commitments=[
                {"party": Party.AGENCY, "owner": bank, "text": "اقدام", "deadline": held + dt.timedelta(deadline_days)}
            ],
        )
        return resolution.commitments.get()

    on_time, late, overdue, pending = issue(20), issue(10), issue(30), issue(60)
    services.commitment_carry_out(commitment=on_time, by=bank_liaison, note="انجام شد", done_on=held + dt.timedelta(15))
    services.commitment_carry_out(commitment=late, by=bank_liaison, note="با تأخیر", done_on=held + dt.timedelta(25))
    with pytest.raises(PermissionDenied):
        services.commitment_carry_out(commitment=pending, by=manager, note="x")
    statuses = [scoreboard.resolution_status(c.resolution) for c in (on_time, late, overdue, pending)]
    assert statuses == ["on_time", "late", "overdue", "in_progress"]
    share = scoreboard.on_time_share(meeting.resolutions.prefetch_related("commitments"))
    assert (share.judged, share.on_time) == (3, 1)
    assert scoreboard.agency_on_time_share(Commitment.objects.filter(owner=bank)).share == pytest.approx(1 / 3)
