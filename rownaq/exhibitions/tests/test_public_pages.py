"""The public exhibition pages, as an anonymous visitor sees them: no login, only public items."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.core.jalali import format_jalali_long
from rownaq.exhibitions.models import Exhibition, ExhibitionKind, VisitorRegistration
from rownaq.exhibitions.tests.expo import Expo
from rownaq.needs.models import Need, NeedState
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


def url(expo: Expo, rest: str = "") -> str:
    return f"/expo/{expo.exhibition.slug}/{rest}"


def test_the_list_puts_running_exhibitions_first_then_upcoming_then_past(client: Client, expo: Expo) -> None:
    today = timezone.localdate()
    for slug, starts, ends in (
        ("past-one", today - dt.timedelta(days=60), today - dt.timedelta(days=57)),
        ("running-one", today - dt.timedelta(days=3), today + dt.timedelta(days=30)),
    ):
        Exhibition.objects.create(
            province=expo.exhibition.province,
            title=slug,
            slug=slug,
            kind=ExhibitionKind.NEEDS_DESK,
            starts_on=starts,
            ends_on=ends,
            opens_at=dt.time(9),
            closes_at=dt.time(14),
            venue="قم",
        )
    Exhibition.objects.create(
        province=expo.exhibition.province,
        title="hidden-one",
        slug="hidden-one",
        kind=ExhibitionKind.OTHER,
        starts_on=today,
        ends_on=today,
        opens_at=dt.time(9),
        closes_at=dt.time(14),
        venue="قم",
        is_published=False,
    )
    html = client.get("/expo/").content.decode()
    assert html.index("running-one") < html.index(expo.exhibition.title) < html.index("past-one")
    assert "hidden-one" not in html
    assert 'class="navbar-brand"' in html
    assert "رونق" in html  # base.html works for anonymous visitors


def test_the_exhibition_page_lists_public_items_only(
    client: Client, expo: Expo, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(12):
        response = client.get(url(expo))
    assert response.status_code == 200
    html = response.content.decode()
    assert expo.exhibition.title in html
    assert format_jalali_long(expo.exhibition.starts_on) in html
    assert "۱۷:۰۰" in html
    assert "۲۲:۰۰" in html  # opening hours in Persian digits
    assert expo.exhibition.venue in html
    assert expo.need.title in html
    assert expo.capability.title in html
    assert expo.firm_capability.title in html
    assert expo.confidential_need.title not in html
    assert expo.private_capability.title not in html
    assert "سالن ۱" in html


def test_persian_search_with_arabic_letters_finds_the_public_need(client: Client, expo: Expo) -> None:
    html = client.get(url(expo, "search/"), {"q": "كاشي"}).content.decode()  # Arabic ي and ك
    assert expo.need.title in html
    assert expo.confidential_need.title not in html  # its title says کاشی too
    assert "لعاب" not in html

    html = client.get(url(expo, "search/"), {"q": "قالب"}).content.decode()
    assert expo.need.title in html
    assert expo.capability.title in html
    assert expo.firm_capability.title not in html

    html = client.get(url(expo, "search/"), {"q": "خستگي"}).content.decode()  # only the non-public capability
    assert expo.private_capability.title not in html
    assert 'id="result-count"' in html


def test_a_confidential_need_is_404_even_with_its_id(client: Client, expo: Expo) -> None:
    assert client.get(url(expo, f"needs/{expo.need.pk}/")).status_code == 200
    assert client.get(url(expo, f"needs/{expo.confidential_need.pk}/")).status_code == 404
    Need.objects.filter(pk=expo.need.pk).update(state=NeedState.CLOSED)
    assert client.get(url(expo, f"needs/{expo.need.pk}/")).status_code == 404


def test_a_need_not_on_show_here_is_404(client: Client, expo: Expo, other_unit: Unit, other_manager: User) -> None:
    elsewhere = Need.objects.create(
        unit=other_unit,
        posted_by=other_manager,
        title="نخ فرش",
        description="نخ پشمی",
        kind="raw_material",
        supplied_from="imported",
    )
    assert client.get(url(expo, f"needs/{elsewhere.pk}/")).status_code == 404


def test_a_capability_not_public_is_404(client: Client, expo: Expo) -> None:
    response = client.get(url(expo, f"capabilities/{expo.capability.pk}/"))
    assert response.status_code == 200
    assert expo.lab.name in response.content.decode()
    assert client.get(url(expo, f"capabilities/{expo.private_capability.pk}/")).status_code == 404


def test_an_unpublished_exhibition_is_404(client: Client, expo: Expo) -> None:
    Exhibition.objects.filter(pk=expo.exhibition.pk).update(is_published=False)
    assert client.get(url(expo)).status_code == 404
    assert client.get(url(expo, f"needs/{expo.need.pk}/")).status_code == 404


def test_a_visitor_registers(client: Client, expo: Expo) -> None:
    form = client.get(url(expo, "register/")).content.decode()
    assert format_jalali_long(expo.exhibition.starts_on) in form
    data = {
        "name": "زهرا كريمي",
        "organisation": "شرکت نمونه",
        "phone": "۰۹۱۲۱۲۳۴۵۶۷",
        "email": "zahra@example.com",
        "visit_on": expo.exhibition.starts_on.isoformat(),
    }
    response = client.post(url(expo, "register/"), data, follow=True)
    assert response.redirect_chain[-1][0] == url(expo, "register/done/")
    assert "زهرا کریمی" in response.content.decode()
    registration = VisitorRegistration.objects.get()
    assert (registration.phone, registration.visit_on) == ("09121234567", expo.exhibition.starts_on)


def test_a_second_registration_is_refused_and_keeps_what_was_typed(client: Client, expo: Expo) -> None:
    VisitorRegistration.objects.create(exhibition=expo.exhibition, name="زهرا", phone="09121234567")
    data = {"name": "زهرا کریمی", "organisation": "", "phone": "0912 123 4567", "email": "", "visit_on": ""}
    response = client.post(url(expo, "register/"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "این شماره همراه پیش‌تر برای این نمایشگاه ثبت‌نام کرده است." in html
    assert 'value="زهرا کریمی"' in html
    assert 'value="0912 123 4567"' in html
    assert VisitorRegistration.objects.count() == 1
