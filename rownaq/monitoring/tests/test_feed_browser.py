"""In a real browser: a bank's liaison uploads its monthly file, watches the check's progress (htmx, no inline
script: CSP), confirms it; an SMT expert then matches the row no unit matched by searching for the unit."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import browser_log_in, make_national_id
from rownaq.accounts.models import User
from rownaq.core.normalise import to_persian_digits
from rownaq.core.testing import run_worker
from rownaq.monitoring.models import FeedState, Signal, SignalFeed
from rownaq.monitoring.tests.feeds_helpers import workbook_bytes
from rownaq.registry.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_liaison_uploads_and_confirms_then_expert_matches_the_stray_row(
    page: Any, live_server: Any, bank_liaison: User, expert: User, unit: Unit, other_unit: Unit, tmp_path: Any
) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    stray = make_national_id(901)
    path = tmp_path / "bank-1405-03.xlsx"
    path.write_bytes(workbook_bytes([[unit.national_id, "کاشی", 2, 150_000_000], [stray, "فرش نگین", 1, ""]]))

    browser_log_in(page, live_server.url, "bank_liaison")
    page.click("#nav-signals")
    page.click("#feed-upload-link")
    page.select_option("#id_year", "1405")
    page.select_option("#id_month", "3")
    page.set_input_files("#id_file", str(path))
    page.click("#feed-upload-form button[type=submit]")
    page.wait_for_selector("#feed-progress")
    run_worker()
    page.wait_for_selector("#feed-confirm")  # the progress poll reloaded the page once the check was done
    page.click("#feed-confirm")
    page.wait_for_selector("#feed-counts")
    assert page.inner_text("#feed-matched") == "۲"
    assert to_persian_digits(stray) in page.inner_text("#feed-unmatched-rows")
    feed = SignalFeed.objects.get()
    assert feed.state == FeedState.COMMITTED

    page.context.clear_cookies()
    browser_log_in(page, live_server.url, "expert")
    page.goto(f"{live_server.url}/monitoring/")
    page.click("#dashboard-signals")
    page.click(f"#feed-list tr[data-feed='{feed.pk}'] a")
    field = page.locator(".match-form input[name=unit]")
    field.fill("فرش")
    page.wait_for_selector(f"datalist option[value='{other_unit.national_id}']", state="attached")
    field.fill(other_unit.national_id)
    page.click(".match-form button")
    page.wait_for_selector("#all-matched")
    assert Signal.objects.get(national_id=stray).unit == other_unit
    assert errors == []
