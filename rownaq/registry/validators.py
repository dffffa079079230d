"""Checks of identifiers: a legal entity's national ID (شناسه ملی) and a product's HS code."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rownaq.core.normalise import is_digits, normalise_digits_only

_WEIGHTS = (29, 27, 23, 19, 17)


def national_id_check_digit(first_ten: str) -> int:
    """The eleventh digit for the first ten digits of a legal entity's national ID."""
    shift = int(first_ten[9]) + 2
    total = sum((shift + int(digit)) * _WEIGHTS[index % 5] for index, digit in enumerate(first_ten))
    remainder = total % 11
    return 0 if remainder == 10 else remainder


def is_valid_national_id(value: str) -> bool:
    value = normalise_digits_only(value)
    if len(value) != 11 or not is_digits(value) or int(value[3:9]) == 0:
        return False
    return national_id_check_digit(value[:10]) == int(value[10])


def validate_national_id(value: str) -> None:
    digits = normalise_digits_only(value)
    if len(digits) != 11 or not is_digits(digits):
        raise ValidationError(_("The national ID must have exactly 11 digits."), code="length")
    if not is_valid_national_id(digits):
        raise ValidationError(_("This national ID is not valid: its check digit does not match."), code="checksum")


@cache
def hs_codes() -> frozenset[str]:
    """Every HS 2022 chapter, heading and subheading code."""
    path = Path(__file__).resolve().parent / "data" / "hs2022.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return frozenset(row["hscode"] for row in csv.DictReader(handle))


def validate_hs_code(value: str) -> None:
    """An HS code of 4 to 10 digits whose heading (and subheading, if given) exists in HS 2022.

    National tariff lines add digits after the 6-digit subheading; those extra digits are not checked.
    """
    digits = normalise_digits_only(value)
    if not digits:
        return
    if not is_digits(digits) or not 4 <= len(digits) <= 10:
        raise ValidationError(_("An HS code has 4 to 10 digits."), code="format")
    known = hs_codes()
    if digits[:4] not in known or (len(digits) >= 6 and digits[:6] not in known):
        raise ValidationError(_("This HS code is not in the Harmonized System 2022."), code="unknown")
