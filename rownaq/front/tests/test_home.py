"""Each role's start page is its work queue: what waits for this person now, never an empty welcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import AgencyCode, Organisation, User
from rownaq.accounts.testing import login
from rownaq.front.queues import Queue
from rownaq.hq.models import Commitment, Meeting, MeetingState, Party, Resolution
from rownaq.needs import workflow as desk_workflow
from rownaq.needs.tests.desk import make_desk, post_need
from rownaq.obstacles import workflow
from rownaq.obstacles.models import Case, ObstacleCategory
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


def queues(client: Client, user: User) -> dict[str, Queue]:
    response = login(client, user).get(reverse("registry-overview"))
    assert response.status_code == 200
    return {queue.key: queue for queue in response.context["queues"]}


@pytest.fixture
def referred_case(unit: Unit, manager: User, expert: User, bank: Organisation) -> Case:
    category = ObstacleCategory.objects.create(
        code="h-finance", name="سرمایه در گردش", name_en="Working capital", agency_codes=[AgencyCode.BANK]
    )
    case = workflow.case_file(
        unit=unit, category=category, title="کمبود سرمایه در گردش", description="شرح", by=manager, agencies=[bank]
    )
    workflow.case_accept(case=case, by=expert)
    return workflow.case_refer(case=case, agencies=[bank], by=expert)


@pytest.fixture
def commitment(referred_case: Case, expert: User, bank: Organisation, qom: object) -> Commitment:
    today = timezone.localdate()
    meeting = Meeting.objects.create(
        province=referred_case.unit.county.province,
        number=13,
        held_on=today - dt.timedelta(days=30),
        state=MeetingState.HELD,
        created_by=expert,
    )
    resolution = Resolution.objects.create(
        meeting=meeting, number=1, text="استمهال بدهی", case=referred_case, objection_until=today
    )
    return Commitment.objects.create(
        resolution=resolution,
        party=Party.AGENCY,
        owner=bank,
        text="بانک بدهی واحد را استمهال کند",
        deadline=today - dt.timedelta(days=3),
    )


def test_a_liaison_sees_the_referrals_to_answer_and_what_the_agency_owes(
    client: Client, bank_liaison: User, referred_case: Case, commitment: Commitment
) -> None:
    shown = queues(client, bank_liaison)
    assert [item.url for item in shown["referrals"].items] == [
        reverse("obstacles-case-detail", args=[referred_case.pk])
    ]
    owed = shown["commitments"].items
    assert [item.label for item in owed] == ["بانک بدهی واحد را استمهال کند"]
    assert owed[0].alert  # past its deadline


def test_a_liaison_of_another_agency_has_nothing_waiting(
    client: Client, liaison: User, referred_case: Case, commitment: Commitment
) -> None:
    shown = queues(client, liaison)
    assert shown["referrals"].items == []
    assert shown["commitments"].items == []
    page = client.get(reverse("registry-overview")).content.decode()
    assert referred_case.title not in page


def test_a_unit_manager_sees_their_cases_units_and_the_proposals_to_decide(
    client: Client,
    manager: User,
    other_manager: User,
    unit: Unit,
    referred_case: Case,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> None:
    desk = make_desk(make_org, make_user)
    need = post_need(unit, manager)
    proposal = desk_workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    shown = queues(client, manager)
    assert [item.url for item in shown["cases"].items] == [reverse("obstacles-case-detail", args=[referred_case.pk])]
    assert [item.url for item in shown["proposals_in"].items] == [reverse("needs-proposal-detail", args=[proposal.pk])]
    assert [item.label for item in shown["units"].items] == [unit.name]
    # Another company's manager sees none of it.
    other = queues(Client(), other_manager)
    assert other["cases"].items == other["proposals_in"].items == []


def test_a_university_sees_its_proposals_awaiting_an_answer(
    client: Client, manager: User, unit: Unit, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    desk = make_desk(make_org, make_user)
    need = post_need(unit, manager)
    desk_workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    shown = queues(client, desk.lab)
    assert [item.label for item in shown["proposals_out"].items] == [need.title]
    assert "matches" in shown


def test_province_staff_see_the_meetings_coming_up_and_the_overdue_commitments(
    client: Client, deputy: User, commitment: Commitment, expert: User
) -> None:
    upcoming = Meeting.objects.create(
        province=commitment.resolution.meeting.province,
        number=14,
        held_on=timezone.localdate() + dt.timedelta(days=7),
        created_by=expert,
    )
    shown = queues(client, deputy)
    assert [item.url for item in shown["meetings"].items] == [reverse("hq-meeting-detail", args=[upcoming.pk])]
    assert shown["overdue_commitments"].total == 1
    assert "figures" in client.get(reverse("registry-overview")).context  # still the province overview


def test_no_start_page_says_its_features_are_being_added(client: Client, investor: User) -> None:
    page = login(client, investor).get(reverse("registry-overview")).content.decode()
    assert "being added" not in page
    assert "در حال افزوده شدن" not in page
    assert reverse("needs-dashboard") in page.split("<main", 1)[1]
