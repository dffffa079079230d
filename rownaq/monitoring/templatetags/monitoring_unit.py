"""The monitoring card of a unit's page (composed by ``front``): monthly series, risk, visits, revival case."""

from __future__ import annotations

from typing import Any

from django import template

from rownaq.monitoring.access import can_enter, can_override_status
from rownaq.monitoring.unit_page import unit_revival_case, unit_risk, unit_series, unit_visit_list
from rownaq.registry.models import Unit

register = template.Library()


@register.inclusion_tag("monitoring/_unit_monitoring.html", takes_context=True)
def unit_monitoring(context: dict[str, Any], unit: Unit) -> dict[str, Any]:
    user = context["request"].user
    series = unit_series(user, unit)
    return {
        "unit": unit,
        "series": series,
        "chart_data": series.chart_data() if series is not None and series.reports else None,
        "revival": unit_revival_case(user, unit),
        "can_enter": can_enter(user, unit),
        "risk": unit_risk(user, unit),
        "visits": unit_visit_list(user, unit),
        "can_override": can_override_status(user, unit),
    }
