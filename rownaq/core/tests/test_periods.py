"""Jalali periods: the month, season and year every figure is asked for."""

from __future__ import annotations

import datetime as dt

import pytest

from rownaq.core.periods import Period, PeriodError


def test_a_month_a_season_and_a_year_know_their_gregorian_days() -> None:
    mehr = Period.month(1405, 7)
    assert (mehr.first_day, mehr.last_day) == (dt.date(2026, 9, 23), dt.date(2026, 10, 22))
    autumn = Period.quarter(1405, 3)
    assert (autumn.first_day, autumn.last_day) == (dt.date(2026, 9, 23), dt.date(2026, 12, 21))
    year = Period.whole_year(1403)  # a leap year: Esfand has 30 days
    assert (year.first_day, year.last_day) == (dt.date(2024, 3, 20), dt.date(2025, 3, 20))
    assert Period.containing(dt.date(2026, 12, 7)) == Period.month(1405, 9)
    assert Period.containing(dt.date(2026, 12, 7), "quarter") == autumn
    assert autumn.contains(dt.date(2026, 12, 7))
    assert not mehr.contains(dt.date(2026, 12, 7))


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("۱۴۰۵/۰۷", Period.month(1405, 7)),
        ("1405-7", Period.month(1405, 7)),
        ("١٤٠٥", Period.whole_year(1405)),
        ("1405q3", Period.quarter(1405, 3)),
        ("1405-Q3", Period.quarter(1405, 3)),
    ],
)
def test_periods_are_read_in_any_digits(text: str, period: Period) -> None:
    assert Period.parse(text) == period
    assert Period.parse(period.code) == period


@pytest.mark.parametrize("text", ["1405/13", "1405q5", "سال", "", "1405/07/01"])
def test_what_is_no_period_is_refused_with_a_message(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_labels_are_persian() -> None:
    assert str(Period.month(1405, 7)) == "مهر ۱۴۰۵"
    assert "۱۴۰۵" in str(Period.whole_year(1405))
