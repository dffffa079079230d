"""The cases API, role by role: filing, who sees which case and how much of its unit, the workflow's
actions over HTTP (with stale versions and refusals), the liaison's referrals, and the schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from rownaq.accounts.models import AgencyCode, Organisation, OrganisationKind, User
from rownaq.accounts.testing import api_client_for
from rownaq.core.jalali import format_jalali
from rownaq.obstacles import actions, workflow
from rownaq.obstacles.models import Case, CaseState, ObstacleCategory, Referral, ReferralState, Urgency
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
REFERRALS = "/api/v1/referrals/"
CATEGORIES = "/api/v1/obstacle-categories/"
S = CaseState


def detail(case: Case) -> str:
    return f"{CASES}{case.pk}/"


def act(case: Case, name: str) -> str:
    return f"{CASES}{case.pk}/actions/{name}/"


def listed(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def referred(make_case: Callable[..., Case]) -> Case:
    """A case of ``unit`` referred to ``bank`` (open referral)."""
    return make_case(S.REFERRED, title="وام سرمایه در گردش")


@pytest.fixture
def taxed(make_case: Callable[..., Case], tax: ObstacleCategory, tax_office: Organisation, expert: User) -> Case:
    """A case of ``other_unit`` referred to the tax office only."""
    case = make_case(S.ACCEPTED, unit=Unit.objects.get(name="فرش نگین"), category=tax, title="جریمه مالیاتی")
    workflow.case_refer(case=case, agencies=[tax_office], by=expert)
    return fresh(case)


@pytest.fixture
def submitted(make_case: Callable[..., Case]) -> Case:
    return make_case(S.SUBMITTED, title="قطعی برق", urgency=Urgency.CRITICAL)


@pytest.fixture
def all_cases(referred: Case, other_unit: Unit, taxed: Case, submitted: Case) -> list[Case]:
    return [referred, taxed, submitted]


class TestAuthentication:
    def test_anonymous_is_refused_everywhere(self, referred: Case, finance: ObstacleCategory) -> None:
        client = APIClient()
        referral = referred.referrals.get()
        responses = [
            client.get(CASES),
            client.get(detail(referred)),
            client.post(CASES, {}, format="json"),
            client.post(act(referred, "accept"), {"version": 1}, format="json"),
            client.get(REFERRALS),
            client.post(f"{REFERRALS}{referral.pk}/answer/", {"answer": "x", "decision": "done"}, format="json"),
            client.get(CATEGORIES),
        ]
        assert [r.status_code for r in responses] == [401] * len(responses)
        assert fresh(referred).version == 1


class TestFiling:
    def payload(self, unit: Unit, category: ObstacleCategory, **extra: Any) -> dict[str, Any]:
        return {
            "unit": unit.pk,
            "category": category.code,
            "title": "تأخیر در پرداخت  تسهیلات",
            "description": "شش ماه است منتظریم.",
            "amount": 3_000_000_000,
            "urgency": "high",
            **extra,
        }

    def test_manager_files_for_own_unit(
        self, manager: User, unit: Unit, finance: ObstacleCategory, bank: Organisation, expert: User
    ) -> None:
        response = api_client_for(manager).post(
            CASES, self.payload(unit, finance, agencies_concerned=[bank.pk]), format="json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        case = Case.objects.get()
        assert body["id"] == case.pk
        assert (body["state"], body["title"], body["amount"], body["urgency"]) == (
            S.SUBMITTED,
            "تأخیر در پرداخت تسهیلات",
            3_000_000_000,
            "high",
        )
        assert body["unit"]["id"] == unit.pk  # the unit's own manager sees its record
        assert [a["id"] for a in body["agencies_concerned"]] == [bank.pk]
        assert [e["action"] for e in body["events"]] == ["file"]
        assert body["allowed_actions"] == []
        assert (case.filed_by, case.unit, case.category) == (manager, unit, finance)
        assert expert.notifications.filter(text__contains=case.reference).exists()

    def test_manager_cannot_file_for_another_company(
        self, manager: User, other_unit: Unit, finance: ObstacleCategory
    ) -> None:
        response = api_client_for(manager).post(CASES, self.payload(other_unit, finance), format="json")
        assert response.status_code == 403
        assert response.json()["detail"]
        assert not Case.objects.exists()

    def test_expert_files_on_the_units_behalf(self, expert: User, unit: Unit, finance: ObstacleCategory) -> None:
        response = api_client_for(expert).post(CASES, self.payload(unit, finance, from_visit=True), format="json")
        assert response.status_code == 201, response.content
        assert Case.objects.get().from_visit
        assert "accept" in response.json()["allowed_actions"]

    @pytest.mark.parametrize("persona", ["bank_liaison", "investor", "deputy", "far_expert"])
    def test_others_cannot_file(
        self, persona: str, unit: Unit, finance: ObstacleCategory, request: pytest.FixtureRequest
    ) -> None:
        response = api_client_for(request.getfixturevalue(persona)).post(
            CASES, self.payload(unit, finance), format="json"
        )
        assert response.status_code == 403
        assert not Case.objects.exists()

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"title": "  "}, "title"),
            ({"category": "no-such-category"}, "category"),
            ({"amount": -5}, "amount"),
            ({"urgency": "asap"}, "urgency"),
            ({"unit": 999_999}, "unit"),
        ],
    )
    def test_invalid_fields_are_refused(
        self, change: dict[str, Any], field: str, manager: User, unit: Unit, finance: ObstacleCategory
    ) -> None:
        response = api_client_for(manager).post(CASES, {**self.payload(unit, finance), **change}, format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert not Case.objects.exists()

    def test_agency_of_another_province_is_refused(
        self,
        manager: User,
        unit: Unit,
        finance: ObstacleCategory,
        make_agency: Callable[..., Organisation],
        isfahan: Any,
    ) -> None:
        far_bank = make_agency("بانک ملت اصفهان", AgencyCode.BANK, OrganisationKind.BANK, isfahan)
        response = api_client_for(manager).post(
            CASES, self.payload(unit, finance, agencies_concerned=[far_bank.pk]), format="json"
        )
        assert response.status_code == 400
        assert "agencies_concerned" in response.json()
        assert not Case.objects.exists()

    def test_messages_are_in_persian(self, manager: User, unit: Unit, finance: ObstacleCategory) -> None:
        response = api_client_for(manager).post(CASES, {"unit": unit.pk}, format="json", HTTP_ACCEPT_LANGUAGE="fa")
        assert response.status_code == 400
        message = response.json()["title"][0]
        assert any("\u0600" <= ch <= "\u06ff" for ch in message), message


class TestVisibility:
    def test_each_role_lists_its_cases(self, all_cases: list[Case], request: pytest.FixtureRequest) -> None:
        referred, taxed, submitted = all_cases
        expected = {
            "expert": {referred.pk, taxed.pk, submitted.pk},
            "deputy": {referred.pk, taxed.pk, submitted.pk},
            "admin_user": {referred.pk, taxed.pk, submitted.pk},
            "manager": {referred.pk, submitted.pk},
            "other_manager": {taxed.pk},
            "bank_liaison": {referred.pk},
            "tax_liaison": {taxed.pk},
            "liaison": set(),
            "investor": set(),
            "far_expert": set(),
        }
        for persona, ids in expected.items():
            assert listed(api_client_for(request.getfixturevalue(persona)).get(CASES)) == ids, persona

    def test_liaison_gets_404_for_cases_not_referred(self, all_cases: list[Case], bank_liaison: User) -> None:
        referred, taxed, submitted = all_cases
        client = api_client_for(bank_liaison)
        assert client.get(detail(referred)).status_code == 200
        for case in (taxed, submitted):
            assert client.get(detail(case)).status_code == 404
            assert (
                client.post(
                    act(case, "answer"), {"version": 1, "answer": "x", "decision": "done"}, format="json"
                ).status_code
                == 404
            )

    def test_liaison_sees_the_unit_by_name_sector_and_county_only(
        self, referred: Case, bank_liaison: User, unit: Unit
    ) -> None:
        for response in (api_client_for(bank_liaison).get(detail(referred)), api_client_for(bank_liaison).get(CASES)):
            assert response.status_code == 200
            text = response.content.decode()
            assert unit.national_id not in text
            assert "national_id" not in text
            assert "employees" not in text
        shown = api_client_for(bank_liaison).get(detail(referred)).json()["unit"]
        assert shown == {
            "name": unit.name,
            "sector": unit.sector.code,
            "sector_title": unit.sector.display_title,
            "county": unit.county.name,
        }

    def test_liaison_sees_only_its_own_agencys_referrals(
        self, referred: Case, expert: User, tax_office: Organisation, bank_liaison: User
    ) -> None:
        workflow.case_refer(case=referred, agencies=[tax_office], by=expert)
        mine = api_client_for(bank_liaison).get(detail(referred)).json()["referrals"]
        assert [r["agency"]["agency_code"] for r in mine] == ["bank"]
        everyone = api_client_for(expert).get(detail(referred)).json()["referrals"]
        assert sorted(r["agency"]["agency_code"] for r in everyone) == ["bank", "tax"]

    def test_staff_and_manager_see_the_unit_record(self, referred: Case, expert: User, manager: User) -> None:
        for person in (expert, manager):
            shown = api_client_for(person).get(detail(referred)).json()["unit"]
            assert (shown["id"], shown["national_id"]) == (referred.unit_id, referred.unit.national_id)
            assert "employees" not in shown

    @pytest.mark.parametrize("persona", ["investor", "liaison", "other_manager", "far_expert"])
    def test_outsiders_get_404(self, persona: str, referred: Case, request: pytest.FixtureRequest) -> None:
        client = api_client_for(request.getfixturevalue(persona))
        assert client.get(detail(referred)).status_code == 404
        assert client.post(act(referred, "resolve"), {"version": 1}, format="json").status_code == 404

    def test_case_shows_referrals_with_jalali_dates_and_events(self, referred: Case, expert: User) -> None:
        workflow.case_put_on_agenda(case=referred, by=expert, comment="برای جلسه بعد")
        body = api_client_for(expert).get(detail(referred)).json()
        referral = referred.referrals.get()
        (shown,) = body["referrals"]
        assert shown["agency"]["name"] == referral.agency.name
        assert shown["due_on"] == referral.due_on.isoformat()
        assert shown["due_on_jalali"] == format_jalali(referral.due_on, persian_digits=False)
        assert (shown["state"], shown["answer"]) == (ReferralState.OPEN, "")
        (event,) = body["events"]
        assert (event["action"], event["from_state"], event["to_state"], event["comment"]) == (
            "put_on_agenda",
            S.REFERRED,
            S.ON_AGENDA,
            "برای جلسه بعد",
        )
        assert event["by"] == str(expert)
        assert body["state_label"]


class TestFilters:
    def test_filters(self, all_cases: list[Case], expert: User, unit: Unit, tax: ObstacleCategory) -> None:
        referred, taxed, submitted = all_cases
        client = api_client_for(expert)
        assert listed(client.get(CASES, {"state": S.SUBMITTED})) == {submitted.pk}
        assert listed(client.get(CASES, {"state": [S.SUBMITTED, S.REFERRED]})) == {submitted.pk, referred.pk, taxed.pk}
        assert listed(client.get(CASES, {"category": tax.code})) == {taxed.pk}
        assert listed(client.get(CASES, {"urgency": Urgency.CRITICAL})) == {submitted.pk}
        assert listed(client.get(CASES, {"unit": unit.pk})) == {referred.pk, submitted.pk}
        # ``referred``'s referral was due the day it was filed (today); make it overdue.
        referred.referrals.update(due_on=referred.filed_at.date().replace(year=2020))
        assert listed(client.get(CASES, {"overdue": "true"})) == {referred.pk}
        assert listed(client.get(CASES, {"overdue": "false"})) == {taxed.pk, submitted.pk}
        assert client.get(CASES, {"state": "nonsense"}).status_code == 400

    def test_paginated(self, all_cases: list[Case], expert: User) -> None:
        body = api_client_for(expert).get(CASES).json()
        assert body["count"] == 3
        assert {"next", "previous", "results"} <= set(body)
        assert [row["id"] for row in body["results"]] == [c.pk for c in sorted(all_cases, key=lambda c: -c.pk)]

    def test_list_queries_do_not_grow_with_cases(
        self, make_case: Callable[..., Case], expert: User, bank_liaison: User
    ) -> None:
        client = api_client_for(expert)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(CASES).status_code == 200
            return len(queries)

        make_case(S.REFERRED)
        few = count()
        for _ in range(4):
            make_case(S.REFERRED)
            make_case(S.ANSWERED)
        assert count() == few


class TestActions:
    def test_expert_accepts_then_refers(
        self, submitted: Case, expert: User, bank: Organisation, tax_office: Organisation, bank_liaison: User
    ) -> None:
        client = api_client_for(expert)
        response = client.post(act(submitted, "accept"), {"version": 1, "comment": "بررسی شد"}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["state"], body["version"]) == (S.ACCEPTED, 2)
        assert "refer" in body["allowed_actions"]
        assert "accept" not in body["allowed_actions"]

        response = client.post(
            act(submitted, "refer"),
            {"version": 2, "agencies": [bank.pk, tax_office.pk], "working_days": 5},
            format="json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["state"] == S.REFERRED
        assert sorted(r["agency"]["id"] for r in body["referrals"]) == sorted([bank.pk, tax_office.pk])
        assert {r["due_on_jalali"] for r in body["referrals"]}
        assert all(r["working_days"] == 5 for r in body["referrals"])
        assert bank_liaison.notifications.exists()

    def test_refer_without_agencies_uses_the_categorys(self, make_case: Callable[..., Case], expert: User) -> None:
        case = make_case(S.ACCEPTED)
        response = api_client_for(expert).post(act(case, "refer"), {"version": 1}, format="json")
        assert response.status_code == 200, response.content
        assert [r["agency"]["agency_code"] for r in response.json()["referrals"]] == ["bank"]

    def test_refer_to_something_that_is_not_an_agency(
        self, make_case: Callable[..., Case], expert: User, unit_company: Organisation
    ) -> None:
        case = make_case(S.ACCEPTED)
        response = api_client_for(expert).post(act(case, "refer"), {"version": 1, "agencies": [unit_company.pk]})
        assert response.status_code == 400
        assert fresh(case).state == S.ACCEPTED

    def test_stale_version_is_409_and_writes_nothing(self, submitted: Case, expert: User) -> None:
        workflow.case_accept(case=submitted, by=expert, expected_version=1)  # someone else, a moment ago
        response = api_client_for(expert).post(
            act(submitted, "reject"), {"version": 1, "reason": "تکراری"}, format="json"
        )
        assert response.status_code == 409
        assert response.json()["detail"]
        case = fresh(submitted)
        assert (case.state, case.version) == (S.ACCEPTED, 2)
        assert not case.events.filter(action="reject").exists()

    @pytest.mark.parametrize(
        ("persona", "name"),
        [("manager", "accept"), ("bank_liaison", "resolve"), ("deputy", "refer"), ("manager", "put_on_agenda")],
    )
    def test_forbidden_action_is_403(
        self, persona: str, name: str, referred: Case, request: pytest.FixtureRequest, bank: Organisation
    ) -> None:
        case = referred if name != "accept" else Case.objects.create(**{**_fields(referred), "state": S.SUBMITTED})
        body = {"version": 1, "agencies": [bank.pk], "outcome_kind": "other", "outcome_note": "x"}
        response = api_client_for(request.getfixturevalue(persona)).post(act(case, name), body, format="json")
        assert response.status_code == 403
        assert (fresh(case).state, fresh(case).version) == (case.state, 1)

    def test_action_the_state_does_not_allow_is_400(self, submitted: Case, expert: User) -> None:
        response = api_client_for(expert).post(act(submitted, "decide"), {"version": 1}, format="json")
        assert response.status_code == 400
        assert response.json()["detail"]
        assert fresh(submitted).state == S.SUBMITTED

    def test_missing_reason_or_version_is_400(self, submitted: Case, expert: User) -> None:
        client = api_client_for(expert)
        assert client.post(act(submitted, "reject"), {"version": 1}, format="json").status_code == 400
        response = client.post(act(submitted, "accept"), {}, format="json")
        assert response.status_code == 400
        assert "version" in response.json()
        assert fresh(submitted).version == 1

    def test_unknown_action_is_404(self, submitted: Case, expert: User) -> None:
        client = api_client_for(expert)
        for name in ("launch", "file", "merged_in"):
            assert client.post(act(submitted, name), {"version": 1}, format="json").status_code == 404
        assert client.get(act(submitted, "accept")).status_code == 405

    def test_merge_into_a_visible_case(self, submitted: Case, referred: Case, expert: User) -> None:
        response = api_client_for(expert).post(
            act(submitted, "merge"), {"version": 1, "into": referred.pk}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["merged_into"] == referred.pk
        response = api_client_for(expert).post(act(referred, "merge"), {"version": 1, "into": 999_999}, format="json")
        assert response.status_code == 400

    def test_recategorise_resolve_confirm_reopen(
        self, referred: Case, expert: User, manager: User, tax: ObstacleCategory, tax_office: Organisation
    ) -> None:
        client = api_client_for(expert)
        response = client.post(act(referred, "recategorise"), {"version": 1, "category": tax.code}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["category"] == tax.code
        assert {r["agency"]["id"]: r["state"] for r in body["referrals"]}[tax_office.pk] == ReferralState.OPEN

        response = client.post(
            act(referred, "resolve"),
            {"version": 2, "outcome_kind": "money_released", "outcome_note": "تسهیلات پرداخت شد", "money_released": 7},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert (response.json()["state"], response.json()["money_released"]) == (S.RESOLVED, 7)

        unit_side = api_client_for(manager)
        assert unit_side.get(detail(referred)).json()["allowed_actions"] == ["confirm", "reopen"]
        response = unit_side.post(act(referred, "confirm"), {"version": 3}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["state"] == S.CLOSED
        assert response.json()["closed_at"]
        response = unit_side.post(act(referred, "reopen"), {"version": 4, "reason": "دوباره قطع شد"}, format="json")
        assert response.status_code == 200, response.content
        assert (response.json()["state"], response.json()["closed_at"]) == (S.REOPENED, None)

    def test_liaison_answers_through_the_case(self, referred: Case, bank_liaison: User) -> None:
        response = api_client_for(bank_liaison).post(
            act(referred, "answer"),
            {"version": 1, "answer": "پرونده در کمیته اعتباری است", "decision": "done"},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["state"] == S.ANSWERED


def _fields(case: Case) -> dict[str, Any]:
    return {
        "unit": case.unit,
        "category": case.category,
        "title": case.title,
        "description": case.description,
        "filed_by": case.filed_by,
    }


class TestReferrals:
    def test_liaison_lists_its_agencys_referrals(
        self, all_cases: list[Case], bank_liaison: User, tax_liaison: User, liaison: User, unit: Unit
    ) -> None:
        referred, taxed, _ = all_cases
        response = api_client_for(bank_liaison).get(REFERRALS)
        assert response.status_code == 200
        rows = response.json()["results"]
        assert [row["case"]["id"] for row in rows] == [referred.pk]
        assert rows[0]["case"]["unit"] == {
            "name": unit.name,
            "sector": unit.sector.code,
            "sector_title": unit.sector.display_title,
            "county": unit.county.name,
        }
        assert unit.national_id not in response.content.decode()
        assert [row["case"]["id"] for row in api_client_for(tax_liaison).get(REFERRALS).json()["results"]] == [taxed.pk]
        assert api_client_for(liaison).get(REFERRALS).json()["results"] == []

    def test_withdrawn_referrals_disappear_for_the_liaison(self, referred: Case, bank_liaison: User) -> None:
        referred.referrals.update(state=ReferralState.WITHDRAWN)
        client = api_client_for(bank_liaison)
        assert client.get(REFERRALS).json()["results"] == []
        assert client.get(detail(referred)).status_code == 404

    def test_staff_list_the_provinces_referrals(
        self, all_cases: list[Case], expert: User, investor: User, far_expert: User
    ) -> None:
        response = api_client_for(expert).get(REFERRALS)
        assert response.json()["count"] == Referral.objects.count() == 2
        assert api_client_for(investor).get(REFERRALS).json()["results"] == []
        assert api_client_for(far_expert).get(REFERRALS).json()["results"] == []

    def test_overdue_filter(self, all_cases: list[Case], expert: User) -> None:
        referred = all_cases[0]
        referral = referred.referrals.get()
        Referral.objects.filter(pk=referral.pk).update(due_on=referral.due_on.replace(year=2020))
        rows = api_client_for(expert).get(REFERRALS, {"overdue": "true"}).json()["results"]
        assert [(row["id"], row["overdue"]) for row in rows] == [(referral.pk, True)]

    def test_liaison_answers(self, referred: Case, bank_liaison: User, expert: User) -> None:
        referral = referred.referrals.get()
        response = api_client_for(bank_liaison).post(
            f"{REFERRALS}{referral.pk}/answer/",
            {"answer": "تسهیلات تمدید شد", "decision": "done", "version": 1},
            format="json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["state"], body["answer"], body["case"]["state"]) == (
            ReferralState.ANSWERED,
            "تسهیلات تمدید شد",
            S.ANSWERED,
        )
        referral.refresh_from_db()
        assert (referral.state, referral.answered_by) == (ReferralState.ANSWERED, bank_liaison)
        assert fresh(referred).state == S.ANSWERED

    def test_answer_refusals(self, referred: Case, bank_liaison: User, tax_liaison: User, expert: User) -> None:
        url = f"{REFERRALS}{referred.referrals.get().pk}/answer/"
        assert (
            api_client_for(tax_liaison).post(url, {"answer": "x", "decision": "done"}, format="json").status_code == 404
        )
        assert api_client_for(expert).post(url, {"answer": "x", "decision": "done"}, format="json").status_code == 403
        assert api_client_for(bank_liaison).post(url, {"answer": ""}, format="json").status_code == 400
        assert (
            api_client_for(bank_liaison)
            .post(url, {"answer": "x", "decision": "done", "version": 7}, format="json")
            .status_code
            == 409
        )
        assert referred.referrals.get().state == ReferralState.OPEN
        assert (
            api_client_for(bank_liaison).post(url, {"answer": "x", "decision": "done"}, format="json").status_code
            == 200
        )
        assert (
            api_client_for(bank_liaison).post(url, {"answer": "y", "decision": "done"}, format="json").status_code
            == 400
        )


class TestCategories:
    def test_read_only_list(self, finance: ObstacleCategory, tax: ObstacleCategory, investor: User) -> None:
        ObstacleCategory.objects.create(code="t-old", name="قدیمی", name_en="Old", is_active=False)
        client = api_client_for(investor)
        response = client.get(CATEGORIES)
        assert response.status_code == 200
        codes = {row["code"] for row in response.json()}
        assert {finance.code, tax.code} <= codes
        assert "t-old" not in codes
        assert client.get(f"{CATEGORIES}{finance.code}/").json()["agency_codes"] == ["bank"]
        assert client.post(CATEGORIES, {"code": "x"}, format="json").status_code in (403, 405)


def test_schema_includes_the_cases_paths() -> None:
    response = APIClient().get("/api/schema", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/{id}/actions/{name}/",
        "/api/v1/referrals/",
        "/api/v1/referrals/{id}/answer/",
        "/api/v1/obstacle-categories/",
    ):
        assert path in paths
    (name,) = [p for p in paths["/api/v1/cases/{id}/actions/{name}/"]["post"]["parameters"] if p["name"] == "name"]
    assert set(name["schema"]["enum"]) == set(workflow.TRANSITIONS)


def test_every_transition_can_be_taken_through_the_api() -> None:
    assert set(actions.ACTIONS) == set(workflow.TRANSITIONS)
