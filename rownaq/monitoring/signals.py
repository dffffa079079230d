"""Reading the agencies' signals: the one function the other parts of monitoring (status rules, the risk
model, the dashboard) read signals through, so they all count the same rows.

A feed is one delivery of one agency for one Jalali month of one province. An agency may send a month
again; then the newer feed is the one that counts. The rule, per unit, month and kind of signal:

- only rows matched to a unit, of committed feeds, are read;
- a feed superseded by a re-sent month (``SignalFeed.superseded_by``) is not read at all, so a unit the
  newer file leaves out has no value that month rather than the stale one;
- of what remains, the row of the newest feed (latest ``created_at``, then highest id) wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from rownaq.core.periods import Period
from rownaq.monitoring.models import FeedState, Signal


@dataclass(frozen=True)
class SignalRow:
    """One unit's value of one kind of signal for one Jalali month (money in rials, as stored)."""

    unit_id: int
    year: int
    month: int
    kind: str  # a ``SignalKind`` value
    value: int
    feed_id: int

    @property
    def period(self) -> Period:
        return Period.month(self.year, self.month)


def _months(period: Period) -> tuple[tuple[int, int], tuple[int, int]]:
    """The first and last (year, month) of a month, a season or a year."""
    first, last = period.first_day, period.last_day
    start = Period.containing(first)
    end = Period.containing(last)
    return (start.year, start.number), (end.year, end.number)


def months_q(first_period: Period, last_period: Period) -> Q:
    """The filter of rows whose (year, month) lies from the start of ``first_period`` to the end of
    ``last_period`` (each a month, a season or a year), both included."""
    (first_year, first_month), _ = _months(first_period)
    _, (last_year, last_month) = _months(last_period)
    after_start = Q(year__gt=first_year) | Q(year=first_year, month__gte=first_month)
    before_end = Q(year__lt=last_year) | Q(year=last_year, month__lte=last_month)
    return after_start & before_end


def latest_signals(
    unit_ids: Iterable[int] | None,
    first_period: Period,
    last_period: Period,
    *,
    kinds: Iterable[str] | None = None,
) -> list[SignalRow]:
    """The signals that count for ``unit_ids`` (``None``: every unit) from the first month of
    ``first_period`` to the last month of ``last_period`` (months, seasons or years), optionally only
    some ``kinds``: per unit, month and kind, the value of the newest committed feed that is not
    superseded (see the module's docstring). Sorted by unit, year, month, kind. Access is the caller's
    business: this reads every province.

    Example: ``latest_signals([unit.pk], Period.month(1404, 7), Period.month(1405, 6))`` for a year of months.
    """
    query = Signal.objects.filter(
        months_q(first_period, last_period),
        unit__isnull=False,
        feed__state=FeedState.COMMITTED,
        feed__superseded_by__isnull=True,
    )
    if unit_ids is not None:
        query = query.filter(unit_id__in=list(unit_ids))
    if kinds is not None:
        query = query.filter(kind__in=list(kinds))
    ordered = query.order_by("unit_id", "year", "month", "kind", "-feed__created_at", "-feed_id", "-pk").values_list(
        "unit_id", "year", "month", "kind", "value", "feed_id"
    )
    rows: list[SignalRow] = []
    last_key: tuple[int, int, int, str] | None = None
    for unit_id, year, month, kind, value, feed_id in ordered.iterator(chunk_size=2000):
        key = (unit_id, year, month, kind)
        if key == last_key:
            continue  # an older feed's row for the same unit, month and kind
        last_key = key
        rows.append(SignalRow(unit_id, year, month, kind, value, feed_id))
    return rows
