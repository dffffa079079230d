"""In a real browser: a unit manager fills last month's report with Persian digits, sees the warning of
output above capacity, confirms it with an explanation and submits; the expert returns it with a reason,
the manager corrects it and the expert approves it. No inline script or style is needed (CSP)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import browser_log_in
from rownaq.accounts.models import User
from rownaq.core.periods import Period
from rownaq.monitoring.models import MonthlyReport, ReportState
from rownaq.registry.models import Product, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_submits_with_a_warning_expert_returns_manager_corrects_expert_approves(
    page: Any,
    live_server: Any,
    manager: User,
    expert: User,
    unit: Unit,
    tiles: Product,
    glaze: Product,
    last_month: Period,
) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    browser_log_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}{reverse('monitoring-dashboard')}")
    page.click("#my-months a.fill-report >> nth=0")
    page.wait_for_selector("#report-form")
    assert str(last_month) in page.inner_text("#report-month")
    page.fill(f"#id_output_{tiles.pk}", "۱۵۰۰۰۰")  # 150% of the month's capacity
    page.fill(f"#id_output_{glaze.pk}", "۱۵۰")
    page.fill("#id_sales", "۱۲")
    page.fill("#id_employees", "۴۰")
    page.click("#submit-report")
    page.wait_for_selector("#report-warnings")
    assert "۱۵۰" in page.inner_text("#report-warnings")
    assert page.input_value(f"#id_output_{tiles.pk}") == "۱۵۰۰۰۰"  # what was typed is kept
    page.check("#id_confirm")
    page.fill("#id_explanation", "سفارش صادراتی با سه شیفت کاری")
    page.click("#submit-report")
    page.wait_for_selector("#report-state")
    report = MonthlyReport.objects.get()
    assert report.state == ReportState.SUBMITTED
    assert "سفارش صادراتی" in page.text_content("#version-1")

    page.context.clear_cookies()
    browser_log_in(page, live_server.url, "expert")
    page.goto(f"{live_server.url}{reverse('monitoring-dashboard')}")
    page.click(f"#review-queue a[href='/monitoring/reports/{report.pk}/']")
    page.fill("#id_reason", "تولید کاشی بیش از ظرفیت است؛ ظرفیت را بررسی کنید.")
    page.click("#return-report")
    page.wait_for_selector("#return-reason")

    page.context.clear_cookies()
    browser_log_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}{reverse('monitoring-report-detail', args=[report.pk])}")
    page.click("#edit-report")
    page.fill(f"#id_output_{tiles.pk}", "95000")
    page.click("#submit-report")
    page.wait_for_selector("#report-state")

    page.context.clear_cookies()
    browser_log_in(page, live_server.url, "expert")
    page.goto(f"{live_server.url}{reverse('monitoring-report-detail', args=[report.pk])}")
    page.click("#approve-report")
    page.wait_for_selector("#report-state .text-bg-success")
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert report.versions.count() == 2
    assert not [e for e in errors if "Content Security Policy" in e]
