"""The unit registry's HTTP API: who sees and changes which units, search, paging, schema."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from rest_framework.test import APIClient

from conftest import PASSWORD, make_national_id
from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for as client_for
from rownaq.accounts.testing import token_for
from rownaq.core.normalise import to_persian_digits
from rownaq.geography.models import County
from rownaq.registry.models import StatusChange, Unit, UnitStatus
from rownaq.registry.validators import validate_national_id

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"
PERSIAN_LETTERS = re.compile("[\u0600-\u06ff]")


def detail(unit: Unit) -> str:
    return f"{UNITS}{unit.pk}/"


def listed_ids(response: Any) -> set[int]:
    """The unit ids a list response shows; a refusal (403) shows none."""
    if response.status_code == 403:
        return set()
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


class TestAuthentication:
    def test_token_for_right_password(self, manager: User) -> None:
        assert token_for(manager)

    def test_no_token_for_wrong_password(self, manager: User) -> None:
        response = APIClient().post("/api/v1/auth/token", {"username": "manager", "password": "wrong"}, format="json")
        assert response.status_code == 400
        assert "token" not in response.json()

    def test_anonymous_is_refused(self, unit: Unit) -> None:
        client = APIClient()
        for response in (client.get(UNITS), client.get(detail(unit)), client.patch(detail(unit), {"employees": 1})):
            assert response.status_code == 401
            assert "WWW-Authenticate" in response.headers

    def test_bad_token_is_refused(self, unit: Unit) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        assert client.get(UNITS).status_code == 401

    def test_inactive_user_is_refused(self, manager: User, unit: Unit) -> None:
        client = client_for(manager)
        manager.is_active = False
        manager.save()
        assert client.get(UNITS).status_code in (401, 403)

    def test_session_login_works_for_reading(self, manager: User, unit: Unit, other_unit: Unit) -> None:
        client = APIClient()
        assert client.login(username="manager", password=PASSWORD)
        assert listed_ids(client.get(UNITS)) == {unit.pk}

    def test_session_writes_need_the_csrf_token(self, manager: User, unit: Unit) -> None:
        client = APIClient(enforce_csrf_checks=True)
        assert client.login(username="manager", password=PASSWORD)
        response = client.patch(detail(unit), {"employees": 40}, format="json")
        assert response.status_code == 403
        unit.refresh_from_db()
        assert unit.employees == 25


class TestUnitManager:
    def test_lists_only_own_units(self, manager: User, unit: Unit, other_unit: Unit) -> None:
        response = client_for(manager).get(UNITS)
        assert listed_ids(response) == {unit.pk}
        assert response.json()["count"] == 1

    def test_reads_own_unit(self, manager: User, unit: Unit) -> None:
        response = client_for(manager).get(detail(unit))
        assert response.status_code == 200
        body = response.json()
        assert body["name"] == "کاشی‌سازی البرز"
        assert body["sector"] == "2393"
        assert body["version"] == 1

    def test_another_companys_unit_is_not_found(self, manager: User, unit: Unit, other_unit: Unit) -> None:
        assert client_for(manager).get(detail(other_unit)).status_code == 404

    def test_cannot_change_another_companys_unit(self, manager: User, unit: Unit, other_unit: Unit) -> None:
        response = client_for(manager).patch(detail(other_unit), {"employees": 1}, format="json")
        assert response.status_code == 404
        other_unit.refresh_from_db()
        assert other_unit.employees == 80

    def test_changes_own_unit(self, manager: User, unit: Unit) -> None:
        response = client_for(manager).patch(detail(unit), {"employees": 40, "version": 1}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["employees"] == 40
        assert response.json()["version"] == 2
        unit.refresh_from_db()
        assert (unit.employees, unit.version) == (40, 2)

    def test_cannot_add_units(self, manager: User, qom_county: County) -> None:
        payload = {"name": "واحد تازه", "national_id": "10380284790", "sector": "2393", "county": qom_county.pk}
        response = client_for(manager).post(UNITS, payload, format="json")
        assert response.status_code == 403
        assert not Unit.objects.filter(national_id="10380284790").exists()

    def test_other_manager_sees_only_theirs(self, other_manager: User, unit: Unit, other_unit: Unit) -> None:
        client = client_for(other_manager)
        assert listed_ids(client.get(UNITS)) == {other_unit.pk}
        assert client.get(detail(unit)).status_code == 404


class TestExpert:
    def test_lists_all_units_of_the_province(self, expert: User, unit: Unit, other_unit: Unit) -> None:
        assert listed_ids(client_for(expert).get(UNITS)) == {unit.pk, other_unit.pk}

    def test_does_not_see_other_provinces(
        self, expert: User, unit: Unit, qom_county: County, make_unit: Callable[..., Unit]
    ) -> None:
        elsewhere = make_unit("کاشی تبریز", county=County.objects.exclude(province=qom_county.province).first())
        client = client_for(expert)
        assert listed_ids(client.get(UNITS)) == {unit.pk}
        assert client.get(detail(elsewhere)).status_code == 404

    def test_filters_by_status(self, expert: User, unit: Unit, other_unit: Unit) -> None:
        Unit.objects.filter(pk=other_unit.pk).update(status=UnitStatus.IDLE)
        client = client_for(expert)
        assert listed_ids(client.get(UNITS, {"status": "idle"})) == {other_unit.pk}
        assert listed_ids(client.get(UNITS, {"status": "active"})) == {unit.pk}
        assert listed_ids(client.get(f"{UNITS}?status=active&status=idle")) == {unit.pk, other_unit.pk}

    def test_unknown_status_is_a_400(self, expert: User, unit: Unit) -> None:
        assert client_for(expert).get(UNITS, {"status": "bankrupt"}).status_code == 400

    @pytest.mark.parametrize("query", ["كاشي", "کاشی", "کاشی سازی", "كاشي‌سازي البرز", "البرز"])
    def test_search_finds_spelling_variants(self, expert: User, unit: Unit, other_unit: Unit, query: str) -> None:
        assert listed_ids(client_for(expert).get(UNITS, {"q": query})) == {unit.pk}

    def test_search_by_national_id_in_persian_digits(self, expert: User, unit: Unit, other_unit: Unit) -> None:
        query = to_persian_digits(other_unit.national_id)
        assert listed_ids(client_for(expert).get(UNITS, {"q": query})) == {other_unit.pk}

    def test_search_with_no_match(self, expert: User, unit: Unit) -> None:
        response = client_for(expert).get(UNITS, {"q": "پتروشیمی"})
        assert response.status_code == 200
        assert response.json()["results"] == []

    def test_creates_a_unit(self, expert: User, qom_county: County) -> None:
        payload = {
            "name": "كاشي سازي نوين",  # Arabic letters: stored in Persian spelling
            "national_id": "۱۰۳۸۰۲۸۴۷۹۰",
            "sector": "2393",
            "county": qom_county.pk,
            "employees": 12,
        }
        response = client_for(expert).post(UNITS, payload, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["name"] == "کاشی سازی نوین"
        assert body["national_id"] == "10380284790"
        unit = Unit.objects.get(pk=body["id"])
        assert unit.county == qom_county
        assert StatusChange.objects.filter(unit=unit, new_status=UnitStatus.ACTIVE).count() == 1

    def test_bad_national_id_is_a_400_naming_the_field(self, expert: User, qom_county: County) -> None:
        payload = {"name": "واحد", "national_id": "10380284791", "sector": "2393", "county": qom_county.pk}
        response = client_for(expert).post(UNITS, payload, format="json")
        assert response.status_code == 400
        errors = response.json()
        assert list(errors) == ["national_id"]
        with pytest.raises(ValidationError) as info:  # the validator's own message, in the active language
            validate_national_id("10380284791")
        expected = info.value.messages[0]
        assert errors["national_id"] == [expected]
        assert not Unit.objects.filter(national_id="10380284791").exists()

    def test_bad_national_id_error_is_in_persian(self, expert: User, qom_county: County) -> None:
        english = "This national ID is not valid: its check digit does not match."
        if gettext(english) == english:
            pytest.skip("the Persian message catalogue (locale/fa) has no translation for this message yet")
        payload = {"name": "واحد", "national_id": "10380284791", "sector": "2393", "county": qom_county.pk}
        response = client_for(expert).post(UNITS, payload, format="json")
        assert PERSIAN_LETTERS.search(response.json()["national_id"][0])

    def test_duplicate_national_id_is_a_400(self, expert: User, unit: Unit, qom_county: County) -> None:
        payload = {"name": "تکراری", "national_id": unit.national_id, "sector": "2393", "county": qom_county.pk}
        response = client_for(expert).post(UNITS, payload, format="json")
        assert response.status_code == 400
        assert "national_id" in response.json()

    def test_changes_any_unit_of_the_province(self, expert: User, other_unit: Unit) -> None:
        response = client_for(expert).patch(detail(other_unit), {"status": "idle", "version": 1}, format="json")
        assert response.status_code == 200, response.content
        other_unit.refresh_from_db()
        assert other_unit.status == UnitStatus.IDLE
        assert StatusChange.objects.filter(unit=other_unit, old_status="active", new_status="idle").exists()

    def test_stale_version_is_refused(self, expert: User, manager: User, unit: Unit) -> None:
        # The manager saves first, from version 1...
        assert (
            client_for(manager).patch(detail(unit), {"employees": 30, "version": 1}, format="json").status_code == 200
        )
        # ...then the expert, who opened version 1 too, tries to save over it.
        response = client_for(expert).patch(detail(unit), {"employees": 99, "version": 1}, format="json")
        assert response.status_code == 409
        assert "کاربر دیگری" in response.json()["detail"]
        unit.refresh_from_db()
        assert (unit.employees, unit.version) == (30, 2)

    def test_current_version_is_accepted(self, expert: User, unit: Unit) -> None:
        client = client_for(expert)
        assert client.patch(detail(unit), {"employees": 30, "version": 1}, format="json").status_code == 200
        assert client.patch(detail(unit), {"employees": 31, "version": "2"}, format="json").status_code == 200
        unit.refresh_from_db()
        assert (unit.employees, unit.version) == (31, 3)

    def test_version_is_raised_by_the_server(self, expert: User, unit: Unit) -> None:
        response = client_for(expert).patch(detail(unit), {"employees": 30, "version": 1}, format="json")
        assert response.status_code == 200
        assert response.json()["version"] == 2

    @pytest.mark.parametrize("method", ["patch", "put"])
    def test_an_update_without_the_version_is_refused_and_changes_nothing(
        self, expert: User, unit: Unit, method: str
    ) -> None:
        """Without it, two people's updates silently overwrote each other."""
        client = client_for(expert)
        payload = {**client.get(detail(unit)).json(), "employees": 77}
        del payload["version"]
        response = getattr(client, method)(detail(unit), payload, format="json")
        assert response.status_code == 400
        assert "نسخه" in response.json()["version"][0]
        unit.refresh_from_db()
        assert (unit.employees, unit.version) == (25, 1)

    def test_two_people_editing_one_unit_by_api_never_overwrite_each_other(
        self, expert: User, manager: User, unit: Unit
    ) -> None:
        mine, theirs = client_for(expert), client_for(manager)
        loaded_by_me, loaded_by_them = mine.get(detail(unit)).json(), theirs.get(detail(unit)).json()
        put = {**loaded_by_me, "address": "قم، بلوار امین"}
        assert mine.put(detail(unit), put, format="json").status_code == 200
        patch = {"employees": 60, "version": loaded_by_them["version"]}
        assert theirs.patch(detail(unit), patch, format="json").status_code == 409
        fresh = theirs.get(detail(unit)).json()
        assert theirs.patch(detail(unit), {**patch, "version": fresh["version"]}, format="json").status_code == 200
        unit.refresh_from_db()
        assert (unit.address, unit.employees, unit.version) == ("قم، بلوار امین", 60, 3)


