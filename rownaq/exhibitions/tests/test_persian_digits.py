"""Booth numbers in Persian digits, beside the hall's name, on the public pages and in the booth picker."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import login
from rownaq.exhibitions import services
from rownaq.exhibitions.forms import ExhibitorForm
from rownaq.exhibitions.models import Booth, Hall
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


def test_the_hall_picker_and_the_booking_pickers_show_persian_digits(expo: Expo) -> None:
    from rownaq.exhibitions.forms import BookingForm, BoothsForm

    Hall.objects.create(exhibition=expo.exhibition, name="سالن 2")
    halls = [label for _value, label in BoothsForm(exhibition=expo.exhibition).fields["hall"].choices]  # type: ignore[attr-defined]
    assert "سالن ۲" in halls
    expo.need.title = "مخزن استیل 316"
    expo.need.save(update_fields=["title"])
    expo.capability.title = "قالب 2 کویته"
    expo.capability.save(update_fields=["title"])
    booking = BookingForm(exhibition=expo.exhibition, own_needs=[], own_capabilities=[expo.capability])
    labels = [str(label) for field in ("need", "capability") for _v, label in booking.fields[field].choices]  # type: ignore[attr-defined]
    assert "مخزن استیل ۳۱۶ (شرکت کاشی البرز قم)" in labels
    assert [label for label in labels if any(ch.isdigit() and ch.isascii() for ch in label)] == []


def test_the_schedule_page_shows_the_booth_in_persian_digits(
    client: Client, expo: Expo, manager: User, unit_company: Organisation
) -> None:
    expo.booths["A2"].code = "209"
    expo.booths["A2"].save(update_fields=["code"])
    services.b2b_book(
        exhibition=expo.exhibition, need=expo.need, capability=expo.capability, starts_at=expo.at(1, 17), by=manager
    )
    login(client, manager)
    page = client.get(reverse("exhibitions-schedule", args=[expo.exhibition.slug])).content.decode()
    assert "۲۰۹" in page
    assert "209" not in page


def test_a_need_on_show_has_its_title_in_persian_digits_in_the_tab_and_the_breadcrumb(
    client: Client, expo: Expo
) -> None:
    expo.need.title = "مخزن استیل 316"
    expo.need.save(update_fields=["title"])
    page = client.get(f"/expo/{expo.exhibition.slug}/needs/{expo.need.pk}/").content.decode()
    assert "<title>مخزن استیل ۳۱۶" in page
    assert "316" not in page
