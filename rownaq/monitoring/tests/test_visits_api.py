"""The visits API per role: who lists which visits and which details, POST idempotent by UUID, bounded fields,
refusals in Persian."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from rownaq.accounts.models import AgencyCode, Organisation, Role, User
from rownaq.accounts.testing import api_client_for
from rownaq.geography.models import County, Province
from rownaq.monitoring import visits
from rownaq.monitoring.visit_models import Visit
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db
URL = "/api/v1/monitoring/visits/"


@pytest.fixture
def tax_qom_liaison(make_user: Callable[..., User], make_agency: Callable[..., Organisation], qom: Province) -> User:
    return make_user("tax_qom", Role.AGENCY_LIAISON, make_agency("اداره مالیات قم", AgencyCode.TAX, province=qom))


@pytest.fixture
def bank_visit(liaison: User, unit: Unit) -> Visit:
    findings = visits.Findings(visited_on=timezone.localdate(), flag="red", notes="چک برگشتی", sales_outlook="down")
    visit, _created = visits.visit_save(
        key=uuid.uuid4(), unit=unit, planned_on=timezone.localdate(), findings=findings, by=liaison
    )
    return visit


def _entry(unit: Unit, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate().isoformat()
    return {"uuid": str(uuid.uuid4()), "unit": unit.pk, "planned_on": today, **extra}


def test_post_is_idempotent_by_uuid(liaison: User, unit: Unit) -> None:
    client = api_client_for(liaison)
    body = _entry(unit, visited_on=timezone.localdate().isoformat(), flag="yellow", main_obstacle="energy")
    first = client.post(URL, body, format="json")
    second = client.post(URL, body, format="json")
    assert first.status_code == 201, first.content
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["details"]["main_obstacle"] == "energy"
    assert Visit.objects.count() == 1


def test_post_refuses_wrong_fields_with_persian_messages(liaison: User, unit: Unit, make_unit: Any) -> None:
    client = api_client_for(liaison)
    elsewhere = make_unit("واحد دیگر", county=County.objects.exclude(province__code="qom").first())
    cases: list[dict[str, Any]] = [
        _entry(unit, uuid="not-a-uuid"),
        _entry(unit, flag="purple"),
        _entry(unit, notes="یادداشت"),  # findings without the day of the visit
        _entry(unit, planned_on="0001-01-01"),
        _entry(elsewhere),
        {**_entry(unit), "unit": 10**30},
    ]
    for body in cases:
        response = client.post(URL, body, format="json")
        assert response.status_code == 400, body
    detail = client.post(URL, _entry(unit, notes="یادداشت"), format="json").json()["detail"]
    assert isinstance(detail, str)  # as the schema documents
    assert "روز بازدید" in detail
    assert not Visit.objects.exists()


def test_the_list_shows_details_only_where_the_caller_may_see_them(
    bank_visit: Visit, liaison: User, tax_qom_liaison: User, expert: User, manager: User
) -> None:
    for person, shown in ((liaison, True), (expert, True), (tax_qom_liaison, False), (manager, False)):
        rows = api_client_for(person).get(URL).json()["results"]
        assert [row["id"] for row in rows] == [bank_visit.pk], person
        assert (rows[0]["details"] is not None) is shown, person
        assert rows[0]["agency_name"] == "بانک ملی ایران، مدیریت شعب قم"
    assert api_client_for(liaison).get(URL).json()["results"][0]["details"]["notes"] == "چک برگشتی"
    assert api_client_for(tax_qom_liaison).get(f"{URL}{bank_visit.pk}/").status_code == 403
    assert api_client_for(expert).get(f"{URL}{bank_visit.pk}/").status_code == 200


def test_the_list_filters_by_week_and_unit(bank_visit: Visit, expert: User, other_unit: Unit) -> None:
    client = api_client_for(expert)
    later = (timezone.localdate() + dt.timedelta(days=21)).isoformat()
    assert client.get(URL, {"week": later}).json()["results"] == []
    assert client.get(URL, {"week": timezone.localdate().isoformat()}).json()["count"] == 1
    assert client.get(URL, {"unit": other_unit.pk}).json()["count"] == 0
    assert client.get(URL, {"week": "2026-13-40"}).status_code == 400
    assert client.get(URL, {"unit": "x"}).status_code == 400


def test_who_may_not(bank_visit: Visit, manager: User, investor: User, other_manager: User, unit: Unit) -> None:
    assert api_client_for(manager).post(URL, _entry(unit), format="json").status_code == 403
    assert api_client_for(investor).get(URL).status_code == 403
    assert api_client_for(investor).post(URL, _entry(unit), format="json").status_code == 403
    assert api_client_for(other_manager).get(URL).json()["count"] == 0
    assert api_client_for(other_manager).get(f"{URL}{bank_visit.pk}/").status_code == 404