class TestProvinceStaff:
    def test_deputy_reads_but_cannot_change(self, deputy: User, unit: Unit, other_unit: Unit) -> None:
        client = client_for(deputy)
        assert listed_ids(client.get(UNITS)) == {unit.pk, other_unit.pk}
        assert client.get(detail(unit)).status_code == 200
        assert client.patch(detail(unit), {"employees": 1}, format="json").status_code == 403
        unit.refresh_from_db()
        assert unit.employees == 25

    def test_admin_sees_all(self, admin_user: User, unit: Unit, other_unit: Unit) -> None:
        assert listed_ids(client_for(admin_user).get(UNITS)) == {unit.pk, other_unit.pk}


@pytest.mark.parametrize("persona", ["liaison", "investor"])
class TestOutsiders:
    """Agency liaisons and investors see no unit through the registry API."""

    def test_list_shows_nothing(
        self, request: pytest.FixtureRequest, persona: str, unit: Unit, other_unit: Unit
    ) -> None:
        user = request.getfixturevalue(persona)
        response = client_for(user).get(UNITS)
        assert response.status_code in (200, 403)
        assert listed_ids(response) == set()

    def test_detail_is_not_shown(self, request: pytest.FixtureRequest, persona: str, unit: Unit) -> None:
        user = request.getfixturevalue(persona)
        response = client_for(user).get(detail(unit))
        assert response.status_code in (403, 404)
        assert "name" not in response.json()

    def test_cannot_change_or_add(
        self, request: pytest.FixtureRequest, persona: str, unit: Unit, qom_county: County
    ) -> None:
        client = client_for(request.getfixturevalue(persona))
        assert client.patch(detail(unit), {"employees": 1}, format="json").status_code in (403, 404)
        payload = {"name": "واحد", "national_id": "10380284790", "sector": "2393", "county": qom_county.pk}
        assert client.post(UNITS, payload, format="json").status_code == 403
        unit.refresh_from_db()
        assert unit.employees == 25
        assert not Unit.objects.filter(national_id="10380284790").exists()


