"""B2B meetings: booking (never two at once for an organisation or a booth), cancelling, and the schedules."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from rownaq.accounts.models import Organisation, User
from rownaq.core.jalali import format_jalali_long
from rownaq.exhibitions import scheduling, services
from rownaq.exhibitions.models import B2BMeeting, Booth, Exhibition, ExhibitionKind, Exhibitor, Hall
from rownaq.exhibitions.tests.expo import Expo, build_expo, messages_of
from rownaq.geography.models import Province
from rownaq.needs.models import Need, NeedKind, SupplySource
from rownaq.notifications.models import Notification
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


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
        mine = scheduling.schedule_for(unit_company, expo.exhibition)
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
        theirs = scheduling.schedule_for(expo.lab, expo.exhibition)
        assert [(e.other_side, e.my_item, e.their_item) for e in theirs] == [
            ("شرکت کاشی البرز قم", expo.capability.title, expo.need.title)
        ]
