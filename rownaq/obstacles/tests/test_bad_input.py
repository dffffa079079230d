"""Bad input to the cases' pages and API gets a clear Persian error, never a server error: digits that only
look like digits, numbers beyond 64 bits, searches pasted from a whole document, text of a whole book."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import api_client_for, login
from rownaq.core.normalise import FREE_TEXT_MAX_LENGTH
from rownaq.obstacles.models import Case, CaseState, ObstacleCategory
from rownaq.obstacles.tests.test_pages import act as page_act
from rownaq.obstacles.tests.test_pages import file_data
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
HUGE = 10**30
S = CaseState


def act(case: Case, name: str) -> str:
    return f"{CASES}{case.pk}/actions/{name}/"


@pytest.fixture
def referred(make_case: Callable[..., Case]) -> Case:
    """A case of ``unit`` referred to ``bank``."""
    return make_case(S.REFERRED, title="وام سرمایه در گردش")


@pytest.mark.parametrize("into", ["م-²", "²³", "9" * 20])
def test_the_merge_page_refuses_a_case_number_that_is_no_number(
    client: Client, expert: User, make_case: Callable[..., Case], into: str
) -> None:
    duplicate = make_case()
    response = page_act(login(client, expert), duplicate, "merge", into=into)
    assert response.status_code == 400
    assert escape(_("There is no case with this number.")) in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.state == S.SUBMITTED


@pytest.mark.parametrize("into", ["²", HUGE])
def test_the_merge_api_refuses_a_case_id_that_is_no_id(
    expert: User, make_case: Callable[..., Case], into: object
) -> None:
    duplicate = make_case()
    response = api_client_for(expert).post(act(duplicate, "merge"), {"version": 1, "into": into}, format="json")
    assert response.status_code == 400
    assert "into" in response.json()


def test_the_refer_api_refuses_an_agency_id_beyond_64_bits(expert: User, make_case: Callable[..., Case]) -> None:
    case = make_case(S.ACCEPTED)
    response = api_client_for(expert).post(act(case, "refer"), {"version": 1, "agencies": [HUGE]}, format="json")
    assert response.status_code == 400
    assert "agencies" in response.json()
    assert not case.referrals.exists()


def test_the_resolve_api_refuses_money_released_beyond_64_bits(expert: User, make_case: Callable[..., Case]) -> None:
    case = make_case(S.ANSWERED)
    response = api_client_for(expert).post(
        act(case, "resolve"),
        {"version": case.version, "outcome_kind": "money_released", "money_released": HUGE, "comment": "پرداخت شد"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["money_released"] == [_("This number is too large.")]


def test_the_answer_api_refuses_an_amount_beyond_64_bits(referred: Case, bank_liaison: User) -> None:
    response = api_client_for(bank_liaison).post(
        act(referred, "answer"),
        {"version": 1, "answer": "تسهیلات تصویب شد", "decision": "done", "amount": HUGE},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["amount"] == [_("This number is too large.")]


@pytest.mark.parametrize("value", [str(HUGE), "²", "abc", "0"])
def test_the_cases_api_refuses_a_unit_filter_that_is_no_id(expert: User, referred: Case, value: str) -> None:
    response = api_client_for(expert).get(CASES, {"unit": value})
    assert response.status_code == 400
    assert "unit" in response.json()


def test_the_referrals_api_refuses_an_agency_filter_beyond_64_bits(expert: User, referred: Case) -> None:
    response = api_client_for(expert).get("/api/v1/referrals/", {"agency": str(HUGE)})
    assert response.status_code == 400


def test_a_search_of_fifteen_hundred_words_answers_on_the_page_and_the_api(
    client: Client, expert: User, referred: Case
) -> None:
    words = " ".join(f"واژه{n}" for n in range(1500))
    assert login(client, expert).get(reverse("obstacles-case-list"), {"q": words}).status_code == 200
    response = api_client_for(expert).get(CASES, {"search": words})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_description_over_ten_thousand_characters_is_refused_and_kept(
    client: Client, manager: User, unit: Unit, finance: ObstacleCategory, bank: Organisation
) -> None:
    text = "ب" * (FREE_TEXT_MAX_LENGTH + 1)
    response = login(client, manager).post(reverse("obstacles-case-file"), file_data(unit, finance, description=text))
    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    assert response.context["form"]["description"].value() == text
    refused = api_client_for(manager).post(
        CASES,
        {"unit": unit.pk, "category": finance.code, "title": "وام", "description": text},
        format="json",
    )
    assert refused.status_code == 400
    assert "description" in refused.json()
    assert not Case.objects.exists()


@pytest.mark.parametrize("agency", [str(HUGE), "²"])
def test_the_refer_page_refuses_an_agency_id_that_is_no_id(
    client: Client, expert: User, make_case: Callable[..., Case], bank: Organisation, agency: str
) -> None:
    case = make_case(S.ACCEPTED)
    response = page_act(login(client, expert), case, "refer", agencies=[bank.pk, agency], working_days="5")
    assert response.status_code == 400
    assert not case.referrals.exists()
