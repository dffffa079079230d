"""One set of filters per list: the case list page and the cases API read the same parameters (each the
other's too), and the referral list page and the referrals API likewise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import jdatetime
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import api_client_for, login
from rownaq.geography.models import IndustrialEstate
from rownaq.obstacles.models import Case, CaseEvent, CaseState, ObstacleCategory, Referral, Urgency
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db
S = CaseState


@pytest.fixture
def cases(
    make_case: Callable[..., Case],
    other_unit: Unit,
    tax: ObstacleCategory,
    tax_office: Organisation,
    expert: User,
    shokouhieh: IndustrialEstate,
    unit: Unit,
) -> dict[str, Case]:
    Unit.objects.filter(pk=unit.pk).update(estate=shokouhieh)
    found = {
        "submitted": make_case(urgency=Urgency.CRITICAL, title="کمبود مواد اولیه"),
        "referred": make_case(S.REFERRED),
        "taxed": make_case(S.REFERRED, category=tax, unit=other_unit, referral=""),
        "closed": make_case(S.CLOSED, unit=other_unit),
    }
    Referral.objects.filter(case=found["referred"]).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    Referral.objects.create(
        case=found["taxed"], agency=tax_office, referred_by=expert, working_days=10, due_on=timezone.localdate()
    )
    CaseEvent.objects.create(case=found["closed"], action="resolve", from_state=S.ANSWERED, to_state=S.RESOLVED)
    return found


def on_page(client: Client, **params: Any) -> set[int]:
    response = client.get(reverse("obstacles-case-list"), params)
    assert response.status_code == 200
    return {case.pk for case in response.context["page"]}


def in_api(client: Any, **params: Any) -> set[int]:
    response = client.get("/api/v1/cases/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_page_and_the_api_filter_alike(
    client: Client,
    cases: dict[str, Case],
    expert: User,
    bank: Organisation,
    tax: ObstacleCategory,
    shokouhieh: IndustrialEstate,
    unit: Unit,
) -> None:
    page, api = login(client, expert), api_client_for(expert)
    ids = {name: case.pk for name, case in cases.items()}
    this_month = jdatetime.date.fromgregorian(date=timezone.localdate()).strftime("%Y/%m")
    expected: list[tuple[dict[str, Any], set[str]]] = [
        ({"state": "open"}, {"submitted", "referred", "taxed"}),
        ({"state": [S.SUBMITTED, S.CLOSED]}, {"submitted", "closed"}),
        ({"category": tax.pk}, {"taxed"}),
        ({"category": tax.code}, {"taxed"}),
        ({"category": "no-such-code"}, set()),
        ({"urgency": [Urgency.CRITICAL, Urgency.LOW]}, {"submitted"}),
        ({"agency": bank.pk}, {"referred"}),
        ({"agency": bank.pk, "month": this_month}, {"referred"}),
        ({"overdue": "on"}, {"referred"}),
        ({"overdue": "true"}, {"referred"}),
        ({"overdue": "false"}, {"submitted", "taxed", "closed"}),
        ({"estate": shokouhieh.pk}, {"submitted", "referred"}),
        ({"sector": unit.sector.code[:2]}, {"submitted", "referred"}),
        ({"resolved_this_year": "1"}, {"closed"}),
        ({"q": "مواد اوليه"}, {"submitted"}),
        ({"q": unit.national_id}, {"submitted", "referred"}),
        ({"unit": unit.pk}, {"submitted", "referred"}),
    ]
    for params, names in expected:
        wanted = {ids[name] for name in names}
        assert on_page(page, **params) == wanted, params
        assert in_api(api, **params) == wanted, params


def test_a_bad_parameter_is_a_form_error_on_the_page_and_a_400_in_the_api(
    client: Client, cases: dict[str, Case], expert: User
) -> None:
    login(client, expert)
    for params in ({"month": "1404/13"}, {"state": "nonsense"}, {"category": "999999"}, {"sort": "sideways"}):
        response = client.get(reverse("obstacles-case-list"), params)
        assert response.status_code == 200
        (name,) = params
        assert response.context["form"].errors[name], params
        assert len(response.context["page"]) == len(cases)  # the other filters still apply
        assert api_client_for(expert).get("/api/v1/cases/", params).status_code == 400
    assert client.get(reverse("obstacles-case-list"), {"month": "1404/13"}).context["form"].errors["month"] == [
        "چنین ماهی وجود ندارد."
    ]


def test_the_page_form_renders_as_before(client: Client, cases: dict[str, Case], expert: User) -> None:
    """One select per choice, with «All» chosen when nothing is; a checkbox for the overdue referrals."""
    html = login(client, expert).get(reverse("obstacles-case-list"), {"overdue": "on"}).content.decode()
    assert '<select name="state" class="form-select" id="id_state">' in html
    assert '<option value="" selected>' in html
    assert '<input type="checkbox" name="overdue" class="form-check-input" id="id_overdue" checked>' in html
    html = client.get(reverse("obstacles-case-list"), {"state": "open", "urgency": "high"}).content.decode()
    assert '<option value="open" selected>' in html
    assert '<option value="high" selected>' in html
    assert '<input type="hidden" name="sort" value="-filed">' in html


def test_a_liaison_cannot_probe_a_unit_through_the_api_either(
    cases: dict[str, Case], bank_liaison: User, shokouhieh: IndustrialEstate, unit: Unit
) -> None:
    api = api_client_for(bank_liaison)
    referred = {cases["referred"].pk}
    assert in_api(api) == referred
    assert in_api(api, q=unit.national_id) == set()
    assert in_api(api, q=unit.national_id[:4]) == set()
    other_estate = IndustrialEstate.objects.create(county=shokouhieh.county, name="شهرک صنعتی محمودآباد")
    assert in_api(api, estate=shokouhieh.pk) == in_api(api, estate=other_estate.pk) == referred
    assert in_api(api, unit=unit.pk) == set()


def test_the_referral_lists_filter_alike(
    client: Client, cases: dict[str, Case], deputy: User, bank: Organisation, tax_office: Organisation
) -> None:
    page, api = login(client, deputy), api_client_for(deputy)

    def listed(**params: Any) -> tuple[set[int], set[int]]:
        rows = page.get(reverse("obstacles-referral-list"), params).context["rows"]
        response = api.get("/api/v1/referrals/", params)
        assert response.status_code == 200, response.content
        return {row["referral"].pk for row in rows}, {row["id"] for row in response.json()["results"]}

    bank_referral = Referral.objects.get(agency=bank)
    tax_referral = Referral.objects.get(agency=tax_office)
    assert listed(agency=bank.pk) == ({bank_referral.pk}, {bank_referral.pk})
    assert listed(overdue="1") == ({bank_referral.pk}, {bank_referral.pk})
    assert listed(overdue="true") == ({bank_referral.pk}, {bank_referral.pk})
    assert listed(overdue="false") == ({tax_referral.pk}, {tax_referral.pk})
    assert listed(case=cases["taxed"].pk) == ({tax_referral.pk}, {tax_referral.pk})
