"""The early-warning model's inputs: per unit at a cutoff month, ONLY what the platform holds up to the end of
that month: the unit's monthly reports, the agencies' signals (read as ``signals.latest_signals`` reads them:
per month the newest committed feed wins), its operating licence, its size and its sector.

``load_history`` reads a set of units' months once into dense arrays (unit × month, NaN where nothing is
known); ``features_at`` derives every feature for one cutoff from them with array arithmetic, so the training
over many cutoffs reads the database once. Nothing here knows how the data was made (the demo's generator
included). ``outcomes`` gives, from the registry's status history, each unit's status at a cutoff and whether
it went idle or closed in the six months after it (the label)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import QuerySet

from rownaq.core.periods import Period
from rownaq.monitoring.figures import month_index, month_of
from rownaq.monitoring.models import REPORTED_STATES, MonthlyReport, SignalKind
from rownaq.monitoring.signals import latest_signals
from rownaq.registry.models import Licence, LicenceKind, StatusChange, Unit, UnitStatus

HORIZON = 6  # months after the cutoff in which going idle or closed counts
LICENCE_DAYS = 90  # an operating licence expiring within this many days (or expired) is a feature
REPORT_FIELDS = (
    "utilisation",
    "sales",
    "employees",
    "raw_material_days",
    "overdue_wage_months",
    "insurance_debt",
    "returned_cheques",
)
SIGNAL_KINDS = tuple(kind.value for kind in SignalKind)
DOWN_STATUSES = frozenset({UnitStatus.IDLE, UnitStatus.CLOSED})

# Every feature, in the order of the columns of ``FeatureTable.values``.
FEATURES = (
    "utilisation_now",
    "utilisation_change_3",
    "utilisation_change_6",
    "utilisation_slope",
    "sales_change",
    "employees_change",
    "raw_material_days",
    "overdue_wage_months",
    "insurance_debt",
    "returned_cheques_now",
    "returned_cheques_6",
    "missed_in_a_row",
    "electricity_change",
    "gas_change",
    "insured_change",
    "signal_insurance_debt",
    "tax_arrears",
    "signal_returned_cheques_6",
    "overdue_instalments",
    "licence_expiring",
    "size",
)


@dataclass
class History:
    """Units' months from ``first`` (a month index) on: ``reports[field]`` and ``signals[kind]`` are
    (units × months) arrays of floats, NaN where the unit reported nothing (or no agency sent the figure)."""

    unit_ids: np.ndarray
    first: int
    months: int
    reports: dict[str, np.ndarray]
    signals: dict[str, np.ndarray]
    registry_employees: np.ndarray
    division: np.ndarray  # the ISIC division (two digits) of each unit, as strings
    licence_expiry: np.ndarray  # the operating licence's expiry as a date ordinal, NaN when none
    # The status history: (unit position, month index of effective_on, effective_on ordinal, old, new).
    changes: list[tuple[int, int, int, str, str]]
    status_now: np.ndarray
    status_since: np.ndarray  # month index from which the current status holds

    def column(self, month: int) -> int:
        return month - self.first


@dataclass
class FeatureTable:
    """The features of ``unit_ids`` at the month ``cutoff`` (a month index), with the figures reasons quote."""

    unit_ids: np.ndarray
    cutoff: int
    values: np.ndarray  # (units × FEATURES), NaN where unknown
    division: np.ndarray
    facts: dict[str, np.ndarray]

    def feature(self, name: str) -> np.ndarray:
        return self.values[:, FEATURES.index(name)]


def load_history(units: QuerySet[Unit] | Iterable[Unit], first: Period, last: Period) -> History:
    """Read the units' reports and signals of the months ``first``..``last`` (inclusive) and their registry data."""
    chosen: Any = units.values("pk") if isinstance(units, QuerySet) else [u.pk for u in units]
    rows = list(
        Unit.objects.filter(pk__in=chosen)
        .order_by("pk")
        .values_list("pk", "employees", "sector__code", "status", "status_since")
    )
    unit_ids = np.array([row[0] for row in rows], dtype=np.int64)
    position = {int(pk): i for i, pk in enumerate(unit_ids)}
    start, end = month_index(first), month_index(last)
    months = end - start + 1
    shape = (len(unit_ids), months)
    reports = {name: np.full(shape, np.nan) for name in REPORT_FIELDS}
    report_rows = (
        MonthlyReport.objects.filter(unit_id__in=chosen, state__in=REPORTED_STATES)
        .filter(year__gte=first.year, year__lte=last.year)
        .values_list("unit_id", "year", "month", *REPORT_FIELDS)
    )
    for unit_id, year, month, *figures in report_rows.iterator(chunk_size=5000):
        col = year * 12 + month - 1 - start
        if 0 <= col < months:
            row = position[unit_id]
            for name, value in zip(REPORT_FIELDS, figures, strict=True):
                reports[name][row, col] = np.nan if value is None else float(value)
    signals = {kind: np.full(shape, np.nan) for kind in SIGNAL_KINDS}
    # the signals that count (per unit, month and kind the newest committed feed's row: ``signals.latest_signals``)
    for signal in latest_signals(unit_ids.tolist(), first, last):
        col = signal.year * 12 + signal.month - 1 - start
        if 0 <= col < months and signal.kind in signals:
            signals[signal.kind][position[signal.unit_id], col] = float(signal.value)
    expiry = np.full(len(unit_ids), np.nan)
    for unit_id, expires_on in Licence.objects.filter(
        unit_id__in=chosen, kind=LicenceKind.OPERATING, expires_on__isnull=False
    ).values_list("unit_id", "expires_on"):
        if expires_on is not None:
            expiry[position[unit_id]] = expires_on.toordinal()
    changes = [
        (position[unit_id], month_index(Period.containing(day)), day.toordinal(), old or "", new)
        for unit_id, old, new, day in StatusChange.objects.filter(unit_id__in=chosen, effective_on__isnull=False)
        .order_by("effective_on", "recorded_at", "pk")
        .values_list("unit_id", "old_status", "new_status", "effective_on")
    ]
    return History(
        unit_ids=unit_ids,
        first=start,
        months=months,
        reports=reports,
        signals=signals,
        registry_employees=np.array([float(row[1]) for row in rows]),
        division=np.array([(row[2] or "")[:2] for row in rows], dtype=object),
        licence_expiry=expiry,
        changes=changes,
        status_now=np.array([row[3] for row in rows], dtype=object),
        status_since=np.array([month_index(Period.containing(row[4])) for row in rows], dtype=np.int64),
    )


