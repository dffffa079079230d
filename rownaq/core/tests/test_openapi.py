"""The API's OpenAPI schema documents what the API answers: errors with their bodies, enums, nulls, sign-in."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for
from rownaq.core.api import BIGGEST_ID, id_in_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema() -> dict[str, Any]:
    response = APIClient().get("/api/schema", {"format": "json"})
    assert response.status_code == 200
    return dict(response.json())


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _ref(response: dict[str, Any]) -> str:
    return str(response["content"]["application/json"]["schema"]["$ref"]).rsplit("/", 1)[1]


def test_every_error_has_the_shared_body(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert "anyOf" in components["ValidationError"]
    assert not [name for name in components if name.endswith("Error") and name not in ("Error", "ValidationError")]
    for path, method, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                assert _ref(response) == ("ValidationError" if status == "400" else "Error"), (path, method, status)


def test_errors_documented_where_they_can_happen(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    units, unit = paths["/api/v1/units/"], paths["/api/v1/units/{id}/"]
    assert {"400", "401", "403", "404"} <= set(units["get"]["responses"])  # a filter, sign-in, a page past the end
    assert {"400", "401", "403", "415"} <= set(units["post"]["responses"])
    assert "409" not in units["post"]["responses"]
    for method in ("put", "patch"):
        assert {"400", "401", "403", "404", "409", "415"} <= set(unit[method]["responses"])
    # Actions that carry the record's version answer 409 when it is stale.
    assert "409" in paths["/api/v1/referrals/{id}/answer/"]["post"]["responses"]
    # Getting a token needs no sign-in; revoking one does.
    token = paths["/api/v1/auth/token"]
    assert "401" not in token["post"]["responses"]
    assert "security" not in token["post"]
    assert "401" in token["delete"]["responses"]


def test_sign_in_is_documented(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["name"] == "Authorization"
    assert "/api/v1/auth/token" in schemes["tokenAuth"]["description"]
    assert "days" in schemes["tokenAuth"]["description"]
    assert "X-CSRFToken" in schemes["cookieAuth"]["description"]
    assert schema["paths"]["/api/v1/units/"]["get"]["security"] == [{"tokenAuth": []}, {"cookieAuth": []}]


def test_states_and_kinds_are_enums(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    assert components["CaseStateEnum"]["enum"][0] == "submitted"
    assert "answered" in components["ReferralStateEnum"]["enum"]
    assert "held" in components["MeetingStateEnum"]["enum"]
    assert "requested" in components["NeedAccessStateEnum"]["enum"]
    assert components["Case"]["properties"]["state"]["allOf"] == [{"$ref": "#/components/schemas/CaseStateEnum"}]
    # An outcome is empty until the case is resolved, a referral's decision until it is answered.
    outcome = components["Case"]["properties"]["outcome_kind"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in outcome["oneOf"]
    decision = components["Referral"]["properties"]["decision"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in decision["oneOf"]


def test_fields_that_can_be_null_say_so(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    assert components["Unit"]["properties"]["estate_name"]["nullable"] is True
    assert components["Referral"]["properties"]["answered_by"]["nullable"] is True
    assert components["ReferralList"]["properties"]["ended_by"]["nullable"] is True
    assert components["ObstacleCategory"]["properties"]["parent"]["nullable"] is True
    assert components["Commitment"]["properties"]["done_by"]["nullable"] is True
    assert components["B2BMeeting"]["properties"]["need_organisation"]["nullable"] is True


def test_fields_left_out_for_some_callers_are_not_required(schema: dict[str, Any]) -> None:
    need = schema["components"]["schemas"]["Need"]
    assert "description" in need["properties"]
    assert "description" not in need["required"]
    assert "title" in need["required"]


def test_meetings_of_the_hq_and_of_exhibitions_are_apart(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    assert "number" in components["Meeting"]["properties"]
    assert "booth" in components["B2BMeeting"]["properties"]


def test_an_unknown_api_address_answers_404_in_json(expert: User) -> None:
    response = api_client_for(expert).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "چنین نشانی‌ای در API وجود ندارد."}
    # A path the router's pattern does not match (an action's name with a capital letter) is a 404 in JSON too.
    response = api_client_for(expert).post("/api/v1/cases/1/actions/Accept/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_unknown_page_still_answers_the_site_page(client: Any) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_case_file_under_an_id_no_row_can_have_is_404(expert: User) -> None:
    client = api_client_for(expert)
    for case_id in ("null,null", "abc", str(BIGGEST_ID + 1)):
        response = client.get(f"/api/v1/cases/{case_id}/attachments/1/")
        assert response.status_code == 404, case_id
        assert response.json()["detail"]
    response = client.get(f"/api/v1/cases/1/attachments/{BIGGEST_ID + 1}/")
    assert response.status_code == 404


def test_id_in_path() -> None:
    assert id_in_path("12") == 12
    assert id_in_path(str(BIGGEST_ID)) == BIGGEST_ID
    for text in ("", "-1", "1.5", "²", "١٢", "null,null", str(BIGGEST_ID + 1)):
        assert id_in_path(text) is None, text


def test_files_go_only_in_multipart(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    body = schema["paths"]["/api/v1/referrals/{id}/answer/"]["post"]["requestBody"]["content"]
    assert body["multipart/form-data"]["schema"]["$ref"].endswith("/ReferralAnswerRequest")
    assert components["ReferralAnswerRequest"]["properties"]["attachments"]["items"]["format"] == "binary"
    for media_type in ("application/json", "application/x-www-form-urlencoded"):
        plain = body[media_type]["schema"]["$ref"].rsplit("/", 1)[1]
        assert "attachments" not in components[plain]["properties"]
        assert "answer" in components[plain]["properties"]
    upload = schema["paths"]["/api/v1/needs/{id}/attachments/"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]
