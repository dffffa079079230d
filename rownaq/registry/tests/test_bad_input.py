"""Bad input to the registry's pages and API gets a clear Persian error (never a server error) and the form
keeps what was typed: digits that only look like digits, numbers beyond 64 bits, searches pasted from a
whole document, JSON nested without end, dates of year 1, too many product rows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for, login
from rownaq.core.parsers import MAX_DEPTH
from rownaq.registry.models import Unit
from rownaq.registry.tests.test_pages import form_data

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"
SUPERSCRIPTS = "²³¹²³¹²³¹²³"  # str.isdigit() says yes, int() says no


def _detail(unit: Unit) -> str:
    return f"{UNITS}{unit.pk}/"


class TestDigitsThatAreNotDigits:
    def test_the_unit_form_refuses_a_national_id_of_superscripts(
        self, client: Client, expert: User, unit: Unit
    ) -> None:
        data = form_data(unit, national_id=SUPERSCRIPTS)
        response = login(client, expert).post(reverse("registry-unit-edit", args=[unit.pk]), data)
        assert response.status_code == 200
        assert response.context["form"].errors["national_id"] == [_("The national ID must have exactly 11 digits.")]
        assert response.context["form"]["national_id"].value() == SUPERSCRIPTS

    def test_the_api_refuses_a_national_id_of_superscripts(self, expert: User, unit: Unit) -> None:
        response = api_client_for(expert).patch(
            _detail(unit), {"national_id": SUPERSCRIPTS, "version": unit.version}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["national_id"] == [_("The national ID must have exactly 11 digits.")]

    @pytest.mark.parametrize("version", ["²", "1" + "0" * 30, -1, "1.5"])
    def test_the_api_refuses_a_version_that_is_not_a_small_whole_number(
        self, expert: User, unit: Unit, version: Any
    ) -> None:
        response = api_client_for(expert).patch(_detail(unit), {"employees": 3, "version": version}, format="json")
        assert response.status_code == 400
        assert response.json()["version"] == [_("The version must be a whole number, such as 3.")]
        unit.refresh_from_db()
        assert unit.employees != 3


class TestNumbersBeyondSixtyFourBits:
    def test_the_api_refuses_a_huge_employee_count(self, expert: User, unit: Unit) -> None:
        response = api_client_for(expert).patch(
            _detail(unit), {"employees": 10**30, "version": unit.version}, format="json"
        )
        assert response.status_code == 400
        assert "employees" in response.json()

    def test_the_unit_form_refuses_a_huge_employee_count_and_keeps_it(
        self, client: Client, expert: User, unit: Unit
    ) -> None:
        huge = "1" + "0" * 30
        response = login(client, expert).post(
            reverse("registry-unit-edit", args=[unit.pk]), form_data(unit, employees=huge)
        )
        assert response.status_code == 200
        assert response.context["form"].errors["employees"] == [_("This number is too large.")]
        assert response.context["form"]["employees"].value() == huge

    @pytest.mark.parametrize("value", ["1" + "0" * 30, "²", "abc"])
    def test_a_county_filter_of_no_id_finds_nothing_or_says_why(self, expert: User, value: str) -> None:
        response = api_client_for(expert).get(UNITS, {"county": value})
        assert response.status_code in (200, 400)


class TestSearches:
    def test_a_search_of_fifteen_hundred_words_answers_on_the_page_and_the_api(
        self, client: Client, expert: User, unit: Unit
    ) -> None:
        words = " ".join(f"واژه{n}" for n in range(1500))
        assert login(client, expert).get(reverse("registry-unit-list"), {"q": words}).status_code == 200
        response = api_client_for(expert).get(UNITS, {"search": words})
        assert response.status_code == 200
        assert response.json()["count"] == 0

    def test_a_word_repeated_fifteen_hundred_times_still_finds_the_unit(self, expert: User, unit: Unit) -> None:
        first = unit.name.split()[0]
        response = api_client_for(expert).get(UNITS, {"q": " ".join([first] * 1500)})
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [unit.pk]


class TestJsonBodies:
    def test_json_nested_fifty_thousand_deep_is_refused_in_persian(self, expert: User, unit: Unit) -> None:
        body = '{"employees": ' + "[" * 50_000 + "]" * 50_000 + "}"
        response = api_client_for(expert).generic("PATCH", _detail(unit), body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["detail"] == _(
            "The JSON of the request nests too deep: at most %(depth)s levels of arrays and objects."
        ) % {"depth": "۳۲"}

    def test_a_nul_character_anywhere_in_the_body_is_refused_in_persian(self, expert: User, unit: Unit) -> None:
        # PostgreSQL refuses NUL in text, even in a lookup: it was a server error on the capabilities' sectors.
        for body in ({"version": unit.version, "name": "a\x00b"}, {"version": unit.version, "x": ["ok", {"k\x00": 1}]}):
            response = api_client_for(expert).patch(_detail(unit), body, format="json")
            assert response.status_code == 400
            assert response.json()["detail"] == _(
                "The request holds a NUL character (\\u0000), which no text may contain."
            )
        unit.refresh_from_db()
        assert "\x00" not in unit.name

    def test_json_as_deep_as_allowed_is_parsed(self, expert: User, unit: Unit) -> None:
        nested: Any = 3
        for _level in range(MAX_DEPTH - 1):
            nested = [nested]
        body = json.dumps({"employees": 4, "version": unit.version, "extra": nested})
        response = api_client_for(expert).generic("PATCH", _detail(unit), body, content_type="application/json")
        assert response.status_code == 200, response.content

    def test_a_body_over_a_megabyte_is_refused(self, expert: User, unit: Unit) -> None:
        body = json.dumps({"employees": 4, "version": unit.version, "address": "آ" * 600_000})
        response = api_client_for(expert).generic("PATCH", _detail(unit), body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["detail"] == _("The request is too large: send at most one megabyte of JSON.")

    def test_nan_is_not_json(self, expert: User, unit: Unit) -> None:
        body = '{"employees": NaN, "version": 1}'
        response = api_client_for(expert).generic("PATCH", _detail(unit), body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["detail"] == _("The request is not valid JSON.")


class TestDates:
    @pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1900-01-01"])
    def test_the_api_refuses_a_date_outside_the_jalali_years_1300_to_1499(
        self, expert: User, unit: Unit, day: str
    ) -> None:
        response = api_client_for(expert).patch(
            _detail(unit), {"status_since": day, "version": unit.version}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["status_since"] == [
            _("Enter a date between the years %(first)s and %(last)s.") % {"first": "۱۳۰۰", "last": "۱۴۹۹"}
        ]
        assert api_client_for(expert).get(UNITS).status_code == 200

    @pytest.mark.parametrize("day", ["0001/01/01", "1299/12/29", "1500/01/01", "۹۹۹۹/۰۱/۰۱"])
    def test_the_unit_form_refuses_such_a_date_and_keeps_it(
        self, client: Client, expert: User, unit: Unit, day: str
    ) -> None:
        response = login(client, expert).post(
            reverse("registry-unit-edit", args=[unit.pk]), form_data(unit, status_since=day)
        )
        assert response.status_code == 200
        assert response.context["form"].errors["status_since"] == [
            _("Enter a date between the years %(first)s and %(last)s.") % {"first": "۱۳۰۰", "last": "۱۴۹۹"}
        ]
        assert response.context["form"]["status_since"].value() == day


class TestRows:
    def _rows(self, kind: str, count: int) -> dict[str, Any]:
        data: dict[str, Any] = {f"{kind}-TOTAL_FORMS": str(count), f"{kind}-INITIAL_FORMS": "0"}
        for n in range(count):
            if kind == "products":
                data.update({f"products-{n}-name": f"محصول {n}", f"products-{n}-measure": "تن"})
                data[f"products-{n}-nominal_capacity"] = "10"
            else:
                data.update({f"contacts-{n}-name": f"مخاطب {n}"})
        return data

    @pytest.mark.parametrize(
        ("kind", "message"),
        [
            ("products", "A unit can list at most %(count)s products."),
            ("contacts", "A unit can list at most %(count)s contacts."),
        ],
    )
    def test_at_most_fifty_rows_of_products_and_of_contacts(
        self, client: Client, expert: User, unit: Unit, kind: str, message: str
    ) -> None:
        data = {**form_data(unit), **self._rows(kind, 51)}
        response = login(client, expert).post(reverse("registry-unit-edit", args=[unit.pk]), data)
        assert response.status_code == 200
        assert _(message) % {"count": "۵۰"} in response.content.decode()
        assert not getattr(unit, kind).exists()
        data = {**form_data(unit), **self._rows(kind, 50)}
        response = login(client, expert).post(reverse("registry-unit-edit", args=[unit.pk]), data)
        assert response.status_code == 302
        assert getattr(unit, kind).count() == 50
