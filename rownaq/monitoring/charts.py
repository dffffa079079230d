"""The dashboard's charts: the figures of ``rownaq.monitoring.figures`` shaped for ECharts and for the tables
beside them (read without JavaScript), each number with the address of the list behind it. Labels are Persian
(Jalali month names, Persian digits); the static ``monitoring/dashboard.js`` draws them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from rownaq.core.numbers import format_number
from rownaq.geography.places import Places
from rownaq.monitoring import figures
from rownaq.monitoring.models import RevivalCase, RevivalStage
from rownaq.registry.models import UnitStatus

STATUS_MONTHS = 12
STATUS_COLOURS = {"active": "#198754", "semi_active": "#fd7e14", "idle": "#6c757d", "closed": "#dc3545"}


@dataclass(frozen=True)
class Bar:
    """One number of a chart: its label, value and the list behind it."""

    label: str
    value: int
    url: str


def _url(name: str, **query: Any) -> str:
    return reverse(name) + ("?" + urlencode(query) if query else "")


def band_label(low: int, high: int | None) -> str:
    """A band of utilisation in percent (the % is in the title: in a left-to-right chart it would stray)."""
    if high is None:
        return _("%(low)s and above") % {"low": format_number(low)}
    if low == 0:
        return _("below %(high)s") % {"high": format_number(high)}
    return _("%(low)s to %(high)s") % {"low": format_number(low), "high": format_number(high)}


def utilisation_chart(places: Places) -> dict[str, Any]:
    shown = figures.utilisation_bands(places, figures.last_reported_month(places))
    code = shown.period.code
    bars = [
        Bar(
            band_label(band.low, band.high),
            band.count,
            _url(
                "monitoring-report-list",
                period=code,
                reported="true",
                util_from=band.low,
                **({"util_to": band.high} if band.high is not None else {}),
            ),
        )
        for band in shown.bands
    ]
    if shown.unknown:
        bars.append(
            Bar(
                _("no capacity known"),
                shown.unknown,
                _url("monitoring-report-list", period=code, reported="true", no_utilisation="true"),
            )
        )
    return {"period": str(shown.period), "total": shown.total, "bars": bars}


def status_chart(places: Places) -> dict[str, Any]:
    """Units by status at the end of each of the last 12 Jalali months. Only this month's numbers open a list
    (the unit list filtered by status shows the units as they stand now)."""
    months = figures.units_by_status_over_months(places, figures.last_months(STATUS_MONTHS))
    series = [
        {
            "key": status.value,
            "name": str(status.label),
            "colour": STATUS_COLOURS.get(status.value, "#0b6e4f"),
            "values": [month.counts[status.value] for month in months],
            "url": _url("registry-unit-list", status=status.value),
        }
        for status in UnitStatus
    ]
    return {"months": [str(month.period) for month in months], "series": series, "rows": months}


def completeness_chart(places: Places) -> dict[str, Any]:
    rows = figures.completeness_by_month(places, figures.last_months(STATUS_MONTHS))
    return {
        "months": [str(row.period) for row in rows],
        "reported": [row.reported for row in rows],
        "missing": [row.missing for row in rows],
        "urls": [_url("monitoring-completeness", period=row.period.code) for row in rows],
        "rows": rows,
    }


def revival_chart(cases: QuerySet[RevivalCase]) -> dict[str, Any]:
    counts = figures.revival_stage_counts(cases)
    bars = [
        Bar(str(label), counts[value], _url("monitoring-revival-pipeline", stage=value))
        for value, label in RevivalStage.choices
    ]
    return {"bars": bars}


def dashboard_charts(places: Places, revival_cases: QuerySet[RevivalCase]) -> dict[str, Any]:
    """The four charts of the dashboard: ``tables`` for the page, ``data`` for ``json_script``."""
    utilisation = utilisation_chart(places)
    status = status_chart(places)
    completeness = completeness_chart(places)
    revival = revival_chart(revival_cases)
    data = {
        "utilisation": {"bars": [bar.__dict__ for bar in utilisation["bars"]]},
        "status": {"months": status["months"], "series": status["series"]},
        "completeness": {k: completeness[k] for k in ("months", "reported", "missing", "urls")},
        "revival": {"bars": [bar.__dict__ for bar in revival["bars"]]},
        "labels": {"reported": _("Reported"), "missing": _("Not reported")},
    }
    return {
        "utilisation": utilisation,
        "status": status,
        "completeness": completeness,
        "revival": revival,
        "data": data,
    }
