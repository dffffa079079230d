"""The check digit of a legal entity's 11-digit national ID (شناسه ملی اشخاص حقوقی)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rownaq.geography.models import County
from rownaq.registry.models import Sector, Unit
from rownaq.registry.validators import is_valid_national_id, national_id_check_digit, validate_national_id

KNOWN_VALID = "10380284790"


def test_known_valid_id() -> None:
    assert is_valid_national_id(KNOWN_VALID)
    assert national_id_check_digit(KNOWN_VALID[:10]) == 0
    validate_national_id(KNOWN_VALID)


@pytest.mark.parametrize("last", [d for d in "123456789"])
def test_any_other_last_digit_is_invalid(last: str) -> None:
    changed = KNOWN_VALID[:10] + last
    assert not is_valid_national_id(changed)
    with pytest.raises(ValidationError) as info:
        validate_national_id(changed)
    assert info.value.code == "checksum"


def test_a_changed_middle_digit_is_invalid() -> None:
    assert not is_valid_national_id("10380294790")


@pytest.mark.parametrize("typed", ["۱۰۳۸۰۲۸۴۷۹۰", "١٠٣٨٠٢٨٤٧٩٠", "103-8028-4790", " 10380284790 ", "\u200f۱۰۳۸۰۲۸۴۷۹۰"])
def test_persian_digits_and_separators_accepted(typed: str) -> None:
    assert is_valid_national_id(typed)
    validate_national_id(typed)


@pytest.mark.parametrize("typed", ["", "1038028479", "103802847900", "1038028479a", "12345"])
def test_wrong_length_is_a_length_error(typed: str) -> None:
    assert not is_valid_national_id(typed)
    with pytest.raises(ValidationError) as info:
        validate_national_id(typed)
    assert info.value.code == "length"


def test_all_zero_serial_rejected_even_with_matching_check_digit() -> None:
    first_ten = "0000000000"
    candidate = first_ten + str(national_id_check_digit(first_ten))
    assert not is_valid_national_id(candidate)


def _validator_message(value: str) -> str:
    try:
        validate_national_id(value)
    except ValidationError as exc:
        return exc.messages[0]
    raise AssertionError("expected a validation error")


@pytest.mark.django_db
def test_model_full_clean_reports_the_national_id(qom_county: County) -> None:
    unit = Unit(name="کاشی نمونه", national_id="10380284791", sector=Sector.objects.get(code="2393"), county=qom_county)
    with pytest.raises(ValidationError) as info:
        unit.full_clean()
    errors = info.value.message_dict
    assert list(errors) == ["national_id"]
    assert errors["national_id"] == [_validator_message("10380284791")]


@pytest.mark.django_db
def test_model_full_clean_accepts_persian_digits_and_saves_latin(qom_county: County) -> None:
    unit = Unit(name="کاشی نمونه", national_id="۱۰۳۸۰۲۸۴۷۹۰", sector=Sector.objects.get(code="2393"), county=qom_county)
    unit.full_clean()
    unit.save()
    unit.refresh_from_db()
    assert unit.national_id == KNOWN_VALID
