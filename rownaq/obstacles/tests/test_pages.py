"""The case pages as each persona uses them: filing, the list, the case page and its actions, deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import login
from rownaq.core.normalise import to_persian_digits
from rownaq.obstacles.models import Case, CaseEvent, CaseState, ObstacleCategory, Referral, ReferralState
from rownaq.registry.models import Unit
from rownaq.workdays.services import add_working_days

pytestmark = pytest.mark.django_db


def file_data(unit_: Unit, category: ObstacleCategory, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": unit_.pk,
        "category": category.pk,
        "title": "تاخير در پرداخت تسهيلات",  # Arabic ي: stored with Persian ی
        "description": "بانک پس از شش ماه پاسخی نداده است.",
        "amount": "۵",  # billion rials
        "urgency": "high",
    }
    data.update(changes)
    return data


def act(client: Client, case: Case, action: str, **data: Any) -> Any:
    case.refresh_from_db()
    data.setdefault("version", case.version)
    return client.post(reverse("obstacles-case-action", args=[case.pk, action]), data)


# -- filing ----------------------------------------------------------------------------------------


def test_manager_files_a_case_for_their_unit(
    client: Client, manager: User, unit: Unit, finance: ObstacleCategory, bank: Organisation, expert: User
) -> None:
    login(client, manager)
    page = client.get(reverse("obstacles-case-file"), {"unit": unit.pk})
    assert page.status_code == 200
    assert page.context["form"]["unit"].value() == unit.pk
    assert "from_visit" not in page.context["form"].fields  # only experts find obstacles on visits

    response = client.post(reverse("obstacles-case-file"), file_data(unit, finance, agencies=[bank.pk]))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("obstacles-case-detail", args=[case.pk])
    assert case.unit == unit
    assert case.title == "تاخیر در پرداخت تسهیلات"
    assert case.amount == 5_000_000_000
    assert case.state == CaseState.SUBMITTED
    assert case.filed_by == manager
    assert list(case.agencies_concerned.all()) == [bank]
    assert list(case.events.values_list("action", flat=True)) == ["file"]
    assert expert.notifications.filter(link=reverse("obstacles-case-detail", args=[case.pk])).exists()

    detail = client.get(response["Location"])
    assert to_persian_digits(case.reference) in detail.content.decode()
    assert "تاخیر در پرداخت تسهیلات" in detail.content.decode()


def test_manager_cannot_file_for_another_companys_unit(
    client: Client, manager: User, other_unit: Unit, finance: ObstacleCategory
) -> None:
    login(client, manager)
    assert client.get(reverse("obstacles-case-file"), {"unit": other_unit.pk}).status_code == 404
    response = client.post(reverse("obstacles-case-file"), file_data(other_unit, finance))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Case.objects.exists()


def test_expert_files_by_national_id_typed_in_persian_digits(
    client: Client, expert: User, unit: Unit, finance: ObstacleCategory
) -> None:
    login(client, expert)
    national_id = unit.national_id.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = client.post(reverse("obstacles-case-file"), file_data(unit, finance, unit=national_id, from_visit="on"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.unit == unit
    assert case.from_visit is True


def test_expert_searches_units_while_typing(client: Client, expert: User, unit: Unit, other_unit: Unit) -> None:
    login(client, expert)
    response = client.get(reverse("obstacles-case-file"), {"unit": "كاشي"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    text = response.content.decode()
    assert unit.national_id in text
    assert other_unit.national_id not in text


@pytest.mark.parametrize("persona", ["liaison", "investor", "deputy"])
def test_people_who_do_not_file_get_403(client: Client, persona: str, request: pytest.FixtureRequest) -> None:
    login(client, request.getfixturevalue(persona))
    assert client.get(reverse("obstacles-case-file")).status_code == 403


# -- triage and referral ---------------------------------------------------------------------------


def test_expert_accepts_and_refers_to_a_bank(
    client: Client, expert: User, make_case: Callable[..., Case], bank: Organisation, bank_liaison: User
) -> None:
    case = make_case()
    login(client, expert)
    page = client.get(reverse("obstacles-case-detail", args=[case.pk]))
    assert [a["name"] for a in page.context["action_forms"]] == ["accept", "reject", "merge", "recategorise"]

    response = act(client, case, "accept", comment="تکراری نیست")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED

    page = client.get(reverse("obstacles-case-detail", args=[case.pk]))
    refer = next(a["form"] for a in page.context["action_forms"] if a["name"] == "refer")
    assert refer["agencies"].value() == [bank.pk]  # the bank named at filing is preselected, not every bank
    assert refer["working_days"].value() == 10

    response = act(client, case, "refer", agencies=[bank.pk], working_days="۵")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED
    referral = Referral.objects.get(case=case)
    assert referral.agency == bank
    assert referral.due_on == add_working_days(timezone.localdate(), 5)
    page = client.get(reverse("obstacles-case-detail", args=[case.pk]))
    text = page.content.decode()
    assert gettext("Referred to agencies") in text
    assert bank.name in text
    assert bank_liaison.notifications.filter(link=reverse("obstacles-case-detail", args=[case.pk])).exists()
    history = [e.action for e in page.context["events"]]
    assert history == ["accept", "refer"]


def test_liaison_sees_and_answers_a_referred_case_and_nothing_else(
    client: Client,
    bank_liaison: User,
    make_case: Callable[..., Case],
    unit: Unit,
    other_unit: Unit,
) -> None:
    case = make_case(CaseState.REFERRED)
    unseen = make_case(CaseState.ACCEPTED, unit=other_unit)
    login(client, bank_liaison)

    deadlines = client.get(reverse("obstacles-referral-list"))
    assert deadlines.status_code == 200
    assert [row["referral"].case for row in deadlines.context["rows"]] == [case]

    page = client.get(reverse("obstacles-case-detail", args=[case.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "کاشی‌سازی البرز" in text
    assert unit.national_id not in text
    assert reverse("registry-unit-detail", args=[unit.pk]) not in text
    assert [form["name"] for form in page.context["action_forms"]] == ["return_referral"]  # as not the bank's
    assert len(page.context["answer_forms"]) == 1

    assert client.get(reverse("obstacles-case-detail", args=[unseen.pk])).status_code == 404
    assert client.get(reverse("registry-unit-detail", args=[unit.pk])).status_code == 404

    referral = case.referrals.get()
    response = client.post(
        reverse("obstacles-referral-answer", args=[referral.pk]),
        {"version": case.version, "decision": "done", "answer": "پرونده در کمیته اعتباری بررسی و تسهیلات تصویب شد."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    case.refresh_from_db()
    assert referral.state == ReferralState.ANSWERED
    assert referral.answered_by == bank_liaison
    assert case.state == CaseState.ANSWERED
    assert "کمیته اعتباری" in client.get(reverse("obstacles-case-detail", args=[case.pk])).content.decode()


def test_answering_without_text_keeps_the_referral_open(
    client: Client, bank_liaison: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(CaseState.REFERRED)
    referral = case.referrals.get()
    response = login(client, bank_liaison).post(
        reverse("obstacles-referral-answer", args=[referral.pk]),
        {"version": case.version, "decision": "done", "answer": " "},
    )
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.state == ReferralState.OPEN


def test_a_liaison_of_another_agency_cannot_answer(
    client: Client, liaison: User, bank_liaison: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(CaseState.REFERRED)
    referral = case.referrals.get()
    response = login(client, liaison).post(
        reverse("obstacles-referral-answer", args=[referral.pk]),
        {"version": case.version, "decision": "done", "answer": "پاسخ"},
    )
    assert response.status_code == 404  # the case is not referred to their agency: they do not see it


def test_a_stale_version_changes_nothing(client: Client, expert: User, make_case: Callable[..., Case]) -> None:
    case = make_case()
    login(client, expert)
    response = act(client, case, "reject", version=case.version - 1, comment="مدارک ناقص است")
    assert response.status_code == 409
    stale = gettext("Someone else changed this case while you were looking at it. Reload it and try again.")
    assert stale in response.content.decode()
    assert "مدارک ناقص است" in response.content.decode()  # what was typed is kept
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert not CaseEvent.objects.filter(case=case).exists()


def test_a_forbidden_action_is_403_and_changes_nothing(
    client: Client, manager: User, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    response = act(login(client, manager), case, "accept")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.version == 1


def test_an_action_the_state_does_not_allow_is_400(
    client: Client, expert: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(CaseState.CLOSED)
    response = act(login(client, expert), case, "accept")
    assert response.status_code == 400
    assert "action-error" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED


def test_an_unknown_action_is_404(client: Client, expert: User, make_case: Callable[..., Case]) -> None:
    case = make_case()
    assert act(login(client, expert), case, "explode").status_code == 404
    assert act(client, case, "answer").status_code == 404  # answers go through the referral's own form


def test_rejecting_needs_a_reason(client: Client, expert: User, make_case: Callable[..., Case]) -> None:
    case = make_case()
    response = act(login(client, expert), case, "reject", comment="")
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_merge_by_reference(client: Client, expert: User, make_case: Callable[..., Case]) -> None:
    original = make_case(CaseState.ACCEPTED)
    duplicate = make_case()
    reference = original.reference.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = act(login(client, expert), duplicate, "merge", into=reference)
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.state == CaseState.MERGED
    assert duplicate.merged_into == original


def test_resolve_confirm_and_reopen(
    client: Client, expert: User, manager: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(CaseState.ANSWERED)
    response = act(
        login(client, expert),
        case,
        "resolve",
        outcome_kind="money_released",
        comment="تسهیلات پرداخت شد",
        money_released="۲",  # billion rials
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.money_released) == (CaseState.RESOLVED, 2_000_000_000)

    login(client, manager)
    assert act(client, case, "confirm").status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.unit_confirmed_at is not None
    assert act(client, case, "reopen", comment="").status_code == 400
    assert act(client, case, "reopen", comment="پول واریز نشد").status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REOPENED


def test_recategorise_reroutes(
    client: Client,
    expert: User,
    make_case: Callable[..., Case],
    tax: ObstacleCategory,
    tax_office: Organisation,
) -> None:
    case = make_case(CaseState.REFERRED)
    response = act(login(client, expert), case, "recategorise", category=tax.pk)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.category == tax
    assert case.referrals.get(state=ReferralState.OPEN).agency == tax_office


# -- the list --------------------------------------------------------------------------------------


def test_case_list_filters_and_searches(
    client: Client,
    expert: User,
    make_case: Callable[..., Case],
    other_unit: Unit,
    bank: Organisation,
) -> None:
    submitted = make_case(title="کمبود مواد اولیه")
    referred = make_case(CaseState.REFERRED)  # its referral was due on the day it was filed: overdue
    Referral.objects.filter(case=referred).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    closed = make_case(CaseState.CLOSED, unit=other_unit)
    login(client, expert)

    def listed(**params: Any) -> list[Case]:
        response = client.get(reverse("obstacles-case-list"), params)
        assert response.status_code == 200
        return list(response.context["page"])

    assert set(listed()) == {submitted, referred, closed}
    assert set(listed(state="open")) == {submitted, referred}
    assert listed(state="closed") == [closed]
    assert listed(overdue="on") == [referred]
    assert listed(agency=bank.pk) == [referred]
    assert listed(q="نگين") == [closed]  # the unit's name, typed with an Arabic ی
    assert listed(q="مواد اوليه") == [submitted]
    assert listed(sort="filed")[0] == submitted
    response = client.get(reverse("obstacles-case-list"))
    assert "text-danger fw-bold" in response.content.decode()  # the overdue due date stands out


def test_a_bad_month_from_a_scoreboard_link_is_a_form_error_rather_than_an_error(client: Client, expert: User) -> None:
    login(client, expert)
    page = client.get(reverse("obstacles-case-list"), {"month": "1404/13"})
    assert page.status_code == 200
    assert page.context["form"].errors["month"]


def test_case_list_query_count_is_bounded(
    client: Client, expert: User, make_case: Callable[..., Case], django_assert_max_num_queries: Any
) -> None:
    for _n in range(12):
        make_case(CaseState.REFERRED)
    login(client, expert)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("obstacles-case-list"))
    assert len(response.context["page"]) == 12


def test_the_referral_list_counts_working_days_with_one_holiday_query(
    client: Client, expert: User, make_case: Callable[..., Case]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("obstacles-referral-list"))
        assert all(row["days_left"] is not None for row in response.context["rows"])
        return len(captured)

    def due_in_three_weeks() -> None:
        Referral.objects.update(due_on=timezone.localdate() + dt.timedelta(days=21))

    make_case(CaseState.REFERRED)
    due_in_three_weeks()
    login(client, expert)
    one = queries()
    for _n in range(11):
        make_case(CaseState.REFERRED)
    due_in_three_weeks()
    assert queries() == one  # not one holiday query per row


def test_each_role_sees_only_its_cases_in_the_list(
    client: Client,
    manager: User,
    other_manager: User,
    bank_liaison: User,
    investor: User,
    make_case: Callable[..., Case],
    other_unit: Unit,
) -> None:
    mine = make_case()
    theirs = make_case(CaseState.REFERRED, unit=other_unit)
    assert list(login(client, manager).get(reverse("obstacles-case-list")).context["page"]) == [mine]
    assert list(login(client, other_manager).get(reverse("obstacles-case-list")).context["page"]) == [theirs]
    assert list(login(client, bank_liaison).get(reverse("obstacles-case-list")).context["page"]) == [theirs]
    assert login(client, investor).get(reverse("obstacles-case-list")).status_code == 403
    assert client.get(reverse("obstacles-referral-list")).status_code == 403


def test_province_staff_see_open_referrals_by_agency(
    client: Client,
    deputy: User,
    make_case: Callable[..., Case],
    tax_office: Organisation,
    bank: Organisation,
) -> None:
    referred = make_case(CaseState.REFERRED)
    make_case(CaseState.ANSWERED)  # its referral is answered: not on the list
    login(client, deputy)
    response = client.get(reverse("obstacles-referral-list"))
    assert [row["referral"].case for row in response.context["rows"]] == [referred]
    assert response.context["rows"][0]["overdue"] is (timezone.localdate(referred.filed_at) < timezone.localdate())
    assert client.get(reverse("obstacles-referral-list"), {"agency": tax_office.pk}).context["rows"] == []
    assert len(client.get(reverse("obstacles-referral-list"), {"agency": bank.pk}).context["rows"]) == 1


# -- other pages -----------------------------------------------------------------------------------


def test_overview_shows_open_cases_and_overdue_referrals(
    client: Client, expert: User, make_case: Callable[..., Case]
) -> None:
    make_case()
    late = make_case(CaseState.REFERRED)
    Referral.objects.filter(case=late).update(due_on=timezone.localdate() - dt.timedelta(days=5))
    make_case(CaseState.CLOSED)
    response = login(client, expert).get(reverse("registry-overview"))
    text = response.content.decode()
    assert 'data-figure="open-cases">۲<' in text
    assert 'data-figure="overdue-referrals">۱<' in text
    assert reverse("obstacles-case-list") + "?state=open" in text
    assert reverse("obstacles-referral-list") + "?overdue=1" in text


def test_unit_page_lists_its_cases_and_offers_filing(
    client: Client, manager: User, unit: Unit, make_case: Callable[..., Case]
) -> None:
    case = make_case(title="قطعی برق")
    text = login(client, manager).get(reverse("registry-unit-detail", args=[unit.pk])).content.decode()
    assert reverse("obstacles-case-detail", args=[case.pk]) in text
    assert f"{reverse('obstacles-case-file')}?unit={unit.pk}" in text


def test_navbar_links(client: Client, bank_liaison: User, investor: User) -> None:
    text = login(client, bank_liaison).get(reverse("obstacles-referral-list")).content.decode()
    assert f'href="{reverse("obstacles-case-list")}"' in text
    assert f'href="{reverse("obstacles-referral-list")}"' in text
    text = login(client, investor).get(reverse("notifications-list")).content.decode()
    assert f'href="{reverse("obstacles-case-list")}"' not in text
