"""Bad input to the desk's pages and API gets a clear Persian error, never a server error or a page that
takes half a minute: an accepted value beyond 64 bits, a message of a whole book, a search pasted from a
document, a deadline in year 1."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for, login
from rownaq.core.normalise import FREE_TEXT_MAX_LENGTH
from rownaq.needs.models import Agreement, Need, Proposal, ProposalMessage
from rownaq.needs.tests.desk import Desk, post_need
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

NEEDS = "/api/v1/needs/"
CAPABILITIES = "/api/v1/capabilities/"
PROPOSALS = "/api/v1/proposals/"
HUGE = 10**30
WORDS = " ".join(f"واژه{n}" for n in range(1500))


@pytest.fixture
def proposal(unit: Unit, manager: User, desk: Desk) -> Proposal:
    need = post_need(unit, manager)
    sent = api_client_for(desk.lab).post(
        PROPOSALS, {"need": need.pk, "capability": desk.capability.pk, "text": "ساخت قالب"}, format="json"
    )
    assert sent.status_code == 201, sent.content
    return Proposal.objects.get(pk=sent.json()["id"])


def test_the_accept_api_refuses_a_value_beyond_64_bits(proposal: Proposal, manager: User) -> None:
    response = api_client_for(manager).post(f"{PROPOSALS}{proposal.pk}/actions/accept/", {"value": HUGE}, format="json")
    assert response.status_code == 400
    assert response.json()["value"] == [_("This number is too large.")]
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("field", ["need", "capability"])
def test_the_proposal_api_refuses_ids_beyond_64_bits(proposal: Proposal, desk: Desk, field: str) -> None:
    data: dict[str, Any] = {"need": proposal.need_id, "capability": desk.capability.pk, "text": "پیشنهاد", field: HUGE}
    response = api_client_for(desk.lab).post(PROPOSALS, data, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_message_over_ten_thousand_characters_is_refused_on_the_page_and_the_api(
    client: Client, proposal: Proposal, manager: User
) -> None:
    text = "پ" * (FREE_TEXT_MAX_LENGTH + 1)
    page = login(client, manager).post(reverse("needs-proposal-message", args=[proposal.pk]), {"text": text})
    assert page.status_code == 400
    assert page.context["message_form"].errors["text"]
    assert page.context["message_form"]["text"].value() == text
    api = api_client_for(manager)
    refused = api.post(f"{PROPOSALS}{proposal.pk}/messages/", {"text": text}, format="json")
    assert refused.status_code == 400
    assert "text" in refused.json()
    assert not ProposalMessage.objects.exists()
    at_limit = "پ" * FREE_TEXT_MAX_LENGTH
    assert api.post(f"{PROPOSALS}{proposal.pk}/messages/", {"text": at_limit}, format="json").status_code == 201


@pytest.mark.parametrize(("page", "api"), [("needs-need-list", NEEDS), ("needs-capability-list", CAPABILITIES)])
def test_a_search_of_fifteen_hundred_words_answers_on_the_page_and_the_api(
    client: Client, manager: User, desk: Desk, page: str, api: str
) -> None:
    assert login(client, manager).get(reverse(page), {"q": WORDS}).status_code == 200
    response = api_client_for(manager).get(api, {"search": WORDS})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("owner", [str(HUGE), "²"])
def test_the_capabilities_api_refuses_an_owner_filter_that_is_no_id(manager: User, desk: Desk, owner: str) -> None:
    assert api_client_for(manager).get(CAPABILITIES, {"owner": owner}).status_code == 400


def test_a_deadline_in_year_one_is_refused(unit: Unit, manager: User, desk: Desk) -> None:
    fields = {
        "unit": unit.pk,
        "title": "بلبرینگ",
        "description": "بلبرینگ موتور",
        "kind": "part",
        "supplied_from": "imported",
        "deadline": "0001-01-01",
    }
    response = api_client_for(manager).post(NEEDS, fields, format="json")
    assert response.status_code == 400
    assert response.json()["deadline"] == [
        _("Enter a date between the years %(first)s and %(last)s.") % {"first": "۱۳۰۰", "last": "۱۴۹۹"}
    ]
    assert not Need.objects.filter(title="بلبرینگ").exists()
    assert api_client_for(manager).get(NEEDS).status_code == 200
