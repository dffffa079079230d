"""In a real browser: a unit manager files a case, an SMT expert accepts it and refers it to a bank."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import browser_log_in
from rownaq.accounts.models import Organisation, User
from rownaq.core.jalali import format_jalali
from rownaq.obstacles.models import Case, CaseState, ObstacleCategory
from rownaq.registry.models import Unit
from rownaq.workdays.services import add_working_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_files_and_expert_refers_to_a_bank(
    live_server: Any,
    page: Any,
    manager: User,
    expert: User,
    unit: Unit,
    finance: ObstacleCategory,
    bank: Organisation,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    browser_log_in(page, live_server.url, "manager")
    page.wait_for_selector("nav")
    page.goto(f"{live_server.url}{reverse('registry-unit-detail', args=[unit.pk])}")
    page.click("#file-obstacle")
    page.wait_for_selector("#case-form")
    page.select_option("#id_category", str(finance.pk))
    page.fill("#id_title", "تأخیر در پرداخت تسهیلات سرمایه در گردش")
    page.fill("#id_description", "درخواست تسهیلات شش ماه است بی‌پاسخ مانده است.")
    page.fill("#id_amount", "۵")
    page.check(f"input[name=agencies][value='{bank.pk}']")  # the bank the obstacle is with
    page.click("#save-case")
    page.wait_for_selector("#case-title")
    case = Case.objects.get()
    assert case.unit == unit
    assert case.amount == 5_000_000_000
    assert page.inner_text("#case-state") == str(CaseState.SUBMITTED.label)

    page.context.clear_cookies()
    browser_log_in(page, live_server.url, "expert")
    page.wait_for_selector("nav")
    page.goto(f"{live_server.url}{reverse('obstacles-case-detail', args=[case.pk])}")
    page.click("#action-accept button[type=submit]")
    page.wait_for_selector("#action-refer")
    assert page.inner_text("#case-state") == str(CaseState.ACCEPTED.label)
    assert page.is_checked(f"#action-refer input[value='{bank.pk}']")  # the bank named at filing is preselected
    page.click("#action-refer button[type=submit]")
    page.wait_for_selector("#referrals .due-on")

    assert page.inner_text("#case-state") == str(CaseState.REFERRED.label)
    due = add_working_days(timezone.localdate(), settings.ROWNAQ_REFERRAL_WORKING_DAYS)
    row = page.inner_text("#referrals tbody tr")
    assert bank.name in row
    assert page.inner_text("#referrals .due-on") == format_jalali(due)
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED
