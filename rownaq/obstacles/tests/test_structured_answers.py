"""An agency's answer is more than a text: a decision, an amount where money is concerned (entered and shown
in billion rials) and files checked like a case's; on the page and in the API, and an answer's file only for
those who see that answer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import api_client_for, browser_for
from rownaq.core.numbers import format_billion_rial
from rownaq.obstacles import workflow
from rownaq.obstacles.models import AnswerDecision, Attachment, Case, CaseState, Referral, ReferralState
from rownaq.obstacles.tests.test_attachments import EXE, PDF

pytestmark = pytest.mark.django_db

TEXT = "تسهیلات سرمایه در گردش در کمیته اعتباری شعبه تصویب شد."


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def two_agencies(make_case: Callable[..., Case], expert: User, bank: Organisation, tax_office: Organisation) -> Case:
    case = make_case(CaseState.ACCEPTED)
    workflow.case_refer(case=case, agencies=[bank, tax_office], by=expert)
    return Case.objects.get(pk=case.pk)


def bank_referral(case: Case, bank: Organisation) -> Referral:
    return case.referrals.get(agency=bank)


def letter() -> SimpleUploadedFile:
    return SimpleUploadedFile("مصوبه کمیته اعتباری.pdf", PDF, content_type="application/pdf")


def billions(amount: int) -> str:
    with translation.override("fa"):
        return format_billion_rial(amount)


# -- the page --------------------------------------------------------------------------------------


def test_a_bank_answers_with_a_decision_an_amount_and_a_letter(
    two_agencies: Case, bank: Organisation, bank_liaison: User, expert: User, tax_liaison: User
) -> None:
    referral = bank_referral(two_agencies, bank)
    client = browser_for(bank_liaison)
    response = client.post(
        reverse("obstacles-referral-answer", args=[referral.pk]),
        {
            "version": two_agencies.version,
            "decision": AnswerDecision.PARTLY_DONE,
            "answer": TEXT,
            "amount": "۱۲٫۵",  # Persian digits and decimal point, in billion rials
            "attachments": [letter()],
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.decision, referral.amount) == (
        ReferralState.ANSWERED,
        AnswerDecision.PARTLY_DONE,
        12_500_000_000,
    )
    [file] = referral.attachments.all()
    assert (file.case_id, file.name, file.content_type) == (
        two_agencies.pk,
        "مصوبه کمیته اعتباری.pdf",
        "application/pdf",
    )
    event = two_agencies.events.get(action="answer")
    assert (event.data["decision"], event.data["amount"]) == ("partly_done", 12_500_000_000)

    html = browser_for(expert).get(reverse("obstacles-case-detail", args=[two_agencies.pk])).content.decode()
    assert billions(12_500_000_000) in html  # «۱۲٫۵ میلیارد ریال»
    assert "مصوبه کمیته اعتباری.pdf" in html
    download = reverse("obstacles-attachment", args=[file.pk])
    assert download in html
    assert browser_for(expert).get(download).status_code == 200
    assert client.get(download).status_code == 200
    # The tax office's liaison sees the case but neither the bank's answer nor its letter.
    other = browser_for(tax_liaison)
    assert (
        "مصوبه کمیته اعتباری"
        not in other.get(reverse("obstacles-case-detail", args=[two_agencies.pk])).content.decode()
    )
    assert other.get(download).status_code == 404


def test_an_answer_without_a_decision_keeps_what_was_typed(
    two_agencies: Case, bank: Organisation, bank_liaison: User
) -> None:
    referral = bank_referral(two_agencies, bank)
    response = browser_for(bank_liaison).post(
        reverse("obstacles-referral-answer", args=[referral.pk]),
        {"version": two_agencies.version, "decision": "", "answer": TEXT, "amount": "۵۰۰"},
    )
    assert response.status_code == 400
    [item] = response.context["answer_forms"]
    assert item["form"].errors["decision"]
    assert (item["form"]["answer"].value(), item["form"]["amount"].value()) == (TEXT, "۵۰۰")
    referral.refresh_from_db()
    assert referral.state == ReferralState.OPEN


def test_an_answer_with_a_program_instead_of_a_letter_is_refused_in_persian(
    two_agencies: Case, bank: Organisation, bank_liaison: User
) -> None:
    referral = bank_referral(two_agencies, bank)
    response = browser_for(bank_liaison).post(
        reverse("obstacles-referral-answer", args=[referral.pk]),
        {
            "version": two_agencies.version,
            "decision": AnswerDecision.DONE,
            "answer": TEXT,
            "attachments": [SimpleUploadedFile("letter.pdf", EXE, content_type="application/pdf")],
        },
    )
    assert response.status_code == 400
    assert "PDF" in response.content.decode()
    [item] = response.context["answer_forms"]
    assert item["form"]["answer"].value() == TEXT
    referral.refresh_from_db()
    assert referral.state == ReferralState.OPEN
    assert not Attachment.objects.exists()


def test_a_negative_amount_is_refused(two_agencies: Case, bank: Organisation, bank_liaison: User) -> None:
    referral = bank_referral(two_agencies, bank)
    response = browser_for(bank_liaison).post(
        reverse("obstacles-referral-answer", args=[referral.pk]),
        {"version": two_agencies.version, "decision": "done", "answer": TEXT, "amount": "-5"},
    )
    assert response.status_code == 400
    assert bank_referral(two_agencies, bank).state == ReferralState.OPEN


def test_an_answer_given_before_decisions_shows_as_it_was(make_case: Callable[..., Case], expert: User) -> None:
    """The migration left the answers already given with no decision and no amount: shown as they were."""
    case = make_case(CaseState.ANSWERED)  # the bank's answer, «پاسخ بانک», with no decision
    page = browser_for(expert).get(reverse("obstacles-case-detail", args=[case.pk])).content.decode()
    assert "پاسخ بانک" in page
    assert "answer-decision" not in page
    [shown] = api_client_for(expert).get(f"/api/v1/cases/{case.pk}/").json()["referrals"]
    assert (shown["decision"], shown["decision_label"], shown["amount"], shown["amount_label"]) == ("", "", None, "")


# -- the API ---------------------------------------------------------------------------------------


def test_the_api_takes_a_structured_answer_with_a_file(
    two_agencies: Case, bank: Organisation, bank_liaison: User, expert: User, tax_liaison: User
) -> None:
    referral = bank_referral(two_agencies, bank)
    api = api_client_for(bank_liaison)
    url = f"/api/v1/referrals/{referral.pk}/answer/"
    assert api.post(url, {"answer": TEXT}, format="json").status_code == 400  # no decision
    response = api.post(
        url,
        {"answer": TEXT, "decision": "done", "amount": 40_000_000_000, "attachments": [letter()]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["decision"], body["amount"], body["amount_label"]) == (
        "done",
        40_000_000_000,
        billions(40_000_000_000),
    )
    [file] = body["attachments"]
    assert file["name"] == "مصوبه کمیته اعتباری.pdf"
    assert api_client_for(expert).get(file["url"]).status_code == 200
    assert api_client_for(tax_liaison).get(file["url"]).status_code == 404
    [shown] = api_client_for(tax_liaison).get(f"/api/v1/cases/{two_agencies.pk}/").json()["referrals"]
    assert shown["attachments"] == []


def test_the_case_action_answer_takes_a_decision_and_refuses_a_bad_one(
    two_agencies: Case, bank: Organisation, bank_liaison: User
) -> None:
    api = api_client_for(bank_liaison)
    url = f"/api/v1/cases/{two_agencies.pk}/actions/answer/"
    refused = api.post(url, {"version": two_agencies.version, "answer": TEXT, "decision": "maybe"}, format="json")
    assert refused.status_code == 400
    missing = api.post(url, {"version": two_agencies.version, "answer": TEXT}, format="json")
    assert missing.status_code == 400
    assert "detail" in missing.json()
    done = api.post(
        url, {"version": two_agencies.version, "answer": TEXT, "decision": "needs_documents"}, format="json"
    )
    assert done.status_code == 200, done.content
    assert bank_referral(two_agencies, bank).decision == AnswerDecision.NEEDS_DOCUMENTS