class TestPaging:
    def test_list_is_paginated(self, expert: User, make_unit: Callable[..., Unit]) -> None:
        for serial in range(51):
            make_unit(f"واحد {serial}", national_id=make_national_id(5000 + serial))
        client = client_for(expert)
        first = client.get(UNITS).json()
        assert first["count"] == 51
        assert len(first["results"]) == 50
        assert first["previous"] is None
        assert first["next"]
        second = client.get(UNITS, {"page": 2}).json()
        assert len(second["results"]) == 1
        assert second["next"] is None
        ids = [row["id"] for row in first["results"] + second["results"]]
        assert len(set(ids)) == 51

    def test_ordering_by_employees(self, expert: User, unit: Unit, other_unit: Unit) -> None:
        rows = client_for(expert).get(UNITS, {"ordering": "-employees"}).json()["results"]
        assert [row["id"] for row in rows] == [other_unit.pk, unit.pk]


class TestSchema:
    def test_openapi_document(self) -> None:
        response = APIClient().get("/api/schema", {"format": "json"})
        assert response.status_code == 200
        document = response.json()
        assert document["openapi"].startswith("3.")
        assert document["info"]["title"] == "Rownaq API"
        assert "/api/v1/units/" in document["paths"]
        assert "/api/v1/units/{id}/" in document["paths"]
        assert "/api/v1/auth/token" in document["paths"]

    def test_yaml_by_default(self) -> None:
        response = APIClient().get("/api/schema")
        assert response.status_code == 200
        assert b"openapi: 3." in response.content

    def test_docs_page(self) -> None:
        response = APIClient().get("/api/docs")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert "swagger" in html.lower()
        assert "cdn" not in html.lower()  # served from drf-spectacular-sidecar: no CDN is reachable
        # The page's setup is a script file, not inline code (the Content-Security-Policy refuses that).
        assert "<script>" not in html
        assert 'src="/api/docs?script="' in html
        script = APIClient().get("/api/docs", {"script": ""})
        assert script["Content-Type"].startswith("application/javascript")
        assert "/api/schema" in script.content.decode()


