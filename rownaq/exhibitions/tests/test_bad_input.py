"""A booking for a time of year 1 gets a Persian field error, never a server error."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+03:30", "9999-12-31T23:59:59"])
def test_a_booking_outside_the_accepted_years_is_refused(manager: User, starts_at: str) -> None:
    response = api_client_for(manager).post(
        "/api/v1/b2b-meetings/",
        {"exhibition": "expo", "need": 1, "capability": 1, "starts_at": starts_at},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["starts_at"] == [
        _("Enter a date between the years %(first)s and %(last)s.") % {"first": "۱۳۰۰", "last": "۱۴۹۹"}
    ]
