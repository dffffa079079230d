"""Addresses people have bookmarked keep opening the same pages after the apps were split by product."""

from __future__ import annotations

import pytest
from django.test import Client

from rownaq.accounts.models import User
from rownaq.accounts.testing import login
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

# Addresses as they were before the split (the hq, exhibitions and front apps took over some of them).
BOOKMARKS = [
    "/",
    "/units/",
    "/units/{unit}/",
    "/units/{unit}/edit/",
    "/units/export.xlsx",
    "/imports/",
    "/obstacles/cases/",
    "/obstacles/referrals/",
    "/hq/meetings/",
    "/hq/resolutions/",
    "/hq/scoreboard/",
    "/hq/regulations/",
    "/hq/regulations/export.xlsx",
    "/needs/",
    "/needs/list/",
    "/needs/capabilities/",
    "/needs/proposals/",
    "/needs/search/",
    "/exhibitions/",
    "/expo/",
    "/notifications/",
]


@pytest.mark.parametrize("address", BOOKMARKS)
def test_a_bookmarked_address_opens_its_page(client: Client, expert: User, unit: Unit, address: str) -> None:
    path = address.format(unit=unit.pk)
    response = login(client, expert).get(path)
    assert response.status_code == 200, (path, response.status_code)
