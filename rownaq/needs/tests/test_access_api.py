"""The desk's API for confidential needs: access requests (asked, listed, approved, declined) and the
need's drawings and specifications (listed, downloaded, uploaded), role by role.

A caller the owner has not approved never gets a confidential need's attachment names or anything of
its details from these endpoints, whatever it asks.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for, browser_for, login
from rownaq.needs import services
from rownaq.needs.models import Need, NeedAccess, NeedAccessState, NeedAttachment, Visibility
from rownaq.needs.tests.desk import PDF, Desk, post_need
from rownaq.needs.tests.test_api import assert_no_details, body
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

NEEDS = "/api/v1/needs/"
SECRET_FILE = "naqsheh-sirri.pdf"  # one of test_api's markers that must never reach a non-approved caller
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def secret_need(unit: Unit, manager: User, desk: Desk) -> Need:
    return post_need(
        unit,
        manager,
        title="یاتاقان پمپ آب صنعتی",
        description="یاتاقان برای پمپ با آلیاژ محرمانه زیرکونیوم، قالب تزریق ویژه",
        hs_code="848210",
        annual_quantity=Decimal("4321"),
        yearly_value=7_654_321_000,
        visibility=Visibility.APPROVED,
        attachments=[SimpleUploadedFile(SECRET_FILE, PDF)],
    )


@pytest.fixture
def public_need(unit: Unit, manager: User) -> Need:
    return post_need(unit, manager, attachments=[SimpleUploadedFile("drawing.pdf", PDF)])


def requests_url(need: Need) -> str:
    return f"{NEEDS}{need.pk}/access-requests/"


def decide_url(need: Need, request_id: int, decision: str) -> str:
    return f"{NEEDS}{need.pk}/access-requests/{request_id}/{decision}/"


def attachments_url(need: Need) -> str:
    return f"{NEEDS}{need.pk}/attachments/"


def in_persian(text: str) -> bool:
    return bool(re.search("[\u0600-\u06ff]", text))


def fa(message: str) -> str:
    """The message as the API answers it (Persian, once translated)."""
    with translation.override("fa"):
        return _(message)


# -- access requests --------------------------------------------------------------------------------


def test_the_owner_lists_approves_and_declines_and_the_requester_then_sees_the_details(
    secret_need: Need, desk: Desk, manager: User, expert: User, other_manager: User, unit: Unit
) -> None:
    lab, firm, owner = api_client_for(desk.lab), api_client_for(desk.firm), api_client_for(manager)

    # Before any approval the lab sees neither the drawings nor their names, nor a file by its number.
    refused = lab.get(attachments_url(secret_need))
    assert refused.status_code == 403
    assert_no_details(refused)
    stored = NeedAttachment.objects.get(need=secret_need)
    guessed = lab.get(f"{attachments_url(secret_need)}{stored.pk}/")
    assert guessed.status_code == 403
    assert PDF not in guessed.content
    assert "attachments" not in lab.get(f"{NEEDS}{secret_need.pk}/").json()

    asked = lab.post(requests_url(secret_need))
    assert asked.status_code == 201, asked.content
    row = asked.json()
    assert (row["state"], row["organisation"]["id"], row["requested_by"]) == (
        NeedAccessState.REQUESTED,
        desk.lab_org.pk,
        str(desk.lab),
    )
    assert row["decided_by"] is None
    assert row["decided_at"] is None
    assert_no_details(asked)
    again = lab.post(requests_url(secret_need))
    assert again.status_code == 200
    assert again.json()["id"] == row["id"]
    assert firm.post(requests_url(secret_need)).status_code == 201
    assert NeedAccess.objects.filter(need=secret_need).count() == 2

    # Only the owner's side lists the requests.
    for side in (manager, expert):
        listed = api_client_for(side).get(requests_url(secret_need))
        assert listed.status_code == 200, side.username
        assert {r["organisation"]["name"] for r in listed.json()} == {desk.lab_org.name, desk.firm_org.name}
        assert set(listed.json()[0]) == {
            "id",
            "state",
            "state_label",
            "organisation",
            "requested_by",
            "decided_by",
            "decided_at",
        }
    for outsider in (desk.lab, desk.firm, other_manager):
        refused = api_client_for(outsider).get(requests_url(secret_need))
        assert refused.status_code == 403, outsider.username
        assert desk.lab_org.name not in body(refused)
        assert_no_details(refused)

    # Only the owner's side decides, and only on the need's own requests.
    lab_request = NeedAccess.objects.get(need=secret_need, organisation=desk.lab_org)
    firm_request = NeedAccess.objects.get(need=secret_need, organisation=desk.firm_org)
    assert lab.post(decide_url(secret_need, lab_request.pk, "approve")).status_code == 403
    assert firm.post(decide_url(secret_need, lab_request.pk, "decline")).status_code == 403
    other_need = post_need(unit, manager, title="نیاز دیگر", visibility=Visibility.APPROVED)
    assert owner.post(decide_url(other_need, lab_request.pk, "approve")).status_code == 404
    assert owner.post(decide_url(secret_need, 987654, "approve")).status_code == 404
    assert owner.post(f"{requests_url(secret_need)}{lab_request.pk}/nonsense/").status_code == 404
    lab_request.refresh_from_db()
    assert lab_request.state == NeedAccessState.REQUESTED

    approved = owner.post(decide_url(secret_need, lab_request.pk, "approve"))
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == NeedAccessState.APPROVED
    assert approved.json()["decided_by"] == str(manager)
    assert approved.json()["decided_at"]
    lab_request.refresh_from_db()
    assert (lab_request.decided_by, lab_request.state) == (manager, NeedAccessState.APPROVED)

    declined = api_client_for(expert).post(decide_url(secret_need, firm_request.pk, "decline"))
    assert declined.status_code == 200, declined.content
    assert declined.json()["state"] == NeedAccessState.DECLINED
    assert declined.json()["decided_by"] == str(expert)

    # The approved lab now sees the details and the drawings, and downloads them on the site.
    shown = lab.get(f"{NEEDS}{secret_need.pk}/").json()
    assert shown["details_visible"] is True
    assert "زیرکونیوم" in shown["description"]
    files = lab.get(attachments_url(secret_need))
    assert files.status_code == 200
    (attachment,) = files.json()
    assert set(attachment) == {"id", "name", "size", "content_type", "uploaded_at", "url", "download"}
    assert (attachment["name"], attachment["size"], attachment["content_type"]) == (
        SECRET_FILE,
        len(PDF),
        "application/pdf",
    )
    assert attachment["url"] == reverse("needs-attachment", args=[attachment["id"]])
    browser = browser_for(desk.lab)
    assert browser.get(attachment["url"]).status_code == 200
    # A machine client downloads it with its token.
    assert attachment["download"] == f"{attachments_url(secret_need)}{attachment['id']}/"
    downloaded = lab.get(attachment["download"])
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == PDF  # type: ignore[attr-defined]
    assert SECRET_FILE in downloaded["Content-Disposition"]
    # Only the need's own files: another need's file number is not found under this need.
    other = post_need(unit, manager, attachments=[SimpleUploadedFile("other.pdf", PDF)])
    foreign = NeedAttachment.objects.get(need=other)
    assert lab.get(f"{attachments_url(secret_need)}{foreign.pk}/").status_code == 404
    # … but still not who else asked, and there is nothing more to ask for.
    assert lab.get(requests_url(secret_need)).status_code == 403
    assert lab.post(requests_url(secret_need)).status_code == 403

    # The declined firm still sees nothing.
    for response in (firm.get(attachments_url(secret_need)), firm.get(f"{NEEDS}{secret_need.pk}/")):
        assert_no_details(response)
    assert firm.get(attachments_url(secret_need)).status_code == 403

    # A declined organisation may ask again; the old decision is cleared.
    assert firm.post(requests_url(secret_need)).status_code == 201
    firm_request.refresh_from_db()
    assert (firm_request.state, firm_request.decided_by, firm_request.decided_at) == (
        NeedAccessState.REQUESTED,
        None,
        None,
    )


def test_a_third_organisation_is_refused_everywhere(
    secret_need: Need, desk: Desk, manager: User, other_manager: User
) -> None:
    request = services.need_access_request(need=secret_need, by=desk.lab)
    services.need_access_decide(request=request, by=manager, approve=True)
    third = api_client_for(other_manager)
    attachment = NeedAttachment.objects.get(need=secret_need)
    responses = [
        third.get(attachments_url(secret_need)),
        third.get(requests_url(secret_need)),
        third.post(decide_url(secret_need, request.pk, "decline")),
        third.post(attachments_url(secret_need), {"files": [SimpleUploadedFile("x.pdf", PDF)]}, format="multipart"),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    for response in responses:
        assert_no_details(response)
        assert desk.lab_org.name not in body(response)
    request.refresh_from_db()
    assert request.state == NeedAccessState.APPROVED
    assert NeedAttachment.objects.filter(need=secret_need).count() == 1
    browser = browser_for(other_manager)
    assert browser.get(reverse("needs-attachment", args=[attachment.pk])).status_code == 404


def test_a_liaison_and_an_investor(
    secret_need: Need, public_need: Need, manager: User, liaison: User, investor: User
) -> None:
    for user in (liaison, investor):
        client = api_client_for(user)
        # A public need's drawings are for everyone logged in; adding some is for its owner.
        listed = client.get(attachments_url(public_need))
        assert listed.status_code == 200
        assert [a["name"] for a in listed.json()] == ["drawing.pdf"]
        upload = client.post(
            attachments_url(public_need), {"files": [SimpleUploadedFile("x.pdf", PDF)]}, format="multipart"
        )
        assert upload.status_code == 403
        assert in_persian(upload.json()["detail"])
        # There is nothing to ask for on a public need, and no one else's requests to see.
        assert client.post(requests_url(public_need)).status_code == 403
        assert client.get(requests_url(secret_need)).status_code == 403
        # A confidential need: refused until the owner approves their organisation, which they may ask for.
        refused = client.get(attachments_url(secret_need))
        assert refused.status_code == 403
        assert refused.json()["detail"] == fa(
            "Ask for access to the need's details to see its drawings and specifications."
        )
        assert_no_details(refused)
        asked = client.post(requests_url(secret_need))
        assert asked.status_code == 201
        assert asked.json()["organisation"]["id"] == user.organisation_id

    owner = api_client_for(manager)
    investor_request = NeedAccess.objects.get(need=secret_need, organisation=investor.organisation)
    assert owner.post(decide_url(secret_need, investor_request.pk, "approve")).status_code == 200
    assert [a["name"] for a in api_client_for(investor).get(attachments_url(secret_need)).json()] == [SECRET_FILE]
    assert api_client_for(liaison).get(attachments_url(secret_need)).status_code == 403
    assert_no_details(api_client_for(liaison).get(f"{NEEDS}{secret_need.pk}/"))
    assert NeedAttachment.objects.filter(need=public_need).count() == 1


def test_an_approved_access_declined_later_is_withdrawn(secret_need: Need, desk: Desk, manager: User) -> None:
    lab, owner = api_client_for(desk.lab), api_client_for(manager)
    request_id = lab.post(requests_url(secret_need)).json()["id"]
    assert owner.post(decide_url(secret_need, request_id, "approve")).status_code == 200
    assert lab.get(attachments_url(secret_need)).status_code == 200
    assert owner.post(decide_url(secret_need, request_id, "decline")).status_code == 200
    refused = lab.get(attachments_url(secret_need))
    assert refused.status_code == 403
    assert_no_details(refused)


# -- uploads ----------------------------------------------------------------------------------------


def test_the_owner_side_uploads_checked_files(secret_need: Need, manager: User, expert: User, desk: Desk) -> None:
    owner = api_client_for(manager)
    url = attachments_url(secret_need)
    uploaded = owner.post(
        url,
        {"files": [SimpleUploadedFile("section.png", PNG), SimpleUploadedFile("spec.pdf", PDF)]},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    assert [(a["name"], a["content_type"]) for a in uploaded.json()] == [
        ("section.png", "image/png"),
        ("spec.pdf", "application/pdf"),
    ]
    assert {a.uploaded_by for a in NeedAttachment.objects.filter(name__in=["section.png", "spec.pdf"])} == {manager}
    assert api_client_for(expert).post(
        url, {"files": [SimpleUploadedFile("by-expert.pdf", PDF)]}, format="multipart"
    ).status_code == (201)
    assert [a["name"] for a in owner.get(url).json()] == [SECRET_FILE, "section.png", "spec.pdf", "by-expert.pdf"]

    # A file of another kind is refused with the service's Persian reason, and nothing of the upload is kept.
    bad = owner.post(
        url,
        {"files": [SimpleUploadedFile("good.pdf", PDF), SimpleUploadedFile("virus.exe", b"MZ\x90\x00 not a drawing")]},
        format="multipart",
    )
    assert bad.status_code == 400
    with translation.override("fa"):
        expected = _("“%(name)s” is not a PDF, PNG or JPEG file. Only these kinds of files can be attached.") % {
            "name": "virus.exe"
        }
    assert bad.json() == {"files": [expected]}
    assert in_persian(expected)
    disguised = owner.post(url, {"files": [SimpleUploadedFile("drawing.pdf", b"MZ\x90\x00")]}, format="multipart")
    assert disguised.status_code == 400
    assert "drawing.pdf" in disguised.json()["files"][0]
    empty = owner.post(url, {"files": [SimpleUploadedFile("empty.pdf", b"")]}, format="multipart")
    assert empty.status_code == 400
    nothing = owner.post(url, {}, format="multipart")
    assert nothing.status_code == 400
    assert nothing.json() == {"files": [fa("Choose a file to attach.")]}
    assert NeedAttachment.objects.filter(need=secret_need).count() == 4

    # The proposer's side cannot attach to someone else's need, approved or not.
    request = services.need_access_request(need=secret_need, by=desk.lab)
    services.need_access_decide(request=request, by=manager, approve=True)
    refused = api_client_for(desk.lab).post(url, {"files": [SimpleUploadedFile("x.pdf", PDF)]}, format="multipart")
    assert refused.status_code == 403
    assert NeedAttachment.objects.filter(need=secret_need).count() == 4


def test_the_session_works_too(secret_need: Need, manager: User) -> None:
    client = login(APIClient(), manager)
    assert client.get(requests_url(secret_need)).status_code == 200
    assert client.get(attachments_url(secret_need)).status_code == 200


def test_the_schema_has_the_new_paths() -> None:
    response = APIClient().get("/api/schema", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/needs/{id}/access-requests/"]) >= {"get", "post"}
    assert set(paths["/api/v1/needs/{id}/attachments/"]) >= {"get", "post"}
    assert "multipart/form-data" in paths["/api/v1/needs/{id}/attachments/"]["post"]["requestBody"]["content"]
    for decision in ("approve", "decline"):
        assert "post" in paths[f"/api/v1/needs/{{id}}/access-requests/{{request_id}}/{decision}/"]
