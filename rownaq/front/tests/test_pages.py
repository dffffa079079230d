"""The pages that combine products, as each persona lands on them: the province overview, the start page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.accounts.testing import login
from rownaq.registry.models import Licence, LicenceKind, Sector, Unit, UnitStatus

pytestmark = pytest.mark.django_db


def test_overview_counts_units_by_status_and_sector(
    client: Client, expert: User, make_unit: Callable[..., Unit]
) -> None:
    make_unit("کاشی یک", employees=10)
    make_unit("کاشی دو", employees=20, status=UnitStatus.IDLE)
    make_unit("فرش سه", employees=5, sector=Sector.objects.get(code="1393"))
    response = login(client, expert).get(reverse("registry-overview"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.total_units == 3
    assert figures.total_employees == 35
    assert figures.status_count(UnitStatus.IDLE) == 1
    assert {row["code"]: row["count"] for row in figures.by_division} == {"23": 2, "13": 1}
    assert "۳۵" in response.content.decode()  # employees in Persian digits


def test_unit_manager_lands_on_their_work_queue_with_their_units(client: Client, manager: User, unit: Unit) -> None:
    response = login(client, manager).get(reverse("registry-overview"))
    assert response.status_code == 200
    assert "front/home.html" in [t.name for t in response.templates]
    assert reverse("registry-unit-detail", args=[unit.pk]) in response.content.decode()


def test_national_staff_choose_a_province_on_the_overview(
    client: Client, make_user: Callable[..., User], make_unit: Callable[..., Unit]
) -> None:
    make_unit("کاشی")
    national = make_user("national", "smt_expert")
    response = login(client, national).get(reverse("registry-overview"), {"province": "25"})
    assert response.context["province"].name == "قم"
    assert response.context["figures"].total_units == 1
    response = client.get(reverse("registry-overview"), {"province": "23"})
    assert response.context["figures"].total_units == 0


def test_expired_establishment_permit_does_not_count_as_an_expired_operating_licence(
    client: Client, expert: User, make_unit: Callable[..., Unit]
) -> None:
    unit = make_unit("کاشی")
    Licence.objects.create(unit=unit, kind=LicenceKind.ESTABLISHMENT, number="1", expires_on=dt.date(2019, 1, 1))
    Licence.objects.create(unit=unit, kind=LicenceKind.OPERATING, number="2", expires_on=dt.date(2099, 1, 1))
    login(client, expert)
    assert client.get(reverse("registry-overview")).context["figures"].licences_expired == 0
    assert client.get(reverse("registry-unit-list"), {"licence": "expired"}).context["page"].paginator.count == 0
    assert client.get(reverse("registry-unit-list"), {"licence": "valid"}).context["page"].paginator.count == 1


@pytest.mark.parametrize("persona", ["liaison", "investor"])
def test_roles_without_the_registry_land_on_their_start_page(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    response = login(client, user).get(reverse("registry-overview"))
    assert response.status_code == 200
    assert "front/home.html" in [t.name for t in response.templates]
    assert str(user.get_role_display()) in response.content.decode()
    assert reverse("registry-unit-list") not in response.content.decode()  # no link to a page they cannot open
