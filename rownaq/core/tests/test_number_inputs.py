"""Number inputs show Persian digits and accept any digits (a text input: type=number refuses Persian digits)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from rownaq.core.forms import LatinDigitsDecimalField, LatinDigitsIntegerField


class _Form(forms.Form):
    days = LatinDigitsIntegerField(initial=10, min_value=1)
    quantity = LatinDigitsDecimalField(required=False, decimal_places=2)


def test_a_prefilled_number_is_shown_in_persian_digits() -> None:
    html = str(_Form(initial={"quantity": Decimal("12.50")}))
    assert 'value="۱۰"' in html
    assert 'value="۱۲.۵"' in html
    assert 'type="number"' not in html
    assert 'inputmode="numeric"' in html


def test_persian_arabic_and_latin_digits_are_all_accepted() -> None:
    for typed, decimal in (("۱۷", "۱۲٫۵"), ("١٧", "12.5"), ("17", "۱۲.۵")):
        form = _Form(data={"days": typed, "quantity": decimal})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"days": 17, "quantity": Decimal("12.5")}


def test_what_was_typed_is_kept_on_an_error() -> None:
    form = _Form(data={"days": "۰", "quantity": ""})
    assert not form.is_valid()
    assert 'value="۰"' in str(form)
