"""In a real browser, on a phone-sized screen: a liaison opens the visit form online (its service worker keeps
the form), loses the connection, fills and submits the visit (kept on the device, with its UUID), gets the
connection back and the visit is sent: exactly one stored Visit with those answers. A visit planned online
(its unit found by typing part of its name) is recorded offline from its kept record form, with a red flag:
the planned visit itself is recorded, no second one. The calendar fits a 390 px screen. No inline script or
style is needed (CSP)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import browser_log_in
from rownaq.accounts.models import User
from rownaq.core.jalali import format_jalali
from rownaq.monitoring.visit_models import Visit
from rownaq.registry.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("ROWNAQ_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_a_visit_filled_offline_is_kept_on_the_phone_and_sent_once_when_the_connection_returns(
    page: Any, live_server: Any, liaison: User, unit: Unit
) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size(PHONE)
    browser_log_in(page, live_server.url, "liaison")
    page.goto(f"{live_server.url}{reverse('monitoring-visit-new')}")
    page.wait_for_selector("#visit-form")
    # The service worker is installed and keeps the form (its scope covers the visit pages).
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope.endswith("/monitoring/visits/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _screenshot(page, "visit-form-phone.png")

    page.context.set_offline(True)
    page.reload()  # offline: the service worker answers with the kept form
    page.wait_for_selector("#visit-form")
    today = format_jalali(timezone.localdate())
    page.select_option("#id_unit", str(unit.pk))
    page.fill("#id_planned_on", today)
    page.fill("#id_visited_on", today)
    page.select_option("#id_sales_outlook", "down")
    page.select_option("#id_employment_outlook", "same")
    page.select_option("#id_main_obstacle", "raw_material")
    page.select_option("#id_expansion", "undecided")
    page.select_option("#id_flag", "red")
    page.fill("#id_notes", "مواد اولیه برای دو هفته مانده است")
    page.set_input_files("#id_photos", {"name": "انبار.png", "mimeType": "image/png", "buffer": PNG})
    page.click("#visit-submit")
    page.wait_for_selector("#offline-status.alert-info")
    assert "روی همین دستگاه ذخیره شد" in page.inner_text("#offline-status")
    assert not Visit.objects.exists()
    _screenshot(page, "visit-saved-offline-phone.png")

    page.context.set_offline(False)
    page.wait_for_selector("#offline-status.alert-success")
    assert "ارسال شدند" in page.inner_text("#offline-status")
    visit = Visit.objects.get()
    assert visit.unit == unit
    assert visit.agency_id == liaison.organisation_id
    assert visit.visited_on == timezone.localdate()
    assert (visit.sales_outlook, visit.employment_outlook, visit.main_obstacle, visit.expansion, visit.flag) == (
        "down",
        "same",
        "raw_material",
        "undecided",
        "red",
    )
    assert visit.notes == "مواد اولیه برای دو هفته مانده است"
    assert [photo.name for photo in visit.photos.all()] == ["انبار.png"]  # kept on the device with the visit
    page.reload()  # nothing is left in the device's queue: no second visit
    page.wait_for_selector("#visit-form")
    assert Visit.objects.count() == 1

    page.goto(f"{live_server.url}{reverse('monitoring-visit-calendar')}")
    page.wait_for_selector("#visit-calendar")
    assert unit.name in page.inner_text("#visit-calendar")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _screenshot(page, "visit-calendar-phone.png")
    assert not [e for e in errors if "Content Security Policy" in e]


def test_a_visit_planned_online_is_recorded_offline_on_the_phone_and_the_planned_visit_itself_is_stored(
    page: Any, live_server: Any, liaison: User, unit: Unit
) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size(PHONE)
    browser_log_in(page, live_server.url, "liaison")
    page.goto(f"{live_server.url}{reverse('monitoring-visit-new')}")
    page.wait_for_selector("#visit-form")
    today = format_jalali(timezone.localdate())
    # The unit is found by typing part of its name (the picker over the select).
    page.fill(".sector-search-input", "البرز")
    page.wait_for_selector(".sector-search-result")
    page.click(".sector-search-result")
    assert page.input_value("#id_unit") == str(unit.pk)
    page.fill("#id_planned_on", today)
    page.click("#visit-submit")
    page.wait_for_selector("#visit-facts")
    planned = Visit.objects.get()
    assert planned.visited_on is None

    # The calendar lists my planned visit and the service worker keeps its record form.
    page.goto(f"{live_server.url}{reverse('monitoring-visit-calendar')}")
    page.wait_for_selector("#offline-status[data-kept='1']", state="attached")
    assert "۱" in page.inner_text("#offline-kept")

    page.context.set_offline(True)
    page.goto(f"{live_server.url}{reverse('monitoring-visit-record', args=[planned.pk])}")
    page.wait_for_selector("#record-form")
    page.fill("#id_visited_on", today)
    page.select_option("#id_main_obstacle", "working_capital")
    page.select_option("#id_flag", "red")
    page.fill("#id_notes", "سرمایه در گردش ندارد")
    page.click("#record-submit")
    page.wait_for_selector("#offline-status.alert-info")
    assert "روی همین دستگاه ذخیره شد" in page.inner_text("#offline-status")
    planned.refresh_from_db()
    assert planned.visited_on is None
    _screenshot(page, "visit-recorded-offline-phone.png")

    page.context.set_offline(False)
    page.wait_for_selector("#offline-status.alert-success")
    visit = Visit.objects.get()  # the planned visit itself, no second one
    assert visit.pk == planned.pk
    assert visit.visited_on == timezone.localdate()
    assert visit.flag == "red"
    assert visit.notes == "سرمایه در گردش ندارد"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not [e for e in errors if "Content Security Policy" in e]
