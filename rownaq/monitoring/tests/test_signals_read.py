"""``latest_signals``: per unit, month and kind, the newest committed feed that a re-sent month has not superseded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from rownaq.accounts.models import Organisation
from rownaq.core.periods import Period
from rownaq.monitoring.models import FeedState, Signal, SignalFeed, SignalKind
from rownaq.monitoring.signals import latest_signals
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

MONTH = (1405, 3)


def feed_with(
    agency: Organisation, rows: list[tuple[Unit, str, int]], *, year: int = 1405, month: int = 3, **fields: object
) -> SignalFeed:
    assert agency.province is not None
    feed = SignalFeed.objects.create(
        organisation=agency, province=agency.province, year=year, month=month, total_rows=len(rows), **fields
    )
    Signal.objects.bulk_create(
        Signal(feed=feed, unit=unit, national_id=unit.national_id, year=year, month=month, kind=kind, value=value)
        for unit, kind, value in rows
    )
    return feed


def test_the_newest_feed_wins_per_unit_month_and_kind(
    bank: Organisation, tax_office: Organisation, unit: Unit, other_unit: Unit
) -> None:
    old = feed_with(bank, [(unit, SignalKind.RETURNED_CHEQUES, 1), (other_unit, SignalKind.RETURNED_CHEQUES, 4)])
    SignalFeed.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    new = feed_with(bank, [(unit, SignalKind.RETURNED_CHEQUES, 2)])
    feed_with(tax_office, [(unit, SignalKind.TAX_ARREARS, 5_000_000)])

    rows = latest_signals([unit.pk], Period.month(*MONTH), Period.month(*MONTH))

    assert [(r.kind, r.value) for r in rows] == [(SignalKind.RETURNED_CHEQUES, 2), (SignalKind.TAX_ARREARS, 5_000_000)]
    assert rows[0].feed_id == new.pk
    assert rows[0].period == Period.month(*MONTH)
    # the other unit is only in the older feed, which nobody superseded: its row still counts
    assert [r.value for r in latest_signals([other_unit.pk], Period.month(*MONTH), Period.month(*MONTH))] == [4]


def test_superseded_uncommitted_and_unmatched_rows_do_not_count(
    bank: Organisation, unit: Unit, other_unit: Unit
) -> None:
    old = feed_with(bank, [(other_unit, SignalKind.RETURNED_CHEQUES, 4)])
    new = feed_with(bank, [(unit, SignalKind.RETURNED_CHEQUES, 2)])
    SignalFeed.objects.filter(pk=old.pk).update(superseded_by=new)
    feed_with(bank, [(unit, SignalKind.RETURNED_CHEQUES, 9)], state=FeedState.CHECKED)
    Signal.objects.create(
        feed=new, unit=None, national_id="14000000000", year=1405, month=3, kind=SignalKind.RETURNED_CHEQUES, value=7
    )

    rows = latest_signals(None, Period.month(*MONTH), Period.month(*MONTH))

    assert [(r.unit_id, r.value) for r in rows] == [(unit.pk, 2)]


def test_the_period_bounds_are_months_seasons_or_years(bank: Organisation, unit: Unit) -> None:
    for year, month in [(1404, 12), (1405, 1), (1405, 4), (1406, 1)]:
        feed_with(bank, [(unit, SignalKind.OVERDUE_INSTALMENTS, year * 100 + month)], year=year, month=month)
    read: Callable[[Period, Period], list[int]] = lambda first, last: [  # noqa: E731
        r.value for r in latest_signals([unit.pk], first, last)
    ]

    assert read(Period.whole_year(1405), Period.whole_year(1405)) == [140501, 140504]
    assert read(Period.month(1404, 12), Period.quarter(1405, 1)) == [140412, 140501]
    assert read(Period.month(1405, 2), Period.month(1405, 3)) == []
    assert latest_signals([unit.pk], Period.whole_year(1405), Period.whole_year(1406), kinds=["gas_m3"]) == []
