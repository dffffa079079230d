"""Working days in Iran's calendar: the weekly days off (``WeeklyDayOff``: Friday everywhere, Thursday too in a
province whose offices close on Thursdays) and the official holidays in ``Holiday`` are skipped.

Every function takes the province the deadline runs in (``province_id``; ``None``: the days off of every
province, i.e. Friday). A caller that counts many spans passes the ``holidays`` of a span covering them all and
the ``days_off`` of the province (``weekly_days_off``, or ``days_off_by_province`` for several), so that a page
makes one query of each instead of one per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from django.db.models import Q

from rownaq.workdays.models import Holiday, Weekday, WeeklyDayOff

FRIDAY = Weekday.FRIDAY.value  # date.weekday(): Monday is 0


def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    return set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def days_off_by_province(province_ids: Iterable[int | None]) -> dict[int | None, frozenset[int]]:
    """The weekly days off (``date.weekday()`` numbers) of each province: those of every province and its own."""
    wanted = set(province_ids)
    rows = WeeklyDayOff.objects.filter(Q(province__isnull=True) | Q(province_id__in=wanted - {None}))
    everywhere: set[int] = set()
    own: dict[int, set[int]] = {}
    for province_id, weekday in rows.values_list("province_id", "weekday"):
        if province_id is None:
            everywhere.add(weekday)
        else:
            own.setdefault(province_id, set()).add(weekday)
    return {p: frozenset(everywhere | (own.get(p, set()) if p is not None else set())) for p in wanted}


def weekly_days_off(province_id: int | None = None) -> frozenset[int]:
    """The days of the week offices of the province are closed (``None``: those of every province)."""
    return days_off_by_province([province_id])[province_id]


def is_working_day(
    day: dt.date,
    holidays: set[dt.date] | None = None,
    *,
    province_id: int | None = None,
    days_off: Collection[int] | None = None,
) -> bool:
    if days_off is None:
        days_off = weekly_days_off(province_id)
    if day.weekday() in days_off:
        return False
    if holidays is None:
        return not Holiday.objects.filter(date=day).exists()
    return day not in holidays


def add_working_days(start: dt.date, days: int, *, province_id: int | None = None) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count) in the province."""
    if days < 0:
        raise ValueError("days must not be negative")
    days_off = weekly_days_off(province_id)
    if len(days_off) >= 7:
        raise ValueError("every day of the week is a day off")
    # Enough calendar days for the longest run of holidays (Nowruz, then a Friday, then 12-13 Farvardin) with
    # two days off a week; looked up again further on if the admin's data close more days than that.
    span = days * 2 + 30
    holidays = holidays_between(start, start + dt.timedelta(days=span))
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if (day - start).days > span:
            span *= 2
            holidays = holidays_between(start, start + dt.timedelta(days=span))
        if is_working_day(day, holidays, days_off=days_off):
            counted += 1
    return day


def working_days_between(
    start: dt.date,
    end: dt.date,
    holidays: set[dt.date] | None = None,
    *,
    province_id: int | None = None,
    days_off: Collection[int] | None = None,
) -> int:
    """Working days after ``start`` up to and including ``end`` in the province (0 if ``end`` is not after
    ``start``). ``holidays`` and ``days_off``: see the module's note."""
    if end <= start:
        return 0
    if holidays is None:
        holidays = holidays_between(start, end)
    if days_off is None:
        days_off = weekly_days_off(province_id)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + dt.timedelta(days=offset), holidays, days_off=days_off)
    )
