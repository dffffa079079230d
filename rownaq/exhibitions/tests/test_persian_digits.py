"""Booth numbers in Persian digits, beside the hall's name, on the public pages and in the booth picker."""

from __future__ import annotations

import pytest
from django.test import Client

from rownaq.exhibitions.forms import ExhibitorForm
from rownaq.exhibitions.models import Booth
from rownaq.exhibitions.tests.expo import Expo

pytestmark = pytest.mark.django_db


def test_booth_numbers_are_shown_in_persian_digits(client: Client, expo: Expo) -> None:
    expo.booths["A1"].code = "204"
    expo.booths["A1"].save(update_fields=["code"])
    page = client.get(f"/expo/{expo.exhibition.slug}/").content.decode()
    assert "۲۰۴" in page
    assert "204" not in page


def test_the_booth_picker_shows_persian_digits(expo: Expo) -> None:
    Booth.objects.create(hall=expo.hall, code="15")
    form = ExhibitorForm(exhibition=expo.exhibition)
    labels = [label for _value, label in form.fields["booth"].choices]  # type: ignore[attr-defined]
    assert "سالن ۱ / ۱۵" in labels
