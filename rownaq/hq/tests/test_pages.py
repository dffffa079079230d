"""The HQ's pages as people use them: the secretariat prepares meeting 13 and issues a resolution,
the minutes PDF reads in Persian, the bank objects within the window (and not after it), each side
sees only what binds it, and the register of disruptive regulations goes out as an Excel file."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import login
from rownaq.core.jalali import format_jalali
from rownaq.geography.models import Province
from rownaq.hq import services, workflow
from rownaq.hq.minutes import persian_ordinal
from rownaq.hq.models import (
    AgendaItem,
    Commitment,
    DisruptiveRegulation,
    Meeting,
    MeetingState,
    NationalStatus,
    Objection,
    Party,
    RegulationKind,
    Resolution,
)
from rownaq.obstacles.models import Case, CaseState
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

RESOLUTION_TEXT = "بانک ملت بدهی معوق واحد را استمهال کند و واحد بیست درصد آن را ظرف یک ماه بپردازد."


def jalali(day: dt.date) -> str:
    return format_jalali(day)


@pytest.fixture
def overdue_case(make_case: Callable[..., Case]) -> Case:
    case = make_case(CaseState.REFERRED)
    case.referrals.update(due_on=timezone.localdate() - dt.timedelta(days=3))
    return case


@pytest.fixture
def meeting(qom: Province, deputy: User) -> Meeting:
    return services.meeting_create(
        province=qom,
        held_on=timezone.localdate(),
        number=13,
        venue="سالن جلسات استانداری قم",
        chair="معاون هماهنگی امور اقتصادی استاندار",
        attendees="نماینده بانک ملت\nمدیرکل صنعت، معدن و تجارت",
        by=deputy,
    )


@pytest.fixture
def resolution(meeting: Meeting, overdue_case: Case, bank: Organisation, unit: Unit, deputy: User) -> Resolution:
    services.meeting_add_cases(meeting=meeting, cases=[overdue_case], by=deputy)
    assert unit.owner is not None
    deadline = meeting.held_on + dt.timedelta(days=30)
    resolution = services.resolution_issue(
        meeting=meeting,
        case=overdue_case,
        text=RESOLUTION_TEXT,
        commitments=[
            {"party": Party.AGENCY, "owner": bank, "text": "استمهال بدهی", "deadline": deadline},
            {"party": Party.UNIT, "owner": unit.owner, "text": "پرداخت بیست درصد", "deadline": deadline},
        ],
        by=deputy,
    )
    workflow.act(meeting=meeting, action="hold", by=deputy)  # the draft is adopted
    resolution.refresh_from_db()
    return resolution


def test_persian_ordinals() -> None:
    assert [persian_ordinal(n) for n in (1, 2, 3, 13, 23, 30)] == [
        "اول",
        "دوم",
        "سوم",
        "سیزدهم",
        "بیست و سوم",
        "سی\u200cام",
    ]


def test_the_secretariat_prepares_meeting_13_and_issues_a_resolution(
    client: Client,
    qom: Province,
    deputy: User,
    overdue_case: Case,
    bank: Organisation,
    unit_company: Organisation,
) -> None:
    login(client, deputy)
    Meeting.objects.create(
        province=qom, number=12, held_on=timezone.localdate() - dt.timedelta(days=60), created_by=deputy
    )

    page = client.get(reverse("hq-meeting-create"))
    assert page.status_code == 200
    assert page.context["form"].initial["number"] == 13
    today = timezone.localdate()
    response = client.post(
        reverse("hq-meeting-create"),
        {
            "number": "۱۳",
            "held_on": jalali(today),
            "venue": "استانداری قم",
            "chair": "معاون اقتصادی",
            "attendees": "الف\nب",
        },
    )
    meeting = Meeting.objects.get(province=qom, number=13)
    assert response.status_code == 302
    assert response["Location"] == reverse("hq-meeting-detail", args=[meeting.pk])
    assert meeting.attendees == "الف\nب"

    detail = client.get(reverse("hq-meeting-detail", args=[meeting.pk]))
    html = detail.content.decode()
    assert "جلسه سیزدهم ستاد تسهیل و رفع موانع تولید استان قم" in html
    assert list(detail.context["agenda_form"].initial["cases"]) == [overdue_case.pk]  # preselected

    response = client.post(
        reverse("hq-meeting-agenda", args=[meeting.pk]), {"cases": [overdue_case.pk], "item": "گزارش دبیرخانه"}
    )
    assert response.status_code == 302
    assert [item.case_id for item in AgendaItem.objects.filter(meeting=meeting)] == [overdue_case.pk, None]
    overdue_case.refresh_from_db()
    assert overdue_case.state == CaseState.ON_AGENDA

    deadline = jalali(today + dt.timedelta(days=30))
    response = client.post(
        reverse("hq-resolution-create", args=[meeting.pk]),
        {
            "text": RESOLUTION_TEXT,
            "case": overdue_case.pk,
            "agency": bank.pk,
            "agency_text": "استمهال بدهی",
            "agency_deadline": deadline,
            "unit_owner": unit_company.pk,
            "unit_text": "پرداخت بیست درصد",
            "unit_deadline": deadline,
        },
    )
    assert response.status_code == 302
    resolution = Resolution.objects.get(meeting=meeting)
    assert {(c.party, c.owner_id) for c in resolution.commitments.all()} == {
        (Party.AGENCY, bank.pk),
        (Party.UNIT, unit_company.pk),
    }
    overdue_case.refresh_from_db()
    assert overdue_case.state == CaseState.ON_AGENDA  # a draft until the meeting is held
    detail = client.get(reverse("hq-meeting-detail", args=[meeting.pk]))
    assert "استمهال بدهی" in detail.content.decode()
    assert "پیش‌نویس" in detail.content.decode()

    response = client.post(reverse("hq-meeting-action", args=[meeting.pk, "hold"]), {"meeting-hold-held_on": ""})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.state, meeting.held_on) == (MeetingState.HELD, today)
    overdue_case.refresh_from_db()
    assert overdue_case.state == CaseState.DECIDED  # adopted at the held meeting


def test_a_resolution_without_the_units_deadline_is_refused_and_the_form_kept(
    client: Client, meeting: Meeting, deputy: User, bank: Organisation, unit_company: Organisation
) -> None:
    login(client, deputy)
    response = client.post(
        reverse("hq-resolution-create", args=[meeting.pk]),
        {"text": "متن مصوبه", "agency": bank.pk, "agency_text": "اقدام", "agency_deadline": "1300/01/01"},
    )
    assert response.status_code == 400
    assert response.context["resolution_form"].data["text"] == "متن مصوبه"
    assert not Resolution.objects.exists()


def test_the_minutes_pdf_reads_in_persian(client: Client, deputy: User, resolution: Resolution) -> None:
    login(client, deputy)
    response = client.get(reverse("hq-meeting-minutes", args=[resolution.meeting_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "سیزدهم" in text
    assert "استمهال" in text
    assert "بانک ملت" in text


def test_the_bank_objects_within_the_window_and_not_after_it(
    client: Client, bank_liaison: User, resolution: Resolution
) -> None:
    login(client, bank_liaison)
    page = client.get(reverse("hq-resolution-list"))
    assert page.status_code == 200
    assert RESOLUTION_TEXT in page.content.decode()
    key = f"object-{resolution.pk}"
    response = client.post(
        reverse("hq-objection-create", args=[resolution.pk]), {f"{key}-text": "بدون وثیقه ممکن نیست."}
    )
    assert response.status_code == 302
    assert Objection.objects.filter(resolution=resolution, agency=bank_liaison.organisation).count() == 1

    Resolution.objects.filter(pk=resolution.pk).update(objection_until=timezone.localdate() - dt.timedelta(days=1))
    response = client.post(reverse("hq-objection-create", args=[resolution.pk]), {f"{key}-text": "اعتراض دوم"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "اعتراض" in html
    assert "باید اجرا شود" in html
    assert "اعتراض دوم" in html  # the form is kept
    assert Objection.objects.filter(resolution=resolution).count() == 1


def test_the_bank_records_its_commitment_as_carried_out(
    client: Client, bank_liaison: User, resolution: Resolution, bank: Organisation
) -> None:
    login(client, bank_liaison)
    commitment = resolution.commitments.get(owner=bank)
    key = f"done-{commitment.pk}"
    response = client.post(reverse("hq-commitment-done", args=[commitment.pk]), {f"{key}-note": "استمهال انجام شد."})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.done_on == timezone.localdate()
    assert commitment.done_by == bank_liaison
    unit_side = resolution.commitments.get(party=Party.UNIT)
    assert client.post(reverse("hq-commitment-done", args=[unit_side.pk]), {}).status_code == 403


def test_each_side_sees_only_the_resolutions_that_bind_it(
    client: Client,
    deputy: User,
    manager: User,
    other_manager: User,
    liaison: User,
    resolution: Resolution,
    bank: Organisation,
) -> None:
    agency_only = services.resolution_issue(
        meeting=resolution.meeting,
        text="بانک گزارش تسهیلات استان را ارائه کند.",
        commitments=[
            {"party": Party.AGENCY, "owner": bank, "text": "گزارش", "deadline": resolution.meeting.held_on},
        ],
        by=deputy,
    )
    html = login(client, manager).get(reverse("hq-resolution-list")).content.decode()
    assert RESOLUTION_TEXT in html
    assert agency_only.text not in html
    for outsider in (other_manager, liaison):
        html = login(client, outsider).get(reverse("hq-resolution-list")).content.decode()
        assert RESOLUTION_TEXT not in html
        assert agency_only.text not in html
    assert login(client, manager).get(reverse("hq-meeting-detail", args=[resolution.meeting_id])).status_code == 403
    assert client.get(reverse("hq-meeting-list")).status_code == 302  # to the resolutions that bind them


def test_the_secretariat_filters_resolutions_by_status_with_few_queries(
    client: Client,
    deputy: User,
    resolution: Resolution,
    bank: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    login(client, deputy)
    Commitment.objects.filter(resolution=resolution).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    with django_assert_max_num_queries(15):
        overdue = client.get(reverse("hq-resolution-list"), {"status": "overdue", "agency": str(bank.pk)})
    assert RESOLUTION_TEXT in overdue.content.decode()
    on_time = client.get(reverse("hq-resolution-list"), {"status": "on_time"})
    assert RESOLUTION_TEXT not in on_time.content.decode()
    listing = client.get(reverse("hq-meeting-list"))
    assert "۰٪" in listing.content.decode()  # the one judged resolution is overdue


def test_an_investor_sees_no_hq_page(client: Client, investor: User, resolution: Resolution) -> None:
    login(client, investor)
    for url in (
        reverse("hq-meeting-list"),
        reverse("hq-meeting-create"),
        reverse("hq-meeting-detail", args=[resolution.meeting_id]),
        reverse("hq-meeting-minutes", args=[resolution.meeting_id]),
        reverse("hq-resolution-list"),
        reverse("hq-regulation-list"),
        reverse("hq-regulation-create"),
        reverse("hq-regulation-export"),
    ):
        assert client.get(url).status_code == 403, url


def test_the_regulation_register_is_recorded_edited_and_exported(
    client: Client, deputy: User, manager: User, overdue_case: Case, unit: Unit
) -> None:
    login(client, deputy)
    data = {
        "title": "بخشنامه الزام وثیقه ملکی برای ضمانت‌نامه",
        "kind": RegulationKind.CIRCULAR,
        "article": "بند ۳",
        "issuing_body": "بانک مرکزی",
        "issued_on": "1402/03/15",
        "cases": [overdue_case.pk],
        "problem": "واحدها وثیقه ملکی ندارند.",
        "proposal": "پذیرش قرارداد فروش به جای وثیقه",
        "national_status": NationalStatus.IDENTIFIED,
    }
    response = client.post(reverse("hq-regulation-create"), data)
    regulation = DisruptiveRegulation.objects.get()
    assert response.status_code == 302
    assert list(regulation.cases.all()) == [overdue_case]
    page = client.get(reverse("hq-regulation-edit", args=[regulation.pk])).content.decode()
    assert unit.name in page  # the units affected, derived from the cases

    sent = {**data, "national_status": NationalStatus.SENT, "sent_on": "1404/02/01", "sent_to": "دبیرخانه ستاد ملی"}
    assert client.post(reverse("hq-regulation-edit", args=[regulation.pk]), sent).status_code == 302
    regulation.refresh_from_db()
    assert regulation.national_status == NationalStatus.SENT
    assert regulation.sent_to == "دبیرخانه ستاد ملی"

    listing = client.get(reverse("hq-regulation-list"), {"q": "وثيقه", "national_status": "sent"}).content.decode()
    assert "الزام وثیقه" in listing
    assert "الزام وثیقه" not in client.get(reverse("hq-regulation-list"), {"kind": "law"}).content.decode()

    export = client.get(reverse("hq-regulation-export"))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("عنوان", "نوع", "ماده", "مرجع صادرکننده")
    assert rows[1][0] == regulation.title
    assert rows[1][4] == "1402/03/15"
    assert rows[1][5] == 1
    assert rows[1][6] == unit.name
    assert rows[1][9] == "ارسال‌شده به سطح ملی"

    assert login(client, manager).get(reverse("hq-regulation-list")).status_code == 403
    assert client.post(reverse("hq-regulation-edit", args=[regulation.pk]), data).status_code == 403


def test_the_unit_bound_by_a_resolution_objects_within_the_window(
    client: Client, manager: User, other_manager: User, liaison: User, resolution: Resolution
) -> None:
    key = f"object-{resolution.pk}"
    url = reverse("hq-objection-create", args=[resolution.pk])
    html = login(client, manager).get(reverse("hq-resolution-list")).content.decode()
    assert f'action="{url}"' in html  # the unit's company is bound: it may object, as its notice says
    assert client.post(url, {f"{key}-text": "واحد توان پرداخت بیست درصد را ندارد."}).status_code == 302
    objection = Objection.objects.get(resolution=resolution)
    assert (objection.agency, objection.filed_by) == (manager.organisation, manager)
    assert client.post(url, {f"{key}-text": "دوباره"}).status_code == 400  # one pending objection per side
    for outsider in (other_manager, liaison):  # another company's manager, an agency not bound
        login(client, outsider)
        assert client.post(url, {f"{key}-text": "اعتراض"}).status_code == 403
        assert client.post(url, {f"{key}-text": ""}).status_code == 403
    assert Objection.objects.filter(resolution=resolution).count() == 1


def test_a_liaison_bound_by_a_resolution_gets_no_link_to_a_case_not_referred_to_them(
    client: Client,
    deputy: User,
    bank_liaison: User,
    tax_liaison: User,
    tax_office: Organisation,
    resolution: Resolution,
) -> None:
    services.resolution_issue(
        meeting=resolution.meeting,
        case=resolution.case,
        text="اداره مالیات جریمه‌های واحد را بخشوده کند.",
        commitments=[
            {"party": Party.AGENCY, "owner": tax_office, "text": "بخشودگی", "deadline": resolution.meeting.held_on},
        ],
        by=deputy,
    )
    assert resolution.case is not None
    case_url = reverse("obstacles-case-detail", args=[resolution.case.pk])
    html = login(client, tax_liaison).get(reverse("hq-resolution-list")).content.decode()
    assert "بخشوده کند" in html
    assert f'href="{case_url}"' not in html  # the case is not referred to the tax office: it would 404
    assert client.get(case_url).status_code == 404
    html = login(client, bank_liaison).get(reverse("hq-resolution-list")).content.decode()
    assert f'href="{case_url}"' in html  # referred to the bank: it opens
    assert client.get(case_url).status_code == 200


def test_a_regulation_typed_like_a_formula_is_exported_as_text(
    client: Client, deputy: User, qom: Province, overdue_case: Case
) -> None:
    """Whatever the secretariat typed, the file sent upward opens with no live formula in it."""
    title = '=HYPERLINK("http://evil.example", "بخشنامه")'
    services.regulation_create(
        province=qom,
        by=deputy,
        cases=[overdue_case],
        title=title,
        kind=RegulationKind.CIRCULAR,
        article="-3",
        issuing_body="@بانک مرکزی",
        problem="+ وثیقه ملکی",
        proposal="پذیرش قرارداد فروش",
    )
    export = login(client, deputy).get(reverse("hq-regulation-export"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    cells = list(sheet.iter_rows())[1]
    assert [cell.value for cell in cells[:4]] == [title, "بخشنامه یا دستورالعمل", "-3", "@بانک مرکزی"]
    assert all(cell.data_type != "f" for cell in cells)
    assert cells[5].data_type == "n"  # the count of cases stays a number
