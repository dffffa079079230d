"""Exhibition services and the logged-in exhibition pages: setting up, visitors, B2B bookings and schedules."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.core.jalali import format_jalali, format_jalali_long
from rownaq.geography.models import Province
from rownaq.needs import exhibitions as services
from rownaq.needs.models import (
    B2BMeeting,
    Booth,
    Capability,
    Exhibition,
    ExhibitionKind,
    Exhibitor,
    Hall,
    Need,
    NeedKind,
    NeedState,
    SupplySource,
    Visibility,
    VisitorRegistration,
)
from rownaq.notifications.models import Notification
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


@dataclass
class Expo:
    """A small-industries exhibition ten days from now, 17:00 to 22:00, with three exhibitors at booths A1–A3.

    ``unit_company`` (manager ``manager``) shows a public need and a confidential one at A1; the
    university lab (member ``lab_member``) shows a public and a non-public capability at A2; the
    knowledge-based firm (member ``firm_member``) shows a public capability at A3.
    """

    exhibition: Exhibition
    hall: Hall
    booths: dict[str, Booth]
    need: Need
    confidential_need: Need
    lab: Organisation
    lab_member: User
    capability: Capability
    private_capability: Capability
    firm: Organisation
    firm_member: User
    firm_capability: Capability

    def at(self, day: int, hour: int, minute: int = 0) -> dt.datetime:
        """A moment on the exhibition's ``day`` (1 = the first day), Tehran time."""
        date = self.exhibition.starts_on + dt.timedelta(days=day - 1)
        return timezone.make_aware(dt.datetime.combine(date, dt.time(hour, minute)))


def build_expo(
    *,
    province: Province,
    unit: Unit,
    manager: User,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    starts_on: dt.date | None = None,
) -> Expo:
    first = starts_on or timezone.localdate() + dt.timedelta(days=10)
    need_owner = unit.owner
    assert need_owner is not None
    exhibition = Exhibition.objects.create(
        province=province,
        title="نمایشگاه توانمندی‌های صنایع کوچک استان قم",
        slug="small-industries",
        kind=ExhibitionKind.SMALL_INDUSTRIES,
        starts_on=first,
        ends_on=first + dt.timedelta(days=3),
        opens_at=dt.time(17),
        closes_at=dt.time(22),
        venue="محل دائمی نمایشگاه‌های بین‌المللی قم",
        meeting_minutes=30,
    )
    hall = Hall.objects.create(exhibition=exhibition, name="سالن ۱")
    booths = {code: Booth.objects.create(hall=hall, code=code) for code in ("A1", "A2", "A3")}
    need = Need.objects.create(
        unit=unit,
        posted_by=manager,
        title="قالب تزریق پلاستیک برای قاب کولر",
        description="قالب دو کویته فولاد ۲۳۱۶ برای قاب کولر آبی؛ کارخانه کاشی و سرامیک هم سفارش مشابه دارد.",
        kind=NeedKind.PART,
        supplied_from=SupplySource.IMPORTED,
    )
    confidential = Need.objects.create(
        unit=unit,
        posted_by=manager,
        title="لعاب محرمانه کاشی کف",
        description="فرمول لعاب مات کاشی کف با سختی بالا",
        kind=NeedKind.RAW_MATERIAL,
        supplied_from=SupplySource.IMPORTED,
        visibility=Visibility.APPROVED,
    )
    lab = make_org("آزمایشگاه قالب‌سازی دانشگاه قم", OrganisationKind.UNIVERSITY)
    lab_member = make_user("lab_member", Role.KNOWLEDGE_MEMBER, lab)
    capability = Capability.objects.create(
        owner=lab,
        posted_by=lab_member,
        title="طراحی و ساخت قالب تزریق پلاستیک",
        description="طراحی قالب با نرم‌افزار و ساخت با فرز سی‌ان‌سی پنج محور",
        province=province,
    )
    private_capability = Capability.objects.create(
        owner=lab,
        posted_by=lab_member,
        title="آزمون خستگی محرمانه",
        description="آزمون خستگی قطعات فلزی",
        province=province,
        is_public=False,
    )
    firm = make_org("شرکت دانش‌بنیان پویا قطعه", OrganisationKind.KNOWLEDGE_FIRM)
    firm_member = make_user("firm_member", Role.KNOWLEDGE_MEMBER, firm)
    firm_capability = Capability.objects.create(
        owner=firm,
        posted_by=firm_member,
        title="ریخته‌گری دقیق قطعات فولادی",
        description="ریخته‌گری دقیق به روش موم گمشده",
        province=province,
    )
    shows = [
        (need_owner, booths["A1"], [need, confidential], []),
        (lab, booths["A2"], [], [capability, private_capability]),
        (firm, booths["A3"], [], [firm_capability]),
    ]
    for organisation, booth, needs, capabilities in shows:
        exhibitor = Exhibitor.objects.create(exhibition=exhibition, organisation=organisation)
        exhibitor.needs.set(needs)
        exhibitor.capabilities.set(capabilities)
        booth.exhibitor = exhibitor
        booth.save(update_fields=["exhibitor"])
    return Expo(
        exhibition=exhibition,
        hall=hall,
        booths=booths,
        need=need,
        confidential_need=confidential,
        lab=lab,
        lab_member=lab_member,
        capability=capability,
        private_capability=private_capability,
        firm=firm,
        firm_member=firm_member,
        firm_capability=firm_capability,
    )


