"""The logged-in exhibition pages: setting up, editing, the list, booking and the schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import login
from rownaq.core.jalali import format_jalali, format_jalali_long
from rownaq.exhibitions import scheduling, services
from rownaq.exhibitions.models import B2BMeeting, Booth, Exhibition, ExhibitionKind, Exhibitor
from rownaq.exhibitions.tests.expo import Expo
from rownaq.needs.models import Need, NeedKind, NeedState, SupplySource
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


class TestPages:
    def test_expert_creates_an_exhibition_with_jalali_dates(self, client: Client, expert: User) -> None:
        login(client, expert)
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
        login(client, expert)
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
        login(client, expert)
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
        login(client, expert)
        assert f'href="/expo/{expo.exhibition.slug}/"' in client.get("/exhibitions/").content.decode()
        Exhibition.objects.filter(pk=expo.exhibition.pk).update(is_published=False)
        page = client.get("/exhibitions/").content.decode()
        assert f'href="/expo/{expo.exhibition.slug}/"' not in page  # the public page would be a 404
        assert f'href="/exhibitions/{expo.exhibition.slug}/setup/"' in page
        login(client, manager)
        assert expo.exhibition.title not in client.get("/exhibitions/").content.decode()

    def test_a_unit_manager_cannot_set_up_exhibitions(self, client: Client, manager: User, expo: Expo) -> None:
        login(client, manager)
        assert client.get("/exhibitions/new/").status_code == 403
        assert client.get(f"/exhibitions/{expo.exhibition.slug}/setup/").status_code == 403

    def test_booking_form_shows_clashes_in_persian_and_keeps_values(
        self, client: Client, expo: Expo, manager: User
    ) -> None:
        login(client, manager)
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
        login(client, expo.lab_member)
        assert client.post(f"/exhibitions/meetings/{meeting.pk}/cancel/").status_code == 302
        assert B2BMeeting.objects.get(pk=meeting.pk).cancelled_at is not None
        assert scheduling.schedule_for(expo.lab, expo.exhibition) == []

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
