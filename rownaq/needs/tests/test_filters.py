"""One filter set per list, for the page and the API alike; one rule of who sees a need's details.

Every query parameter of the needs list (``q``, ``kind``, ``division``, ``sector``, ``supplied_from``), the
capabilities list (``q``, ``owner``) and the proposals (``need``, ``state``) finds the same rows on the
page as in the API, and a filter on a need's details never finds a need whose details the person does
not see.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for, browser_for
from rownaq.needs import access, services, workflow
from rownaq.needs.filters import NeedFilter
from rownaq.needs.models import Need, NeedKind, ProposalState, SupplySource, Visibility
from rownaq.needs.tests.desk import Desk, post_need
from rownaq.needs.workflow import act
from rownaq.registry.models import Sector, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(unit: Unit, other_unit: Unit, manager: User, other_manager: User, desk: Desk) -> dict[str, Need]:
    return {
        "bearing": post_need(unit, manager, title="بلبرینگ پمپ", sector=Sector.objects.get(code="2814")),
        "glaze": post_need(
            unit, manager, title="مواد اولیه لعاب", kind=NeedKind.RAW_MATERIAL, supplied_from=SupplySource.PROVINCE
        ),
        "secret": post_need(
            other_unit,
            other_manager,
            title="قطعه سری",
            description="توضیح محرمانه زیرکونیوم",
            supplied_from=SupplySource.PROVINCE,
            visibility=Visibility.APPROVED,
        ),
    }


def page_ids(user: User, url: str, params: dict[str, Any]) -> set[int]:
    html = browser_for(user).get(url, params).content.decode()
    return {int(pk) for pk in re.findall(r'href="/needs/(?:proposals/)?(\d+)/"', html)}


def api_ids(user: User, url: str, params: dict[str, Any]) -> set[int]:
    response = api_client_for(user).get(url, params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_need_filters_find_the_same_needs_on_the_page_and_in_the_api(
    needs: dict[str, Need], desk: Desk, other_manager: User
) -> None:
    ids = {name: need.pk for name, need in needs.items()}
    cases: list[tuple[dict[str, Any], dict[User, set[int]]]] = [
        ({}, {desk.lab: set(ids.values()), other_manager: set(ids.values())}),
        ({"kind": NeedKind.RAW_MATERIAL}, {desk.lab: {ids["glaze"]}}),
        ({"division": "28"}, {desk.lab: {ids["bearing"]}}),
        ({"sector": "281"}, {desk.lab: {ids["bearing"]}}),
        # How the secret need is supplied is one of its details: only its owner's side finds it by it.
        (
            {"supplied_from": SupplySource.PROVINCE},
            {desk.lab: {ids["glaze"]}, other_manager: {ids["glaze"], ids["secret"]}},
        ),
        # A word of the description finds the need only where the description is seen; the title everywhere.
        ({"q": "زیرکونیوم"}, {desk.lab: set(), other_manager: {ids["secret"]}}),
        ({"q": "سری"}, {desk.lab: {ids["secret"]}}),
        ({"q": "بلبرينگ", "kind": NeedKind.PART}, {desk.lab: {ids["bearing"]}}),
    ]
    for params, expected in cases:
        for user, found in expected.items():
            assert page_ids(user, reverse("needs-need-list"), params) == found, (params, user.username)
            assert api_ids(user, "/api/v1/needs/", params) == found, (params, user.username)


def test_a_wrong_value_is_ignored_by_the_page_and_refused_by_the_api(needs: dict[str, Need], desk: Desk) -> None:
    assert page_ids(desk.lab, reverse("needs-need-list"), {"kind": "nonsense"}) == {n.pk for n in needs.values()}
    assert api_client_for(desk.lab).get("/api/v1/needs/", {"kind": "nonsense"}).status_code == 400


def test_the_page_form_is_the_filter_sets(needs: dict[str, Need], desk: Desk) -> None:
    html = browser_for(desk.lab).get(reverse("needs-need-list"), {"division": "28"}).content.decode()
    assert '<select name="division" class="form-select" id="id_division">' in html
    assert '<option value="28" selected>' in html
    need_filter = NeedFilter({"division": "28"}, queryset=Need.objects.all())
    assert list(need_filter.qs) == [needs["bearing"]]


def test_the_capability_and_proposal_filters_are_shared(
    needs: dict[str, Need], desk: Desk, manager: User, other_manager: User
) -> None:
    found = {desk.capability.pk}
    assert api_ids(manager, "/api/v1/capabilities/", {"q": "قالب"}) == found
    html = browser_for(manager).get(reverse("needs-capability-list"), {"q": "قالب"}).content.decode()
    assert {int(pk) for pk in re.findall(r'href="/needs/capabilities/(\d+)/"', html)} == found
    owner = {"owner": desk.firm_org.pk}
    html = browser_for(manager).get(reverse("needs-capability-list"), owner).content.decode()
    assert {int(pk) for pk in re.findall(r'href="/needs/capabilities/(\d+)/"', html)} == {desk.firm_capability.pk}

    bearing = workflow.proposal_submit(need=needs["bearing"], capability=desk.capability, by=desk.lab, text="پیشنهاد")
    glaze = workflow.proposal_submit(need=needs["glaze"], capability=desk.capability, by=desk.lab, text="پیشنهاد")
    act(proposal=glaze, action="shortlist", by=manager)
    for params, expected in (
        ({}, {bearing.pk, glaze.pk}),
        ({"state": ProposalState.SHORTLISTED}, {glaze.pk}),
        ({"need": needs["bearing"].pk}, {bearing.pk}),
    ):
        assert api_ids(desk.lab, "/api/v1/proposals/", params) == expected
        html = browser_for(desk.lab).get(reverse("needs-my-proposals"), params).content.decode()
        assert {int(pk) for pk in re.findall(r'href="/needs/proposals/(\d+)/"', html)} == expected


def test_one_rule_decides_whose_details_are_shown(
    needs: dict[str, Need],
    desk: Desk,
    manager: User,
    other_manager: User,
    expert: User,
    investor: User,
    admin_user: User,
) -> None:
    secret = needs["secret"]
    request = services.need_access_request(need=secret, by=desk.firm)
    services.need_access_decide(request=request, by=other_manager, approve=True)
    everyone = Need.objects.all()
    for user, sees_secret in (
        (other_manager, True),  # the need's side
        (expert, True),  # province staff
        (admin_user, True),
        (desk.firm, True),  # approved access
        (desk.lab, False),
        (manager, False),
        (investor, False),
    ):
        expected = {n.pk for n in needs.values() if n.visibility == Visibility.PUBLIC or sees_secret}
        assert access.needs_details_shown(user, everyone) == expected, user.username
        assert access.needs_details_shown(user, list(everyone)) == expected, user.username
        assert set(Need.objects.details_visible_to(user).values_list("pk", flat=True)) == expected
        assert access.need_details_visible(user, secret) is sees_secret
        assert access.need_details_visible(user, needs["bearing"]) is True
