"""The activity (ISIC class) picker: searchable by Persian or English words and by code in any digits."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import browser_log_in
from rownaq.accounts.models import User
from rownaq.accounts.testing import login
from rownaq.registry.models import Sector
from rownaq.registry.reference import sector_classes_matching

SEARCH = "registry-sector-search"


def _codes(query: str) -> list[str]:
    return [sector.code for sector in sector_classes_matching(query)]


@pytest.mark.django_db
def test_classes_are_found_by_persian_and_english_words_and_by_code() -> None:
    assert _codes("فرش") == ["1393", "4753"]
    assert _codes("فرش ساخت") == ["1393"]
    assert "1393" in _codes("carpets")
    assert _codes("۰۱۱۱") == ["0111"] == _codes("0111")
    assert _codes("۲۳۹") == ["2391", "2392", "2393", "2394", "2395", "2396", "2399"]
    assert _codes("كاشي") == _codes("کاشی")  # Arabic letters find the Persian title
    assert _codes("") == []
    assert _codes("zzzz") == []


@pytest.mark.django_db
def test_the_search_endpoint_answers_signed_in_people_with_persian_labels(client: Client, expert: User) -> None:
    assert client.get(reverse(SEARCH), {"q": "فرش"}).status_code == 302  # sign in first
    login(client, expert)
    answer = client.get(reverse(SEARCH), {"q": "۱۳۹۳"}).json()
    carpets = Sector.objects.get(code="1393")
    assert answer == {"results": [{"id": carpets.pk, "code": "1393", "label": "۱۳۹۳ — ساخت فرش و قالیچه"}]}
    assert client.get(reverse(SEARCH), {"q": "x" * 5000}).json() == {"results": []}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["registry-unit-create", "needs-need-post", "needs-capability-post"])
def test_every_activity_select_carries_the_search_and_persian_digit_codes(
    client: Client, expert: User, url_name: str
) -> None:
    login(client, expert)
    page = client.get(reverse(url_name)).content.decode()
    assert f'data-sector-search="{reverse(SEARCH)}"' in page
    assert "۱۳۹۳ — ساخت فرش و قالیچه" in page
    assert "1393 —" not in page
    assert ">1393 " not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_expert_finds_the_class_by_typing_carpet_and_picks_it(live_server: Any, page: Any, expert: User) -> None:
    carpets = Sector.objects.get(code="1393")
    browser_log_in(page, live_server.url, "expert")
    page.goto(f"{live_server.url}{reverse('registry-unit-create')}")
    page.fill(".sector-search-input", "فرش")
    page.click(".sector-search-result:has-text('ساخت فرش و قالیچه')")
    assert page.eval_on_selector("#id_sector", "select => select.value") == str(carpets.pk)
    page.fill(".sector-search-input", "cement")
    page.wait_for_selector(".sector-search-result:has-text('۲۳۹۴')")
    page.press(".sector-search-input", "Enter")  # picks the first result, does not send the form
    assert page.eval_on_selector("#id_sector", "select => select.value") == str(Sector.objects.get(code="2394").pk)
    assert page.url.endswith(reverse("registry-unit-create"))
