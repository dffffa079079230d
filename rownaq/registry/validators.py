"""The check digit of a legal entity's national ID (شناسه ملی اشخاص حقوقی)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rownaq.core.normalise import normalise_digits_only

_WEIGHTS = (29, 27, 23, 19, 17)


def national_id_check_digit(first_ten: str) -> int:
    """The eleventh digit for the first ten digits of a legal entity's national ID."""
    shift = int(first_ten[9]) + 2
    total = sum((shift + int(digit)) * _WEIGHTS[index % 5] for index, digit in enumerate(first_ten))
    remainder = total % 11
    return 0 if remainder == 10 else remainder


def is_valid_national_id(value: str) -> bool:
    value = normalise_digits_only(value)
    if len(value) != 11 or not value.isdigit() or int(value[3:9]) == 0:
        return False
    return national_id_check_digit(value[:10]) == int(value[10])


def validate_national_id(value: str) -> None:
    digits = normalise_digits_only(value)
    if len(digits) != 11 or not digits.isdigit():
        raise ValidationError(_("The national ID must have exactly 11 digits."), code="length")
    if not is_valid_national_id(digits):
        raise ValidationError(_("This national ID is not valid: its check digit does not match."), code="checksum")
