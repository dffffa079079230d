"""The revival pages through the browser's eyes (the Django test client): the pipeline, opening a case, the
case page with its plan and moves, per role (expert, deputy, unit manager, bank liaison, university)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.accounts.testing import browser_for
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import to_persian_digits
from rownaq.monitoring.models import RevivalCase, RevivalCause, RevivalStage
from rownaq.monitoring.revival import act, revival_open, revival_step_add
from rownaq.registry.models import Unit, UnitStatus

pytestmark = pytest.mark.django_db
PIPELINE = "/monitoring/revival/"
OPEN = "/monitoring/revival/new/"


@pytest.fixture
def idle_unit(unit: Unit) -> Unit:
    unit.status = UnitStatus.IDLE
    unit.save()
    return unit


@pytest.fixture
def case(idle_unit: Unit, expert: User) -> RevivalCase:
    return revival_open(unit=idle_unit, cause=RevivalCause.MARKET, by=expert, support_needed="معرفی به بازارگاه")


@pytest.fixture
def university(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> User:
    return make_user("uni", Role.KNOWLEDGE_MEMBER, make_org("دانشگاه قم", OrganisationKind.UNIVERSITY))


def url(case: RevivalCase, tail: str = "") -> str:
    return f"/monitoring/revival/{case.pk}/{tail}"


def test_pipeline_shows_cases_by_stage_and_filters(
    expert: User, case: RevivalCase, make_unit: Callable[..., Unit], qom_county: object
) -> None:
    for n in range(3):
        other = make_unit(f"واحد راکد {n}", status=UnitStatus.CLOSED)
        revival_open(unit=other, cause=RevivalCause.ENERGY, by=expert)
    client = browser_for(expert)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(PIPELINE)
    assert page.status_code == 200
    assert len(queries) < 25  # the number of queries does not grow with the cases listed
    text = page.content.decode()
    assert "احیای واحدهای راکد" in text
    assert "کاشی‌سازی البرز" in text
    assert 'id="stage-identified"' in text
    assert re.search(
        r'id="stage-identified">\s*<h2[^>]*>[^<]*<span class="[^"]*stage-count">۴<', text
    )  # Persian digits
    assert 'href="/monitoring/revival/new/"' in text
    elsewhere = client.get(PIPELINE, {"county": "999999"})  # an unknown county: the filter is ignored, no 500
    assert elsewhere.status_code == 200


def test_expert_opens_a_case_from_the_picker(expert: User, idle_unit: Unit, other_unit: Unit) -> None:
    client = browser_for(expert)
    form = client.get(OPEN).content.decode()
    assert f'value="{idle_unit.pk}"' in form
    assert f'value="{other_unit.pk}"' not in form  # active units are not offered
    refused = client.post(OPEN, {"unit": other_unit.pk, "cause": RevivalCause.MARKET, "diagnosis": "بازار راکد"})
    assert refused.status_code == 400
    assert "بازار راکد" in refused.content.decode()  # what was typed stays
    assert not RevivalCase.objects.exists()
    sent = client.post(OPEN, {"unit": idle_unit.pk, "cause": RevivalCause.WORKING_CAPITAL, "support_needed": "وام"})
    case = RevivalCase.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == url(case)
    twice = client.post(OPEN, {"unit": idle_unit.pk, "cause": RevivalCause.MARKET})
    assert twice.status_code == 400
    assert "پرونده احیای باز" in twice.content.decode()


def test_case_page_plan_and_moves(expert: User, case: RevivalCase) -> None:
    client = browser_for(expert)
    page = client.get(url(case)).content.decode()
    assert "شناسایی‌شده" in page
    assert 'id="action-diagnose"' in page
    assert 'id="action-restart"' not in page
    assert "<script>" not in page
    assert 'style="' not in page
    no_text = client.post(url(case, "diagnose/"), {"version": case.version, "diagnosis": ""})
    assert no_text.status_code == 400
    assert "عارضه‌یابی را بنویسید" in no_text.content.decode()
    case.diagnosis = "نبود بازار داخلی"
    case.save()
    assert "نبود بازار داخلی</textarea>" in client.get(url(case)).content.decode()  # the diagnosis so far, to refine
    moved = client.post(url(case, "diagnose/"), {"version": case.version, "diagnosis": "بازار صادراتی از دست رفت"})
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.stage == RevivalStage.DIAGNOSED
    bad_date = client.post(url(case, "steps/"), {"title": "نمایشگاه", "owner": "اتاق بازرگانی", "due": "۱۴۰۵/۱۳/۰۱"})
    assert bad_date.status_code == 400
    assert "نمایشگاه" in bad_date.content.decode()
    past = timezone.localdate() - dt.timedelta(days=3)
    added = client.post(
        url(case, "steps/"), {"title": "نمایشگاه", "owner": "اتاق بازرگانی", "due": format_jalali(past)}
    )
    assert added.status_code == 302
    shown = client.get(url(case)).content.decode()
    assert to_persian_digits(format_jalali(past)) in shown
    assert "از مهلت گذشته" in shown
    step = case.steps.get()
    client.post(url(case, f"steps/{step.pk}/done/"), {"done": "1"})
    step.refresh_from_db()
    assert step.done
    for action in ("agree_plan", "start"):
        case.refresh_from_db()
        assert client.post(url(case, f"{action}/"), {"version": case.version}).status_code == 302
    case.refresh_from_db()
    out_of_range = client.post(
        url(case, "restart/"), {"version": case.version, "jobs_restored": "۱۲", "capacity_restored": "150"}
    )
    assert out_of_range.status_code == 400
    restarted = client.post(
        url(case, "restart/"), {"version": case.version, "jobs_restored": "۱۲", "capacity_restored": "۴۵"}
    )
    assert restarted.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.jobs_restored) == (RevivalStage.RESTARTED, 12)
    final = client.get(url(case)).content.decode()
    assert "۱۲ شغل بازگشت" in final
    pipeline = client.get(PIPELINE).content.decode()
    assert "۱ واحد احیا شد و ۱۲ شغل بازگشت" in pipeline


def test_stale_and_wrong_stage_moves_are_refused_in_persian(expert: User, deputy: User, case: RevivalCase) -> None:
    client = browser_for(deputy)
    stale = client.post(url(case, "diagnose/"), {"version": case.version + 5, "diagnosis": "مدیریت"})
    assert stale.status_code == 409
    skipped = client.post(url(case, "start/"), {"version": case.version})
    assert skipped.status_code == 400
    assert "شدنی نیست" in skipped.content.decode()
    assert client.post(url(case, "nonsense/"), {"version": case.version}).status_code == 404
    abandoned = client.post(url(case, "abandon/"), {"version": case.version, "reason": "واحد فروخته شد"})
    assert abandoned.status_code == 302  # a deputy of the province acts too
    case.refresh_from_db()
    assert case.stage == RevivalStage.ABANDONED


def test_manager_sees_own_case_read_only(manager: User, other_manager: User, expert: User, case: RevivalCase) -> None:
    revival_step_add(case=case, title="بازاریابی", owner="اتاق بازرگانی", due=dt.date(2027, 3, 1), by=expert)
    client = browser_for(manager)
    page = client.get(url(case))
    assert page.status_code == 200
    text = page.content.decode()
    assert "بازاریابی" in text
    assert 'id="revival-actions"' not in text
    assert 'id="step-form"' not in text
    assert client.get(PIPELINE).status_code == 403
    assert client.get(OPEN).status_code == 403
    assert client.post(url(case, "abandon/"), {"version": case.version, "reason": "نه"}).status_code == 403
    assert client.post(url(case, "steps/"), {"title": "x", "owner": "y", "due": "1405/01/01"}).status_code == 403
    assert browser_for(other_manager).get(url(case)).status_code == 404
    act(case=case, action="diagnose", by=expert, diagnosis="بازار")  # the case moves on; the manager still reads it
    assert client.get(url(case)).status_code == 200


@pytest.mark.parametrize("persona", ["bank_liaison", "university", "investor"])
def test_outsiders_see_nothing(persona: str, request: pytest.FixtureRequest, case: RevivalCase) -> None:
    client = browser_for(request.getfixturevalue(persona))
    for address in (PIPELINE, OPEN, url(case)):
        assert client.get(address).status_code == 403
    assert client.post(url(case, "abandon/"), {"version": case.version, "reason": "نه"}).status_code == 403


def test_dashboard_shows_the_pipeline_by_stage(expert: User, case: RevivalCase) -> None:
    text = browser_for(expert).get("/monitoring/").content.decode()
    assert 'id="revival-card"' in text
    assert "شناسایی‌شده: ۱" in text
    assert 'href="/monitoring/revival/new/"' in text


def test_admin_shows_cases_read_only(admin_user: User, case: RevivalCase) -> None:
    client = browser_for(admin_user)
    assert client.get("/admin/monitoring/revivalcase/").status_code == 200
    assert client.get(f"/admin/monitoring/revivalcase/{case.pk}/change/").status_code == 200
    assert client.get("/admin/monitoring/revivalcase/add/").status_code == 403
