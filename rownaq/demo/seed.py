"""What ``seed_demo`` does across the demo's parts: reset a province, build all 31 provinces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from rownaq.demo.cases import demo_cases_reset
from rownaq.demo.province import demo_province_build
from rownaq.demo.units import DEFAULT_SEED, NATIONAL_UNITS, QOM, DemoSummary, demo_national_units, demo_units_reset
from rownaq.geography.models import Province


@transaction.atomic
def demo_province_reset(*, province: Province) -> int:
    """Delete the province's demo cases (with the HQ's meetings on them), then its units, companies, users and
    unreferenced organisations; returns how many units. The desk demo (``desk.demo_desk_reset``) goes first."""
    demo_cases_reset(province=province)
    return demo_units_reset(province=province)


def demo_national_build(
    *,
    total: int | None = None,
    seed: int = DEFAULT_SEED,
    primary_code: str = QOM,
    today: dt.date | None = None,
    reset: bool = False,
    progress: Callable[[DemoSummary], None] | None = None,
) -> list[DemoSummary]:
    """Build the demo for all 31 provinces; users only for the primary province."""
    shares = demo_national_units(total=total or NATIONAL_UNITS)
    summaries: list[DemoSummary] = []
    for province in Province.objects.order_by("code"):
        if reset:
            demo_province_reset(province=province)
        summary = demo_province_build(
            province=province,
            units=max(2, shares.get(province.code, 100)),
            seed=seed,
            with_users=province.code == primary_code,
            today=today,
        )
        summaries.append(summary)
        if progress is not None:
            progress(summary)
    return summaries
