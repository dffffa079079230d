"""The exhibitions API: what each role sees of an exhibition, and B2B meetings booked and cancelled as on
the pages (the same services: no double booking, only one's own side)."""

from __future__ import annotations

import pytest

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for
from rownaq.exhibitions.models import B2BMeeting
from rownaq.exhibitions.tests.expo import Expo

pytestmark = pytest.mark.django_db

EXHIBITIONS = "/api/v1/exhibitions/"
MEETINGS = "/api/v1/b2b-meetings/"


def test_an_exhibition_lists_its_booths_and_only_what_its_exhibitors_show_publicly(expo: Expo, investor: User) -> None:
    client = api_client_for(investor)
    listed = client.get(EXHIBITIONS).json()
    assert [row["slug"] for row in listed] == ["small-industries"]
    assert listed[0]["starts_on_jalali"][0] in "۰۱۲۳۴۵۶۷۸۹"  # Persian digits
    detail = client.get(f"{EXHIBITIONS}small-industries/").json()
    assert sorted(booth["code"] for hall in detail["halls"] for booth in hall["booths"]) == ["A1", "A2", "A3"]
    shown_needs = {need for exhibitor in detail["exhibitors"] for need in exhibitor["needs"]}
    shown_capabilities = {c for exhibitor in detail["exhibitors"] for c in exhibitor["capabilities"]}
    assert expo.need.pk in shown_needs
    assert expo.confidential_need.pk not in shown_needs
    assert expo.capability.pk in shown_capabilities
    assert expo.private_capability.pk not in shown_capabilities


def test_an_unpublished_exhibition_is_seen_only_by_those_who_run_it(expo: Expo, investor: User, expert: User) -> None:
    expo.exhibition.is_published = False
    expo.exhibition.save(update_fields=["is_published"])
    assert api_client_for(investor).get(EXHIBITIONS).json() == []
    assert api_client_for(investor).get(f"{EXHIBITIONS}small-industries/").status_code == 404
    assert [row["slug"] for row in api_client_for(expert).get(EXHIBITIONS).json()] == ["small-industries"]


def test_a_manager_books_a_meeting_and_both_sides_see_it_then_cancel(expo: Expo, manager: User) -> None:
    booking = {
        "exhibition": "small-industries",
        "need": expo.need.pk,
        "capability": expo.capability.pk,
        "starts_at": expo.at(1, 18).isoformat(),
    }
    response = api_client_for(manager).post(MEETINGS, booking, format="json")
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert meeting["booth"] == "A2"  # the booth of the side visited: the lab the manager asked to meet
    assert [row["id"] for row in api_client_for(expo.lab_member).get(MEETINGS).json()] == [meeting["id"]]
    # The same slot again is refused with a message, not booked twice.
    again = api_client_for(manager).post(MEETINGS, booking, format="json")
    assert again.status_code == 400
    assert B2BMeeting.objects.filter(cancelled_at__isnull=True).count() == 1
    cancelled = api_client_for(expo.lab_member).post(f"{MEETINGS}{meeting['id']}/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["cancelled"] is True
    assert api_client_for(manager).get(MEETINGS).json() == []


def test_no_one_books_with_sides_that_are_not_their_own(expo: Expo, other_manager: User, investor: User) -> None:
    booking = {
        "exhibition": "small-industries",
        "need": expo.need.pk,
        "capability": expo.firm_capability.pk,
        "starts_at": expo.at(1, 18).isoformat(),
    }
    assert api_client_for(other_manager).post(MEETINGS, booking, format="json").status_code == 403
    assert api_client_for(investor).post(MEETINGS, booking, format="json").status_code == 403
    assert not B2BMeeting.objects.exists()


def test_a_meeting_of_others_cannot_be_seen_or_cancelled(expo: Expo, manager: User, other_manager: User) -> None:
    booking = {
        "exhibition": "small-industries",
        "need": expo.need.pk,
        "capability": expo.capability.pk,
        "starts_at": expo.at(2, 19).isoformat(),
    }
    meeting = api_client_for(manager).post(MEETINGS, booking, format="json").json()
    outsider = api_client_for(other_manager)
    assert outsider.get(f"{MEETINGS}{meeting['id']}/").status_code == 404
    assert outsider.post(f"{MEETINGS}{meeting['id']}/cancel/").status_code == 404
    assert B2BMeeting.objects.get(pk=meeting["id"]).cancelled_at is None


@pytest.mark.parametrize("bad", [{"need": "x"}, {"need": 10**30}, {"starts_at": "فردا"}, {}])
def test_a_bad_booking_is_a_clear_400(expo: Expo, manager: User, bad: dict[str, object]) -> None:
    booking: dict[str, object] = {
        "exhibition": "small-industries",
        "need": expo.need.pk,
        "capability": expo.capability.pk,
        "starts_at": expo.at(1, 18).isoformat(),
    }
    booking.update(bad)
    if not bad:
        booking = {}
    assert api_client_for(manager).post(MEETINGS, booking, format="json").status_code == 400
