"""A real browser (Debian's headless Chromium, driven by Playwright) against the real HTTP server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import browser_log_in
from rownaq.accounts.models import User
from rownaq.registry.models import Sector, Unit, UnitStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_expert_filters_the_unit_list_and_opens_a_unit(
    live_server: Any, page: Any, expert: User, make_unit: Callable[..., Unit]
) -> None:
    tile = make_unit("کاشی‌سازی البرز", employees=140)
    make_unit("کاشی مینا", status=UnitStatus.IDLE)
    make_unit("فرش نگین قم", sector=Sector.objects.get(code="1393"))
    browser_log_in(page, live_server.url, "expert")

    # The overview is the landing page, right to left, with its charts drawn.
    page.wait_for_selector("#chart-status svg")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.inner_text("[data-figure=units]") == "۳"

    page.click("nav a[href='/units/']")
    page.wait_for_selector("#unit-filters")
    page.fill("#id_q", "كاشي")  # typed with Arabic letters
    page.check("#status-active")
    page.click("#apply-filters")
    page.wait_for_selector("#result-count")
    names = page.locator("a.unit-link").all_inner_texts()
    assert names == [tile.name]

    page.click(f"a.unit-link:has-text('{tile.name}')")
    page.wait_for_selector("#unit-name")
    assert tile.name in page.inner_text("#unit-name")
    assert "۱۴۰" in page.inner_text("main")  # employees in Persian digits