@pytest.fixture
def expo(
    qom: Province,
    unit: Unit,
    manager: User,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> Expo:
    return build_expo(province=qom, unit=unit, manager=manager, make_org=make_org, make_user=make_user)


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def book_at_once(bookings: list[dict[str, Any]]) -> list[BaseException | None]:
    """Each booking from its own thread and database connection, all released at the same moment;
    per booking, ``None`` if it went through or what refused it."""
    start = threading.Barrier(len(bookings))
    outcomes: list[BaseException | None] = []

    def book(kwargs: dict[str, Any]) -> None:
        try:
            start.wait(timeout=10)
            services.b2b_book(**kwargs)
            outcomes.append(None)
        except BaseException as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(kwargs,)) for kwargs in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


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


# -- B2B bookings -----------------------------------------------------------------------------------


class TestBooking:
    def test_a_need_owner_books_at_the_other_sides_booth_and_they_are_told(self, expo: Expo, manager: User) -> None:
        meeting = services.b2b_book(
            exhibition=expo.exhibition, need=expo.need, capability=expo.capability, starts_at=expo.at(1, 17), by=manager
        )
        assert meeting.booth == expo.booths["A2"]
        assert meeting.ends_at - meeting.starts_at == dt.timedelta(minutes=30)
        notice = Notification.objects.get(recipient=expo.lab_member)
        assert expo.need.title in notice.text
        assert "/exhibitions/small-industries/schedule/" in notice.link
        assert not Notification.objects.filter(recipient=manager).exists()

    def test_the_same_organisation_twice_at_overlapping_times_is_refused(self, expo: Expo, manager: User) -> None:
        services.b2b_book(
            exhibition=expo.exhibition, need=expo.need, capability=expo.capability, starts_at=expo.at(1, 17), by=manager
        )
        with pytest.raises(ValidationError) as refused:
            services.b2b_book(
                exhibition=expo.exhibition,
                need=expo.need,
                capability=expo.firm_capability,
                starts_at=expo.at(1, 17),
                by=manager,
            )
        assert "شرکت کاشی البرز قم" in messages_of(refused.value)
        # The capability side is checked too: the lab is busy whoever asks.
        other = Need.objects.create(
            unit=expo.need.unit,
            posted_by=manager,
            title="قالب دمشی بطری",
            description="قالب دمشی",
            kind=NeedKind.PART,
            supplied_from=SupplySource.IMPORTED,
        )
        with pytest.raises(ValidationError):
            services.b2b_book(
                exhibition=expo.exhibition, need=other, capability=expo.capability, starts_at=expo.at(1, 17), by=manager
            )
        assert B2BMeeting.objects.count() == 1

    def test_the_same_booth_is_refused(self, expo: Expo, manager: User, other_unit: Unit, other_manager: User) -> None:
        services.b2b_book(
            exhibition=expo.exhibition, need=expo.need, capability=expo.capability, starts_at=expo.at(2, 18), by=manager
        )
        carpet_need = Need.objects.create(
            unit=other_unit,
            posted_by=other_manager,
            title="ریخته‌گری قطعه دستگاه بافت",
            description="قطعه فولادی",
            kind=NeedKind.PART,
            supplied_from=SupplySource.IMPORTED,
        )
        with pytest.raises(ValidationError) as refused:
            services.b2b_book(
                exhibition=expo.exhibition,
                need=carpet_need,
                capability=expo.firm_capability,
                starts_at=expo.at(2, 18),
                booth=expo.booths["A2"],
                by=other_manager,
            )
        assert "A2" in messages_of(refused.value)
        # At the firm's own booth both sides are free.
        services.b2b_book(
            exhibition=expo.exhibition,
            need=carpet_need,
            capability=expo.firm_capability,
            starts_at=expo.at(2, 18),
            by=other_manager,
        )

    def test_adjacent_slots_are_fine(self, expo: Expo, manager: User) -> None:
        for hour, minute, capability in ((17, 0, expo.capability), (17, 30, expo.firm_capability)):
            services.b2b_book(
                exhibition=expo.exhibition,
                need=expo.need,
                capability=capability,
                starts_at=expo.at(1, hour, minute),
                by=manager,
            )
        services.b2b_book(
            exhibition=expo.exhibition, need=expo.need, capability=expo.capability, starts_at=expo.at(1, 18), by=manager
        )
        assert B2BMeeting.objects.count() == 3

    @pytest.mark.parametrize(
        ("day", "hour", "minute"),
        [(1, 16, 30), (1, 21, 45), (1, 22, 0), (1, 17, 10), (0, 18, 0), (5, 18, 0)],
        ids=["before-opening", "off-grid-late", "at-closing", "off-grid", "day-before", "day-after"],
    )
    def test_outside_the_hours_or_off_the_grid_is_refused(
        self, expo: Expo, manager: User, day: int, hour: int, minute: int
    ) -> None:
        with pytest.raises(ValidationError):
            services.b2b_book(
                exhibition=expo.exhibition,
                need=expo.need,
                capability=expo.capability,
                starts_at=expo.at(day, hour, minute),
                by=manager,
            )
        assert not B2BMeeting.objects.exists()

    def test_the_last_slot_of_the_day_ends_at_closing(self, expo: Expo, manager: User) -> None:
        meeting = services.b2b_book(
            exhibition=expo.exhibition,
            need=expo.need,
            capability=expo.capability,
            starts_at=expo.at(4, 21, 30),
            by=manager,
        )
        assert timezone.localtime(meeting.ends_at).time() == dt.time(22)

    def test_only_an_owner_books_and_only_with_public_items_on_show(
        self, expo: Expo, manager: User, other_manager: User
    ) -> None:
        with pytest.raises(PermissionDenied):  # not their need, not their capability
            services.b2b_book(
                exhibition=expo.exhibition,
                need=expo.need,
                capability=expo.capability,
                starts_at=expo.at(1, 17),
                by=other_manager,
            )
        with pytest.raises(ValidationError):  # the confidential need is not on public show
            services.b2b_book(
                exhibition=expo.exhibition,
                need=expo.confidential_need,
                capability=expo.firm_capability,
                starts_at=expo.at(1, 17),
                by=expo.firm_member,
            )
        with pytest.raises(ValidationError):  # nor is the lab's non-public capability
            services.b2b_book(
                exhibition=expo.exhibition,
                need=expo.need,
                capability=expo.private_capability,
                starts_at=expo.at(1, 17),
                by=manager,
            )
        # The capability side books with a public need on show.
        meeting = services.b2b_book(
            exhibition=expo.exhibition,
            need=expo.need,
            capability=expo.firm_capability,
            starts_at=expo.at(1, 17),
            by=expo.firm_member,
        )
        assert meeting.booth == expo.booths["A1"]
        assert Notification.objects.filter(recipient=manager).exists()

    def test_a_cancelled_meeting_frees_the_slot(self, expo: Expo, manager: User) -> None:
        meeting = services.b2b_book(
            exhibition=expo.exhibition, need=expo.need, capability=expo.capability, starts_at=expo.at(1, 17), by=manager
        )
        with pytest.raises(PermissionDenied):
            services.b2b_cancel(meeting=meeting, by=expo.firm_member)
        services.b2b_cancel(meeting=meeting, by=expo.lab_member)
        assert Notification.objects.filter(recipient=manager, text__contains="لغو").exists()
        services.b2b_book(
            exhibition=expo.exhibition,
            need=expo.need,
            capability=expo.firm_capability,
            starts_at=expo.at(1, 17),
            by=manager,
        )

    def test_past_slots_are_refused(
        self, qom: Province, unit: Unit, manager: User, make_org: Callable[..., Organisation], make_user: Any
    ) -> None:
        expo = build_expo(
            province=qom,
            unit=unit,
            manager=manager,
            make_org=make_org,
            make_user=make_user,
            starts_on=timezone.localdate() - dt.timedelta(days=10),
        )
        with pytest.raises(ValidationError):
            services.b2b_book(
                exhibition=expo.exhibition,
                need=expo.need,
                capability=expo.capability,
                starts_at=expo.at(1, 17),
                by=manager,
            )

    @pytest.mark.django_db(transaction=True)
    def test_two_bookings_at_once_for_one_booth_on_postgresql(
        self, expo: Expo, manager: User, other_unit: Unit, other_manager: User
    ) -> None:
        """Two connections book the same booth and slot for different pairs: exactly one wins."""
        if connection.vendor != "postgresql":
            pytest.skip("row locks across connections are tested on PostgreSQL")
        carpet_need = Need.objects.create(
            unit=other_unit,
            posted_by=other_manager,
            title="ریخته‌گری قطعه دستگاه بافت",
            description="قطعه فولادی",
            kind=NeedKind.PART,
            supplied_from=SupplySource.IMPORTED,
        )
        bookings = [
            {"need": expo.need, "capability": expo.capability, "by": manager},
            {"need": carpet_need, "capability": expo.firm_capability, "by": other_manager},
        ]
        same_slot = {"exhibition": expo.exhibition, "starts_at": expo.at(1, 19), "booth": expo.booths["A2"]}
        outcomes = book_at_once([{**kwargs, **same_slot} for kwargs in bookings])

        assert len(outcomes) == 2
        assert outcomes.count(None) == 1
        assert any(isinstance(outcome, ValidationError) for outcome in outcomes)
        assert B2BMeeting.objects.filter(booth=expo.booths["A2"]).count() == 1

    @pytest.mark.django_db(transaction=True)
    def test_one_organisation_at_two_exhibitions_at_once_on_postgresql(
        self, expo: Expo, manager: User, other_unit: Unit, other_manager: User
    ) -> None:
        """The lab exhibits at two exhibitions on the same days; two connections book it at the same
        time, one at each exhibition: exactly one wins."""
        if connection.vendor != "postgresql":
            pytest.skip("row locks across connections are tested on PostgreSQL")
        first = expo.exhibition
        second = Exhibition.objects.create(
            province=first.province,
            title="نمایشگاه میز نیاز صنعت",
            slug="needs-desk",
            kind=ExhibitionKind.NEEDS_DESK,
            starts_on=first.starts_on,
            ends_on=first.ends_on,
            opens_at=first.opens_at,
            closes_at=first.closes_at,
            venue="دانشگاه قم",
            meeting_minutes=first.meeting_minutes,
        )
        booth = Booth.objects.create(hall=Hall.objects.create(exhibition=second, name="سالن الف"), code="B1")
        carpet_need = Need.objects.create(
            unit=other_unit,
            posted_by=other_manager,
            title="قالب قطعه دستگاه بافت",
            description="قطعه پلاستیکی",
            kind=NeedKind.PART,
            supplied_from=SupplySource.IMPORTED,
        )
        assert other_unit.owner is not None
        for organisation, shown_booth, needs, capabilities in (
            (expo.lab, booth, [], [expo.capability]),
            (other_unit.owner, None, [carpet_need], []),
        ):
            exhibitor = Exhibitor.objects.create(exhibition=second, organisation=organisation)
            exhibitor.needs.set(needs)
            exhibitor.capabilities.set(capabilities)
            if shown_booth is not None:
                shown_booth.exhibitor = exhibitor
                shown_booth.save(update_fields=["exhibitor"])
        bookings = [
            {"exhibition": first, "need": expo.need, "by": manager, "booth": expo.booths["A2"]},
            {"exhibition": second, "need": carpet_need, "by": other_manager, "booth": booth},
        ]
        same_time = {"capability": expo.capability, "starts_at": expo.at(1, 19)}
        outcomes = book_at_once([{**kwargs, **same_time} for kwargs in bookings])

        assert len(outcomes) == 2
        assert outcomes.count(None) == 1, outcomes
        refused = next(o for o in outcomes if o is not None)
        assert isinstance(refused, ValidationError)
        assert expo.lab.name in messages_of(refused)
        assert B2BMeeting.objects.filter(capability=expo.capability).count() == 1