# -- array helpers over a (units × months) block; columns outside the history are unknown ---------------------


def _window(block: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Columns ``start``..``stop - 1`` of ``block``, padded with NaN where they fall before the history."""
    if stop <= 0:
        return np.full((block.shape[0], stop - start), np.nan)
    pad = max(0, -start)
    part = block[:, max(start, 0) : stop]
    return np.hstack([np.full((block.shape[0], pad), np.nan), part]) if pad else part


def last_known(block: np.ndarray, col: int, span: int) -> np.ndarray:
    """The latest known value in the ``span`` months ending at ``col`` (NaN when none)."""
    window = _window(block, col - span + 1, col + 1)
    known = ~np.isnan(window)
    # the position of the last known column of each row (0 when none: masked below)
    last = window.shape[1] - 1 - np.argmax(known[:, ::-1], axis=1)
    values = window[np.arange(window.shape[0]), last]
    return np.where(known.any(axis=1), values, np.nan)


def _mean(block: np.ndarray, start: int, stop: int) -> np.ndarray:
    window = _window(block, start, stop)
    known = (~np.isnan(window)).sum(axis=1)
    total = np.nansum(window, axis=1)
    return np.where(known > 0, total / np.maximum(known, 1), np.nan)


def _change_ratio(block: np.ndarray, col: int) -> np.ndarray:
    """The last three months' mean against the three before, as a relative change (−0.3: down 30%)."""
    recent, before = _mean(block, col - 2, col + 1), _mean(block, col - 5, col - 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(before > 0, recent / before - 1, np.nan)


def _relative(now: np.ndarray, then: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(then > 0, (now - then) / then, np.nan)


def _slope(block: np.ndarray, col: int, span: int = 6) -> np.ndarray:
    """The least-squares slope (per month) of the known values of the ``span`` months ending at ``col``."""
    window = _window(block, col - span + 1, col + 1)
    known = ~np.isnan(window)
    x = np.broadcast_to(np.arange(span, dtype=float), window.shape)
    n = known.sum(axis=1)
    sx, sy = np.where(known, x, 0).sum(axis=1), np.where(known, window, 0).sum(axis=1)
    sxx, sxy = np.where(known, x * x, 0).sum(axis=1), np.where(known, x * window, 0).sum(axis=1)
    denominator = n * sxx - sx * sx
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((n >= 3) & (denominator > 0), (n * sxy - sx * sy) / denominator, np.nan)


def _missed_in_a_row(reported: np.ndarray, col: int) -> np.ndarray:
    """Months without a report, counted back from ``col`` (at most the months the history holds)."""
    window = reported[:, : col + 1][:, ::-1]
    none = ~window.any(axis=1)
    return np.where(none, col + 1, np.argmax(window, axis=1)).astype(float)


def _first_month_with(block: np.ndarray, start: int, stop: int, first: int) -> np.ndarray:
    """The month index of the first month in columns start..stop-1 with a positive value (NaN when none)."""
    window = _window(block, start, stop)
    positive = np.nan_to_num(window) > 0
    return np.where(positive.any(axis=1), first + start + np.argmax(positive, axis=1), np.nan)


def features_at(history: History, cutoff: int) -> FeatureTable:
    """Every feature of every unit of ``history`` at the end of the month ``cutoff`` (a month index)."""
    col = history.column(cutoff)
    if not 0 <= col < history.months:
        raise ValueError("The cutoff is outside the history read.")
    r, s = history.reports, history.signals
    util = r["utilisation"]
    util_now = last_known(util, col, 3)
    util_3, util_6 = last_known(util, col - 3, 3), last_known(util, col - 6, 3)
    employees_now, employees_6 = last_known(r["employees"], col, 3), last_known(r["employees"], col - 6, 3)
    cheques_window = _window(r["returned_cheques"], col - 5, col + 1)
    signal_cheques = _window(s[SignalKind.RETURNED_CHEQUES], col - 5, col + 1)
    insured_now = last_known(s[SignalKind.INSURED_HEADCOUNT], col, 3)
    insured_6 = last_known(s[SignalKind.INSURED_HEADCOUNT], col - 6, 3)
    cutoff_end = month_of(cutoff).last_day.toordinal()
    days_left = history.licence_expiry - cutoff_end
    size = np.where(np.isnan(employees_now), history.registry_employees, employees_now)
    columns = {
        "utilisation_now": util_now,
        "utilisation_change_3": util_now - util_3,
        "utilisation_change_6": util_now - util_6,
        "utilisation_slope": _slope(util, col),
        "sales_change": _change_ratio(r["sales"], col),
        "employees_change": _relative(employees_now, employees_6),
        "raw_material_days": last_known(r["raw_material_days"], col, 3),
        "overdue_wage_months": last_known(r["overdue_wage_months"], col, 3),
        "insurance_debt": np.log1p(np.maximum(last_known(r["insurance_debt"], col, 3), 0) / 1e6),
        "returned_cheques_now": last_known(r["returned_cheques"], col, 1),
        "returned_cheques_6": np.nansum(cheques_window, axis=1),
        "missed_in_a_row": _missed_in_a_row(~np.isnan(util) | ~np.isnan(r["sales"]), col),
        "electricity_change": _change_ratio(s[SignalKind.ELECTRICITY_KWH], col),
        "gas_change": _change_ratio(s[SignalKind.GAS_M3], col),
        "insured_change": _relative(insured_now, insured_6),
        "signal_insurance_debt": np.log1p(np.maximum(last_known(s[SignalKind.INSURANCE_DEBT], col, 3), 0) / 1e6),
        "tax_arrears": np.log1p(np.maximum(last_known(s[SignalKind.TAX_ARREARS], col, 3), 0) / 1e6),
        "signal_returned_cheques_6": np.nansum(signal_cheques, axis=1),
        "overdue_instalments": np.log1p(np.maximum(last_known(s[SignalKind.OVERDUE_INSTALMENTS], col, 3), 0) / 1e6),
        "licence_expiring": np.where(np.isnan(days_left), 0.0, (days_left <= LICENCE_DAYS).astype(float)),
        "size": np.log1p(np.nan_to_num(size)),
    }
    values = np.column_stack([columns[name] for name in FEATURES]).astype(float)
    facts = {
        # the figures the reasons quote, in their own units
        "utilisation_now": util_now,
        "utilisation_3": util_3,
        "utilisation_6": util_6,
        "employees_now": employees_now,
        "employees_6": employees_6,
        "insurance_debt": last_known(r["insurance_debt"], col, 3),
        "signal_insurance_debt": last_known(s[SignalKind.INSURANCE_DEBT], col, 3),
        "tax_arrears": last_known(s[SignalKind.TAX_ARREARS], col, 3),
        "overdue_instalments": last_known(s[SignalKind.OVERDUE_INSTALMENTS], col, 3),
        "cheques_since": np.fmin(
            _first_month_with(r["returned_cheques"], col - 5, col + 1, history.first),
            _first_month_with(s[SignalKind.RETURNED_CHEQUES], col - 5, col + 1, history.first),
        ),
        "licence_days": days_left,
        "last_month_utilisation": util[:, col],
    }
    return FeatureTable(unit_ids=history.unit_ids, cutoff=cutoff, values=values, division=history.division, facts=facts)


@dataclass
class Outcomes:
    """Per unit of a history at a cutoff: whether it is scored (not idle or closed at the cutoff) and whether
    it went idle or closed within ``HORIZON`` months after it."""

    scored: np.ndarray
    label: np.ndarray


def status_at(history: History, cutoff: int) -> np.ndarray:
    """Each unit's status at the end of the month ``cutoff``, from the registry's status history."""
    status = np.where(history.status_since <= cutoff, history.status_now, UnitStatus.ACTIVE.value).astype(object)
    known = np.zeros(len(history.unit_ids), dtype=bool)
    later_old: dict[int, str] = {}
    for position, month, _day, old, new in history.changes:  # in the order they took effect
        if month <= cutoff:
            status[position], known[position] = new, True
        elif position not in later_old:
            later_old[position] = old or UnitStatus.ACTIVE.value
    for position, old in later_old.items():
        if not known[position]:
            status[position] = old
    return status


def outcomes(history: History, cutoff: int) -> Outcomes:
    status = status_at(history, cutoff)
    scored = ~np.isin(status, list(DOWN_STATUSES))
    label = np.zeros(len(history.unit_ids), dtype=bool)
    for position, month, _day, _old, new in history.changes:
        if new in DOWN_STATUSES and cutoff < month <= cutoff + HORIZON:
            label[position] = True
    return Outcomes(scored=scored, label=label & scored)
