"""Fixtures of the monitoring tests: the unit's two products, and a helper that enters a month's report."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from rownaq.accounts.models import User
from rownaq.core.periods import Period
from rownaq.monitoring import services
from rownaq.monitoring.models import FIGURE_FIELDS, MonthlyReport
from rownaq.registry.models import Product, Unit

FIGURES: dict[str, int] = {
    "sales": 12_000_000_000,
    "exports": 1_500_000_000,
    "employees": 40,
    "electricity_kwh": 90_000,
    "gas_m3": 30_000,
    "raw_material_days": 20,
    "overdue_wage_months": 0,
    "insurance_debt": 0,
    "returned_cheques": 0,
    "returned_cheques_amount": 0,
}
assert set(FIGURES) == set(FIGURE_FIELDS)


@pytest.fixture
def tiles(unit: Unit) -> Product:
    """1,200,000 m² a year: 100,000 a month."""
    return Product.objects.create(unit=unit, name="کاشی دیوار", measure="متر مربع", nominal_capacity=Decimal(1_200_000))


@pytest.fixture
def glaze(unit: Unit) -> Product:
    return Product.objects.create(unit=unit, name="لعاب", measure="تن", nominal_capacity=Decimal(2_400))


@pytest.fixture
def last_month() -> Period:
    return services.last_reportable_month()


@pytest.fixture
def enter(tiles: Product, glaze: Product) -> Callable[..., MonthlyReport]:
    """Enter ``unit``'s report of ``period`` as ``by``: the default figures with ``changes``, and output of
    ``tiles`` (80,000 m², 80%) and ``glaze`` (150 t, 75%) unless given."""

    def make(
        *, unit: Unit, period: Period, by: User, tiles_out: int = 80_000, glaze_out: int = 150, **changes: Any
    ) -> MonthlyReport:
        return services.report_save(
            unit=unit,
            period=period,
            figures={**FIGURES, **changes},
            quantities={tiles.pk: Decimal(tiles_out), glaze.pk: Decimal(glaze_out)},
            by=by,
        )

    return make


def months_before(period: Period, count: int) -> list[Period]:
    """The ``count`` months before ``period``, oldest first."""
    months = []
    current = period
    for _ in range(count):
        current = services.previous_month(current)
        months.append(current)
    return list(reversed(months))
