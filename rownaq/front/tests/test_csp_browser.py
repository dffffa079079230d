"""In a real browser, the pages work under the Content-Security-Policy: nothing they need is refused (the
browser reports every refusal on the console) and their scripts still run."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import browser_log_in
from rownaq.accounts.models import User
from rownaq.registry.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def refusals(page: Any) -> list[str]:
    found: list[str] = []

    def seen(message: Any) -> None:
        # Redoc's "powered by" logo from its CDN is refused, as every outside address should be.
        if "Content Security Policy" in message.text and "cdn.redoc.ly" not in message.text:
            found.append(f"{page.url}: {message.text} {message.location}")

    page.on("console", seen)
    return found


def test_the_pages_and_their_scripts_work_under_the_policy(
    live_server: Any, page: Any, admin_user: User, unit: Unit
) -> None:
    refused = refusals(page)
    browser_log_in(page, live_server.url, "admin")
    page.wait_for_selector("#chart-status svg")  # ECharts drew the overview
    page.wait_for_selector("#chart-divisions svg")
    assert page.eval_on_selector("#chart-divisions", "el => el.getBoundingClientRect().height") == 420

    page.goto(f"{live_server.url}/units/{unit.pk}/edit/")
    page.wait_for_selector("#unit-form")
    page.goto(f"{live_server.url}/needs/")
    page.click("#nav-needs")
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .info")  # Swagger UI ran from its script file
    page.goto(f"{live_server.url}/api/redoc")
    page.wait_for_selector("redoc h1")  # Redoc ran from its file
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_selector("#content")
    page.goto(f"{live_server.url}/expo/")
    assert refused == []


def test_the_province_choice_submits_itself(live_server: Any, page: Any, admin_user: User, unit: Unit) -> None:
    refused = refusals(page)
    browser_log_in(page, live_server.url, "admin")
    page.wait_for_selector("select[data-autosubmit]")
    page.select_option("select[data-autosubmit]", "23")  # Tehran
    page.wait_for_url("**province=23**")
    assert refused == []


def test_an_import_progress_bar_shows_its_width_without_a_style_attribute(
    live_server: Any, page: Any, expert: User, settings: Any, tmp_path: Any
) -> None:
    from rownaq.registry.imports import import_batch_create
    from rownaq.registry.models import ImportBatch, ImportState
    from rownaq.registry.tests.imports import unit_row, xlsx_file

    settings.MEDIA_ROOT = tmp_path
    batch = import_batch_create(file=xlsx_file([unit_row(1)]), by=expert)
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.VALIDATING, total_rows=1000, processed_rows=250)
    refused = refusals(page)
    browser_log_in(page, live_server.url, "expert")
    page.goto(f"{live_server.url}/imports/{batch.pk}/")
    page.wait_for_selector("#import-progress .progress-bar")
    assert page.eval_on_selector("#import-progress .progress-bar", "el => el.style.width") == "25%"
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=500)
    page.wait_for_selector("#import-progress .progress-bar[data-progress='50']")  # htmx polled and swapped it in
    assert page.eval_on_selector("#import-progress .progress-bar", "el => el.style.width") == "50%"
    assert refused == []
