"""The periods figures are about: a Jalali month, quarter (season) or year.

Every figure function takes a period with the places (``rownaq.geography.places``); a period knows its
first and last Gregorian day (dates are stored Gregorian), its Persian label and the filter for a date field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import jdatetime
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.core.normalise import to_latin_digits, to_persian_digits

Kind = Literal["month", "quarter", "year"]
MONTH_NAMES = (
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
)


class PeriodError(ValueError):
    """A period that is no Jalali month, quarter or year; the message is for the user."""


@dataclass(frozen=True, order=True)
class Period:
    """Jalali ``year``; ``number`` is the month (1–12) or the quarter (1–4), 0 for the whole year."""

    year: int
    kind: Kind = "year"
    number: int = 0

    def __post_init__(self) -> None:
        limit = {"month": 12, "quarter": 4, "year": 0}[self.kind]
        if not 1 <= self.year <= 3000 or (limit and not 1 <= self.number <= limit) or (not limit and self.number):
            raise PeriodError(_("This is not a Jalali month, season or year."))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, "month", month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(year, "quarter", quarter)

    @classmethod
    def whole_year(cls, year: int) -> Period:
        return cls(year)

    @classmethod
    def containing(cls, day: dt.date, kind: Kind = "month") -> Period:
        """The month (quarter, year) that ``day`` falls in."""
        jalali = jdatetime.date.fromgregorian(date=day)
        if kind == "month":
            return cls.month(jalali.year, jalali.month)
        if kind == "quarter":
            return cls.quarter(jalali.year, (jalali.month - 1) // 3 + 1)
        return cls.whole_year(jalali.year)

    @classmethod
    def current(cls, kind: Kind = "month") -> Period:
        return cls.containing(timezone.localdate(), kind)

    @classmethod
    def parse(cls, text: str) -> Period:
        """«1405» (a year), «1405/07» or «1405-07» (a month), «1405q3» (a season), in any digits."""
        cleaned = to_latin_digits(text).strip().lower().replace("-", "/")
        try:
            if "q" in cleaned:
                year, quarter = cleaned.replace("/", "").split("q")
                return cls.quarter(int(year), int(quarter))
            if "/" in cleaned:
                year, month = cleaned.split("/")
                return cls.month(int(year), int(month))
            return cls.whole_year(int(cleaned))
        except ValueError as exc:
            if isinstance(exc, PeriodError):
                raise
            raise PeriodError(_("This is not a Jalali month, season or year.")) from exc

    def _months(self) -> tuple[int, int]:
        if self.kind == "month":
            return self.number, self.number
        if self.kind == "quarter":
            return 3 * self.number - 2, 3 * self.number
        return 1, 12

    @property
    def first_day(self) -> dt.date:
        first_month, _last = self._months()
        return jdatetime.date(self.year, first_month, 1).togregorian()

    @property
    def last_day(self) -> dt.date:
        _first, last_month = self._months()
        following = jdatetime.date(self.year + (last_month == 12), last_month % 12 + 1, 1)
        return following.togregorian() - dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def q(self, field: str, *, moment: bool = False) -> Q:
        """The filter for a date field (``moment=True``: a date-time field, by its local date) in the period."""
        lookup = f"{field}__date" if moment else field
        return Q(**{f"{lookup}__gte": self.first_day, f"{lookup}__lte": self.last_day})

    @property
    def code(self) -> str:
        """The form the period is written in URLs and parsed back from: 1405, 1405/07, 1405q3."""
        if self.kind == "month":
            return f"{self.year}/{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}q{self.number}"
        return str(self.year)

    def __str__(self) -> str:
        """The Persian label: «مهر ۱۴۰۵», «فصل ۳ ۱۴۰۵», «سال ۱۴۰۵»."""
        if self.kind == "month":
            return to_persian_digits(f"{MONTH_NAMES[self.number - 1]} {self.year}")
        if self.kind == "quarter":
            return to_persian_digits(_("season %(n)s of %(year)s") % {"n": self.number, "year": self.year})
        return to_persian_digits(_("year %(year)s") % {"year": self.year})
