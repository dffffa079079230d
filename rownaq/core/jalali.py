"""Jalali (Solar Hijri) dates: shown on every page and accepted in every date input.

Dates are stored as Gregorian ``date``/``datetime`` values; conversion happens only at the edges
(forms, templates, exports, imports) through the functions here, built on ``jdatetime``.
"""

from __future__ import annotations

import datetime as dt
import re

import jdatetime
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.core.normalise import to_latin_digits, to_persian_digits

_DATE_PATTERN = re.compile(r"^\s*(\d{2,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$")

JALALI_MONTHS = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]


class JalaliDateError(ValueError):
    """A text that is not a valid Jalali date; the message is Persian and shown to the user."""


# The dates the platform accepts: a licence from the 1300s to a deadline in this century. Outside them a date
# is a typing mistake («0001-01-01», «14030/1/1») and some could not even be shown in the Jalali calendar.
JALALI_YEAR_MIN = 1300
JALALI_YEAR_MAX = 1499
DATE_MIN = jdatetime.date(JALALI_YEAR_MIN, 1, 1).togregorian()
DATE_MAX = jdatetime.date(JALALI_YEAR_MAX + 1, 1, 1).togregorian() - dt.timedelta(days=1)


def check_date_range(value: dt.date) -> dt.date:
    """``value`` when it falls in the Jalali years ``JALALI_YEAR_MIN`` to ``JALALI_YEAR_MAX``; otherwise a
    ``JalaliDateError`` saying so."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise JalaliDateError(
            _("Enter a date between the years %(first)s and %(last)s.")
            % {"first": to_persian_digits(str(JALALI_YEAR_MIN)), "last": to_persian_digits(str(JALALI_YEAR_MAX))}
        )
    return value


def parse_jalali_date(text: str) -> dt.date:
    """Parse «۱۴۰۳/۰۵/۱۲», «1403-5-12» or «٩٨/١/١» (two-digit years mean 13xx/14xx) to a Gregorian date."""
    match = _DATE_PATTERN.match(to_latin_digits(text or ""))
    if not match:
        raise JalaliDateError("تاریخ را به شکل سال/ماه/روز بنویسید، مانند ۱۴۰۳/۰۵/۱۲.")
    year, month, day = (int(part) for part in match.groups())
    if len(match.group(1)) <= 2:
        year += 1400 if year < 50 else 1300
    if not 1 <= month <= 12:
        raise JalaliDateError("ماه باید بین ۱ و ۱۲ باشد.")
    if not JALALI_YEAR_MIN <= year <= JALALI_YEAR_MAX:
        raise JalaliDateError(
            _("Enter a date between the years %(first)s and %(last)s.")
            % {"first": to_persian_digits(str(JALALI_YEAR_MIN)), "last": to_persian_digits(str(JALALI_YEAR_MAX))}
        )
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError as exc:
        raise JalaliDateError("این روز در تقویم شمسی وجود ندارد.") from exc


def to_jalali(value: dt.date | dt.datetime) -> jdatetime.date | jdatetime.datetime:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return jdatetime.datetime.fromgregorian(datetime=value)
    return jdatetime.date.fromgregorian(date=value)


def format_jalali(value: dt.date | dt.datetime | None, *, persian_digits: bool = True) -> str:
    """``۱۴۰۳/۰۵/۱۲``; with a datetime, ``۱۴۰۳/۰۵/۱۲ ۱۴:۳۰``."""
    if value is None or value == "":
        return ""
    jalali = to_jalali(value)
    text = f"{jalali.year:04d}/{jalali.month:02d}/{jalali.day:02d}"
    if isinstance(jalali, jdatetime.datetime):
        text += f" {jalali.hour:02d}:{jalali.minute:02d}"
    return to_persian_digits(text) if persian_digits else text


def format_jalali_long(value: dt.date | dt.datetime | None) -> str:
    """``۱۲ مرداد ۱۴۰۳``."""
    if value is None:
        return ""
    jalali = to_jalali(value)
    return to_persian_digits(f"{jalali.day} {JALALI_MONTHS[jalali.month - 1]} {jalali.year}")


def jalali_today() -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=timezone.localdate())


def jalali_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of Jalali ``year``."""
    first = jdatetime.date(year, 1, 1).togregorian()
    last = jdatetime.date(year + 1, 1, 1).togregorian() - dt.timedelta(days=1)
    return first, last


def jalali_month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of a Jalali month written «1404/03»."""
    year, number = (int(part) for part in to_latin_digits(month).split("/"))
    first = jdatetime.date(year, number, 1)
    following = jdatetime.date(year + (number == 12), number % 12 + 1, 1)
    return first.togregorian(), following.togregorian() - dt.timedelta(days=1)
