"""The case page, composed here: the obstacles' case with the HQ meetings it was on and the resolutions on it
(their commitments and objections), each person seeing of the HQ what they see at the HQ."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import login
from rownaq.front import views
from rownaq.geography.models import Province
from rownaq.hq import services
from rownaq.hq import workflow as meetings
from rownaq.hq.models import Meeting, Party, Resolution
from rownaq.obstacles.models import Case, CaseState
from rownaq.obstacles.tests.conftest import finance, make_case

__all__ = ["finance", "make_case"]

pytestmark = pytest.mark.django_db

ADOPTED = "بانک ملت بدهی واحد را استمهال کند و واحد بیست درصد آن را بپردازد."
TAXED = "اداره مالیات جریمه دیرکرد واحد را ببخشد."
DRAFT = "بانک ملت سقف ضمانت‌نامه واحد را افزایش دهد."


def issue(meeting: Meeting, by: User, case: Case, text: str, sides: list[tuple[str, Organisation]]) -> Resolution:
    deadline = meeting.held_on + dt.timedelta(days=30)
    return services.resolution_issue(
        meeting=meeting,
        case=case,
        text=text,
        commitments=[{"party": p, "owner": o, "text": f"تعهد {o.name}", "deadline": deadline} for p, o in sides],
        by=by,
    )


@pytest.fixture
def case(
    make_case: Callable[..., Case],
    qom: Province,
    deputy: User,
    bank: Organisation,
    bank_liaison: User,
    tax_office: Organisation,
    unit_company: Organisation,
    manager: User,
) -> Case:
    """On meeting 13 (held last week: a resolution binding the bank and the unit, carried out by the bank and
    objected to by the unit; another binding the tax office only), then on meeting 14 (next month: a draft)."""
    case = make_case(CaseState.REFERRED)  # referred to the bank
    today = timezone.localdate()
    held = services.meeting_create(province=qom, held_on=today - dt.timedelta(days=7), number=13, by=deputy)
    meetings.act(meeting=held, action="hold", by=deputy)
    adopted = issue(held, deputy, case, ADOPTED, [(Party.AGENCY, bank), (Party.UNIT, unit_company)])
    issue(held, deputy, case, TAXED, [(Party.AGENCY, tax_office)])
    services.commitment_carry_out(commitment=adopted.commitments.get(owner=bank), by=bank_liaison, note="انجام شد")
    services.objection_file(resolution=adopted, by=manager, text="واحد توان پرداخت ندارد.")
    Case.objects.filter(pk=case.pk).update(state=CaseState.ON_AGENDA)  # a fixture's shortcut: back on the agenda
    case.refresh_from_db()
    ahead = services.meeting_create(province=qom, held_on=today + dt.timedelta(days=30), number=14, by=deputy)
    issue(ahead, deputy, case, DRAFT, [(Party.AGENCY, bank)])
    case.refresh_from_db()
    return case


def case_page(client: Client, user: User, case: Case) -> str:
    response = login(client, user).get(reverse("obstacles-case-detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_keeps_its_address_and_name_and_is_composed_in_front() -> None:
    assert reverse("obstacles-case-detail", args=[7]) == "/obstacles/cases/7/"
    assert resolve("/obstacles/cases/7/").func == views.case_detail


def test_the_secretariat_sees_the_meetings_resolutions_drafts_commitments_and_objections(
    client: Client, case: Case, deputy: User
) -> None:
    html = case_page(client, deputy, case)
    assert 'id="case-hq"' in html
    assert 'id="case-title"' in html  # the obstacles' page around it
    for meeting in Meeting.objects.all():
        assert reverse("hq-meeting-detail", args=[meeting.pk]) in html
    assert all(text in html for text in (ADOPTED, TAXED, DRAFT))
    assert "تعهد بانک ملت" in html
    assert "واحد توان پرداخت ندارد." in html  # the unit's objection
    assert html.count('class="case-commitment') == 4
    assert "پیش‌نویس" in html


def test_a_bound_liaison_sees_what_binds_their_agency_and_no_meeting_page(
    client: Client, case: Case, bank_liaison: User
) -> None:
    html = case_page(client, bank_liaison, case)
    assert ADOPTED in html
    assert TAXED not in html  # binds another agency
    assert DRAFT not in html  # binds nobody yet
    assert "/hq/meetings/" not in html  # the meetings are named, not opened
    assert "جلسه ۱۳" in html


def test_the_unit_manager_sees_what_binds_their_company(
    client: Client, case: Case, manager: User, other_manager: User
) -> None:
    html = case_page(client, manager, case)
    assert ADOPTED in html
    assert "واحد توان پرداخت ندارد." in html
    assert TAXED not in html
    assert DRAFT not in html
    login(client, other_manager)
    assert client.get(reverse("obstacles-case-detail", args=[case.pk])).status_code == 404


def test_a_liaison_the_case_is_not_referred_to_and_an_investor_do_not_open_it(
    client: Client, case: Case, tax_liaison: User, investor: User
) -> None:
    for person in (tax_liaison, investor):  # the tax office is bound by a resolution, but not referred the case
        login(client, person)
        assert client.get(reverse("obstacles-case-detail", args=[case.pk])).status_code == 404


def test_a_case_the_hq_never_saw_has_no_hq_card(client: Client, make_case: Callable[..., Case], expert: User) -> None:
    html = case_page(client, expert, make_case(CaseState.ACCEPTED))
    assert 'id="case-hq"' not in html
