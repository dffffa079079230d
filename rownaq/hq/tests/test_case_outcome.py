"""A case's outcome waits for the commitments of its HQ resolutions: the expert who records it while one is
still open says why, on the page and in the API, and the case's history keeps it (the HQ's check is asked
through ``obstacles.hooks``, registered in ``HqConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import api_client_for, login
from rownaq.geography.models import Province
from rownaq.hq import services
from rownaq.hq import workflow as meetings
from rownaq.hq.models import Commitment, Party, Resolution
from rownaq.obstacles import actions, hooks, workflow
from rownaq.obstacles.models import Case, CaseState

pytestmark = pytest.mark.django_db
OUTCOME = {"outcome_kind": "money_released", "outcome_note": "تسهیلات پرداخت شد"}


@pytest.fixture
def decided(make_case: Callable[..., Case]) -> Case:
    return make_case(CaseState.ON_AGENDA)


def resolve_at(qom: Province, deputy: User, bank: Organisation, case: Case, *, held: bool = True) -> Resolution:
    """Meeting 13 (held yesterday, or planned for next week) with a resolution binding the bank on ``case``."""
    day = timezone.localdate() + (dt.timedelta(days=-1) if held else dt.timedelta(days=7))
    meeting = services.meeting_create(province=qom, held_on=day, number=13, by=deputy)
    if held:
        meetings.act(meeting=meeting, action="hold", by=deputy)
    return services.resolution_issue(
        meeting=meeting,
        case=case,
        text="بانک بدهی را استمهال کند.",
        commitments=[
            {"party": Party.AGENCY, "owner": bank, "text": "استمهال", "deadline": day + dt.timedelta(days=30)}
        ],
        by=deputy,
    )


def test_the_outcome_waits_for_the_commitments_unless_the_expert_says_why(
    qom: Province, deputy: User, expert: User, bank: Organisation, decided: Case
) -> None:
    resolve_at(qom, deputy, bank, decided)
    decided.refresh_from_db()
    assert decided.state == CaseState.DECIDED
    with pytest.raises(workflow.CaseError) as refused:
        actions.act(case=decided, action="resolve", by=expert, data=OUTCOME)
    assert "بانک ملت" in str(refused.value)
    assert "۱۳/۱" in str(refused.value)
    decided.refresh_from_db()
    assert decided.state == CaseState.DECIDED

    reason = "واحد با فروش دارایی بدهی را تسویه کرد؛ استمهال دیگر لازم نیست."
    actions.act(case=decided, action="resolve", by=expert, data={**OUTCOME, "reason": reason})
    assert decided.state == CaseState.RESOLVED
    event = decided.events.get(action="resolve")
    assert reason in event.comment
    assert "بانک ملت" in event.comment
    assert event.data["reason"] == reason


def test_once_the_commitments_are_carried_out_the_outcome_needs_no_reason(
    qom: Province, deputy: User, expert: User, bank: Organisation, bank_liaison: User, decided: Case
) -> None:
    resolution = resolve_at(qom, deputy, bank, decided)
    services.commitment_carry_out(commitment=resolution.commitments.get(), by=bank_liaison, note="استمهال شد")
    actions.act(case=decided, action="resolve", by=expert, data=OUTCOME)
    assert decided.state == CaseState.RESOLVED
    assert decided.events.get(action="resolve").comment == OUTCOME["outcome_note"]


def test_a_draft_holds_no_outcome_back(
    qom: Province, deputy: User, bank: Organisation, make_case: Callable[..., Case]
) -> None:
    case = make_case(CaseState.ANSWERED)
    resolution = resolve_at(qom, deputy, bank, case, held=False)
    assert hooks.open_matters(case) == []  # a draft binds nobody yet
    meetings.act(meeting=resolution.meeting, action="hold", by=deputy)
    assert len(hooks.open_matters(case)) == 1


def test_the_case_page_says_what_is_open_and_keeps_the_form(
    client: Client, qom: Province, deputy: User, expert: User, bank: Organisation, decided: Case
) -> None:
    resolve_at(qom, deputy, bank, decided)
    login(client, expert)
    url = reverse("obstacles-case-detail", args=[decided.pk])
    page = client.get(url)
    assert 'name="reason"' in page.content.decode()  # the form asks why, naming what is open
    post = reverse("obstacles-case-action", args=[decided.pk, "resolve"])
    fields = {"version": decided.version, "outcome_kind": "money_released", "comment": "تسهیلات پرداخت شد"}
    response = client.post(post, fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert "هنوز اجرا نشده است" in html
    assert "تسهیلات پرداخت شد" in html  # what was typed is kept
    decided.refresh_from_db()
    assert decided.state == CaseState.DECIDED

    response = client.post(post, {**fields, "reason": "بانک وثیقه را آزاد کرد."})
    assert response.status_code == 302
    history = client.get(url).content.decode()
    assert "بانک وثیقه را آزاد کرد." in history


def test_the_api_refuses_the_outcome_in_persian_and_takes_a_reason(
    qom: Province, deputy: User, expert: User, bank: Organisation, decided: Case
) -> None:
    resolve_at(qom, deputy, bank, decided)
    decided.refresh_from_db()
    client = api_client_for(expert)
    url = f"/api/v1/cases/{decided.pk}/actions/resolve/"
    response = client.post(url, {"version": decided.version, **OUTCOME}, format="json")
    assert response.status_code == 400
    assert "هنوز اجرا نشده است" in str(response.json()["detail"])
    response = client.post(url, {"version": decided.version, **OUTCOME, "reason": "تسویه شد."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == CaseState.RESOLVED
    assert Commitment.objects.filter(done_on__isnull=True).count() == 1  # the commitment itself stays open
