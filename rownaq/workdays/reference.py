"""Loading the official holidays from ``rownaq/workdays/data/holidays.csv`` (see its README), and the weekly day
off every province shares (Friday)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from rownaq.core.jalali import jalali_year_bounds, parse_jalali_date, to_jalali
from rownaq.core.normalise import normalise_text
from rownaq.workdays.models import Holiday, Weekday, WeeklyDayOff

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def holidays_load() -> int:
    """Load the file's holidays of every Jalali year the table does not have yet; returns the rows loaded.

    Once a year is in the table it belongs to the system admin, who corrects its lunar dates in the
    admin when the official calendar is published: loading again (at every setup) must not bring
    back a date the admin has moved or deleted. Safe to run again: rows are matched by date.
    """
    with open(DATA_DIR / "holidays.csv", encoding="utf-8", newline="") as handle:
        rows = [(parse_jalali_date(row["date_jalali"]), normalise_text(row["name"])) for row in csv.DictReader(handle)]
    loaded = 0
    for year in sorted({to_jalali(day).year for day, _ in rows}):
        first, last = jalali_year_bounds(year)
        if Holiday.objects.filter(date__gte=first, date__lte=last).exists():
            continue
        for day, name in rows:
            if first <= day <= last:
                Holiday.objects.update_or_create(date=day, defaults={"name": name})
                loaded += 1
    return loaded


def weekly_days_off_load() -> int:
    """Friday off everywhere, when the table has no weekly day off at all (a new or emptied database); returns the
    rows loaded. Once the table has rows they belong to the system admin (a province's Thursday, for one)."""
    if WeeklyDayOff.objects.exists():
        return 0
    WeeklyDayOff.objects.create(province=None, weekday=Weekday.FRIDAY)
    return 1
