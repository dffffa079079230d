"""The monthly reports API: the same services and access as the pages, per role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for
from rownaq.core.periods import Period
from rownaq.monitoring.models import MonthlyReport, ReportState
from rownaq.monitoring.tests.conftest import FIGURES
from rownaq.registry.models import Product, Unit

pytestmark = pytest.mark.django_db
Enter = Callable[..., MonthlyReport]
URL = "/api/v1/monitoring/reports/"


def entry(unit: Unit, period: Period, tiles: Product, glaze: Product, **changes: Any) -> dict[str, Any]:
    return {
        "unit": unit.pk,
        "period": period.code,
        **FIGURES,
        "lines": [{"product": tiles.pk, "quantity": "80000"}, {"product": glaze.pk, "quantity": "150"}],
        **changes,
    }


def test_manager_creates_submits_and_expert_returns_then_approves(
    manager: User, expert: User, unit: Unit, tiles: Product, glaze: Product, last_month: Period
) -> None:
    client = api_client_for(manager)
    created = client.post(URL, entry(unit, last_month, tiles, glaze), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft"
    assert body["utilisation"] == "77.5"
    assert body["period"] == last_month.code
    assert body["on_behalf"] is False
    pk, version = body["id"], body["version"]
    again = client.post(URL, entry(unit, last_month, tiles, glaze), format="json")
    assert again.status_code == 400
    sent = client.post(f"{URL}{pk}/submit/", {"version": version}, format="json")
    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == "submitted"
    assert len(sent.json()["versions"]) == 1
    assert client.post(f"{URL}{pk}/approve/", {"version": sent.json()["version"]}, format="json").status_code == 403
    reviewer = api_client_for(expert)
    no_reason = reviewer.post(f"{URL}{pk}/return/", {"version": sent.json()["version"]}, format="json")
    assert no_reason.status_code == 400
    returned = reviewer.post(
        f"{URL}{pk}/return/", {"version": sent.json()["version"], "reason": "نادرست"}, format="json"
    )
    assert returned.json()["state"] == "returned"
    fixed = client.patch(f"{URL}{pk}/", {"version": returned.json()["version"], "sales": 9_000_000_000}, format="json")
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["sales"] == 9_000_000_000
    assert fixed.json()["employees"] == 40
    assert fixed.json()["lines"][0]["quantity"] == "80000.00"
    client.post(f"{URL}{pk}/submit/", {"version": fixed.json()["version"]}, format="json")
    report = MonthlyReport.objects.get(pk=pk)
    approved = reviewer.post(f"{URL}{pk}/approve/", {"version": report.version}, format="json")
    assert approved.json()["state"] == ReportState.APPROVED
    assert [v["number"] for v in approved.json()["versions"]] == [2, 1]


def test_warnings_errors_stale_and_future_months(
    manager: User, unit: Unit, tiles: Product, glaze: Product, last_month: Period
) -> None:
    client = api_client_for(manager)
    future = client.post(URL, entry(unit, Period.current(), tiles, glaze), format="json")
    assert future.status_code == 400
    assert "detail" in future.json()
    high = entry(unit, last_month, tiles, glaze, lines=[{"product": tiles.pk, "quantity": "150000"}])
    body = client.post(URL, high, format="json").json()
    warned = client.post(f"{URL}{body['id']}/submit/", {"version": body["version"]}, format="json")
    assert warned.status_code == 400
    assert warned.json()["warnings"][0]["code"] == "utilisation-above-120"
    stale = client.post(f"{URL}{body['id']}/submit/", {"version": body["version"] + 5}, format="json")
    assert stale.status_code == 409
    negative = client.patch(f"{URL}{body['id']}/", {"version": body["version"], "exports": -1}, format="json")
    refused = client.post(
        f"{URL}{body['id']}/submit/", {"version": negative.json()["version"], "confirm": True}, format="json"
    )
    assert refused.status_code == 400
    assert "منفی" in refused.json()["detail"]
    missing_version = client.patch(f"{URL}{body['id']}/", {"sales": 1}, format="json")
    assert missing_version.status_code == 400


def test_expert_enters_on_behalf(expert: User, unit: Unit, tiles: Product, glaze: Product, last_month: Period) -> None:
    created = api_client_for(expert).post(URL, entry(unit, last_month, tiles, glaze), format="json")
    assert created.status_code == 201
    assert created.json()["on_behalf"] is True
    assert created.json()["entered_by"] == str(expert)


def test_access_per_role(
    manager: User,
    other_manager: User,
    deputy: User,
    liaison: User,
    investor: User,
    enter: Enter,
    unit: Unit,
    other_unit: Unit,
    tiles: Product,
    glaze: Product,
    last_month: Period,
) -> None:
    report = enter(unit=unit, period=last_month, by=manager)
    other = api_client_for(other_manager)
    assert other.get(URL).json()["count"] == 0
    assert other.get(f"{URL}{report.pk}/").status_code == 404
    assert other.post(URL, entry(unit, last_month, tiles, glaze), format="json").status_code == 403
    assert api_client_for(deputy).get(URL).json()["count"] == 1
    deputy_entry = api_client_for(deputy).post(URL, entry(other_unit, last_month, tiles, glaze), format="json")
    assert deputy_entry.status_code == 403
    for outsider in (liaison, investor):
        assert api_client_for(outsider).get(URL).status_code == 403
        assert api_client_for(outsider).get(f"{URL}{report.pk}/").status_code == 403
    assert api_client_for(manager).get(f"{URL}?period={last_month.code}&state=draft").json()["count"] == 1
    assert api_client_for(manager).get(f"{URL}?state=approved").json()["count"] == 0


def test_a_unit_id_beyond_64_bits_or_a_long_search_is_a_clear_answer(
    expert: User, unit: Unit, enter: Callable[..., MonthlyReport], last_month: Period
) -> None:
    enter(unit=unit, period=last_month, by=expert)
    client = api_client_for(expert)
    for bad in ("1e40", "1" * 30, "²"):
        response = client.get(URL, {"unit": bad})
        assert response.status_code == 400, bad
        assert "unit" in response.json()
    first = unit.name.split()[0]
    found = client.get(URL, {"q": " ".join([first] * 1500)})
    assert found.status_code == 200
    assert [row["unit"] for row in found.json()["results"]] == [unit.pk]
