"""In a real browser: a factory's manager posts a need for a part it imports and sees the ranked
capabilities with their reasons, a university lab's among them although it writes «مولد» where the
need writes «قالب» and «سی‌ان‌سی» where the need writes «CNC»; the lab answers, the factory accepts,
and the desk's dashboard counts the agreement.

The matches are computed by the real database worker, run in the test process after the post.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import browser_log_in
from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.core.jalali import format_jalali, parse_jalali_date
from rownaq.core.testing import run_worker
from rownaq.needs import services
from rownaq.needs.models import Capability, Match, Need, NeedKind, SupplySource
from rownaq.registry.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEED_TITLE = "قالب تزریق پلاستیک درب بطری"
NEED_DESCRIPTION = (
    "قالب تزریق پلاستیک ۸ حفره برای درب بطری آب معدنی که امروز از چین وارد می‌شود؛ "
    "ساخت با فرز CNC و مهندسی معکوس از روی نمونه."
)
DEADLINE = "۱۴۰۵/۰۶/۳۱"  # typed in Persian digits


@pytest.fixture
def lab_capability(make_org: Callable[..., Organisation], make_user: Callable[..., User]) -> Capability:
    """A university lab that writes the same thing another way: «مولد» for «قالب», «سی‌ان‌سی» for «CNC»."""
    lab_org = make_org("آزمایشگاه ساخت و تولید دانشگاه صنعتی قم", OrganisationKind.UNIVERSITY)
    lab = make_user("lab", Role.KNOWLEDGE_MEMBER, lab_org)
    return services.capability_post(
        by=lab,
        title="طراحی و ساخت مولد تزریق",
        description="طراحی و ساخت مولد اینجکشن پلاستیک برای درپوش و قطعات وارداتی، ماشین‌کاری با سی‌ان‌سی پنج‌محور.",
        equipment="فرز سی‌ان‌سی پنج‌محور، اسکنر سه‌بعدی",
    )


@pytest.fixture
def unrelated_capability(make_org: Callable[..., Organisation], make_user: Callable[..., User]) -> Capability:
    firm_org = make_org("شرکت دانش‌بنیان داده‌پردازان", OrganisationKind.KNOWLEDGE_FIRM)
    firm = make_user("firm", Role.KNOWLEDGE_MEMBER, firm_org)
    return services.capability_post(
        by=firm,
        title="نرم‌افزار حسابداری و انبارداری",
        description="پیاده‌سازی نرم‌افزار مالی برای شرکت‌های کوچک",
    )


def test_manager_posts_a_need_and_sees_ranked_capabilities_with_reasons(
    live_server: Any,
    page: Any,
    manager: User,
    unit: Unit,
    lab_capability: Capability,
    unrelated_capability: Capability,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    run_worker()  # the capabilities' own tasks, so that only the need's remains to be seen

    browser_log_in(page, live_server.url, "manager")
    page.wait_for_selector("nav")
    page.goto(f"{live_server.url}{reverse('needs-need-post')}")
    page.wait_for_selector("#need-form")
    page.select_option("#id_unit", str(unit.pk))
    page.fill("#id_title", NEED_TITLE)
    page.fill("#id_description", NEED_DESCRIPTION)
    page.select_option("#id_kind", NeedKind.PART)
    page.select_option("#id_supplied_from", SupplySource.IMPORTED)
    page.fill("#id_annual_quantity", "۲۴۰۰۰")
    page.fill("#id_deadline", DEADLINE)
    page.click("#save-need")
    page.wait_for_selector("#need-title")

    need = Need.objects.get()
    assert need.unit == unit
    assert need.posted_by == manager
    assert need.title == NEED_TITLE
    assert need.supplied_from == SupplySource.IMPORTED
    assert need.deadline == parse_jalali_date(DEADLINE)
    assert not Match.objects.filter(need=need).exists()  # not yet: the worker has not run

    run_worker()  # the real worker computes the need's matches, as in production
    assert Match.objects.filter(need=need, capability=lab_capability, rank=1).exists()

    page.reload()
    page.wait_for_selector("#matches .match-link")
    first = page.locator("#matches > li").first
    assert first.locator(".match-link").inner_text() == lab_capability.title
    shared = [t.strip() for t in first.locator("mark.shared-term").all_inner_texts()]
    assert shared, "the reasons list the shared terms"
    # Found through the synonyms: the lab's «مولد» for the need's «قالب», its «سی‌ان‌سی» for «CNC».
    assert {"مولد", "سی\u200cان\u200cسی"} & set(shared), shared
    highlighted = [t.strip() for t in first.locator(".match-link mark").all_inner_texts()]
    assert highlighted, "a shared term is highlighted in the capability's title"
    assert set(highlighted) <= set(shared), (highlighted, shared)
    assert first.locator(".same-province").count() == 1
    assert unrelated_capability.title not in page.inner_text("#matches > li:first-child")


def test_a_lab_answers_the_factory_accepts_and_the_desk_counts_the_agreement(
    live_server: Any,
    page: Any,
    manager: User,
    unit: Unit,
    expert: User,
    lab_capability: Capability,
    settings: Any,
    tmp_path: Any,
) -> None:
    """The rest of the story: the lab answers the need from its page, the factory's manager accepts
    it with the agreement's value and date, records the delivery, and the desk's dashboard counts it."""
    settings.MEDIA_ROOT = tmp_path
    need = services.need_post(
        unit=unit,
        by=manager,
        title=NEED_TITLE,
        description=NEED_DESCRIPTION,
        kind=NeedKind.PART,
        supplied_from=SupplySource.IMPORTED,
        yearly_value=9_000_000_000,
    )

    # The lab's member answers from the need's page.
    browser_log_in(page, live_server.url, "lab")
    page.wait_for_selector("nav")
    page.goto(f"{live_server.url}{reverse('needs-need-detail', args=[need.pk])}")
    page.wait_for_selector("#proposal-form")
    page.select_option("#proposal-form [name=capability]", str(lab_capability.pk))
    page.fill("#proposal-form [name=text]", "ساخت مولد ۸ حفره با فولاد ۲۳۱۶ و تحویل نمونه اول در ۱۰ هفته")
    page.fill("#proposal-form [name=price]", "۴٫۵")  # Persian digits and decimal point, billion rials
    page.click("#send-proposal")
    page.wait_for_selector("#proposal-state")
    proposal = need.proposals.get()
    assert proposal.price == 4_500_000_000

    # The factory's manager accepts it with the agreement's value and a Jalali date, then records delivery.
    page.context.clear_cookies()
    browser_log_in(page, live_server.url, "manager")
    page.wait_for_selector("nav")
    page.goto(f"{live_server.url}{reverse('needs-proposal-detail', args=[proposal.pk])}")
    page.wait_for_selector("#accept-form")
    page.fill("#accept-form [name=value]", "4.2")  # billion rials
    today = format_jalali(timezone.localdate())  # the dashboard counts this Jalali year's deliveries
    page.fill("#accept-form [name=signed_on]", today)
    page.click("#accept-form button[type=submit]")
    page.wait_for_selector("#agreement")
    assert page.inner_text("#proposal-state") == "پذیرفته‌شده"
    page.fill("#deliver-form [name=delivered_on]", today)
    page.fill("#deliver-form [name=import_value_replaced]", "9")
    page.click("#deliver-form button[type=submit]")
    page.wait_for_selector("#delivered-on")
    assert page.inner_text("#delivered-on").strip() == today
    history = page.inner_text("#proposal-events")
    assert "پیشنهاد ثبت شد" in history
    assert "پذیرفته‌شده" in history

    # The desk's dashboard counts the agreement and the value made at home.
    page.context.clear_cookies()
    browser_log_in(page, live_server.url, "expert")
    page.wait_for_selector("nav")
    page.goto(f"{live_server.url}{reverse('needs-dashboard')}")
    page.wait_for_selector("#desk-figures")
    assert page.inner_text("#agreement-count").strip() == "۱"
    assert page.inner_text("#delivered-count").strip() == "۱"
    assert page.inner_text("#domestic-value").strip() == "۹ میلیارد ریال"
    assert page.get_attribute("#domestic-value .money", "title") == "۹٬۰۰۰٬۰۰۰٬۰۰۰ ریال"  # the exact rials on hover
