"""The watch list through the browser's eyes (the Django test client): the units at highest risk with their
reasons, filters, pages, the count per county, preventive actions, and who may see it (per role)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.accounts.testing import browser_for
from rownaq.core.jalali import format_jalali
from rownaq.geography.models import County, IndustrialEstate, Province
from rownaq.monitoring.models import ActionKind, PreventiveAction, RiskRun, RiskRunState, RiskScore
from rownaq.registry.models import Sector, Unit

pytestmark = pytest.mark.django_db
WATCH = "/monitoring/watch/"
REASONS = [
    {"code": "utilisation_fell", "params": {"months": 6, "from": 71, "to": 38}},
    {"code": "returned_cheques", "params": {"count": 3, "year": 1404, "month": 2}},
]


def _score(unit: Unit, score: float, year: int = 1404, month: int = 8) -> RiskScore:
    return RiskScore.objects.create(
        unit=unit, year=year, month=month, score=score, reasons=REASONS, model_version="logistic-test"
    )


@pytest.fixture
def scored(unit: Unit, other_unit: Unit, make_unit: Callable[..., Unit], shokouhieh: IndustrialEstate) -> list[Unit]:
    """Three units of Qom scored in 1404/08 (the tile maker highest), one of another county, an old month's
    score of the carpet maker, and a unit of another province that no one here may see."""
    unit.estate = shokouhieh
    unit.save()
    jafarieh = County.objects.filter(province__code="25").exclude(name="قم").order_by("name").first()
    assert jafarieh is not None
    third = make_unit("ریخته‌گری کوثر", county=jafarieh, sector=Sector.objects.get(code="2410"))
    outsider = make_unit("واحد تهران", county=County.objects.filter(province__code="23").first())
    _score(unit, 0.81)
    _score(other_unit, 0.22)
    _score(third, 0.47)
    _score(other_unit, 0.99, month=7)
    _score(outsider, 0.95)
    return [unit, other_unit, third, outsider]


def test_expert_sees_the_latest_months_units_highest_risk_first_with_reasons(expert: User, scored: list[Unit]) -> None:
    client = browser_for(expert)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(WATCH)
    assert page.status_code == 200
    assert len(queries) < 20  # no query per row
    text = page.content.decode()
    order = [text.index(f'id="watch-unit-{u.pk}"') for u in scored[:3]]
    assert order[0] < order[2] < order[1]  # 81%, 47%, 22%
    assert f'id="watch-unit-{scored[3].pk}"' not in text  # another province's unit
    assert "۸۱٪" in text
    assert "۹۹٪" not in text
    assert "بهره‌برداری در ۶ ماه از ۷۱٪ به ۳۸٪ رسید" in text
    assert "۳ چک برگشتی از ۱۴۰۴/۰۲" in text


def test_filters_by_county_estate_and_sector(expert: User, scored: list[Unit], shokouhieh: IndustrialEstate) -> None:
    client = browser_for(expert)
    tiles, _carpets, foundry = scored[:3]

    def listed(query: str) -> set[int]:
        text = client.get(WATCH + query).content.decode()
        return {u.pk for u in scored if f'id="watch-unit-{u.pk}"' in text}

    assert listed(f"?county={foundry.county_id}") == {foundry.pk}
    assert listed(f"?estate={shokouhieh.pk}") == {tiles.pk}
    assert listed("?sector=۲۴") == {foundry.pk}
    assert listed("?sector=239") == {tiles.pk}
    assert listed("?sector=abc") == set()
    assert client.get(WATCH + "?county=999999").status_code == 200  # an unknown choice: an error, not a 500


def test_the_list_is_paginated(expert: User, make_unit: Callable[..., Unit]) -> None:
    for n in range(55):
        _score(make_unit(f"واحد {n}"), n / 100)
    client = browser_for(expert)
    first = client.get(WATCH).content.decode()
    assert first.count('class="watch-row"') == 50
    assert 'id="next-page"' in first
    assert client.get(WATCH + "?page=2").content.decode().count('class="watch-row"') == 5


def test_deputy_sees_the_count_per_county(deputy: User, scored: list[Unit], expert: User) -> None:
    PreventiveAction.objects.create(
        unit=scored[0], kind=ActionKind.CALL, owner=expert, due=timezone.localdate(), created_by=expert
    )
    page = browser_for(deputy).get(WATCH)
    assert page.status_code == 200
    text = page.content.decode()
    table = text[text.index('id="watch-counties"') :]
    # Qom: the tile maker (81%) — the carpet maker's 22% is below the high-risk mark; the foundry's county: one
    assert table.count('class="county-high">۱<') == 2
    assert "تماس تلفنی" in text


def test_the_scoring_runs_progress_is_shown(expert: User, scored: list[Unit], qom: Province) -> None:
    RiskRun.objects.create(province=qom, year=1404, month=9, state=RiskRunState.RUNNING, step="training", total_units=4)
    text = browser_for(expert).get(WATCH).content.decode()
    assert 'id="risk-run"' in text
    assert "در حال اجرا" in text


@pytest.fixture
def outsider_user(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> User:
    tehran = Province.objects.get(code="23")
    return make_user("tehran_expert", Role.SMT_EXPERT, make_org("صمت تهران", OrganisationKind.SMT, tehran))


def test_expert_plans_a_preventive_action_and_marks_it_done(expert: User, scored: list[Unit]) -> None:
    client = browser_for(expert)
    url = f"{WATCH}units/{scored[0].pk}/action/"
    assert client.get(url).status_code == 200
    due = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(url, {"kind": "visit", "owner": expert.pk, "due": format_jalali(due), "note": "بازدید"})
    assert response.status_code == 302
    action = PreventiveAction.objects.get()
    assert (action.unit, action.kind, action.owner, action.due, action.created_by) == (
        scored[0],
        ActionKind.VISIT,
        expert,
        due,
        expert,
    )
    text = client.get(WATCH).content.decode()
    assert "بازدید" in text
    assert format_jalali(due) in text
    assert client.post(f"{WATCH}actions/{action.pk}/done/").status_code == 302
    action.refresh_from_db()
    assert action.done
    assert action.done_at is not None


def test_an_action_in_the_past_or_for_an_outsider_is_refused_with_the_form_kept(
    expert: User, scored: list[Unit], outsider_user: User
) -> None:
    client = browser_for(expert)
    url = f"{WATCH}units/{scored[0].pk}/action/"
    past = format_jalali(timezone.localdate() - dt.timedelta(days=1))
    response = client.post(url, {"kind": "call", "owner": expert.pk, "due": past, "note": "تماس با مدیر"})
    assert response.status_code == 400
    assert "مهلت نمی‌تواند در گذشته باشد." in response.content.decode()
    assert "تماس با مدیر" in response.content.decode()
    future = format_jalali(timezone.localdate() + dt.timedelta(days=3))
    response = client.post(url, {"kind": "call", "owner": outsider_user.pk, "due": future})
    assert response.status_code == 400  # not a choice: another province's person
    assert not PreventiveAction.objects.exists()
    # a unit of another province is not found
    assert client.get(f"{WATCH}units/{scored[3].pk}/action/").status_code == 404


@pytest.mark.parametrize("role", ["manager", "liaison", "investor"])
def test_only_province_staff_see_the_watch_list(role: str, request: pytest.FixtureRequest, scored: list[Unit]) -> None:
    user: User = request.getfixturevalue(role)
    client = browser_for(user)
    assert client.get(WATCH).status_code == 403
    assert client.get(f"{WATCH}units/{scored[0].pk}/action/").status_code == 403


def test_anonymous_is_sent_to_log_in(scored: list[Unit]) -> None:
    response = Client().get(WATCH)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_another_provinces_expert_cannot_close_our_action(
    expert: User, outsider_user: User, scored: list[Unit]
) -> None:
    action = PreventiveAction.objects.create(
        unit=scored[0], kind=ActionKind.REFERRAL, owner=expert, due=timezone.localdate(), created_by=expert
    )
    assert browser_for(outsider_user).post(f"{WATCH}actions/{action.pk}/done/").status_code == 404
    action.refresh_from_db()
    assert not action.done


def test_admin_sees_the_list_and_the_dashboard_links_to_it(admin_user: User, expert: User, scored: list[Unit]) -> None:
    assert browser_for(admin_user).get(WATCH).status_code == 200
    assert 'id="watch-nav"' in browser_for(expert).get("/monitoring/").content.decode()
