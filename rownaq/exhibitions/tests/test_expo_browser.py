"""A real browser: an anonymous visitor finds a need on the public exhibition page and registers to visit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rownaq.accounts.models import Organisation, User
from rownaq.exhibitions.models import VisitorRegistration
from rownaq.exhibitions.tests.expo import build_expo
from rownaq.geography.models import Province
from rownaq.registry.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_a_need_and_registers(
    live_server: Any,
    page: Any,
    qom: Province,
    unit: Unit,
    manager: User,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> None:
    expo = build_expo(province=qom, unit=unit, manager=manager, make_org=make_org, make_user=make_user)

    page.goto(f"{live_server.url}/expo/")
    assert page.get_attribute("html", "dir") == "rtl"
    page.click(f"a.expo-link:has-text('{expo.exhibition.title}')")
    page.wait_for_selector("#expo-title")
    assert "۱۷:۰۰" in page.inner_text(".expo-hours")
    assert expo.confidential_need.title not in page.inner_text("main")

    page.fill("#id_q", "قالب كولر")  # «کولر» typed with the Arabic kaf
    page.click("#expo-search-button")
    page.wait_for_selector("#result-count")
    assert page.locator("#need-results a.need-link").all_inner_texts() == [expo.need.title]

    page.click(f"#need-results a.need-link:has-text('{expo.need.title}')")
    page.wait_for_selector("#need-title")
    assert "فولاد" in page.inner_text("#need-description")

    page.goto(f"{live_server.url}/expo/{expo.exhibition.slug}/")
    page.click("#expo-register")
    page.fill("#id_name", "زهرا كريمي")
    page.fill("#id_phone", "۰۹۱۲۱۲۳۴۵۶۷")
    page.select_option("#id_visit_on", expo.exhibition.starts_on.isoformat())
    page.click("#register-button")
    page.wait_for_selector("#registration-done")
    assert "زهرا کریمی" in page.inner_text("#registration-done")
    assert VisitorRegistration.objects.get().phone == "09121234567"
