"""One case referred to two agencies: each agency's liaison sees only their own agency's referral, answer and
history entries, on the page and in the API (``access.case_shown_to``), and no filter of the case list tells
them what another agency was asked; the expert and the unit's manager still see everything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import api_client_for, browser_for
from rownaq.obstacles import actions
from rownaq.obstacles.models import Case, CaseState, Referral

pytestmark = pytest.mark.django_db

BANK_ANSWER = "تسهیلات سرمایه در گردش در کمیته اعتباری بانک تصویب شد"
TAX_ANSWER = "جریمه دیرکرد مالیات بر ارزش افزوده بخشوده شد"
REFER_NOTE = "برای بررسی و پاسخ"


@pytest.fixture
def two_agencies(
    make_case: Callable[..., Case],
    expert: User,
    bank: Organisation,
    tax_office: Organisation,
    bank_liaison: User,
    tax_liaison: User,
) -> Case:
    """A case referred to the bank and the tax office (named concerned: both), answered by both."""
    case = make_case(CaseState.ACCEPTED)
    case.agencies_concerned.add(tax_office)
    actions.act(case=case, action="refer", by=expert, data={"agencies": [bank, tax_office], "comment": REFER_NOTE})
    for liaison, text in ((bank_liaison, BANK_ANSWER), (tax_liaison, TAX_ANSWER)):
        actions.act(case=case, action="answer", by=liaison, data={"answer": text, "decision": "done"})
    return Case.objects.get(pk=case.pk)


def page_of(user: User, case: Case) -> str:
    response = browser_for(user).get(reverse("obstacles-case-detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def api_of(user: User, case: Case) -> dict[str, Any]:
    response = api_client_for(user).get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 200, response.content
    return dict(response.json())


CASES = [
    # (the liaison's fixture, their agency's fixture, their answer, the other agency's answer, the other liaison)
    ("bank_liaison", "bank", BANK_ANSWER, TAX_ANSWER, "tax_liaison"),
    ("tax_liaison", "tax_office", TAX_ANSWER, BANK_ANSWER, "bank_liaison"),
]


@pytest.mark.parametrize(("who", "agency", "own", "other", "other_liaison"), CASES, ids=["bank", "tax"])
def test_a_liaisons_case_page_shows_only_their_agencys_answer(
    request: pytest.FixtureRequest, two_agencies: Case, who: str, agency: str, own: str, other: str, other_liaison: str
) -> None:
    liaison, organisation = request.getfixturevalue(who), request.getfixturevalue(agency)
    someone_else = request.getfixturevalue(other_liaison)
    html = page_of(liaison, two_agencies)
    assert own in html
    assert other not in html
    assert str(someone_else) not in html
    assert someone_else.username not in html
    response = browser_for(liaison).get(reverse("obstacles-case-detail", args=[two_agencies.pk]))
    rows = response.context["referrals"]
    assert [row["referral"].agency_id for row in rows] == [organisation.pk]
    events = response.context["events"]
    assert [e.action for e in events] == ["refer", "answer"]
    assert all(e.comment != other for e in events)
    assert [a.pk for a in response.context["agencies_concerned"]] == [organisation.pk]
    assert REFER_NOTE in html  # the referral itself concerns them


@pytest.mark.parametrize(("who", "agency", "own", "other", "other_liaison"), CASES, ids=["bank", "tax"])
def test_a_liaison_gets_only_their_agencys_answer_and_history_from_the_api(
    request: pytest.FixtureRequest, two_agencies: Case, who: str, agency: str, own: str, other: str, other_liaison: str
) -> None:
    liaison, organisation = request.getfixturevalue(who), request.getfixturevalue(agency)
    someone_else = request.getfixturevalue(other_liaison)
    for body in (api_of(liaison, two_agencies), _listed(liaison, two_agencies)):
        assert [r["agency"]["id"] for r in body["referrals"]] == [organisation.pk]
        assert [r["answer"] for r in body["referrals"]] == [own]
        comments = [e["comment"] for e in body["events"]]
        assert own in comments
        assert other not in comments
        assert str(someone_else) not in {e["by"] for e in body["events"]}
        assert [a["id"] for a in body["agencies_concerned"]] == [organisation.pk]
        assert other not in str(body)


def _listed(user: User, case: Case) -> dict[str, Any]:
    rows = api_client_for(user).get("/api/v1/cases/").json()["results"]
    return dict(next(row for row in rows if row["id"] == case.pk))


@pytest.mark.parametrize("who", ["expert", "manager"])
def test_the_expert_and_the_unit_see_every_answer(request: pytest.FixtureRequest, two_agencies: Case, who: str) -> None:
    user = request.getfixturevalue(who)
    html = page_of(user, two_agencies)
    assert BANK_ANSWER in html
    assert TAX_ANSWER in html
    body = api_of(user, two_agencies)
    assert {r["answer"] for r in body["referrals"]} == {BANK_ANSWER, TAX_ANSWER}
    assert {BANK_ANSWER, TAX_ANSWER} <= {e["comment"] for e in body["events"]}
    assert len(body["agencies_concerned"]) == 2


def test_the_case_list_does_not_tell_a_liaison_what_another_agency_was_asked(
    two_agencies: Case, bank_liaison: User, tax_office: Organisation, bank: Organisation
) -> None:
    client: Client = browser_for(bank_liaison)
    url = reverse("obstacles-case-list")

    def listed(**params: Any) -> list[int]:
        return [case.pk for case in client.get(url, params).context["page"]]

    assert listed() == [two_agencies.pk]
    assert listed(agency=bank.pk) == [two_agencies.pk]
    assert listed(agency=tax_office.pk) == []  # the case was referred to the tax office too: not theirs to know
    api = api_client_for(bank_liaison)
    assert api.get("/api/v1/cases/", {"agency": tax_office.pk}).json()["count"] == 0


def test_the_case_list_shows_a_liaison_their_own_due_date_and_overdue_state(
    make_case: Callable[..., Case], bank_liaison: User, tax_office: Organisation, expert: User
) -> None:
    case = make_case(CaseState.REFERRED)  # an open referral to the bank, due today
    past = timezone.localdate(case.filed_at).replace(year=case.filed_at.year - 1)
    Referral.objects.create(case=case, agency=tax_office, referred_by=expert, working_days=5, due_on=past)
    client = browser_for(bank_liaison)
    url = reverse("obstacles-case-list")
    [shown] = client.get(url).context["page"]
    assert shown.next_due == timezone.localdate(case.filed_at)  # not the tax office's (overdue) date
    assert [c.pk for c in client.get(url, {"overdue": "on"}).context["page"]] == []
    staff = browser_for(expert)
    assert [c.pk for c in staff.get(url, {"overdue": "on"}).context["page"]] == [case.pk]
