"""The early-warning features on a small built history (the exact figures), the label, and that nothing after
the cutoff reaches the features or the training."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np
import pytest

from rownaq.accounts.models import Organisation
from rownaq.core.periods import Period
from rownaq.monitoring.figures import month_index
from rownaq.monitoring.models import Signal, SignalFeed, SignalKind
from rownaq.monitoring.risk import training_cutoffs
from rownaq.monitoring.risk_features import FEATURES, features_at, load_history, outcomes
from rownaq.monitoring.tests.risk_history import go_down, report
from rownaq.registry.models import Licence, LicenceKind, Unit, UnitStatus

CUTOFF = Period.month(1404, 6)
M = month_index(CUTOFF)
UTILISATION = {(1403, 12): 75, (1404, 1): 71, (1404, 2): 70, (1404, 3): 60, (1404, 4): 55, (1404, 5): 45, (1404, 6): 38}


def _signal(feed: SignalFeed, unit: Unit, period: Period, kind: str, value: int) -> None:
    Signal.objects.create(
        feed=feed,
        unit=unit,
        national_id=unit.national_id,
        year=period.year,
        month=period.number,
        kind=kind,
        value=value,
    )


@pytest.fixture
def history_units(unit: Unit, other_unit: Unit, bank: Organisation) -> tuple[Unit, Unit]:
    """``unit`` declines from 75% to 38% with falling sales and staff, three returned cheques since 1404/02, its
    electricity down (the newer of two feeds for 1404/06 counts) and its licence 40 days from expiry; the
    other unit stopped reporting after 1404/03."""
    for (year, month), utilisation in UTILISATION.items():
        period = Period.month(year, month)
        report(
            unit,
            period,
            utilisation=utilisation,
            sales=10_000_000_000 if month <= 3 or year == 1403 else 7_000_000_000,
            employees=40 if year == 1403 else 30 if month == 6 else 36,
            returned_cheques={2: 2, 5: 1}.get(month, 0) if year == 1404 else 0,
            overdue_wage_months=2 if (year, month) == (1404, 6) else 0,
            insurance_debt=3_000_000_000 if (year, month) == (1404, 6) else 0,
        )
    for month in (1, 2, 3):
        report(other_unit, Period.month(1404, month), utilisation=80)
    for month in range(1, 7):
        feed = SignalFeed.objects.create(organisation=bank, province_id=unit.county.province_id, year=1404, month=month)
        _signal(feed, unit, Period.month(1404, month), SignalKind.ELECTRICITY_KWH, 100_000)
    newer = SignalFeed.objects.create(organisation=bank, province_id=unit.county.province_id, year=1404, month=6)
    _signal(newer, unit, CUTOFF, SignalKind.ELECTRICITY_KWH, 50_000)
    Licence.objects.create(
        unit=unit, kind=LicenceKind.OPERATING, number="1", expires_on=CUTOFF.last_day + dt.timedelta(days=40)
    )
    return unit, other_unit


def _features(units: tuple[Unit, Unit], last: Period = CUTOFF) -> tuple[dict[str, float], dict[str, float]]:
    history = load_history(Unit.objects.filter(pk__in=[u.pk for u in units]), Period.month(1403, 1), last)
    table = features_at(history, M)
    rows = [list(history.unit_ids).index(u.pk) for u in units]
    return tuple(  # type: ignore[return-value]
        {name: float(table.values[row, j]) for j, name in enumerate(FEATURES)}
        | {f"fact:{k}": float(v[row]) for k, v in table.facts.items()}
        for row in rows
    )


def test_the_features_of_a_declining_unit(history_units: tuple[Unit, Unit]) -> None:
    declining, stopped = _features(history_units)
    assert declining["utilisation_now"] == 38
    assert declining["utilisation_change_3"] == 38 - 60
    assert declining["utilisation_change_6"] == 38 - 75
    assert declining["utilisation_slope"] == pytest.approx(-7.0)  # least squares over 71, 70, 60, 55, 45, 38
    assert declining["sales_change"] == pytest.approx(-0.3)
    assert declining["employees_change"] == pytest.approx(-0.25)  # 40 → 30
    assert declining["returned_cheques_6"] == 3
    assert declining["returned_cheques_now"] == 0
    assert declining["fact:cheques_since"] == month_index(Period.month(1404, 2))
    assert declining["overdue_wage_months"] == 2
    assert declining["insurance_debt"] == pytest.approx(math.log1p(3000))
    assert declining["missed_in_a_row"] == 0
    # 100,000 kWh a month; the newer feed of 1404/06 says 50,000: (100 + 100 + 50) / 3 against 100
    assert declining["electricity_change"] == pytest.approx(250 / 300 - 1)
    assert declining["licence_expiring"] == 1
    assert declining["fact:licence_days"] == 40
    assert declining["size"] == pytest.approx(math.log1p(30))
    assert math.isnan(declining["gas_change"])
    assert math.isnan(declining["insured_change"])
    assert stopped["missed_in_a_row"] == 3
    assert math.isnan(stopped["utilisation_now"])  # nothing in the last three months (its last: 1404/03)
    assert stopped["licence_expiring"] == 0


def test_nothing_after_the_cutoff_changes_the_features(history_units: tuple[Unit, Unit]) -> None:
    declining, _stopped = history_units
    before = _features(history_units, last=Period.month(1405, 1))
    report(declining, Period.month(1404, 7), utilisation=5, returned_cheques=9, employees=1)
    first_feed = SignalFeed.objects.order_by("pk").first()
    assert first_feed is not None
    feed = SignalFeed.objects.create(
        organisation_id=first_feed.organisation_id, province_id=declining.county.province_id, year=1404, month=7
    )
    _signal(feed, declining, Period.month(1404, 7), SignalKind.ELECTRICITY_KWH, 1)
    after = _features(history_units, last=Period.month(1405, 1))
    for name, value in before[0].items():
        assert value == after[0][name] or (math.isnan(value) and math.isnan(after[0][name])), name


def test_label_is_idle_or_closed_within_six_months_and_idle_units_are_not_scored(
    make_unit: Callable[..., Unit],
) -> None:
    soon, late, already, steady = (make_unit(f"واحد {n}") for n in range(4))
    go_down(soon, Period.month(1404, 12).first_day)  # the sixth month after 1404/06
    go_down(late, Period.month(1405, 1).first_day, UnitStatus.CLOSED)  # the seventh
    go_down(already, Period.month(1404, 2).first_day)
    history = load_history(Unit.objects.all(), Period.month(1404, 1), CUTOFF)
    known = outcomes(history, M)
    by_unit = {int(pk): i for i, pk in enumerate(history.unit_ids)}
    assert known.label[by_unit[soon.pk]]
    assert known.scored[by_unit[soon.pk]]
    assert not known.label[by_unit[late.pk]]
    assert known.scored[by_unit[late.pk]]
    assert not known.scored[by_unit[already.pk]]
    assert not known.label[by_unit[already.pk]]
    assert not known.label[by_unit[steady.pk]]
    # at 1404/07 the closure of 1405/01 is within six months
    assert outcomes(history, M + 1).label[by_unit[late.pk]]


def test_training_cutoffs_end_where_their_outcome_was_known() -> None:
    cutoffs = training_cutoffs(M, M - 30)
    assert max(cutoffs) == M - 6  # its window 1404/01..1404/06 closed with the test month
    assert all(c + 6 <= M for c in cutoffs)
    assert training_cutoffs(M, M - 9) == [M - 6]  # three months of history needed first
    assert training_cutoffs(M, M - 8) == []
    assert np.all(np.diff(cutoffs) == 1)
