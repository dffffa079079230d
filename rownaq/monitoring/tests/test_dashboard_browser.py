"""In a real browser: the dashboard's charts draw (ECharts, from the page's JSON and a static script, under the
Content-Security-Policy) with Persian labels, and a bar opens the list behind it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from conftest import browser_log_in
from rownaq.accounts.models import User
from rownaq.core.periods import Period
from rownaq.monitoring.models import MonthlyReport
from rownaq.monitoring.workflow import act
from rownaq.registry.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_draws_its_charts_and_a_bar_opens_its_list(
    page: Any,
    live_server: Any,
    manager: User,
    expert: User,
    unit: Unit,
    enter: Callable[..., MonthlyReport],
    last_month: Period,
) -> None:
    report = enter(unit=unit, period=last_month, by=manager)  # 77.5%: the band 75–100
    act(report=report, action="submit", by=manager, confirm=True)
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(f"{message.text} {message.location}") if message.type == "error" else None,
    )
    browser_log_in(page, live_server.url, "expert")
    page.goto(f"{live_server.url}{reverse('monitoring-dashboard')}")
    for chart in ("utilisation", "status-months", "completeness", "revival"):
        page.wait_for_selector(f"#chart-{chart} canvas")
    bands = page.eval_on_selector("#chart-utilisation", "el => echarts.getInstanceByDom(el).getOption().xAxis[0].data")
    assert bands[3] == "۷۵ تا ۱۰۰"
    months = page.eval_on_selector(
        "#chart-status-months", "el => echarts.getInstanceByDom(el).getOption().yAxis[0].data"
    )
    assert months[-1] == str(Period.current())  # Jalali month names, Persian digits
    x, y = page.eval_on_selector(
        "#chart-utilisation",
        "el => { const r = el.getBoundingClientRect();"
        " const p = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [3, 0.5]);"
        " return [r.left + p[0], r.top + p[1]]; }",
    )
    page.mouse.click(x, y)  # the bar of 75 to 100%
    page.wait_for_selector("#report-list")
    assert "util_from=75" in page.url
    assert unit.name in page.inner_text("#report-list")
    assert errors == []
