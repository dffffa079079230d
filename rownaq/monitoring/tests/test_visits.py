"""Field visits: saving by UUID once, the findings' rules, the clash warning, the calendar and the visit's page
per role (SMT expert, the visiting agency's liaison, another agency's liaison, unit managers, investor), the
photos, the follow-ups of a red visit, ``unit_visits`` and the offline queue's JSON answers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rownaq.accounts.models import AgencyCode, Organisation, OrganisationKind, Role, User
from rownaq.accounts.testing import browser_for
from rownaq.core.jalali import format_jalali
from rownaq.geography.models import County, Province
from rownaq.monitoring import visits
from rownaq.monitoring.models import RevivalCase
from rownaq.monitoring.visit_models import FollowUpKind, Visit, VisitFlag, VisitPhoto
from rownaq.registry.models import Unit, UnitStatus

pytestmark = pytest.mark.django_db
CALENDAR = "/monitoring/visits/"
NEW = "/monitoring/visits/new/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _today() -> dt.date:
    return timezone.localdate()


def _recorded(**changes: Any) -> visits.Findings:
    values: dict[str, Any] = {
        "visited_on": _today(),
        "sales_outlook": "down",
        "employment_outlook": "same",
        "main_obstacle": "working_capital",
        "expansion": "no",
        "notes": "انبار مواد اولیه خالی است",
        "flag": VisitFlag.RED,
    }
    values.update(changes)
    return visits.Findings(**values)


@pytest.fixture
def tax_office_qom(make_agency: Callable[..., Organisation], qom: Province) -> Organisation:
    return make_agency("اداره کل امور مالیاتی استان قم", AgencyCode.TAX, province=qom)


@pytest.fixture
def tax_qom_liaison(make_user: Callable[..., User], tax_office_qom: Organisation) -> User:
    return make_user("tax_qom_liaison", Role.AGENCY_LIAISON, tax_office_qom)


@pytest.fixture
def bank_visit(liaison: User, unit: Unit) -> Visit:
    """The bank's liaison visited the unit today and flagged it red (notes and a photo)."""
    photo = SimpleUploadedFile("انبار.png", PNG, content_type="image/png")
    visit, created = visits.visit_save(
        key=uuid.uuid4(), unit=unit, planned_on=_today(), findings=_recorded(), photos=[photo], by=liaison
    )
    assert created
    return visit


def _form(unit: Unit, day: dt.date, **extra: Any) -> dict[str, Any]:
    return {"uuid": str(uuid.uuid4()), "unit": unit.pk, "planned_on": format_jalali(day, persian_digits=False), **extra}


# -- the services -------------------------------------------------------------------------------------------


def test_a_visit_sent_twice_with_its_uuid_is_stored_once(liaison: User, unit: Unit) -> None:
    key = uuid.uuid4()
    first, created = visits.visit_save(key=key, unit=unit, planned_on=_today(), findings=_recorded(), by=liaison)
    again, created_again = visits.visit_save(
        key=key, unit=unit, planned_on=_today(), findings=_recorded(notes="تغییر"), by=liaison
    )
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert Visit.objects.get().notes == "انبار مواد اولیه خالی است"
    assert Visit.objects.get().agency_id == liaison.organisation_id


def test_another_agency_cannot_reuse_a_visits_uuid(liaison: User, tax_qom_liaison: User, bank_visit: Visit) -> None:
    with pytest.raises(PermissionDenied):
        visits.visit_save(key=bank_visit.uuid, unit=bank_visit.unit, planned_on=_today(), by=tax_qom_liaison)


@pytest.mark.parametrize(
    "findings",
    [
        visits.Findings(notes="بدون تاریخ بازدید"),  # findings of a visit not made
        visits.Findings(flag=VisitFlag.RED),
        _recorded(flag=""),  # made, but no flag
        _recorded(visited_on=dt.date.today() + dt.timedelta(days=3)),  # in the future
    ],
)
def test_findings_need_the_day_of_the_visit_and_a_flag(liaison: User, unit: Unit, findings: visits.Findings) -> None:
    with pytest.raises(ValidationError):
        visits.visit_save(key=uuid.uuid4(), unit=unit, planned_on=_today(), findings=findings, by=liaison)
    assert not Visit.objects.exists()