class TestBadInput:
    """Input that once slipped through: each is refused with a 400, not stored or answered with a 500."""

    def test_non_numeric_version_is_a_400(self, expert: User, unit: Unit) -> None:
        client = client_for(expert)
        client.raise_request_exception = False
        response = client.patch(detail(unit), {"employees": 3, "version": "abc"}, format="json")
        assert response.status_code == 400

    def test_name_of_only_invisible_characters_is_refused(self, expert: User, qom_county: County) -> None:
        payload = {"name": "\u200c\u200f", "national_id": "10380284790", "sector": "2393", "county": qom_county.pk}
        response = client_for(expert).post(UNITS, payload, format="json")
        assert response.status_code == 400

    def test_expert_cannot_add_a_unit_in_another_province(self, expert: User, qom_county: County) -> None:
        elsewhere = County.objects.exclude(province=qom_county.province).first()
        assert elsewhere is not None
        payload = {"name": "واحد", "national_id": "10380284790", "sector": "2393", "county": elsewhere.pk}
        response = client_for(expert).post(UNITS, payload, format="json")
        assert response.status_code == 400

    @pytest.mark.parametrize("persona", ["expert", "manager"])
    def test_a_unit_cannot_be_moved_to_another_province(
        self, request: pytest.FixtureRequest, persona: str, unit: Unit, qom_county: County
    ) -> None:
        elsewhere = County.objects.exclude(province=qom_county.province).first()
        assert elsewhere is not None
        client = client_for(request.getfixturevalue(persona))
        response = client.patch(detail(unit), {"county": elsewhere.pk}, format="json")
        assert response.status_code == 400
        assert "county" in response.json()
        unit.refresh_from_db()
        assert unit.county == qom_county


def test_a_unit_manager_cannot_change_the_units_national_id(manager: User, unit: Unit) -> None:
    before = unit.national_id
    response = client_for(manager).patch(
        detail(unit), {"national_id": "10380284790", "employees": 31, "version": 1}, format="json"
    )
    assert response.status_code == 200
    unit.refresh_from_db()
    assert (unit.national_id, unit.employees) == (before, 31)  # the rest of the change is kept
