"""Working days: Fridays and the official holidays are skipped when a referral's due date is computed."""

from __future__ import annotations

import datetime as dt

import pytest

from rownaq.core.jalali import parse_jalali_date
from rownaq.workdays.models import Holiday
from rownaq.workdays.reference import holidays_load
from rownaq.workdays.services import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2025, 10, 15)  # 1404/07/23: no official holiday in the next weeks


def test_wednesday_plus_three_working_days_skips_the_friday() -> None:
    assert WEDNESDAY.weekday() == 2
    # Thursday (1), Friday off, Saturday (2), Sunday (3).
    assert add_working_days(WEDNESDAY, 3) == dt.date(2025, 10, 19)


def test_a_holiday_in_the_way_moves_the_due_date_by_one_more_day() -> None:
    Holiday.objects.create(date=dt.date(2025, 10, 18), name="تعطیل آزمایشی")
    # Thursday (1), Friday off, Saturday holiday, Sunday (2), Monday (3).
    assert add_working_days(WEDNESDAY, 3) == dt.date(2025, 10, 20)
    assert not is_working_day(dt.date(2025, 10, 18))


def test_nowruz_and_the_fridays_are_skipped() -> None:
    start = parse_jalali_date("1403/12/27")  # Monday 2025-03-17
    assert start == dt.date(2025, 3, 17)
    # 12/28 Tue (1), 12/29 oil-nationalisation day, 12/30 Thu (2), 1404/01/01 Friday and Nowruz,
    # 01/02-01/04 Nowruz, 01/05 Tue (3), 01/06 Wed (4), 01/07 Thu (5), 01/08 Friday, 01/09 Sat (6).
    assert add_working_days(start, 5) == parse_jalali_date("1404/01/07") == dt.date(2025, 3, 27)
    assert add_working_days(start, 6) == parse_jalali_date("1404/01/09") == dt.date(2025, 3, 29)
    assert add_working_days(start, 0) == start


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(WEDNESDAY, -1)


@pytest.mark.parametrize("days", [1, 3, 5, 10, 22])
@pytest.mark.parametrize("start", [WEDNESDAY, dt.date(2025, 3, 17), dt.date(2024, 7, 12)])
def test_working_days_between_counts_back_what_add_working_days_added(start: dt.date, days: int) -> None:
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days


def test_working_days_between_is_zero_when_the_end_is_not_after_the_start() -> None:
    assert working_days_between(WEDNESDAY, WEDNESDAY) == 0
    assert working_days_between(WEDNESDAY, WEDNESDAY - dt.timedelta(days=10)) == 0
    # Thursday and Saturday are working days, the Friday between them is not.
    assert working_days_between(WEDNESDAY, WEDNESDAY + dt.timedelta(days=3)) == 2


def test_the_holidays_file_is_loaded() -> None:
    nowruz = Holiday.objects.get(date=parse_jalali_date("1404/01/01"))
    assert "نوروز" in nowruz.name
    ashura = Holiday.objects.get(date=parse_jalali_date("1404/04/15"))
    assert "عاشورا" in ashura.name
    assert Holiday.objects.filter(date=parse_jalali_date("1403/11/22")).exists()
    assert not Holiday.objects.filter(date=parse_jalali_date("1403/12/30")).exists()


def test_loading_again_keeps_the_admins_corrections() -> None:
    eid = Holiday.objects.get(date=parse_jalali_date("1405/03/06"))
    eid.date = parse_jalali_date("1405/03/07")  # the official calendar says one day later
    eid.save()
    assert holidays_load() == 0
    assert not Holiday.objects.filter(date=parse_jalali_date("1405/03/06")).exists()
    assert Holiday.objects.filter(date=parse_jalali_date("1405/03/07")).exists()


def test_a_year_missing_from_the_table_is_loaded() -> None:
    Holiday.objects.filter(date__year=2025, date__month__gte=4).delete()  # part of 1404 is left: kept as it is
    first, last = parse_jalali_date("1405/01/01"), parse_jalali_date("1405/12/29")
    Holiday.objects.filter(date__gte=first, date__lte=last).delete()
    loaded = holidays_load()
    assert loaded == Holiday.objects.filter(date__gte=first, date__lte=last).count() > 20
    assert Holiday.objects.filter(date=parse_jalali_date("1404/01/01")).exists()
    assert not Holiday.objects.filter(date=parse_jalali_date("1404/04/15")).exists()
