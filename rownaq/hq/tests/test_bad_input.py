"""Bad input to the HQ's pages and API gets a clear Persian error, never a server error or minutes that take
half a minute to print: a meeting number beyond 64 bits, ten thousand attendees, a date in year 1."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for, login
from rownaq.core.jalali import format_jalali
from rownaq.geography.models import Province
from rownaq.hq.models import Meeting, MeetingState

pytestmark = pytest.mark.django_db

API = "/api/v1/hq"
HUGE = 10**30


def meeting_data(**changes: Any) -> dict[str, Any]:
    data = {
        "number": "۱۳",
        "held_on": format_jalali(timezone.localdate()),
        "venue": "استانداری قم",
        "chair": "معاون اقتصادی",
        "attendees": "الف\nب",
    }
    data.update(changes)
    return data


@pytest.fixture
def ahead(qom: Province, deputy: User) -> Meeting:
    return Meeting.objects.create(
        province=qom, number=14, held_on=timezone.localdate() + dt.timedelta(days=30), created_by=deputy
    )


@pytest.mark.parametrize("number", [str(HUGE), "100000", "²"])
def test_the_meeting_form_refuses_a_number_that_is_not_a_running_number(
    client: Client, deputy: User, number: str
) -> None:
    response = login(client, deputy).post(reverse("hq-meeting-create"), meeting_data(number=number))
    assert response.status_code == 200
    assert response.context["form"].errors["number"]
    assert response.context["form"]["number"].value() == number
    assert not Meeting.objects.exists()


def test_a_meeting_of_more_than_a_hundred_attendees_is_refused_and_kept(client: Client, deputy: User) -> None:
    attendees = "\n".join(f"نماینده {n}" for n in range(101))
    response = login(client, deputy).post(reverse("hq-meeting-create"), meeting_data(attendees=attendees))
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"] == [
        _("Write at most %(count)s attendees, one per line.") % {"count": "۱۰۰"}
    ]
    assert not Meeting.objects.exists()
    attendees = "\n".join(f"نماینده {n}" for n in range(100))
    response = login(client, deputy).post(reverse("hq-meeting-create"), meeting_data(attendees=attendees))
    assert response.status_code == 302


@pytest.mark.parametrize("number", [str(HUGE), "²"])
def test_the_meetings_api_refuses_a_number_filter_that_is_no_number(deputy: User, ahead: Meeting, number: str) -> None:
    response = api_client_for(deputy).get(f"{API}/meetings/", {"number": number})
    assert response.status_code == 400
    assert "number" in response.json()


def test_the_meetings_api_filters_by_number(deputy: User, ahead: Meeting) -> None:
    response = api_client_for(deputy).get(f"{API}/meetings/", {"number": "14"})
    assert [row["id"] for row in response.json()["results"]] == [ahead.pk]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_holding_a_meeting_on_a_day_of_year_one_is_refused(deputy: User, ahead: Meeting, day: str) -> None:
    response = api_client_for(deputy).post(f"{API}/meetings/{ahead.pk}/actions/hold/", {"held_on": day}, format="json")
    assert response.status_code == 400
    assert response.json()["held_on"] == [
        _("Enter a date between the years %(first)s and %(last)s.") % {"first": "۱۳۰۰", "last": "۱۴۹۹"}
    ]
    ahead.refresh_from_db()
    assert ahead.state == MeetingState.PLANNED
    assert api_client_for(deputy).get(f"{API}/meetings/").status_code == 200


def test_an_objection_to_a_resolution_id_beyond_64_bits_is_refused(bank_liaison: User) -> None:
    response = api_client_for(bank_liaison).post(
        f"{API}/objections/", {"resolution": HUGE, "text": "اعتراض"}, format="json"
    )
    assert response.status_code == 400
    assert "resolution" in response.json()