# -- schedules --------------------------------------------------------------------------------------


class TestSchedule:
    def test_each_side_sees_a_jalali_dated_schedule(
        self, expo: Expo, manager: User, unit_company: Organisation
    ) -> None:
        services.b2b_book(
            exhibition=expo.exhibition,
            need=expo.need,
            capability=expo.firm_capability,
            starts_at=expo.at(2, 18, 30),
            by=manager,
        )
        services.b2b_book(
            exhibition=expo.exhibition, need=expo.need, capability=expo.capability, starts_at=expo.at(1, 17), by=manager
        )
        mine = services.schedule_for(unit_company, expo.exhibition)
        day_one = format_jalali_long(expo.exhibition.starts_on)
        assert [(e.day, e.time, e.other_side, e.booth) for e in mine] == [
            (day_one, "۱۷:۰۰ تا ۱۷:۳۰", expo.lab.name, "A2"),
            (
                format_jalali_long(expo.exhibition.starts_on + dt.timedelta(days=1)),
                "۱۸:۳۰ تا ۱۹:۰۰",
                expo.firm.name,
                "A3",
            ),
        ]
        assert mine[0].text == f"{day_one}، ۱۷:۰۰ تا ۱۷:۳۰"
        theirs = services.schedule_for(expo.lab, expo.exhibition)
        assert [(e.other_side, e.my_item, e.their_item) for e in theirs] == [
            ("شرکت کاشی البرز قم", expo.capability.title, expo.need.title)
        ]