def test_only_staff_and_liaisons_plan_visits_and_only_in_their_province(
    manager: User, investor: User, liaison: User, unit: Unit, make_unit: Callable[..., Unit]
) -> None:
    elsewhere = make_unit("واحد استان دیگر", county=County.objects.exclude(province__code="qom").first())
    for person, target in ((manager, unit), (investor, unit), (liaison, elsewhere)):
        with pytest.raises(PermissionDenied):
            visits.visit_save(key=uuid.uuid4(), unit=target, planned_on=_today(), by=person)
    assert not Visit.objects.exists()


def test_photos_must_be_png_or_jpeg(liaison: User, unit: Unit) -> None:
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        visits.visit_save(
            key=uuid.uuid4(), unit=unit, planned_on=_today(), findings=_recorded(), photos=[pdf], by=liaison
        )
    assert "report.pdf" in caught.value.messages[0]
    assert not Visit.objects.exists()


def test_the_week_begins_on_saturday() -> None:
    friday, saturday = dt.date(2026, 12, 4), dt.date(2026, 12, 5)
    assert visits.week_start(friday) == dt.date(2026, 11, 28)
    assert visits.week_start(saturday) == saturday
    assert visits.week_days(dt.date(2026, 12, 9))[-1] == dt.date(2026, 12, 11)


# -- the form and its clash warning -------------------------------------------------------------------------


