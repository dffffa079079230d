"""The feeds API: a liaison pushes a month (all-or-nothing, 400 per row), lists its own feeds; staff list their
province's; others 403; the schema documents it."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from conftest import make_national_id
from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import api_client_for
from rownaq.monitoring import feeds
from rownaq.monitoring.models import FeedState, Signal, SignalFeed, SignalKind
from rownaq.monitoring.tests.feeds_helpers import power_company, power_liaison
from rownaq.registry.models import Unit

__all__ = ["power_company", "power_liaison"]

pytestmark = pytest.mark.django_db
URL = "/api/v1/monitoring/signals/"


def push(unit: Unit, **changes: Any) -> dict[str, Any]:
    row = {"national_id": unit.national_id, "name": "کاشی", "kind": SignalKind.ELECTRICITY_KWH, "value": 90_000}
    return {"year": 1405, "month": 3, "rows": [row, {**row, **changes}]}


def test_a_liaison_pushes_a_month_and_it_is_matched(power_liaison: User, unit: Unit) -> None:
    body = push(unit, national_id=make_national_id(901), value="120000")
    response = api_client_for(power_liaison).post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["state"], data["total_rows"], data["matched_rows"], data["unmatched_rows"]) == ("committed", 2, 1, 1)
    assert Signal.objects.get(unit=unit).value == 90_000


def test_rows_with_problems_are_refused_per_row_and_nothing_is_saved(power_liaison: User, unit: Unit) -> None:
    client = api_client_for(power_liaison)
    response = client.post(URL, push(unit, national_id="۱۲۳۴"), format="json")
    assert response.status_code == 400
    assert response.json()["rows"] == {"1": {"national_id": ["شناسه ملی باید دقیقاً ۱۱ رقم باشد."]}}

    response = client.post(URL, push(unit, kind=SignalKind.TAX_ARREARS), format="json")
    assert response.json()["rows"] == {"1": {"kind": ["دستگاه شما «بدهی مالیاتی (ریال)» را نمی‌فرستد."]}}

    response = client.post(URL, push(unit), format="json")  # the same national ID and kind twice
    assert list(response.json()["rows"]["1"]) == ["value"]

    response = client.post(URL, push(unit, value=-1), format="json")
    assert response.status_code == 400
    assert "value" in response.json()["rows"]["1"]

    response = client.post(URL, {"year": 1405, "month": 13, "rows": []}, format="json")
    assert set(response.json()) == {"month", "rows"}
    assert not SignalFeed.objects.exists()


def test_a_liaison_lists_only_its_own_feeds_and_staff_their_provinces(
    power_company: Organisation, power_liaison: User, bank: Organisation, bank_liaison: User, expert: User, unit: Unit
) -> None:
    mine = feeds.feed_push(
        organisation=power_company,
        year=1405,
        month=3,
        rows=[{"national_id": unit.national_id, "kind": SignalKind.ELECTRICITY_KWH, "value": 1}],
        by=power_liaison,
    )
    theirs = feeds.feed_push(
        organisation=bank,
        year=1405,
        month=3,
        rows=[{"national_id": unit.national_id, "kind": SignalKind.RETURNED_CHEQUES, "value": 1}],
        by=bank_liaison,
    )
    liaison_client = api_client_for(power_liaison)
    assert [f["id"] for f in liaison_client.get(URL).json()["results"]] == [mine.pk]
    assert liaison_client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert {f["id"] for f in api_client_for(expert).get(URL).json()["results"]} == {mine.pk, theirs.pk}


def test_staff_may_not_push_and_others_are_refused(expert: User, manager: User, investor: User, unit: Unit) -> None:
    assert api_client_for(expert).post(URL, push(unit), format="json").status_code == 403
    for person in (manager, investor):
        client = api_client_for(person)
        assert client.get(URL).status_code == 403
        assert client.post(URL, push(unit), format="json").status_code == 403


def test_the_schema_documents_the_push() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/monitoring/signals/"]["post"]
    assert set(operation["responses"]) >= {"201", "400", "403"}
    assert FeedState.COMMITTED in str(schema["components"]["schemas"])


def test_a_row_missing_a_field_is_refused_by_its_index(power_liaison: User, unit: Unit) -> None:
    body = push(unit)
    del body["rows"][1]["value"]
    response = api_client_for(power_liaison).post(URL, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["rows"]) == ["1"]
    assert list(response.json()["rows"]["1"]) == ["value"]