# -- logged-in pages --------------------------------------------------------------------------------


class TestPages:
    def test_expert_creates_an_exhibition_with_jalali_dates(self, client: Client, expert: User) -> None:
        client.force_login(expert)
        form = {
            "title": "نمایشگاه میز نیاز صنعت",
            "slug": "needs-desk",
            "kind": ExhibitionKind.NEEDS_DESK,
            "starts_on": "۱۴۰۴/۱۱/۰۱",
            "ends_on": "۱۴۰۴/۱۰/۰۱",  # before the first day
            "opens_at": "۰۹:۰۰",
            "closes_at": "۱۴:۰۰",
            "venue": "خانه صنعت قم",
            "meeting_minutes": "۳۰",
            "is_published": "on",
        }
        refused = client.post("/exhibitions/new/", form)
        assert refused.status_code == 200
        assert "روز پایانی نمی‌تواند پیش از روز نخست باشد" in refused.content.decode()
        assert 'value="نمایشگاه میز نیاز صنعت"' in refused.content.decode()

        form["ends_on"] = "۱۴۰۵/۰۱/۳۰"
        response = client.post("/exhibitions/new/", form)
        assert response.status_code == 302
        exhibition = Exhibition.objects.get(slug="needs-desk")
        assert (format_jalali(exhibition.starts_on), exhibition.opens_at) == ("۱۴۰۴/۱۱/۰۱", dt.time(9))

        client.post(f"/exhibitions/{exhibition.slug}/setup/", {"action": "hall", "hall-name": "سالن ۱"})
        hall = exhibition.halls.get()
        client.post(
            f"/exhibitions/{exhibition.slug}/setup/",
            {"action": "booths", "booths-hall": hall.pk, "booths-codes": "A1 A2"},
        )
        assert sorted(hall.booths.values_list("code", flat=True)) == ["A1", "A2"]

    def test_expert_adds_an_exhibitor_and_chooses_what_it_shows(
        self,
        client: Client,
        expo: Expo,
        expert: User,
        other_unit: Unit,
        other_company: Organisation,
        other_manager: User,
    ) -> None:
        carpet_need = Need.objects.create(
            unit=other_unit,
            posted_by=other_manager,
            title="نخ فرش",
            description="نخ پشمی",
            kind=NeedKind.RAW_MATERIAL,
            supplied_from=SupplySource.IMPORTED,
        )
        free_booth = Booth.objects.create(hall=expo.hall, code="A4")
        client.force_login(expert)
        setup = f"/exhibitions/{expo.exhibition.slug}/setup/"
        assert expo.firm.name in client.get(setup).content.decode()
        response = client.post(
            setup,
            {"action": "exhibitor", "exhibitor-organisation": other_company.pk, "exhibitor-booth": free_booth.pk},
        )
        exhibitor = Exhibitor.objects.get(exhibition=expo.exhibition, organisation=other_company)
        assert response.status_code == 302
        assert response["Location"] == f"/exhibitions/{expo.exhibition.slug}/exhibitors/{exhibitor.pk}/"

        page = client.get(response["Location"]).content.decode()
        assert carpet_need.title in page
        assert expo.need.title not in page  # another organisation's need is not offered
        client.post(response["Location"], {"booth": free_booth.pk, "needs": [carpet_need.pk], "capabilities": []})
        assert list(exhibitor.needs.all()) == [carpet_need]
        assert Booth.objects.get(pk=free_booth.pk).exhibitor == exhibitor
        assert carpet_need.title in Client().get(f"/expo/{expo.exhibition.slug}/").content.decode()

    def test_a_refused_edit_changes_nothing_and_links_to_the_exhibition_as_it_is(
        self, client: Client, expo: Expo, expert: User
    ) -> None:
        other = Exhibition.objects.create(
            province=expo.exhibition.province,
            title="نمایشگاه دیگر",
            slug="other-expo",
            kind=ExhibitionKind.NEEDS_DESK,
            starts_on=expo.exhibition.starts_on,
            ends_on=expo.exhibition.ends_on,
            opens_at=dt.time(9),
            closes_at=dt.time(14),
            venue="خانه صنعت",
            meeting_minutes=30,
        )
        exhibition = expo.exhibition
        form = {
            "title": "عنوان تازه",
            "slug": other.slug,  # taken
            "kind": exhibition.kind,
            "starts_on": format_jalali(exhibition.starts_on),
            "ends_on": format_jalali(exhibition.ends_on),
            "opens_at": "۱۷:۰۰",
            "closes_at": "۲۲:۰۰",
            "venue": exhibition.venue,
            "meeting_minutes": "۳۰",
        }
        client.force_login(expert)
        refused = client.post(f"/exhibitions/{exhibition.slug}/edit/", form)
        assert refused.status_code == 200
        page = refused.content.decode()
        assert 'value="عنوان تازه"' in page  # what was typed stays in the form
        assert f"/exhibitions/{other.slug}/setup/" not in page  # the page's links are the exhibition's own
        exhibition.refresh_from_db()
        assert (exhibition.title, exhibition.slug) == ("نمایشگاه توانمندی‌های صنایع کوچک استان قم", "small-industries")
        form["slug"] = "small-industries-1405"
        assert client.post(f"/exhibitions/{exhibition.slug}/edit/", form).status_code == 302
        exhibition.refresh_from_db()
        assert (exhibition.title, exhibition.slug) == ("عنوان تازه", "small-industries-1405")

    def test_the_list_links_an_unpublished_exhibition_to_its_setup(
        self, client: Client, expo: Expo, expert: User, manager: User
    ) -> None:
        client.force_login(expert)
        assert f'href="/expo/{expo.exhibition.slug}/"' in client.get("/exhibitions/").content.decode()
        Exhibition.objects.filter(pk=expo.exhibition.pk).update(is_published=False)
        page = client.get("/exhibitions/").content.decode()
        assert f'href="/expo/{expo.exhibition.slug}/"' not in page  # the public page would be a 404
        assert f'href="/exhibitions/{expo.exhibition.slug}/setup/"' in page
        client.force_login(manager)
        assert expo.exhibition.title not in client.get("/exhibitions/").content.decode()

    def test_a_unit_manager_cannot_set_up_exhibitions(self, client: Client, manager: User, expo: Expo) -> None:
        client.force_login(manager)
        assert client.get("/exhibitions/new/").status_code == 403
        assert client.get(f"/exhibitions/{expo.exhibition.slug}/setup/").status_code == 403

    def test_booking_form_shows_clashes_in_persian_and_keeps_values(
        self, client: Client, expo: Expo, manager: User
    ) -> None:
        client.force_login(manager)
        services.b2b_book(
            exhibition=expo.exhibition, need=expo.need, capability=expo.capability, starts_at=expo.at(1, 17), by=manager
        )
        page = client.get(f"/exhibitions/{expo.exhibition.slug}/book/")
        html = page.content.decode()
        assert expo.firm_capability.title in html
        assert expo.private_capability.title not in html
        data = {
            "need": expo.need.pk,
            "capability": expo.firm_capability.pk,
            "day": expo.exhibition.starts_on.isoformat(),
            "time": "17:00",
        }
        response = client.post(f"/exhibitions/{expo.exhibition.slug}/book/", data)
        assert response.status_code == 400
        html = response.content.decode()
        assert "در این زمان جلسهٔ دیگری دارد" in html
        assert f'<option value="{expo.firm_capability.pk}" selected>' in html
        assert '<option value="17:00" selected>' in html

        data["time"] = "17:30"
        response = client.post(f"/exhibitions/{expo.exhibition.slug}/book/", data)
        assert response.status_code == 302
        schedule = client.get(f"/exhibitions/{expo.exhibition.slug}/schedule/").content.decode()
        assert "۱۷:۳۰ تا ۱۸:۰۰" in schedule
        assert expo.firm.name in schedule
        assert format_jalali_long(expo.exhibition.starts_on) in schedule

    def test_a_participant_cancels_from_the_schedule(self, client: Client, expo: Expo, manager: User) -> None:
        meeting = services.b2b_book(
            exhibition=expo.exhibition, need=expo.need, capability=expo.capability, starts_at=expo.at(1, 17), by=manager
        )
        client.force_login(expo.lab_member)
        assert client.post(f"/exhibitions/meetings/{meeting.pk}/cancel/").status_code == 302
        assert B2BMeeting.objects.get(pk=meeting.pk).cancelled_at is not None
        assert services.schedule_for(expo.lab, expo.exhibition) == []

    def test_a_closed_need_cannot_be_booked(self, expo: Expo, manager: User) -> None:
        Need.objects.filter(pk=expo.need.pk).update(state=NeedState.CLOSED)
        with pytest.raises(ValidationError):
            services.b2b_book(
                exhibition=expo.exhibition,
                need=expo.need,
                capability=expo.capability,
                starts_at=expo.at(1, 17),
                by=manager,
            )
