"""The registry pages as each persona uses them: list, search, unit page, forms, roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import jdatetime
import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_national_id
from rownaq.accounts.models import User
from rownaq.accounts.testing import login
from rownaq.registry.models import Licence, LicenceKind, Sector, StatusChange, Unit, UnitStatus
from rownaq.registry.services import STALE_EDIT_MESSAGE

pytestmark = pytest.mark.django_db


def form_data(unit: Unit, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": unit.name,
        "national_id": unit.national_id,
        "owner_name": unit.owner.name if unit.owner else "",
        "sector": unit.sector_id,
        "county": unit.county_id,
        "estate": unit.estate_id or "",
        "address": unit.address,
        "postal_code": unit.postal_code,
        "employees": unit.employees,
        "status": unit.status,
        "status_since": jdatetime.date.fromgregorian(date=unit.status_since).strftime("%Y/%m/%d"),
        "version": unit.version,
        "products-TOTAL_FORMS": "0",
        "products-INITIAL_FORMS": "0",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_search_finds_arabic_spelling_and_filters_by_status(
    client: Client, expert: User, make_unit: Callable[..., Unit]
) -> None:
    tile = make_unit("کاشی‌سازی البرز")
    make_unit("فرش نگین", status=UnitStatus.IDLE)
    login(client, expert)
    page = client.get(reverse("registry-unit-list"), {"q": "كاشي"})
    assert [u.pk for u in page.context["page"]] == [tile.pk]
    page = client.get(reverse("registry-unit-list"), {"q": "کاشی سازی"})
    assert [u.pk for u in page.context["page"]] == [tile.pk]
    page = client.get(reverse("registry-unit-list"), {"status": "idle"})
    assert [u.name for u in page.context["page"]] == ["فرش نگین"]


def test_unit_list_sorts_in_persian_order_with_bounded_queries(
    client: Client, expert: User, make_unit: Callable[..., Unit], django_assert_max_num_queries: Any
) -> None:
    for name in ["گچ", "کاغذ", "پلاستیک", "بسته‌بندی", "چرم", "جوراب", "ژلاتین", "زعفران"]:
        make_unit(name)
    login(client, expert)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry-unit-list"), {"sort": "name"})
    names = [u.name for u in response.context["page"]]
    assert names == ["بسته‌بندی", "پلاستیک", "جوراب", "چرم", "زعفران", "ژلاتین", "کاغذ", "گچ"]


def test_filter_by_sector_division_county_and_expired_licence(
    client: Client, expert: User, make_unit: Callable[..., Unit]
) -> None:
    carpet = make_unit("فرش", sector=Sector.objects.get(code="1393"))
    tile = make_unit("کاشی")
    Licence.objects.create(unit=tile, kind=LicenceKind.OPERATING, number="1", expires_on=dt.date(2020, 1, 1))
    Licence.objects.create(unit=carpet, kind=LicenceKind.OPERATING, number="2", expires_on=dt.date(2099, 1, 1))
    login(client, expert)
    assert [u.pk for u in client.get(reverse("registry-unit-list"), {"sector": "13"}).context["page"]] == [carpet.pk]
    assert [u.pk for u in client.get(reverse("registry-unit-list"), {"licence": "expired"}).context["page"]] == [
        tile.pk
    ]
    county = tile.county_id
    assert client.get(reverse("registry-unit-list"), {"county": county}).context["page"].paginator.count == 2


def test_unit_manager_sees_and_edits_only_their_own_unit(
    client: Client, manager: User, unit: Unit, other_unit: Unit
) -> None:
    login(client, manager)
    listed = client.get(reverse("registry-unit-list")).context["page"]
    assert [u.pk for u in listed] == [unit.pk]
    assert client.get(reverse("registry-unit-detail", args=[other_unit.pk])).status_code == 404
    assert client.get(reverse("registry-unit-edit", args=[other_unit.pk])).status_code == 404
    response = client.post(reverse("registry-unit-edit", args=[other_unit.pk]), form_data(other_unit, employees=1))
    assert response.status_code == 404
    other_unit.refresh_from_db()
    assert other_unit.employees == 80
    assert client.get(reverse("registry-unit-detail", args=[unit.pk])).status_code == 200
    assert client.get(reverse("registry-unit-export", args=["csv"])).content.decode("utf-8-sig").count("\n") >= 1
    assert other_unit.name not in client.get(reverse("registry-unit-export", args=["csv"])).content.decode("utf-8-sig")


@pytest.mark.parametrize("persona", ["liaison", "investor"])
def test_other_roles_see_no_unit(client: Client, persona: str, request: pytest.FixtureRequest, unit: Unit) -> None:
    user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get(reverse("registry-unit-list")).status_code == 403
    assert client.get(reverse("registry-unit-detail", args=[unit.pk])).status_code == 404
    assert client.get(reverse("registry-unit-export", args=["xlsx"])).status_code == 403


def test_anonymous_is_sent_to_login(client: Client, unit: Unit) -> None:
    response = client.get(reverse("registry-unit-detail", args=[unit.pk]))
    assert response.status_code == 302
    assert reverse("accounts-login") in response["Location"]


def test_expert_edits_a_unit_with_jalali_date_and_history_shows_the_change(
    client: Client, expert: User, unit: Unit
) -> None:
    login(client, expert)
    data = form_data(
        unit,
        employees="۱۲۰",
        status="idle",
        status_since="۱۴۰۳/۰۵/۱۲",
        status_note="کمبود سرمایه در گردش از ۱۴۰۳/۰۴",
        operating_number="۱۲۳۴۵",
        operating_issued_on="1400/01/15",
        operating_expires_on="۱۴۰۵/۰۱/۱۵",
    )
    response = client.post(reverse("registry-unit-edit", args=[unit.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    unit.refresh_from_db()
    assert unit.employees == 120
    assert unit.status == UnitStatus.IDLE
    assert unit.status_since == dt.date(2024, 8, 2)  # 1403/05/12
    assert unit.version == 2
    change = StatusChange.objects.filter(unit=unit).first()
    assert change is not None
    assert (change.old_status, change.new_status, change.recorded_by) == ("active", "idle", expert)
    licence = unit.licences.get(kind=LicenceKind.OPERATING)
    assert licence.number == "12345"
    assert licence.issued_on == dt.date(2021, 4, 4)
    page = client.get(reverse("registry-unit-detail", args=[unit.pk])).content.decode()
    assert "۱۴۰۳/۰۵/۱۲" in page
    assert "کمبود سرمایه در گردش از ۱۴۰۳/۰۴" in page  # the status change's note in Persian digits
    history = client.get(reverse("registry-unit-detail", args=[unit.pk])).context["history"]
    changes = [(c.old, c.new) for entry in history for c in entry.changes]
    assert ("۲۵", "۱۲۰") in changes  # employees, in Persian digits
    assert (str(UnitStatus.ACTIVE.label), str(UnitStatus.IDLE.label)) in changes  # status, in words
    assert any(new == "۱۴۰۳/۰۵/۱۲" for _old, new in changes)  # date, in Jalali
    assert history[0].actor == str(expert)


def test_two_people_editing_the_same_unit_do_not_overwrite_each_other(
    client: Client, expert: User, deputy: User, make_user: Callable[..., User], unit: Unit
) -> None:
    second = make_user("expert2", expert.role, expert.organisation)
    first_data = form_data(unit, employees="30")
    second_data = form_data(unit, employees="99", name="کاشی‌سازی البرز جدید")
    assert login(client, expert).post(reverse("registry-unit-edit", args=[unit.pk]), first_data).status_code == 302
    other = Client()
    response = login(other, second).post(reverse("registry-unit-edit", args=[unit.pk]), second_data)
    assert response.status_code == 200
    assert str(STALE_EDIT_MESSAGE) in response.content.decode()
    assert response.context["form"]["name"].value() == "کاشی‌سازی البرز جدید"  # what was typed is kept
    unit.refresh_from_db()
    assert unit.employees == 30


def test_a_unit_edit_without_the_version_saves_nothing(client: Client, expert: User, unit: Unit) -> None:
    """The hidden version was optional: a form posted without it overwrote whatever others had saved."""
    data = form_data(unit, employees="77")
    del data["version"]
    response = login(client, expert).post(reverse("registry-unit-edit", args=[unit.pk]), data)
    assert response.status_code == 200
    assert "نسخه" in response.content.decode()
    unit.refresh_from_db()
    assert (unit.employees, unit.version) == (25, 1)


def test_add_unit_rejects_bad_national_id_and_keeps_what_was_typed(
    client: Client, expert: User, qom_county: Any
) -> None:
    login(client, expert)
    data = {
        "name": "صنايع كفش آريا",
        "national_id": "10380284791",
        "sector": Sector.objects.get(code="1520").pk,
        "county": qom_county.pk,
        "employees": "۴۵",
        "status": "active",
        "status_since": "۱۴۰۲/۱۱/۰۱",
        "products-TOTAL_FORMS": "1",
        "products-INITIAL_FORMS": "0",
        "products-0-name": "کفش مردانه",
        "products-0-measure": "جفت",
        "products-0-nominal_capacity": "۱۲۰٬۰۰۰",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("registry-unit-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["national_id"]
    assert response.context["form"]["name"].value() == "صنايع كفش آريا"
    assert not Unit.objects.exists()
    data["national_id"] = "۱۰۳۸۰۲۸۴۷۹۰"
    response = client.post(reverse("registry-unit-create"), data)
    assert response.status_code == 302
    created = Unit.objects.get()
    assert created.name == "صنایع کفش آریا"  # Arabic ي/ك normalised before storage
    assert created.national_id == "10380284790"
    assert created.products.get().nominal_capacity == 120000
    assert created.status_changes.count() == 1


def test_unit_manager_cannot_add_units(client: Client, manager: User) -> None:
    assert login(client, manager).get(reverse("registry-unit-create")).status_code == 403


def test_estate_must_be_in_the_chosen_county(client: Client, expert: User, unit: Unit, qom: Any) -> None:
    from rownaq.geography.models import County, IndustrialEstate

    kahak = County.objects.get(province=qom, name="کهک")
    estate = IndustrialEstate.objects.create(county=kahak, name="ناحیه صنعتی کهک")
    response = login(client, expert).post(
        reverse("registry-unit-edit", args=[unit.pk]), form_data(unit, estate=estate.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["estate"]


def test_province_map_has_the_counties_named_as_in_the_registry(client: Client, expert: User) -> None:
    geo = login(client, expert).get(reverse("registry-province-map", args=["25"])).json()
    assert {f["properties"]["name"] for f in geo["features"]} == {"قم", "کهک", "جعفرآباد"}


def test_make_national_id_fixture_is_valid() -> None:
    from rownaq.registry.validators import is_valid_national_id

    assert all(is_valid_national_id(make_national_id(i)) for i in range(1, 50))


def test_forbidden_page_is_explained_in_the_page_layout(client: Client, liaison: User) -> None:
    from django.utils.translation import gettext

    response = login(client, liaison).get(reverse("registry-unit-list"))
    assert response.status_code == 403
    assert gettext("You are not allowed to see this page") in response.content.decode()


def test_governorate_deputy_reads_the_registry_but_does_not_change_it(client: Client, deputy: User, unit: Unit) -> None:
    login(client, deputy)
    assert client.get(reverse("registry-overview")).status_code == 200
    page = client.get(reverse("registry-unit-detail", args=[unit.pk]))
    assert page.status_code == 200
    assert page.context["can_edit"] is False
    assert client.get(reverse("registry-unit-edit", args=[unit.pk])).status_code == 403
    assert client.post(reverse("registry-unit-edit", args=[unit.pk]), form_data(unit, employees=1)).status_code == 403
    assert client.get(reverse("registry-unit-create")).status_code == 403
    unit.refresh_from_db()
    assert unit.employees == 25


def test_expert_of_another_province_does_not_see_qom_units(
    client: Client, make_user: Callable[..., User], make_org: Callable[..., Any], unit: Unit
) -> None:
    from rownaq.geography.models import Province

    tehran_smt = make_org("سازمان صنعت، معدن و تجارت استان تهران", "smt", Province.objects.get(code="23"))
    tehran_expert = make_user("tehran", "smt_expert", tehran_smt)
    login(client, tehran_expert)
    assert client.get(reverse("registry-unit-list")).context["page"].paginator.count == 0
    assert client.get(reverse("registry-unit-detail", args=[unit.pk])).status_code == 404
