"""The desk's API, role by role and by token: needs (with confidentiality), matches, capabilities, the
proposal path, and the refusals (403 for the wrong part, 400 for the wrong state, 404 for the unknown).

A confidential need's details never reach a non-approved caller: not in the list, the need's own
address, its matches, or a search by a word of its description.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for
from rownaq.needs import services, workflow
from rownaq.needs.matching_jobs import recompute_need
from rownaq.needs.models import (
    Agreement,
    Capability,
    Match,
    Need,
    NeedKind,
    Proposal,
    ProposalState,
    SupplySource,
    Visibility,
)
from rownaq.needs.serializers import DETAIL_FIELDS
from rownaq.needs.tests.desk import PDF, Desk, post_need
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

NEEDS = "/api/v1/needs/"
CAPABILITIES = "/api/v1/capabilities/"
PROPOSALS = "/api/v1/proposals/"

TITLE = "یاتاقان پمپ آب صنعتی"
SECRET = "آلیاژ محرمانه زیرکونیوم"
SECRET_FILE = "naqsheh-sirri.pdf"
SECRET_MARKERS = ("زیرکونیوم", "محرمانه", "7654321000", "4321.00", "848210", SECRET_FILE, "قالب تزریق ویژه")
TITLE_ONLY_KEYS = {
    "id",
    "title",
    "kind",
    "kind_label",
    "sector",
    "sector_title",
    "province",
    "state",
    "state_label",
    "visibility",
    "details_visible",
    "created_at",
}


def body(response: Any) -> str:
    """Everything the response says, as raw text and as decoded JSON (so no escaping hides a marker)."""
    raw = response.content.decode()
    return raw + json.dumps(response.json(), ensure_ascii=False)


def assert_no_details(response: Any) -> None:
    text = body(response)
    for marker in SECRET_MARKERS:
        assert marker not in text, marker


def rows(response: Any) -> dict[int, dict[str, Any]]:
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


@pytest.fixture
def public_need(unit: Unit, manager: User, desk: Desk) -> Need:
    need = post_need(unit, manager)
    recompute_need(need.pk)
    return need


@pytest.fixture
def secret_need(unit: Unit, manager: User, desk: Desk) -> Need:
    need = post_need(
        unit,
        manager,
        title=TITLE,
        description=f"یاتاقان برای پمپ با {SECRET}، قالب تزریق ویژه",
        hs_code="848210",
        annual_quantity=Decimal("4321"),
        yearly_value=7_654_321_000,
        visibility=Visibility.APPROVED,
        attachments=[SimpleUploadedFile(SECRET_FILE, PDF)],
    )
    recompute_need(need.pk)
    return need


# -- needs per role ---------------------------------------------------------------------------------


def test_the_api_asks_for_a_token(public_need: Need) -> None:
    assert APIClient().get(NEEDS).status_code in (401, 403)


def test_every_logged_in_role_lists_the_needs(
    public_need: Need,
    secret_need: Need,
    desk: Desk,
    manager: User,
    other_manager: User,
    expert: User,
    investor: User,
    liaison: User,
) -> None:
    for user in (manager, expert, desk.lab, other_manager, investor, liaison):
        listed = rows(api_client_for(user).get(NEEDS))
        assert {public_need.pk, secret_need.pk} <= set(listed), user.username
        assert listed[public_need.pk]["details_visible"] is True
        assert "description" in listed[public_need.pk]
    for owner_side in (manager, expert):
        row = rows(api_client_for(owner_side).get(NEEDS))[secret_need.pk]
        assert row["details_visible"] is True
        assert SECRET in row["description"]
        assert row["yearly_value"] == 7_654_321_000


def test_a_non_approved_caller_gets_the_title_only(secret_need: Need, desk: Desk, manager: User) -> None:
    lab = api_client_for(desk.lab)
    listed = lab.get(NEEDS)
    row = rows(listed)[secret_need.pk]
    assert set(row) == TITLE_ONLY_KEYS
    for name in DETAIL_FIELDS:
        assert name not in row, name
    assert row["title"] == TITLE
    assert row["kind"] == NeedKind.PART
    assert row["details_visible"] is False
    assert_no_details(listed)

    shown = lab.get(f"{NEEDS}{secret_need.pk}/")
    assert shown.status_code == 200
    assert set(shown.json()) >= TITLE_ONLY_KEYS
    for name in DETAIL_FIELDS:
        assert name not in shown.json(), name
    assert shown.json()["can_request_access"] is True
    assert shown.json()["can_propose"] is False
    assert_no_details(shown)

    matches = lab.get(f"{NEEDS}{secret_need.pk}/matches/")
    assert matches.status_code in (403, 404)
    assert_no_details(matches)
    assert lab.get(f"{NEEDS}987654/").status_code == 404

    # A proposal on it is refused, and says nothing of it.
    refused = lab.post(
        PROPOSALS, {"need": secret_need.pk, "capability": desk.capability.pk, "text": "پیشنهاد"}, format="json"
    )
    assert refused.status_code == 403
    assert_no_details(refused)

    # After the owner approves the lab's organisation, the details and matches appear.
    request = services.need_access_request(need=secret_need, by=desk.lab)
    services.need_access_decide(request=request, by=manager, approve=True)
    row = rows(lab.get(NEEDS))[secret_need.pk]
    assert row["details_visible"] is True
    assert SECRET in row["description"]
    assert row["annual_quantity"] == "4321.00"
    shown = lab.get(f"{NEEDS}{secret_need.pk}/").json()
    assert [a["name"] for a in shown["attachments"]] == [SECRET_FILE]
    assert shown["can_propose"] is True
    ranked = lab.get(f"{NEEDS}{secret_need.pk}/matches/")
    assert ranked.status_code == 200
    assert ranked.json(), "the lab's capability should be ranked"
    assert {"rank", "score", "capability", "reasons"} <= set(ranked.json()[0])
    # Another organisation is still not approved.
    assert_no_details(api_client_for(desk.firm).get(NEEDS))


def test_search_finds_a_confidential_need_by_its_title_only(
    secret_need: Need, public_need: Need, desk: Desk, manager: User
) -> None:
    lab = api_client_for(desk.lab)
    found = lab.get(NEEDS, {"q": "زیرکونیوم"})
    assert secret_need.pk not in rows(found)
    assert_no_details(found)
    assert secret_need.pk in rows(lab.get(NEEDS, {"q": "يَاتاقان"}))  # a word of the title, spelt with Arabic ی
    assert secret_need.pk in rows(api_client_for(manager).get(NEEDS, {"q": "زیرکونیوم"}))
    # How a need is supplied today is one of its details: the filter does not reveal it.
    assert secret_need.pk not in rows(lab.get(NEEDS, {"supplied_from": SupplySource.IMPORTED}))
    assert secret_need.pk in rows(api_client_for(manager).get(NEEDS, {"supplied_from": SupplySource.IMPORTED}))
    assert public_need.pk in rows(lab.get(NEEDS, {"supplied_from": SupplySource.IMPORTED}))
    assert set(rows(lab.get(NEEDS, {"kind": NeedKind.SERVICE}))) == set()


def test_search_is_also_read_from_the_search_parameter_api_clients_expect(
    secret_need: Need, public_need: Need, desk: Desk, manager: User
) -> None:
    client = api_client_for(manager)
    by_q = rows(client.get(NEEDS, {"q": "زیرکونیوم"}))
    assert secret_need.pk in by_q
    assert rows(client.get(NEEDS, {"search": "زیرکونیوم"})) == by_q
    assert set(rows(client.get(NEEDS))) > set(by_q)  # a search that filters nothing would pass the line above


def test_the_public_need_shows_its_ranked_capabilities_with_reasons(public_need: Need, desk: Desk) -> None:
    ranked = api_client_for(desk.firm).get(f"{NEEDS}{public_need.pk}/matches/")
    assert ranked.status_code == 200
    top = ranked.json()[0]
    assert top["rank"] == 1
    assert top["capability"]["id"] == desk.capability.pk
    assert top["capability"]["owner"]["name"] == desk.lab_org.name
    assert top["reasons"]["terms"]
    assert top["reasons"]["same_province"] is True
    # Related terms travel with the reasons too, as the engine stored them.
    stored = Match.objects.get(need=public_need, rank=1)
    assert top["reasons"]["related"] == stored.reasons.get("related", [])
    stored.reasons = {**stored.reasons, "related": ["عملیات حرارتی"]}
    stored.save(update_fields=["reasons"])
    again = api_client_for(desk.firm).get(f"{NEEDS}{public_need.pk}/matches/").json()[0]
    assert again["reasons"]["related"] == ["عملیات حرارتی"]


# -- posting ----------------------------------------------------------------------------------------


def need_fields(unit: Unit, **extra: Any) -> dict[str, Any]:
    return {
        "unit": unit.pk,
        "title": "بلبرينگ  موتور الکتريکي",  # Arabic ي and a double space: normalised
        "description": "بلبرینگ وارداتی موتور الکتریکی ۱۵ کیلووات",
        "kind": NeedKind.PART,
        "supplied_from": SupplySource.IMPORTED,
        "annual_quantity": "500",
        "yearly_value": 1_200_000_000,
        "deadline": "2026-03-01",
        **extra,
    }


def test_the_unit_manager_and_the_expert_post_needs(
    unit: Unit, manager: User, other_manager: User, expert: User
) -> None:
    posted = api_client_for(manager).post(NEEDS, need_fields(unit), format="json")
    assert posted.status_code == 201, posted.content
    need = Need.objects.get(pk=posted.json()["id"])
    assert need.posted_by == manager
    assert need.title == "بلبرینگ موتور الکتریکی"
    assert posted.json()["details_visible"] is True
    assert posted.json()["matches"] == []  # computed in the background

    by_expert = api_client_for(expert).post(NEEDS, need_fields(unit, visibility=Visibility.APPROVED), format="json")
    assert by_expert.status_code == 201, by_expert.content
    # Another company's manager cannot post for this unit.
    assert api_client_for(other_manager).post(NEEDS, need_fields(unit), format="json").status_code in (400, 403)
    invalid = api_client_for(manager).post(NEEDS, need_fields(unit, kind="nonsense", title=""), format="json")
    assert invalid.status_code == 400
    assert {"kind", "title"} <= set(invalid.json())
    assert Need.objects.count() == 2


def test_investor_and_liaison_cannot_post(unit: Unit, investor: User, liaison: User, desk: Desk) -> None:
    for user in (investor, liaison):
        client = api_client_for(user)
        refused = client.post(NEEDS, need_fields(unit), format="json")
        assert refused.status_code == 403
        with translation.override("fa"):
            assert refused.json()["detail"] == _("You cannot post a need for this unit.")
        assert re.search("[\u0600-\u06ff]", refused.json()["detail"]), "the refusal is in Persian"
        assert client.post(CAPABILITIES, {"title": "ساخت قالب", "description": "x"}, format="json").status_code == 403
        assert client.post(PROPOSALS, {"need": 1, "capability": 1, "text": "x"}, format="json").status_code == 403
    assert not Need.objects.exists()


def test_capabilities_are_posted_listed_and_searched(desk: Desk, manager: User, investor: User) -> None:
    lab = api_client_for(desk.lab)
    posted = lab.post(
        CAPABILITIES,
        {"title": "تراشکاري CNC قطعات دقيق", "description": "تراش و فرز سی‌ان‌سی", "is_public": False},
        format="json",
    )
    assert posted.status_code == 201, posted.content
    capability = Capability.objects.get(pk=posted.json()["id"])
    assert capability.owner == desk.lab_org
    assert posted.json()["owner"]["name"] == desk.lab_org.name
    assert capability.pk in rows(lab.get(CAPABILITIES))
    # Outside the public catalogue: only its owner (and province staff) see it.
    assert capability.pk not in rows(api_client_for(investor).get(CAPABILITIES))
    assert api_client_for(investor).get(f"{CAPABILITIES}{capability.pk}/").status_code == 404
    assert set(rows(lab.get(CAPABILITIES, {"q": "تراشکاری"}))) == {capability.pk}
    assert desk.capability.pk in rows(api_client_for(investor).get(CAPABILITIES, {"q": "قالب"}))


# -- the proposal path ------------------------------------------------------------------------------


def test_the_proposal_path_by_api(public_need: Need, desk: Desk, manager: User, other_manager: User) -> None:
    lab, owner = api_client_for(desk.lab), api_client_for(manager)
    # The lab cannot answer with another organisation's capability.
    other = lab.post(
        PROPOSALS, {"need": public_need.pk, "capability": desk.firm_capability.pk, "text": "x"}, format="json"
    )
    assert other.status_code == 400
    sent = lab.post(
        PROPOSALS,
        {
            "need": public_need.pk,
            "capability": desk.capability.pk,
            "text": "ساخت قالب در ۸ هفته",
            "price": 4_000_000_000,
            "delivery": "۸ هفته",
        },
        format="json",
    )
    assert sent.status_code == 201, sent.content
    pk = sent.json()["id"]
    assert sent.json()["state"] == ProposalState.SUBMITTED
    assert sent.json()["allowed_actions"] == ["withdraw"]
    again = lab.post(PROPOSALS, {"need": public_need.pk, "capability": desk.capability.pk, "text": "x"}, format="json")
    assert again.status_code == 400
    assert again.json()["detail"]

    # Both sides see it; an outsider does not.
    assert pk in rows(lab.get(PROPOSALS))
    assert pk in rows(owner.get(PROPOSALS, {"need": public_need.pk}))
    assert pk not in rows(api_client_for(other_manager).get(PROPOSALS))
    assert api_client_for(other_manager).get(f"{PROPOSALS}{pk}/").status_code == 404
    assert set(owner.get(f"{PROPOSALS}{pk}/").json()["allowed_actions"]) == {"shortlist", "accept", "decline"}

    asked = owner.post(f"{PROPOSALS}{pk}/messages/", {"text": "جنس فولاد قالب چیست؟"}, format="json")
    assert asked.status_code == 201, asked.content
    assert lab.post(f"{PROPOSALS}{pk}/messages/", {"text": "فولاد ۲۳۱۱"}, format="json").status_code == 201
    assert api_client_for(desk.firm).post(f"{PROPOSALS}{pk}/messages/", {"text": "x"}, format="json").status_code == 404
    thread = lab.get(f"{PROPOSALS}{pk}/").json()["messages"]
    assert [m["text"] for m in thread] == ["جنس فولاد قالب چیست؟", "فولاد 2311"]  # digits stored in Latin
    assert Proposal.objects.get(pk=pk).first_reply_at is not None

    # Only the need's side shortlists and accepts; the proposer only withdraws.
    assert lab.post(f"{PROPOSALS}{pk}/actions/shortlist/", {}, format="json").status_code == 403
    assert owner.post(f"{PROPOSALS}{pk}/actions/withdraw/", {}, format="json").status_code == 403
    assert owner.post(f"{PROPOSALS}{pk}/actions/nonsense/", {}, format="json").status_code == 404
    shortlisted = owner.post(f"{PROPOSALS}{pk}/actions/shortlist/", {}, format="json")
    assert shortlisted.status_code == 200, shortlisted.content
    assert shortlisted.json()["state"] == ProposalState.SHORTLISTED
    assert owner.post(f"{PROPOSALS}{pk}/actions/shortlist/", {}, format="json").status_code == 400
    assert owner.post(f"{PROPOSALS}{pk}/actions/accept/", {}, format="json").status_code == 400  # no value
    accepted = owner.post(
        f"{PROPOSALS}{pk}/actions/accept/", {"value": 3_800_000_000, "signed_on": "2025-09-01"}, format="json"
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == ProposalState.ACCEPTED
    assert accepted.json()["agreement"]["value"] == 3_800_000_000
    assert Agreement.objects.filter(proposal_id=pk).exists()
    declined = owner.post(f"{PROPOSALS}{pk}/actions/decline/", {"reason": "price"}, format="json")
    assert declined.status_code == 400
    assert declined.json()["detail"]
    assert lab.post(f"{PROPOSALS}{pk}/actions/withdraw/", {}, format="json").status_code == 400


def test_decline_needs_a_reason_and_withdraw_by_the_proposer(public_need: Need, desk: Desk, manager: User) -> None:
    lab, owner = api_client_for(desk.lab), api_client_for(manager)
    first = workflow.proposal_submit(need=public_need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    assert owner.post(f"{PROPOSALS}{first.pk}/actions/decline/", {}, format="json").status_code == 400
    assert owner.post(f"{PROPOSALS}{first.pk}/actions/decline/", {"reason": "bad"}, format="json").status_code == 400
    declined = owner.post(
        f"{PROPOSALS}{first.pk}/actions/decline/", {"reason": "price", "note": "گران است"}, format="json"
    )
    assert declined.status_code == 200
    assert declined.json()["decline_reason"] == "price"
    second = workflow.proposal_submit(
        need=public_need, capability=desk.firm_capability, by=desk.firm, text="پیشنهاد دوم"
    )
    withdrawn = api_client_for(desk.firm).post(f"{PROPOSALS}{second.pk}/actions/withdraw/", {}, format="json")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["state"] == ProposalState.WITHDRAWN
    assert lab.get(f"{PROPOSALS}{second.pk}/").status_code == 404


def test_the_schema_has_the_desk_paths() -> None:
    response = APIClient().get("/api/schema", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/needs/",
        "/api/v1/needs/{id}/",
        "/api/v1/needs/{id}/matches/",
        "/api/v1/capabilities/",
        "/api/v1/proposals/",
        "/api/v1/proposals/{id}/actions/{name}/",
        "/api/v1/proposals/{id}/messages/",
    ):
        assert path in paths, path


def test_needs_cannot_be_ordered_by_a_confidential_deadline(
    unit: Unit, manager: User, desk: Desk, secret_need: Need
) -> None:
    later = post_need(unit, manager, title="نیاز عمومی دیرتر", description="شرح", deadline=dt.date(2030, 1, 1))
    ordered = [row["id"] for row in api_client_for(desk.lab).get(NEEDS, {"ordering": "deadline"}).json()["results"]]
    default = [row["id"] for row in api_client_for(desk.lab).get(NEEDS).json()["results"]]
    assert ordered == default  # the deadline ordering is not offered, so it tells nothing
    assert later.pk in ordered
