"""A real browser (Debian's headless Chromium, driven by Playwright) against the real HTTP server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conftest import PASSWORD
from rownaq.accounts.models import User
from rownaq.registry.models import Sector, Unit, UnitStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the ORM calls below are still plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("ROWNAQ_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("ROWNAQ_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required for the browser tests but was not found")
        pytest.skip("Chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            if os.environ.get("ROWNAQ_SCREENSHOTS"):
                page.screenshot(
                    path=os.path.join(os.environ["ROWNAQ_SCREENSHOTS"], "last-browser-test.png"), full_page=True
                )
            context.close()
            browser.close()


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_expert_filters_the_unit_list_and_opens_a_unit(
    live_server: Any, page: Any, expert: User, make_unit: Callable[..., Unit]
) -> None:
    tile = make_unit("کاشی‌سازی البرز", employees=140)
    make_unit("کاشی مینا", status=UnitStatus.IDLE)
    make_unit("فرش نگین قم", sector=Sector.objects.get(code="1393"))
    log_in(page, live_server.url, "expert")

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
