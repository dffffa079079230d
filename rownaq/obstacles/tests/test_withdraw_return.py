"""A referral sent to the wrong agency: the expert withdraws it, or the agency's liaison returns the case as not
its own. Either is recorded with its reason, ends the referral (out of the agency's queue, the case out of its
sight) and leaves the case where the expert refers it again; by the services, the page and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import api_client_for, browser_for
from rownaq.notifications.models import Notification
from rownaq.obstacles import actions, referrals, workflow
from rownaq.obstacles.access import cases_visible_to, referrals_visible_to
from rownaq.obstacles.models import Case, CaseState, Referral, ReferralState
from rownaq.obstacles.tests.kit import snapshot
from rownaq.obstacles.workflow import CaseError

pytestmark = pytest.mark.django_db

S = CaseState
WRONG_BANK = "این تسهیلات از بانک دیگری گرفته شده است"
NOT_OURS = "پرونده مالیاتی به این بانک مربوط نیست"


@pytest.fixture
def two_agencies(make_case: Callable[..., Case], expert: User, bank: Organisation, tax_office: Organisation) -> Case:
    """A case referred to the bank and the tax office, neither answered yet."""
    case = make_case(S.ACCEPTED)
    workflow.case_refer(case=case, agencies=[bank, tax_office], by=expert)
    return Case.objects.get(pk=case.pk)


def open_referral(case: Case, agency: Organisation) -> Referral:
    return case.referrals.get(agency=agency, state=ReferralState.OPEN)


def sees(user: User, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


# -- the services ----------------------------------------------------------------------------------


def test_the_expert_withdraws_a_referral_with_a_reason(
    two_agencies: Case, expert: User, bank: Organisation, bank_liaison: User, tax_liaison: User
) -> None:
    referral = open_referral(two_agencies, bank)
    referrals.referral_withdraw(referral=referral, by=expert, reason=WRONG_BANK, expected_version=2)

    referral.refresh_from_db()
    assert (referral.state, referral.end_reason, referral.ended_by) == (ReferralState.WITHDRAWN, WRONG_BANK, expert)
    assert referral.ended_at is not None
    event = two_agencies.events.get(action="withdraw_referral")
    assert (event.comment, event.by, event.data) == (WRONG_BANK, expert, {"referral": referral.pk, "agency": bank.pk})
    assert Case.objects.get(pk=two_agencies.pk).state == S.REFERRED  # the tax office still has to answer
    # The bank's liaison no longer sees the case nor the referral, and is told why (with no link to it).
    assert not sees(bank_liaison, two_agencies)
    assert not referrals_visible_to(bank_liaison).exists()
    notice = Notification.objects.get(recipient=bank_liaison, text__contains=WRONG_BANK)
    assert notice.link == ""
    assert sees(tax_liaison, two_agencies)


def test_withdrawing_the_only_referral_sends_the_case_back_to_be_referred_again(
    make_case: Callable[..., Case], expert: User, bank: Organisation, tax_office: Organisation
) -> None:
    case = make_case(S.REFERRED)
    actions.act(
        case=case, action="withdraw_referral", by=expert, data={"referral": open_referral(case, bank), "reason": "x"}
    )
    case.refresh_from_db()
    assert case.state == S.ACCEPTED
    assert "refer" in workflow.allowed_actions(case, expert)
    actions.act(case=case, action="refer", by=expert, data={"agencies": [tax_office]})
    assert Case.objects.get(pk=case.pk).state == S.REFERRED


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_withdrawal_needs_a_reason_and_changes_nothing_without_one(
    two_agencies: Case, expert: User, bank: Organisation, reason: str
) -> None:
    before = snapshot(two_agencies)
    with pytest.raises(CaseError):
        referrals.referral_withdraw(referral=open_referral(two_agencies, bank), by=expert, reason=reason)
    assert snapshot(two_agencies) == before


def test_only_the_cases_expert_withdraws_and_only_an_open_referral(
    two_agencies: Case, bank: Organisation, bank_liaison: User, deputy: User, manager: User, expert: User
) -> None:
    referral = open_referral(two_agencies, bank)
    before = snapshot(two_agencies)
    for person in (bank_liaison, deputy, manager):
        with pytest.raises(PermissionDenied):
            referrals.referral_withdraw(referral=referral, by=person, reason=WRONG_BANK)
    assert snapshot(two_agencies) == before
    referrals.referral_withdraw(referral=referral, by=expert, reason=WRONG_BANK)
    with pytest.raises(CaseError):
        referrals.referral_withdraw(referral=referral, by=expert, reason=WRONG_BANK)


def test_a_referral_of_another_case_is_refused(
    two_agencies: Case, make_case: Callable[..., Case], expert: User, bank: Organisation
) -> None:
    other = make_case(S.REFERRED, title="پرونده دیگر")
    with pytest.raises(CaseError):
        actions.act(
            case=other,
            action="withdraw_referral",
            by=expert,
            data={"referral": open_referral(two_agencies, bank), "reason": WRONG_BANK},
        )
    assert open_referral(two_agencies, bank).state == ReferralState.OPEN


def test_the_liaison_returns_a_case_as_not_their_agencys(
    make_case: Callable[..., Case], bank: Organisation, bank_liaison: User, expert: User
) -> None:
    case = make_case(S.REFERRED)
    actions.act(case=case, action="return_referral", by=bank_liaison, data={"reason": NOT_OURS})

    referral = case.referrals.get()
    assert (referral.state, referral.end_reason, referral.ended_by) == (ReferralState.RETURNED, NOT_OURS, bank_liaison)
    event = case.events.get(action="return_referral")
    assert (event.comment, event.by, event.from_state, event.to_state) == (
        NOT_OURS,
        bank_liaison,
        S.REFERRED,
        S.ACCEPTED,
    )
    # Out of the bank's queue and sight; the expert is told, with a link, and refers the case again.
    assert not referrals_visible_to(bank_liaison).exists()
    assert not sees(bank_liaison, case)
    notice = Notification.objects.get(recipient=expert)
    assert NOT_OURS in notice.text
    assert notice.link == reverse("obstacles-case-detail", args=[case.pk])
    case.refresh_from_db()
    assert "refer" in workflow.allowed_actions(case, expert)


def test_a_returned_or_withdrawn_referral_is_never_escalated(
    two_agencies: Case, bank: Organisation, tax_office: Organisation, bank_liaison: User, expert: User
) -> None:
    referrals.referral_return(referral=open_referral(two_agencies, bank), by=bank_liaison, reason=NOT_OURS)
    referrals.referral_withdraw(referral=open_referral(two_agencies, tax_office), by=expert, reason=WRONG_BANK)
    later = two_agencies.referrals.get(agency=bank).due_on + dt.timedelta(days=30)
    assert referrals.referrals_escalate(today=later) == 0
    assert Case.objects.get(pk=two_agencies.pk).state == S.ACCEPTED


def test_a_case_on_the_hq_agenda_stays_there_and_is_referred_again_there(
    make_case: Callable[..., Case], bank_liaison: User, expert: User, tax_office: Organisation
) -> None:
    case = make_case(S.ON_AGENDA)
    actions.act(case=case, action="return_referral", by=bank_liaison, data={"reason": NOT_OURS})
    case.refresh_from_db()
    assert case.state == S.ON_AGENDA
    actions.act(case=case, action="refer", by=expert, data={"agencies": [tax_office]})
    case.refresh_from_db()
    assert case.state == S.ON_AGENDA
    assert case.referrals.get(state=ReferralState.OPEN).agency == tax_office


def test_another_agencys_liaison_cannot_return_a_referral(
    two_agencies: Case, bank: Organisation, tax_liaison: User
) -> None:
    with pytest.raises(PermissionDenied):
        referrals.referral_return(referral=open_referral(two_agencies, bank), by=tax_liaison, reason=NOT_OURS)
    assert open_referral(two_agencies, bank).state == ReferralState.OPEN


# -- the page --------------------------------------------------------------------------------------


def post_action(client: Client, case: Case, action: str, **data: object) -> object:
    case.refresh_from_db()
    data.setdefault("version", case.version)
    return client.post(reverse("obstacles-case-action", args=[case.pk, action]), data)


def test_the_expert_withdraws_on_the_case_page(
    two_agencies: Case, expert: User, bank: Organisation, tax_office: Organisation
) -> None:
    client = browser_for(expert)
    page = client.get(reverse("obstacles-case-detail", args=[two_agencies.pk]))
    form = next(f["form"] for f in page.context["action_forms"] if f["name"] == "withdraw_referral")
    assert {r.agency_id for r in form.fields["referral"].queryset} == {bank.pk, tax_office.pk}
    referral = open_referral(two_agencies, bank)
    response = post_action(client, two_agencies, "withdraw_referral", referral=referral.pk, comment=WRONG_BANK)
    assert response.status_code == 302  # type: ignore[attr-defined]
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN
    html = client.get(reverse("obstacles-case-detail", args=[two_agencies.pk])).content.decode()
    assert WRONG_BANK in html


def test_a_withdrawal_without_a_reason_keeps_what_was_chosen(
    two_agencies: Case, expert: User, bank: Organisation
) -> None:
    referral = open_referral(two_agencies, bank)
    response = post_action(browser_for(expert), two_agencies, "withdraw_referral", referral=referral.pk, comment=" ")
    assert response.status_code == 400  # type: ignore[attr-defined]
    form = next(f["form"] for f in response.context["action_forms"] if f["name"] == "withdraw_referral")  # type: ignore[attr-defined]
    assert form.errors["comment"]
    assert form["referral"].value() == str(referral.pk)
    referral.refresh_from_db()
    assert referral.state == ReferralState.OPEN


def test_the_liaison_returns_on_the_case_page_and_lands_on_their_referrals(
    make_case: Callable[..., Case], bank_liaison: User
) -> None:
    case = make_case(S.REFERRED)
    client = browser_for(bank_liaison)
    page = client.get(reverse("obstacles-case-detail", args=[case.pk]))
    assert "return_referral" in [f["name"] for f in page.context["action_forms"]]
    response = post_action(client, case, "return_referral", comment=NOT_OURS)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == reverse("obstacles-referral-list")  # type: ignore[index]
    assert client.get(reverse("obstacles-case-detail", args=[case.pk])).status_code == 404
    assert list(client.get(reverse("obstacles-referral-list")).context["rows"]) == []


# -- the API ---------------------------------------------------------------------------------------


def test_the_api_withdraws_and_returns(
    two_agencies: Case, expert: User, bank: Organisation, tax_office: Organisation, tax_liaison: User
) -> None:
    api = api_client_for(expert)
    url = f"/api/v1/cases/{two_agencies.pk}/actions/withdraw_referral/"
    bank_referral = open_referral(two_agencies, bank)
    refused = api.post(url, {"version": 2, "referral": bank_referral.pk, "reason": ""}, format="json")
    assert refused.status_code == 400
    response = api.post(url, {"version": 2, "referral": bank_referral.pk, "reason": WRONG_BANK}, format="json")
    assert response.status_code == 200, response.content
    shown = {r["agency"]["id"]: r for r in response.json()["referrals"]}
    assert (shown[bank.pk]["state"], shown[bank.pk]["end_reason"]) == ("withdrawn", WRONG_BANK)
    assert "withdraw_referral" in [e["action"] for e in response.json()["events"]]

    liaison_api = api_client_for(tax_liaison)
    tax_referral = open_referral(two_agencies, tax_office)
    returned = liaison_api.post(
        f"/api/v1/referrals/{tax_referral.pk}/return/", {"reason": NOT_OURS, "version": 3}, format="json"
    )
    assert returned.status_code == 200, returned.content
    assert (returned.json()["state"], returned.json()["end_reason"]) == ("returned", NOT_OURS)
    assert liaison_api.get(f"/api/v1/cases/{two_agencies.pk}/").status_code == 404
    assert liaison_api.get("/api/v1/referrals/").json()["count"] == 0
    assert Case.objects.get(pk=two_agencies.pk).state == S.ACCEPTED


def test_the_api_refuses_a_referral_of_another_case(
    two_agencies: Case, make_case: Callable[..., Case], expert: User, bank: Organisation
) -> None:
    other = make_case(S.REFERRED, title="پرونده دیگر")
    response = api_client_for(expert).post(
        f"/api/v1/cases/{other.pk}/actions/withdraw_referral/",
        {"version": other.version, "referral": open_referral(two_agencies, bank).pk, "reason": WRONG_BANK},
        format="json",
    )
    assert response.status_code == 400
    assert open_referral(two_agencies, bank).state == ReferralState.OPEN


def test_a_case_returned_through_the_case_actions_answers_no_content(
    make_case: Callable[..., Case], bank_liaison: User
) -> None:
    case = make_case(S.REFERRED)
    response = api_client_for(bank_liaison).post(
        f"/api/v1/cases/{case.pk}/actions/return_referral/",
        {"version": case.version, "reason": NOT_OURS},
        format="json",
    )
    assert response.status_code == 204
    assert case.referrals.get().state == ReferralState.RETURNED
