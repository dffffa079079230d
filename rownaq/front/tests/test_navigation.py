"""The navigation shows each role the products it has, and no link to a page it may not open."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.accounts.testing import login
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

LINKS = {
    "overview": "registry-overview",
    "units": "registry-unit-list",
    "cases": "obstacles-case-list",
    "referrals": "obstacles-referral-list",
    "meetings": "hq-meeting-list",
    "resolutions": "hq-resolution-list",
    "scoreboard": "hq-scoreboard",
    "imports": "registry-import-list",
    "desk": "needs-dashboard",
    "exhibitions": "exhibitions-list",
}
EVERYONE = {"desk", "exhibitions"}
EXPECTED = {
    "expert": {"overview", "units", "cases", "referrals", "meetings", "resolutions", "scoreboard", "imports"},
    "deputy": {"overview", "units", "cases", "referrals", "meetings", "resolutions", "scoreboard"},
    "manager": {"units", "cases", "resolutions"},
    "liaison": {"cases", "referrals", "resolutions"},
    "investor": set(),
}


def nav_links(html: str) -> set[str]:
    """The products linked from the menu (the brand, which leads to the start page, left aside)."""
    nav = html.split("<main", 1)[0].split('class="navbar-brand"', 1)[-1].split("</a>", 1)[-1]
    return {name for name, url_name in LINKS.items() if f'href="{reverse(url_name)}"' in nav}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_sees_its_products_and_can_open_every_link(
    client: Client, persona: str, request: pytest.FixtureRequest, unit: Unit
) -> None:
    user: User = request.getfixturevalue(persona)
    response = login(client, user).get(reverse("needs-dashboard"))
    shown = nav_links(response.content.decode())
    assert shown == EXPECTED[persona] | EVERYONE
    for name in shown:
        assert client.get(reverse(LINKS[name])).status_code in (200, 302), name
    for name in set(LINKS) - shown - {"overview"}:  # «/» is everyone's start page
        # refused, or sent on to a page of their own (a bound party from the meetings to the resolutions)
        assert client.get(reverse(LINKS[name])).status_code in (302, 403, 404), name


def test_a_unit_manager_reads_my_units(client: Client, manager: User) -> None:
    nav = login(client, manager).get(reverse("needs-dashboard")).content.decode().split("<main", 1)[0]
    assert "واحدهای من" in nav or "My units" in nav


def test_visitors_see_the_public_exhibitions_and_a_login_link(client: Client) -> None:
    html = client.get(reverse("expo-exhibition-list")).content.decode()
    assert nav_links(html) == set()
    assert reverse("accounts-login") in html.split("<main", 1)[0]
