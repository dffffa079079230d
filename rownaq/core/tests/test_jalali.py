"""Jalali dates: parsing what people type, showing dates as they read them, and the form field."""

from __future__ import annotations

import datetime as dt
import re

import jdatetime
import pytest
from django import forms

from rownaq.core.forms import JalaliDateField
from rownaq.core.jalali import (
    JalaliDateError,
    format_jalali,
    format_jalali_long,
    jalali_year_bounds,
    parse_jalali_date,
    to_jalali,
)

PERSIAN_LETTERS = re.compile("[\u0600-\u06ff]")


class TestCalendar:
    def test_nowruz_1403(self) -> None:
        assert parse_jalali_date("1403/01/01") == dt.date(2024, 3, 20)

    def test_nowruz_1404(self) -> None:
        assert parse_jalali_date("1404/01/01") == dt.date(2025, 3, 21)

    def test_1403_is_leap_and_its_last_day_exists(self) -> None:
        assert jdatetime.date(1403, 1, 1).isleap()
        assert parse_jalali_date("1403/12/30") == dt.date(2025, 3, 20)

    def test_1404_is_not_leap_and_has_no_30_esfand(self) -> None:
        # Verified with jdatetime (6.1): 1404 is a common year, Esfand 1404 has 29 days.
        assert not jdatetime.date(1404, 1, 1).isleap()
        assert parse_jalali_date("1404/12/29") == dt.date(2026, 3, 20)
        with pytest.raises(JalaliDateError):
            parse_jalali_date("1404/12/30")

    def test_year_bounds(self) -> None:
        assert jalali_year_bounds(1403) == (dt.date(2024, 3, 20), dt.date(2025, 3, 20))
        assert jalali_year_bounds(1404) == (dt.date(2025, 3, 21), dt.date(2026, 3, 20))


class TestParse:
    @pytest.mark.parametrize(
        "typed",
        [
            "۱۴۰۳/۰۵/۱۲",  # Persian digits
            "1403/05/12",
            "1403-5-12",
            "١٤٠٣-٥-١٢",  # Arabic-Indic digits
            "1403.5.12",
            " 1403 / 05 / 12 ",
            "03/5/12",  # two-digit year below 50: 14xx
        ],
    )
    def test_accepted_forms(self, typed: str) -> None:
        assert parse_jalali_date(typed) == dt.date(2024, 8, 2)

    def test_two_digit_year_from_50_means_13xx(self) -> None:
        assert parse_jalali_date("98/1/1") == dt.date(2019, 3, 21)
        assert parse_jalali_date("٩٨/١/١") == dt.date(2019, 3, 21)

    @pytest.mark.parametrize(
        "typed",
        [
            "",
            "   ",
            "فردا",
            "1403/05",
            "1403/05/12/1",
            "1403/13/01",
            "1403/00/10",
            "1403/07/31",
            "1403/01/32",
            "12345/1/1",
        ],
    )
    def test_bad_input_raises_with_persian_message(self, typed: str) -> None:
        with pytest.raises(JalaliDateError) as info:
            parse_jalali_date(typed)
        message = str(info.value)
        assert PERSIAN_LETTERS.search(message), message
        assert isinstance(info.value, ValueError)

    def test_month_out_of_range_says_so(self) -> None:
        with pytest.raises(JalaliDateError, match="ماه"):
            parse_jalali_date("1403/13/01")


class TestFormat:
    def test_format_date_with_persian_digits(self) -> None:
        assert format_jalali(dt.date(2024, 8, 2)) == "۱۴۰۳/۰۵/۱۲"

    def test_format_date_with_latin_digits(self) -> None:
        assert format_jalali(dt.date(2024, 3, 20), persian_digits=False) == "1403/01/01"

    def test_format_aware_datetime_in_tehran_time(self) -> None:
        # 10:00 UTC is 13:30 in Tehran (UTC+03:30, no daylight saving since 2022).
        value = dt.datetime(2024, 8, 2, 10, 0, tzinfo=dt.UTC)
        assert format_jalali(value) == "۱۴۰۳/۰۵/۱۲ ۱۳:۳۰"

    def test_format_empty(self) -> None:
        assert format_jalali(None) == ""
        assert format_jalali_long(None) == ""

    def test_format_long(self) -> None:
        assert format_jalali_long(dt.date(2024, 8, 2)) == "۱۲ مرداد ۱۴۰۳"
        assert format_jalali_long(dt.date(2025, 3, 20)) == "۳۰ اسفند ۱۴۰۳"

    def test_to_jalali_round_trip(self) -> None:
        day = dt.date(2025, 3, 20)
        jalali = to_jalali(day)
        assert (jalali.year, jalali.month, jalali.day) == (1403, 12, 30)
        assert parse_jalali_date(format_jalali(day)) == day


class DateForm(forms.Form):
    day = JalaliDateField(label="تاریخ")


class TestJalaliDateField:
    def test_clean_persian_digits(self) -> None:
        form = DateForm(data={"day": "۱۴۰۳/۰۵/۱۲"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == dt.date(2024, 8, 2)

    def test_required(self) -> None:
        form = DateForm(data={"day": ""})
        assert not form.is_valid()
        assert "day" in form.errors

    def test_error_keeps_the_typed_text_and_explains_in_persian(self) -> None:
        form = DateForm(data={"day": "۱۴۰۴/۱۲/۳۰"})
        assert not form.is_valid()
        (error,) = form.errors.get_json_data()["day"]
        message = str(error["message"])
        assert PERSIAN_LETTERS.search(message)
        assert "وجود ندارد" in message
        # The re-rendered input shows exactly what the person typed, not an empty box.
        assert 'value="۱۴۰۴/۱۲/۳۰"' in str(form["day"])

    def test_garbage_is_kept_too(self) -> None:
        form = DateForm(data={"day": "اول مهر"})
        assert not form.is_valid()
        assert 'value="اول مهر"' in str(form["day"])

    def test_initial_date_rendered_in_jalali(self) -> None:
        form = DateForm(initial={"day": dt.date(2024, 8, 2)})
        html = str(form["day"])
        assert 'value="۱۴۰۳/۰۵/۱۲"' in html
        assert 'dir="ltr"' in html


def test_a_jalali_date_input_hints_at_the_order_without_looking_filled_in() -> None:
    """A date as the example (e.g. «۱۴۰۵/۰۳/۲۱») reads as a value already typed; the hint names the parts."""
    import re

    class Form(forms.Form):
        day = JalaliDateField()

    html = str(Form()["day"])
    assert 'placeholder="سال/ماه/روز"' in html
    placeholder = re.search(r'placeholder="([^"]*)"', html)
    assert placeholder is not None
    assert not re.search("[0-9۰-۹]", placeholder.group(1))
