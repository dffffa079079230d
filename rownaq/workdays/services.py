"""Working days in Iran's calendar: Fridays are off, and so are the official holidays in ``Holiday``."""

from __future__ import annotations

import datetime as dt

from rownaq.workdays.models import Holiday

FRIDAY = 4  # date.weekday(): Monday is 0


def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    return set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day: dt.date, holidays: set[dt.date] | None = None) -> bool:
    if day.weekday() == FRIDAY:
        return False
    if holidays is None:
        return not Holiday.objects.filter(date=day).exists()
    return day not in holidays


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    # Enough calendar days for the longest run of holidays (Nowruz, then a Friday, then 12-13 Farvardin).
    holidays = holidays_between(start, start + dt.timedelta(days=days * 2 + 30))
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date, holidays: set[dt.date] | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` is not after ``start``).

    ``holidays``: the holidays of a span covering both dates, when the caller counts many spans (one
    query for a whole page instead of one per row)."""
    if end <= start:
        return 0
    if holidays is None:
        holidays = holidays_between(start, end)
    return sum(
        1 for offset in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=offset), holidays)
    )
