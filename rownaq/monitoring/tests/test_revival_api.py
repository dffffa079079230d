"""The revival cases API (read-only): the same access as the pages, per role; a case with its plan and history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.accounts.testing import api_client_for
from rownaq.geography.models import Province
from rownaq.monitoring.models import RevivalCase, RevivalCause
from rownaq.monitoring.revival import act, revival_open, revival_step_add
from rownaq.registry.models import Unit, UnitStatus

pytestmark = pytest.mark.django_db
URL = "/api/v1/monitoring/revival/"


@pytest.fixture
def case(unit: Unit, expert: User) -> RevivalCase:
    unit.status = UnitStatus.IDLE
    unit.save()
    opened = revival_open(unit=unit, cause=RevivalCause.MARKET, by=expert, support_needed="معرفی به بازارگاه")
    revival_step_add(case=opened, title="بازاریابی", owner="اتاق بازرگانی", due=dt.date(2027, 3, 1), by=expert)
    act(case=opened, action="diagnose", by=expert, diagnosis="بازار از دست رفت")
    return opened


@pytest.fixture
def other_case(other_unit: Unit, expert: User) -> RevivalCase:
    other_unit.status = UnitStatus.CLOSED
    other_unit.save()
    return revival_open(unit=other_unit, cause=RevivalCause.ENERGY, by=expert)


def ids(body: dict[str, object]) -> set[int]:
    results = body["results"]
    assert isinstance(results, list)
    return {row["id"] for row in results}


def test_expert_lists_filters_and_reads_a_case(expert: User, case: RevivalCase, other_case: RevivalCase) -> None:
    client = api_client_for(expert)
    listed = client.get(URL)
    assert listed.status_code == 200, listed.content
    assert ids(listed.json()) == {case.pk, other_case.pk}
    assert ids(client.get(URL, {"stage": "diagnosed"}).json()) == {case.pk}
    assert ids(client.get(URL, {"cause": "energy"}).json()) == {other_case.pk}
    assert client.get(URL, {"stage": "nonsense"}).status_code == 400
    assert client.get(URL, {"unit": "99999999999999999999"}).status_code == 400
    body = client.get(f"{URL}{case.pk}/").json()
    assert body["stage"] == "diagnosed"
    assert body["cause"] == "market"
    assert body["diagnosis"] == "بازار از دست رفت"
    assert [step["title"] for step in body["steps"]] == ["بازاریابی"]
    assert [event["action"] for event in body["events"]] == ["open", "diagnose"]
    assert body["events"][0]["from_state"] == ""


def test_restarted_case_shows_jobs_and_capacity(expert: User, case: RevivalCase) -> None:
    act(case=case, action="agree_plan", by=expert)
    act(case=case, action="start", by=expert)
    act(case=case, action="restart", by=expert, jobs_restored=12, capacity_restored=Decimal("55.5"))
    body = api_client_for(expert).get(f"{URL}{case.pk}/").json()
    assert body["stage"] == "restarted"
    assert body["jobs_restored"] == 12
    assert body["capacity_restored"] == "55.5"


def test_deputy_of_the_province_reads_too(deputy: User, case: RevivalCase) -> None:
    client = api_client_for(deputy)
    assert ids(client.get(URL).json()) == {case.pk}
    assert client.get(f"{URL}{case.pk}/").status_code == 200


def test_manager_reads_only_own_units_cases(
    manager: User, other_manager: User, case: RevivalCase, other_case: RevivalCase
) -> None:
    client = api_client_for(manager)
    assert ids(client.get(URL).json()) == {case.pk}
    assert client.get(f"{URL}{case.pk}/").status_code == 200
    assert client.get(f"{URL}{other_case.pk}/").status_code == 404
    assert ids(api_client_for(other_manager).get(URL).json()) == {other_case.pk}


def test_staff_of_another_province_see_none(
    make_user: Callable[..., User], make_org: Callable[..., Organisation], case: RevivalCase
) -> None:
    tehran = Province.objects.exclude(code="25").order_by("code").first()
    smt = make_org("سازمان صمت دیگر", OrganisationKind.SMT, province=tehran)
    client = api_client_for(make_user("far_expert", Role.SMT_EXPERT, smt))
    assert ids(client.get(URL).json()) == set()
    assert client.get(f"{URL}{case.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["bank_liaison", "investor"])
def test_outsiders_are_refused(persona: str, request: pytest.FixtureRequest, case: RevivalCase) -> None:
    client = api_client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{case.pk}/").status_code == 403


def test_anonymous_is_refused(case: RevivalCase) -> None:
    assert APIClient().get(URL).status_code in {401, 403}


def test_the_api_is_read_only(expert: User, case: RevivalCase) -> None:
    client = api_client_for(expert)
    assert client.post(URL, {"unit": case.unit_id, "cause": "market"}, format="json").status_code == 405
    assert client.patch(f"{URL}{case.pk}/", {"stage": "abandoned"}, format="json").status_code == 405
    assert client.delete(f"{URL}{case.pk}/").status_code == 405
