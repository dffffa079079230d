"""Working days: the weekly days off (Friday everywhere, Thursday too where a province's offices close on Thursdays)
and the official holidays are skipped when a referral's due date is computed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import Role
from rownaq.core.jalali import parse_jalali_date
from rownaq.geography.models import Province
from rownaq.workdays.models import Holiday, Weekday, WeeklyDayOff
from rownaq.workdays.reference import holidays_load, weekly_days_off_load
from rownaq.workdays.services import (
    add_working_days,
    days_off_by_province,
    is_working_day,
    weekly_days_off,
    working_days_between,
)

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


# -- weekly days off: data, per province ------------------------------------------------------------


@pytest.fixture
def tehran() -> Province:
    """A province whose offices close on Thursdays too (set by the system admin)."""
    province = Province.objects.get(code="23")
    WeeklyDayOff.objects.create(province=province, weekday=Weekday.THURSDAY)
    return province


def test_friday_is_off_everywhere_as_data() -> None:
    assert list(WeeklyDayOff.objects.values_list("province", "weekday")) == [(None, Weekday.FRIDAY)]
    assert weekly_days_off() == weekly_days_off(Province.objects.get(code="25").pk) == {Weekday.FRIDAY}


def test_a_due_date_across_a_thursday_in_a_thursday_closing_province_vs_qom(tehran: Province) -> None:
    qom = Province.objects.get(code="25")
    assert WEDNESDAY.weekday() == Weekday.WEDNESDAY
    # Qom: Thursday (1), Friday off, Saturday (2), Sunday (3).
    assert add_working_days(WEDNESDAY, 3, province_id=qom.pk) == dt.date(2025, 10, 19)
    # Tehran: Thursday and Friday off, Saturday (1), Sunday (2), Monday (3).
    assert add_working_days(WEDNESDAY, 3, province_id=tehran.pk) == dt.date(2025, 10, 20)
    thursday = WEDNESDAY + dt.timedelta(days=1)
    assert is_working_day(thursday, province_id=qom.pk)
    assert not is_working_day(thursday, province_id=tehran.pk)
    assert working_days_between(WEDNESDAY, dt.date(2025, 10, 20), province_id=qom.pk) == 4
    assert working_days_between(WEDNESDAY, dt.date(2025, 10, 20), province_id=tehran.pk) == 3
    assert days_off_by_province([qom.pk, tehran.pk, None]) == {
        qom.pk: {Weekday.FRIDAY},
        tehran.pk: {Weekday.THURSDAY, Weekday.FRIDAY},
        None: {Weekday.FRIDAY},
    }


@pytest.mark.parametrize("days", [1, 4, 9, 30])
def test_counting_back_in_a_thursday_closing_province(tehran: Province, days: int) -> None:
    end = add_working_days(WEDNESDAY, days, province_id=tehran.pk)
    assert end.weekday() not in (Weekday.THURSDAY, Weekday.FRIDAY)
    assert working_days_between(WEDNESDAY, end, province_id=tehran.pk) == days


def test_a_week_with_no_working_day_is_refused() -> None:
    WeeklyDayOff.objects.bulk_create(WeeklyDayOff(province=None, weekday=d) for d in Weekday if d != Weekday.FRIDAY)
    with pytest.raises(ValueError, match="every day"):
        add_working_days(WEDNESDAY, 1)


def test_a_province_has_a_day_off_once() -> None:
    qom = Province.objects.get(code="25")
    WeeklyDayOff.objects.create(province=qom, weekday=Weekday.THURSDAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyDayOff.objects.create(province=qom, weekday=Weekday.THURSDAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyDayOff.objects.create(province=None, weekday=Weekday.FRIDAY)


def test_the_system_admin_closes_a_provinces_thursdays_in_the_admin(client: Client, make_user: Any) -> None:
    admin = make_user("root", Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    tehran = Province.objects.get(code="23")
    url = reverse("admin:workdays_weeklydayoff_add")
    assert client.get(url).status_code == 200
    response = client.post(url, {"province": tehran.pk, "weekday": Weekday.THURSDAY})
    assert response.status_code == 302
    assert weekly_days_off(tehran.pk) == {Weekday.THURSDAY, Weekday.FRIDAY}
    listing = client.get(reverse("admin:workdays_weeklydayoff_changelist")).content.decode()
    assert tehran.name in listing


def test_loading_the_reference_data_again_keeps_the_admins_days_off(tehran: Province) -> None:
    assert weekly_days_off_load() == 0
    assert WeeklyDayOff.objects.count() == 2
    WeeklyDayOff.objects.all().delete()
    assert weekly_days_off_load() == 1
    assert weekly_days_off(tehran.pk) == {Weekday.FRIDAY}
