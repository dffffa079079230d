"""An agency liaison sees a referred case's unit by name, sector and county only: no search, filter or
API parameter may reveal its national ID, its industrial estate or its registry id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from rownaq.accounts.models import User
from rownaq.geography.models import IndustrialEstate
from rownaq.obstacles.models import Case, CaseState

pytestmark = pytest.mark.django_db


def listed(client: Client, **params: Any) -> list[int]:
    return [case.pk for case in client.get(reverse("obstacles-case-list"), params).context["page"]]


def test_a_liaison_cannot_find_a_units_national_id_by_searching(
    client: Client, make_case: Callable[..., Case], bank_liaison: User, expert: User
) -> None:
    case = make_case(CaseState.REFERRED)
    national_id = case.unit.national_id
    client.force_login(bank_liaison)
    assert case.pk in listed(client)
    for prefix in (national_id[:3], national_id):
        assert listed(client, q=prefix) == []
    client.force_login(expert)
    assert listed(client, q=national_id) == [case.pk]


def test_a_liaison_cannot_probe_a_units_estate(
    client: Client, make_case: Callable[..., Case], bank_liaison: User, qom_county: Any
) -> None:
    estate = IndustrialEstate.objects.create(county=qom_county, name="شهرک صنعتی شکوهیه")
    other = IndustrialEstate.objects.create(county=qom_county, name="شهرک صنعتی محمودآباد")
    case = make_case(CaseState.REFERRED)
    case.unit.estate = estate
    case.unit.save()
    client.force_login(bank_liaison)
    assert listed(client, estate=estate.pk) == listed(client, estate=other.pk) == [case.pk]


def test_a_liaison_cannot_probe_a_units_registry_id_by_api(
    make_case: Callable[..., Case], bank_liaison: User, expert: User
) -> None:
    case = make_case(CaseState.REFERRED)
    api = APIClient()
    api.force_authenticate(bank_liaison)
    assert api.get("/api/v1/cases/", {"unit": case.unit_id}).json()["count"] == 0
    api.force_authenticate(expert)
    assert api.get("/api/v1/cases/", {"unit": case.unit_id}).json()["count"] == 1
