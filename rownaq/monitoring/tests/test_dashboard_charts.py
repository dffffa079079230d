"""The dashboard's charts: units by status over months derived from the status history, utilisation bands,
completeness by month, and the page's charts whose every number opens the list behind it."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for
from rownaq.core.periods import Period
from rownaq.geography.models import County
from rownaq.geography.places import Places
from rownaq.monitoring import figures, services
from rownaq.monitoring.models import MonthlyReport, RevivalCause
from rownaq.monitoring.revival import revival_open
from rownaq.monitoring.tests.conftest import months_before
from rownaq.monitoring.workflow import act
from rownaq.registry.models import StatusChange, Unit, UnitStatus

pytestmark = pytest.mark.django_db
Enter = Callable[..., MonthlyReport]


def day_of(period: Period, day: int) -> dt.date:
    return period.first_day + dt.timedelta(days=day - 1)


def registered_on(unit: Unit, day: dt.date) -> None:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    Unit.objects.filter(pk=unit.pk).update(created_at=moment)


def change(unit: Unit, old: str, new: str, on: dt.date) -> None:
    StatusChange.objects.create(unit=unit, old_status=old, new_status=new, effective_on=on)


def test_units_by_status_over_months_follow_the_recorded_changes(
    make_unit: Callable[..., Unit], qom_county: County
) -> None:
    farvardin, ordibehesht, khordad, tir = (Period.month(1403, n) for n in (1, 2, 3, 4))
    registered = make_unit("ثبت با وضعیت فعال", status=UnitStatus.IDLE)
    change(registered, "", UnitStatus.ACTIVE, day_of(ordibehesht, 10))  # registered active in Ordibehesht
    change(registered, UnitStatus.ACTIVE, UnitStatus.IDLE, day_of(khordad, 15))
    older = make_unit("پیش از تاریخچه", status=UnitStatus.CLOSED)
    change(older, UnitStatus.SEMI_ACTIVE, UnitStatus.CLOSED, day_of(tir, 5))  # semi-active until Tir
    quiet = make_unit("بی‌تغییر", status=UnitStatus.ACTIVE)
    registered_on(quiet, day_of(khordad, 20))  # no change recorded: active since it was registered
    elsewhere = make_unit("استان دیگر", county=County.objects.exclude(province=qom_county.province).first())
    change(elsewhere, UnitStatus.ACTIVE, UnitStatus.IDLE, day_of(farvardin, 3))

    months = figures.units_by_status_over_months(
        Places.province(qom_county.province_id), [farvardin, ordibehesht, khordad, tir], today=day_of(tir, 20)
    )

    def shown(month: figures.StatusMonth) -> dict[str, int]:
        return {status: count for status, count in month.counts.items() if count}

    assert [m.period for m in months] == [farvardin, ordibehesht, khordad, tir]
    assert shown(months[0]) == {UnitStatus.SEMI_ACTIVE: 1}
    assert shown(months[1]) == {UnitStatus.ACTIVE: 1, UnitStatus.SEMI_ACTIVE: 1}
    assert shown(months[2]) == {UnitStatus.IDLE: 1, UnitStatus.SEMI_ACTIVE: 1, UnitStatus.ACTIVE: 1}
    assert shown(months[3]) == {UnitStatus.IDLE: 1, UnitStatus.CLOSED: 1, UnitStatus.ACTIVE: 1}
    assert set(months[0].counts) == set(UnitStatus.values)  # every status named, zero included


def test_utilisation_bands_and_completeness_by_month(
    settings: object,
    manager: User,
    unit: Unit,
    other_unit: Unit,
    enter: Enter,
    last_month: Period,
    qom_county: County,
) -> None:
    earlier = months_before(last_month, 2)
    settings.ROWNAQ_MONITORING_START = earlier[0].code  # type: ignore[attr-defined]
    for registered in (unit, other_unit):
        registered_on(registered, earlier[0].first_day)
    draft = enter(unit=unit, period=earlier[1], by=manager)  # a draft is not a report
    assert draft.utilisation == Decimal("77.5")
    report = enter(unit=unit, period=last_month, by=manager, tiles_out=10_000, glaze_out=10)  # 10% and 5%
    act(report=report, action="submit", by=manager, confirm=True)
    places = Places.province(qom_county.province_id)

    assert figures.last_reported_month(places) == last_month
    bands = figures.utilisation_bands(places, last_month)
    assert [band.count for band in bands.bands] == [1, 0, 0, 0, 0]
    assert (bands.unknown, bands.total) == (0, 1)
    assert figures.utilisation_bands(places, earlier[1]).total == 0

    rows = figures.completeness_by_month(places, [*earlier, last_month, services.next_month(last_month)])
    assert [(r.period, r.expected, r.reported) for r in rows] == [
        (earlier[0], 2, 0),
        (earlier[1], 2, 0),
        (last_month, 2, 1),
    ]  # the month not ended yet is not asked for


def test_the_dashboard_charts_open_the_lists_behind_their_numbers(
    expert: User, manager: User, unit: Unit, enter: Enter, last_month: Period
) -> None:
    report = enter(unit=unit, period=last_month, by=manager)  # 77.5%
    act(report=report, action="submit", by=manager, confirm=True)
    Unit.objects.filter(pk=unit.pk).update(status=UnitStatus.IDLE)
    unit.refresh_from_db()
    revival_open(unit=unit, cause=RevivalCause.MARKET, by=expert)
    client = browser_for(expert)
    page = client.get("/monitoring/").content.decode()

    data = json.loads(re.search(r'id="monitoring-chart-data" type="application/json">(.*?)</script>', page, re.S)[1])  # type: ignore[index]
    band = next(bar for bar in data["utilisation"]["bars"] if bar["value"])
    assert (
        band["url"]
        == f"/monitoring/reports/?period={last_month.code.replace('/', '%2F')}&reported=true&util_from=75&util_to=100"
    )
    assert band["url"].replace("&", "&amp;") in page  # the table beside the chart carries the same link
    listed = client.get(band["url"]).content.decode()
    assert f"/monitoring/reports/{report.pk}/" in listed
    assert (
        f"/monitoring/reports/{report.pk}/"
        not in client.get(band["url"].replace("util_from=75&util_to=100", "util_from=0&util_to=25")).content.decode()
    )

    assert [s["key"] for s in data["status"]["series"]] == list(UnitStatus.values)
    assert len(data["status"]["months"]) == 12
    assert str(Period.current()) == data["status"]["months"][-1]  # Jalali month names, Persian digits
    table = page.split('id="status-table"')[1].split("</table>")[0]
    assert f'{reverse("registry-unit-list")}?status=idle">۱</a>' in table
    assert data["completeness"]["urls"][-1] == f"/monitoring/completeness/?period={last_month.code.replace('/', '%2F')}"
    stage = next(bar for bar in data["revival"]["bars"] if bar["value"])
    assert stage["url"] == "/monitoring/revival/?stage=identified"
    pipeline = client.get(stage["url"]).content.decode()
    assert 'id="stage-identified"' in pipeline
    assert 'id="stage-restarted"' not in pipeline

    assert 'src="/static/monitoring/dashboard.js"' in page
    inline = [s for s in re.findall(r"<script([^>]*)>", page) if "src=" not in s and "application/json" not in s]
    assert inline == []  # the Content-Security-Policy allows no inline script


def test_a_unit_manager_sees_no_dashboard_charts(manager: User, unit: Unit) -> None:
    page = browser_for(manager).get("/monitoring/").content.decode()
    assert "monitoring-chart-data" not in page


def test_the_dashboards_queries_do_not_grow_with_the_units(
    expert: User, make_unit: Callable[..., Unit], qom_county: County
) -> None:
    client = browser_for(expert)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/monitoring/").status_code == 200
        return len(captured)

    make_unit("یکم")
    few = queries()
    for serial in range(4):
        unit = make_unit(f"واحد {serial}")
        change(unit, "", UnitStatus.ACTIVE, day_of(Period.current(), 1))
    assert queries() == few