def test_planning_where_another_agency_goes_that_week_warns_naming_it_then_saves_once_confirmed(
    bank_visit: Visit, tax_qom_liaison: User, unit: Unit
) -> None:
    client = browser_for(tax_qom_liaison)
    data = _form(unit, bank_visit.visited_on)  # type: ignore[arg-type]
    response = client.post(NEW, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="visit-clashes"' in page
    assert "بانک ملی ایران، مدیریت شعب قم" in page
    assert format_jalali(bank_visit.visited_on) in page
    assert Visit.objects.count() == 1
    response = client.post(NEW, {**data, "confirm": "on"})
    assert response.status_code == 302
    assert Visit.objects.filter(agency=tax_qom_liaison.organisation).count() == 1


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong_in_persian(liaison: User, unit: Unit) -> None:
    response = browser_for(liaison).post(NEW, _form(unit, _today(), notes="یادداشت بدون تاریخ بازدید", flag="red"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "یادداشت بدون تاریخ بازدید" in page
    assert "روز بازدید" in page
    assert not Visit.objects.exists()


def test_the_offline_queue_gets_json_and_a_second_delivery_stores_nothing_more(liaison: User, unit: Unit) -> None:
    client = browser_for(liaison)
    data = _form(unit, _today(), visited_on=format_jalali(_today(), persian_digits=False), flag="green")
    first = client.post(NEW, data, HTTP_ACCEPT="application/json")
    second = client.post(NEW, data, HTTP_ACCEPT="application/json")
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert Visit.objects.count() == 1
    refused = client.post(NEW, {**data, "uuid": str(uuid.uuid4()), "flag": ""}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400
    assert "errors" in refused.json()


def test_the_service_worker_is_served_under_the_visits_so_its_scope_covers_the_form(liaison: User) -> None:
    response = browser_for(liaison).get("/monitoring/visits/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert f'"{NEW}"' in body
    assert "monitoring/visits.js" in body
    page = browser_for(liaison).get(NEW).content.decode()
    assert 'data-worker="/monitoring/visits/sw.js"' in page
    assert "<script>" not in page


# -- the calendar and the visit's page per role -------------------------------------------------------------


def test_liaisons_see_every_agencys_entries_but_the_details_of_their_own_only(
    bank_visit: Visit, liaison: User, tax_qom_liaison: User, expert: User
) -> None:
    link = f'href="/monitoring/visits/{bank_visit.pk}/"'
    other = browser_for(tax_qom_liaison).get(CALENDAR).content.decode()
    assert 'id="nav-visits"' in other  # the liaison's menu leads to the calendar
    assert bank_visit.unit.name in other
    assert "بانک ملی ایران" in other
    assert link not in other
    assert browser_for(tax_qom_liaison).get(f"/monitoring/visits/{bank_visit.pk}/").status_code == 403
    for person in (liaison, expert):
        assert link in browser_for(person).get(CALENDAR).content.decode()
        page = browser_for(person).get(f"/monitoring/visits/{bank_visit.pk}/").content.decode()
        assert "انبار مواد اولیه خالی است" in page


def test_unit_managers_see_who_visits_their_units_but_not_the_agencies_findings(
    bank_visit: Visit, manager: User, other_manager: User
) -> None:
    own = browser_for(manager).get(CALENDAR).content.decode()
    assert bank_visit.unit.name in own
    assert "بانک ملی ایران" in own
    assert f'href="/monitoring/visits/{bank_visit.pk}/"' not in own
    assert browser_for(manager).get(f"/monitoring/visits/{bank_visit.pk}/").status_code == 403
    assert bank_visit.unit.name not in browser_for(other_manager).get(CALENDAR).content.decode()
    assert browser_for(other_manager).get(f"/monitoring/visits/{bank_visit.pk}/").status_code == 404


def test_investors_and_knowledge_members_have_no_visits(
    investor: User, make_user: Callable[..., User], make_org: Callable[..., Organisation], bank_visit: Visit
) -> None:
    member = make_user("member", Role.KNOWLEDGE_MEMBER, make_org("دانشگاه قم", OrganisationKind.UNIVERSITY))
    for person in (investor, member):
        client = browser_for(person)
        assert client.get(CALENDAR).status_code == 403
        assert client.get(NEW).status_code == 403
        assert client.get(f"/monitoring/visits/{bank_visit.pk}/").status_code in (403, 404)
    assert browser_for(investor).get(f"/monitoring/visits/photos/{bank_visit.photos.get().pk}/").status_code == 404


def test_a_photo_is_shown_only_to_those_who_see_the_visits_details(
    bank_visit: Visit, liaison: User, expert: User, tax_qom_liaison: User, manager: User
) -> None:
    photo = VisitPhoto.objects.get(visit=bank_visit)
    url = f"/monitoring/visits/photos/{photo.pk}/"
    for person in (liaison, expert):
        response = browser_for(person).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
    for person in (tax_qom_liaison, manager):
        assert browser_for(person).get(url).status_code == 404


def test_the_calendar_shows_the_week_asked_for_in_jalali(bank_visit: Visit, expert: User) -> None:
    later = _today() + dt.timedelta(days=14)
    page = browser_for(expert).get(CALENDAR, {"week": later.isoformat()}).content.decode()
    assert format_jalali(visits.week_start(later)) in page
    assert bank_visit.unit.name not in page
    assert browser_for(expert).get(CALENDAR, {"week": "not-a-day"}).status_code == 200


def test_the_calendar_lists_a_week_in_a_bounded_number_of_queries(
    liaison: User, expert: User, make_unit: Callable[..., Unit], django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        visits.visit_save(key=uuid.uuid4(), unit=make_unit(f"واحد {n}"), planned_on=_today(), by=liaison)
    client = browser_for(expert)
    with django_assert_max_num_queries(12):
        assert client.get(CALENDAR).status_code == 200


# -- recording and follow-ups --------------------------------------------------------------------------------


def test_the_visiting_agency_records_a_planned_visit(liaison: User, tax_qom_liaison: User, unit: Unit) -> None:
    visit, _created = visits.visit_save(key=uuid.uuid4(), unit=unit, planned_on=_today(), by=liaison)
    url = f"/monitoring/visits/{visit.pk}/record/"
    assert browser_for(tax_qom_liaison).get(url).status_code == 403
    data = {"visited_on": format_jalali(_today(), persian_digits=False), "flag": "yellow", "sales_outlook": "up"}
    assert browser_for(liaison).post(url, data).status_code == 302
    visit.refresh_from_db()
    assert visit.is_done
    assert visit.flag == "yellow"
    assert visit.sales_outlook == "up"


def test_a_red_visit_to_an_idle_unit_opens_a_revival_case_recorded_on_the_visit(
    bank_visit: Visit, expert: User, liaison: User
) -> None:
    unit = bank_visit.unit
    unit.status = UnitStatus.IDLE
    unit.save()
    assert 'id="open-revival"' not in browser_for(liaison).get(f"/monitoring/visits/{bank_visit.pk}/").content.decode()
    page = browser_for(expert).get(f"/monitoring/visits/{bank_visit.pk}/").content.decode()
    assert 'id="open-revival"' in page
    assert 'value="working_capital" selected' in page
    response = browser_for(expert).post(f"/monitoring/visits/{bank_visit.pk}/revival/", {"cause": "working_capital"})
    case = RevivalCase.objects.get(unit=unit)
    assert response.status_code == 302
    assert response["Location"] == f"/monitoring/revival/{case.pk}/"
    assert case.diagnosis == "انبار مواد اولیه خالی است"
    follow_up = bank_visit.follow_ups.get()
    assert follow_up.kind == FollowUpKind.REVIVAL_CASE
    assert follow_up.revival_case == case
    assert follow_up.by == expert
    assert (
        browser_for(liaison).post(f"/monitoring/visits/{bank_visit.pk}/revival/", {"cause": "market"}).status_code
        == 403
    )


def test_a_red_visit_offers_the_obstacle_case_form_with_the_unit_chosen(
    bank_visit: Visit, expert: User, liaison: User
) -> None:
    assert 'id="open-obstacle"' not in browser_for(liaison).get(f"/monitoring/visits/{bank_visit.pk}/").content.decode()
    response = browser_for(expert).post(f"/monitoring/visits/{bank_visit.pk}/obstacle/")
    assert response.status_code == 302
    assert response["Location"] == f"/obstacles/cases/new/?unit={bank_visit.unit_id}"
    assert bank_visit.follow_ups.get().kind == FollowUpKind.OBSTACLE_CASE
    form = browser_for(expert).get(response["Location"])
    assert form.status_code == 200
    assert 'id="chosen-unit"' in form.content.decode()


def test_a_green_visit_offers_no_follow_up(liaison: User, expert: User, unit: Unit) -> None:
    visit, _created = visits.visit_save(
        key=uuid.uuid4(), unit=unit, planned_on=_today(), findings=_recorded(flag="green"), by=liaison
    )
    assert 'id="visit-follow-ups"' not in browser_for(expert).get(f"/monitoring/visits/{visit.pk}/").content.decode()
    assert browser_for(expert).post(f"/monitoring/visits/{visit.pk}/obstacle/").status_code == 403


def test_unit_visits_lists_a_units_visits_with_details_as_each_person_may_see_them(
    bank_visit: Visit, liaison: User, tax_qom_liaison: User, manager: User, other_manager: User, expert: User
) -> None:
    unit = bank_visit.unit
    assert [(s.visit, s.details) for s in visits.unit_visits(unit, liaison)] == [(bank_visit, True)]
    assert [(s.visit, s.details) for s in visits.unit_visits(unit, expert)] == [(bank_visit, True)]
    assert [(s.visit, s.details) for s in visits.unit_visits(unit, tax_qom_liaison)] == [(bank_visit, False)]
    assert [(s.visit, s.details) for s in visits.unit_visits(unit, manager)] == [(bank_visit, False)]
    assert visits.unit_visits(unit, other_manager) == []
