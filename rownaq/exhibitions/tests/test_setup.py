"""Setting an exhibition up (halls, booths, exhibitors) and registering visitors, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rownaq.accounts.models import Organisation, User
from rownaq.core.jalali import format_jalali_long
from rownaq.exhibitions import services
from rownaq.exhibitions.models import Booth, ExhibitionKind, Exhibitor, VisitorRegistration
from rownaq.exhibitions.tests.expo import Expo, messages_of
from rownaq.geography.models import Province
from rownaq.needs.models import Need
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


# -- setting up -------------------------------------------------------------------------------------


class TestSetUp:
    def test_expert_creates_an_exhibition_with_halls_booths_and_exhibitors(
        self, expert: User, qom: Province, unit: Unit, unit_company: Organisation, other_manager: User
    ) -> None:
        exhibition = services.exhibition_create(
            by=expert,
            province=qom,
            title="نمايشگاه ميز نياز صنعت",  # Arabic letters, stored normalised
            slug="needs-desk-1404",
            kind=ExhibitionKind.NEEDS_DESK,
            starts_on=dt.date(2026, 1, 21),
            ends_on=dt.date(2026, 4, 20),
            opens_at=dt.time(9),
            closes_at=dt.time(14),
            venue="خانه صنعت قم",
        )
        assert exhibition.title == "نمایشگاه میز نیاز صنعت"
        hall = services.hall_add(exhibition=exhibition, name="سالن ۲", by=expert)
        booths = services.booths_add(hall=hall, codes=["B1", "B2"], by=expert)
        need = Need.objects.create(
            unit=unit, posted_by=expert, title="بلبرینگ", description="یاتاقان", kind="part", supplied_from="imported"
        )
        exhibitor = services.exhibitor_add(
            exhibition=exhibition, organisation=unit_company, booth=booths[0], needs=[need], by=expert
        )
        assert Booth.objects.get(pk=booths[0].pk).exhibitor == exhibitor
        assert list(exhibitor.needs.all()) == [need]

        with pytest.raises(ValidationError) as refused:
            services.booths_add(hall=hall, codes=["B2"], by=expert)
        assert "B2" in messages_of(refused.value)
        with pytest.raises(PermissionDenied):
            services.hall_add(exhibition=exhibition, name="سالن ۳", by=other_manager)

    def test_an_exhibitor_shows_only_its_own_items(self, expo: Expo, expert: User) -> None:
        exhibitor = Exhibitor.objects.get(exhibition=expo.exhibition, organisation=expo.firm)
        with pytest.raises(ValidationError) as refused:
            services.exhibitor_update(
                exhibitor=exhibitor, by=expert, booth=None, needs=[expo.need], capabilities=[expo.capability]
            )
        assert set(refused.value.error_dict) == {"needs", "capabilities"}

    def test_dates_and_hours_are_checked(self, expert: User, qom: Province) -> None:
        with pytest.raises(ValidationError) as refused:
            services.exhibition_create(
                by=expert,
                province=qom,
                title="نمایشگاه",
                slug="x",
                kind=ExhibitionKind.OTHER,
                starts_on=dt.date(2026, 3, 2),
                ends_on=dt.date(2026, 3, 1),
                opens_at=dt.time(22),
                closes_at=dt.time(17),
                venue="قم",
            )
        assert set(refused.value.error_dict) == {"ends_on", "closes_at"}


# -- visitors ---------------------------------------------------------------------------------------


class TestVisitors:
    def test_persian_digits_in_the_mobile_are_normalised(self, expo: Expo) -> None:
        registration = services.visitor_register(
            exhibition=expo.exhibition,
            name="علي رضايي",
            phone="۰۹۱۲ ۳۴۵ ٦٧٨٩",
            visit_on=expo.exhibition.starts_on,
        )
        assert (registration.phone, registration.name) == ("09123456789", "علی رضایی")

    def test_one_registration_per_mobile(self, expo: Expo) -> None:
        services.visitor_register(exhibition=expo.exhibition, name="علی رضایی", phone="09123456789")
        with pytest.raises(ValidationError) as refused:
            services.visitor_register(exhibition=expo.exhibition, name="علی", phone="+98 912 345 6789")
        assert refused.value.error_dict["phone"][0].messages == [
            "این شماره همراه پیش‌تر برای این نمایشگاه ثبت‌نام کرده است."
        ]
        assert VisitorRegistration.objects.count() == 1

    def test_day_of_visit_and_mobile_are_checked(self, expo: Expo) -> None:
        with pytest.raises(ValidationError) as refused:
            services.visitor_register(
                exhibition=expo.exhibition,
                name="علی",
                phone="12345",
                visit_on=expo.exhibition.ends_on + dt.timedelta(days=1),
            )
        assert set(refused.value.error_dict) == {"phone", "visit_on"}
        assert format_jalali_long(expo.exhibition.starts_on) in messages_of(refused.value)
