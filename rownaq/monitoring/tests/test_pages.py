"""The monitoring pages through the browser's eyes (the Django test client), per role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for
from rownaq.core.periods import Period
from rownaq.monitoring.models import MonthlyReport, ReportState
from rownaq.monitoring.workflow import act
from rownaq.registry.models import Product, Unit

pytestmark = pytest.mark.django_db
Enter = Callable[..., MonthlyReport]


def fill_url(unit: Unit, period: Period) -> str:
    return f"/monitoring/units/{unit.pk}/{period.year}/{period.number}/"


def form_data(tiles: Product, glaze: Product, **changes: Any) -> dict[str, Any]:
    data = {
        "sales": "۱۲",
        "exports": "0",
        "employees": "۴۰",
        "electricity_kwh": "90,000",
        "gas_m3": "30000",
        "raw_material_days": "20",
        "overdue_wage_months": "0",
        "insurance_debt": "0",
        "returned_cheques": "0",
        "returned_cheques_amount": "0",
        f"output_{tiles.pk}": "۸۰۰۰۰",
        f"output_{glaze.pk}": "150",
    }
    data.update(changes)
    return data


def test_manager_fills_saves_and_submits(
    manager: User, unit: Unit, tiles: Product, glaze: Product, last_month: Period
) -> None:
    client = browser_for(manager)
    months = client.get("/monitoring/")
    assert months.status_code == 200
    assert fill_url(unit, last_month) in months.content.decode()
    page = client.get(fill_url(unit, last_month))
    text = page.content.decode()
    assert str(last_month) in text
    assert "کاشی دیوار" in text
    assert "on-behalf-note" not in text
    saved = client.post(fill_url(unit, last_month), {**form_data(tiles, glaze), "save": "1"})
    assert saved.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.state == ReportState.DRAFT
    assert report.sales == 12_000_000_000
    assert report.electricity_kwh == 90_000
    shown = client.get(fill_url(unit, last_month)).content.decode()
    assert "۸۰٫۰٪" in shown
    assert "۷۷٫۵٪" in shown
    sent = client.post(
        fill_url(unit, last_month), {**form_data(tiles, glaze), "version": report.version, "submit": "1"}
    )
    assert sent.status_code == 302
    assert sent["Location"] == f"/monitoring/reports/{report.pk}/"
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.versions.count() == 1


def test_warnings_are_shown_and_confirmed_and_typed_figures_kept(
    manager: User, unit: Unit, tiles: Product, glaze: Product, last_month: Period
) -> None:
    client = browser_for(manager)
    too_much = form_data(tiles, glaze, **{f"output_{tiles.pk}": "150000"})
    warned = client.post(fill_url(unit, last_month), {**too_much, "submit": "1"})
    assert warned.status_code == 400
    text = warned.content.decode()
    assert "report-warnings" in text
    assert "۱۵۰" in text
    assert 'value="۱۵۰۰۰۰"' in text
    report = MonthlyReport.objects.get()
    assert report.state == ReportState.DRAFT
    confirmed = {**too_much, "version": report.version, "submit": "1", "confirm": "on", "explanation": "سفارش ویژه"}
    assert client.post(fill_url(unit, last_month), confirmed).status_code == 302
    assert report.versions.get().explanation == "سفارش ویژه"
    detail = client.get(f"/monitoring/reports/{report.pk}/").content.decode()
    assert "سفارش ویژه" in detail
    assert "version-1" in detail


def test_negative_figure_is_refused_with_its_message(
    manager: User, unit: Unit, tiles: Product, glaze: Product, last_month: Period
) -> None:
    refused = browser_for(manager).post(
        fill_url(unit, last_month), {**form_data(tiles, glaze, employees="-3"), "submit": "1"}
    )
    assert refused.status_code == 400
    assert "منفی" in refused.content.decode()
    assert 'value="-۳"' in refused.content.decode()


def test_bad_input_and_future_month_in_persian_never_500(
    manager: User, unit: Unit, tiles: Product, glaze: Product
) -> None:
    client = browser_for(manager)
    bad = client.post(fill_url(unit, Period.current()), {**form_data(tiles, glaze, sales="abc"), "save": "1"})
    assert bad.status_code == 400
    assert "عدد" in bad.content.decode()
    future = client.post(fill_url(unit, Period.current()), {**form_data(tiles, glaze), "save": "1"})
    assert future.status_code == 400
    assert not MonthlyReport.objects.exists()
    assert client.get(f"/monitoring/units/{unit.pk}/1405/13/").status_code == 404


def test_expert_enters_on_behalf_then_returns_and_approves(
    expert: User, manager: User, unit: Unit, tiles: Product, glaze: Product, last_month: Period
) -> None:
    client = browser_for(expert)
    assert "on-behalf-note" in client.get(fill_url(unit, last_month)).content.decode()
    client.post(fill_url(unit, last_month), {**form_data(tiles, glaze), "submit": "1"})
    report = MonthlyReport.objects.get()
    assert report.on_behalf
    assert report.entered_by == expert
    assert report.state == ReportState.SUBMITTED
    empty = client.post(f"/monitoring/reports/{report.pk}/return/", {"version": report.version, "reason": ""})
    assert empty.status_code == 400
    client.post(f"/monitoring/reports/{report.pk}/return/", {"version": report.version, "reason": "فروش ناقص است"})
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    manager_page = browser_for(manager).get(f"/monitoring/reports/{report.pk}/").content.decode()
    assert "فروش ناقص است" in manager_page
    assert "edit-report" in manager_page
    act(report=report, action="submit", by=manager)
    report.refresh_from_db()
    stale = client.post(f"/monitoring/reports/{report.pk}/approve/", {"version": report.version - 1})
    assert stale.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    client.post(f"/monitoring/reports/{report.pk}/approve/", {"version": report.version})
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED


def test_dashboard_and_completeness_for_staff(
    expert: User, deputy: User, manager: User, enter: Enter, unit: Unit, other_unit: Unit, last_month: Period
) -> None:
    report = enter(unit=unit, period=last_month, by=manager)
    act(report=report, action="submit", by=manager)
    Unit.objects.filter(pk=other_unit.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    page = browser_for(deputy).get("/monitoring/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "review-queue" in text
    assert unit.name in text
    assert 'id="count-submitted" href="/monitoring/reports/?state=submitted&amp;period=' in text
    complete = browser_for(expert).get(f"/monitoring/completeness/?period={last_month.code}&group=sector")
    text = complete.content.decode()
    assert complete.status_code == 200
    assert other_unit.name in text
    missing = text.split('id="missing-units"')[1]
    assert other_unit.name in missing
    assert unit.name not in missing
    assert fill_url(other_unit, last_month) in missing  # the expert fills it on the unit's behalf
    deputy_view = browser_for(deputy).get(f"/monitoring/completeness/?period={last_month.code}").content.decode()
    assert fill_url(other_unit, last_month) not in deputy_view
    assert browser_for(expert).get("/monitoring/completeness/?period=abc").status_code == 200


@pytest.mark.parametrize("persona", ["liaison", "investor"])
def test_outsiders_see_no_monitoring(
    persona: str, request: pytest.FixtureRequest, manager: User, enter: Enter, unit: Unit, last_month: Period
) -> None:
    report = enter(unit=unit, period=last_month, by=manager)
    client: Client = browser_for(request.getfixturevalue(persona))
    assert client.get("/monitoring/").status_code == 403
    assert client.get(f"/monitoring/reports/{report.pk}/").status_code == 403
    assert client.get("/monitoring/completeness/").status_code == 403
    assert client.get(fill_url(unit, last_month)).status_code == 403


def test_a_manager_sees_only_their_units_reports(
    manager: User, other_manager: User, enter: Enter, unit: Unit, last_month: Period
) -> None:
    report = enter(unit=unit, period=last_month, by=manager)
    other = browser_for(other_manager)
    assert other.get(f"/monitoring/reports/{report.pk}/").status_code == 404
    assert other.get(fill_url(unit, last_month)).status_code == 404
    assert unit.name not in other.get("/monitoring/reports/").content.decode()
    assert other.get("/monitoring/completeness/").status_code == 403
    assert unit.name in browser_for(manager).get("/monitoring/reports/").content.decode()


def test_report_list_queries_do_not_grow(
    expert: User, manager: User, enter: Enter, unit: Unit, last_month: Period, django_assert_max_num_queries: Any
) -> None:
    period = last_month
    for _ in range(4):
        enter(unit=unit, period=period, by=manager)
        period = Period.month(period.year - (period.number == 1), (period.number - 2) % 12 + 1)
    client = browser_for(expert)
    with django_assert_max_num_queries(12):
        assert client.get("/monitoring/reports/").status_code == 200


def test_product_names_and_measures_show_persian_digits(
    manager: User, unit: Unit, tiles: Product, glaze: Product, last_month: Period, enter: Callable[..., MonthlyReport]
) -> None:
    Product.objects.filter(pk=tiles.pk).update(name="فرش ماشینی 1200 شانه", measure="متر 2")
    report = enter(unit=unit, period=last_month, by=manager)
    client = browser_for(manager)
    for url in (fill_url(unit, last_month), f"/monitoring/reports/{report.pk}/"):
        text = client.get(url).content.decode()
        assert "فرش ماشینی ۱۲۰۰ شانه" in text, url
        assert "1200" not in text, url


def test_report_page_names_the_money_unit_once(
    manager: User, unit: Unit, tiles: Product, glaze: Product, last_month: Period, enter: Callable[..., MonthlyReport]
) -> None:
    report = enter(unit=unit, period=last_month, by=manager)
    text = browser_for(manager).get(f"/monitoring/reports/{report.pk}/").content.decode()
    figures = text.split('id="report-figures"', 1)[1].split("</dl>", 1)[0]
    assert '<dt class="col-7">فروش</dt>' in figures
    assert "میلیارد ریال)" not in figures  # no «فروش (میلیارد ریال): ۷۵ میلیارد ریال»
    assert "میلیارد ریال" in figures  # the value carries the unit
    form = browser_for(manager).get(fill_url(unit, last_month)).content.decode()
    assert "فروش (میلیارد ریال)" in form  # the form's input keeps it
