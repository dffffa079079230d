"""Money typed in billion rials (``BillionRialField``), in any digits, and kept as whole rials."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.translation import override

from rownaq.core.forms import BillionRialField


class MoneyForm(forms.Form):
    amount = BillionRialField(required=False)


def cleaned(typed: str) -> int | None:
    form = MoneyForm({"amount": typed})
    assert form.is_valid(), form.errors
    return form.cleaned_data["amount"]


def errors(typed: str) -> list[str]:
    with override("fa"):
        form = MoneyForm({"amount": typed})
        assert not form.is_valid()
        return [str(error) for error in form.errors["amount"]]


@pytest.mark.parametrize(
    ("typed", "rials"),
    [
        ("۲٫۵", 2_500_000_000),  # Persian digits and decimal point
        ("٢٫٥", 2_500_000_000),  # Arabic digits
        ("2.5", 2_500_000_000),
        ("۲/۵", 2_500_000_000),  # the slash many Persian keyboards type for the decimal point
        ("۴٬۰۰۰", 4_000_000_000_000),  # Persian thousands separator
        ("4,000", 4_000_000_000_000),
        (" ۰٫۰۰۱ ", 1_000_000),
        ("0.000000001", 1),
        (".5", 500_000_000),
        ("۱٬۰۰۰٬۰۰۰٬۰۰۰", 10**18),  # the largest amount: a billion billion rials
        ("0", 0),
        ("", None),
    ],
)
def test_typed_in_billion_rials_stored_in_rials(typed: str, rials: int | None) -> None:
    assert cleaned(typed) == rials


def test_the_largest_amount_fits_a_64_bit_integer() -> None:
    assert BillionRialField.MAX_BILLIONS * 1_000_000_000 < 2**63


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "منفی"),
        ("۱٬۰۰۰٬۰۰۰٬۰۰۱", "۱٬۰۰۰٬۰۰۰٬۰۰۰ میلیارد ریال"),
        ("99999999999999999999", "۱٬۰۰۰٬۰۰۰٬۰۰۰ میلیارد ریال"),
        ("0.0000000001", "نُه رقم"),
        ("دو میلیارد", "به میلیارد ریال"),
        ("2.5.1", "به میلیارد ریال"),
        ("1e9", "به میلیارد ریال"),
    ],
)
def test_clear_persian_errors(typed: str, message: str) -> None:
    (error,) = errors(typed)
    assert message in error


def test_a_refused_amount_is_shown_back_as_typed() -> None:
    form = MoneyForm({"amount": "دو میلیارد"})
    assert not form.is_valid()
    assert 'value="دو میلیارد"' in str(form["amount"])


def test_a_stored_amount_is_shown_in_billion_rials_with_persian_digits() -> None:
    assert MoneyForm(initial={"amount": 2_500_000_000})["amount"].value() == "۲٫۵"
    assert MoneyForm(initial={"amount": 4_000_000_000_000})["amount"].value() == "۴۰۰۰"
    assert MoneyForm(initial={"amount": 1})["amount"].value() == "۰٫۰۰۰۰۰۰۰۰۱"
    assert MoneyForm(initial={"amount": 0})["amount"].value() == "۰"


def test_shown_back_and_sent_again_it_keeps_the_same_rials() -> None:
    for rials in (2_500_000_000, 1, 123_456_789_012, 10**18):
        shown = MoneyForm(initial={"amount": rials})["amount"].value()
        assert cleaned(shown) == rials


def test_an_amount_typed_in_latin_digits_is_shown_back_in_persian_digits() -> None:
    # The report form shown again with its warnings: the money fields read like the other numbers.
    form = MoneyForm({"amount": "28.5"})
    assert form.is_valid()
    assert 'value="۲۸.۵"' in str(form["amount"])
    assert cleaned(form["amount"].value()) == 28_500_000_000
