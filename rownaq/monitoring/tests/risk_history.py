"""A small built history for the early-warning tests: approved monthly reports written directly (the figures
the features read), status changes, and a seeded province of declining and steady units for the backtest."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from rownaq.core.periods import Period
from rownaq.monitoring.figures import month_index, month_of
from rownaq.monitoring.models import MonthlyReport, ReportState
from rownaq.registry.models import StatusChange, Unit, UnitStatus


def report(unit: Unit, period: Period, *, utilisation: float | None = 80, **figures: Any) -> MonthlyReport:
    values: dict[str, Any] = {"sales": 10_000_000_000, "employees": 40, "raw_material_days": 30, **figures}
    return MonthlyReport.objects.create(
        unit=unit,
        year=period.year,
        month=period.number,
        state=ReportState.APPROVED,
        utilisation=None if utilisation is None else Decimal(str(utilisation)),
        **values,
    )


def go_down(unit: Unit, day: dt.date, status: str = UnitStatus.IDLE) -> StatusChange:
    return StatusChange.objects.create(unit=unit, old_status=UnitStatus.ACTIVE, new_status=status, effective_on=day)


def build_province(
    make_unit: Callable[..., Unit], *, first: Period, months: int, units: int = 160, seed: int = 7
) -> None:
    """``units`` units reporting ``months`` months from ``first``: most steady (some steadily low, as the rule
    flags them), a share declining for a few months before they go idle (with wages overdue and cheques
    returned), a few going idle suddenly."""
    rng = random.Random(seed)
    start = month_index(first)
    rows: list[MonthlyReport] = []
    for n in range(units):
        unit = make_unit(f"واحد {n}", employees=20 + n % 50)
        base = rng.choice([35.0, 60.0, 75.0, 85.0])
        fails_at = start + rng.randrange(6, months + 6) if rng.random() < 0.3 else None
        decline = rng.randrange(3, 6)
        for offset in range(months):
            index = start + offset
            if fails_at is not None and index >= fails_at:
                break
            falling = fails_at is not None and index >= fails_at - decline
            step = fails_at - index if fails_at is not None else 99
            utilisation = max(0.0, base - (decline - step + 1) * 12 if falling else base) + rng.uniform(-4, 4)
            period = month_of(index)
            rows.append(
                MonthlyReport(
                    unit=unit,
                    year=period.year,
                    month=period.number,
                    state=ReportState.APPROVED,
                    utilisation=Decimal(str(round(utilisation, 1))),
                    sales=int(1e9 * utilisation),
                    employees=40 - (5 if falling else 0),
                    raw_material_days=10 if falling else 30,
                    overdue_wage_months=1 if falling and rng.random() < 0.6 else 0,
                    returned_cheques=1 if falling and rng.random() < 0.4 else 0,
                )
            )
        if fails_at is not None:
            go_down(unit, month_of(fails_at).first_day + dt.timedelta(days=3))
    MonthlyReport.objects.bulk_create(rows, batch_size=2000)
