"""The status history of the demo's simulated units, written by the status rules month by month.

Each unit starts the window in the status its history gives it then; the rows the registry demo drew inside
the window are replaced by the changes ``monitoring.status_rules`` calls for, month by month, from what the
province saw (the month's reported utilisation, else the electricity signal), each with the rule's note."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone, translation

from rownaq.core.periods import Period
from rownaq.monitoring.services import due_date
from rownaq.monitoring.status_rules import MonthActivity, RuleSpec, status_decide, status_note
from rownaq.registry.models import StatusChange, Unit


@dataclass
class UnitActivity:
    unit: Unit
    start: str  # the status at the window's start
    start_since: dt.date
    months: list[MonthActivity]


def status_at(rows: Sequence[tuple[str, dt.date]], day: dt.date, default: str) -> tuple[str, dt.date | None]:
    """The status of a history (rows of (new status, effective on), any order) just before ``day``."""
    before = sorted((row for row in rows if row[1] < day), key=lambda row: row[1])
    return (before[-1][0], before[-1][1]) if before else (default, None)


def status_history_write(
    *,
    units: QuerySet[Unit],
    activity: list[UnitActivity],
    months: list[Period],
    rules: Sequence[RuleSpec],
    today: dt.date,
) -> Counter[str]:
    """Replace the window's status changes of ``units`` by the rules' ones; returns the changes by new status."""
    StatusChange.objects.filter(unit__in=units.values("pk"), effective_on__gte=months[0].first_day).delete()
    changes: list[StatusChange] = []
    counts: Counter[str] = Counter()
    moved: list[Unit] = []
    with translation.override("fa"):
        for item in activity:
            before = (item.unit.status, item.unit.status_since)
            status, since = item.start, item.start_since
            for t, period in enumerate(months):
                decision = status_decide(status=status, months=item.months[: t + 1], rules=rules)
                if decision is None:
                    continue
                rule, run = decision
                recorded = min(due_date(period) + dt.timedelta(days=1), today)
                changes.append(
                    StatusChange(
                        unit=item.unit,
                        old_status=status,
                        new_status=rule.to_status,
                        effective_on=period.last_day,
                        note=status_note(rule, run),
                        recorded_at=timezone.make_aware(dt.datetime.combine(recorded, dt.time(9, 0))),
                    )
                )
                counts[rule.to_status] += 1
                status, since = rule.to_status, period.last_day
            item.unit.status, item.unit.status_since = status, since
            if (status, since) != before:
                moved.append(item.unit)
    StatusChange.objects.bulk_create(changes, batch_size=5_000)
    Unit.objects.bulk_update(moved, ["status", "status_since"], batch_size=500)
    return counts
