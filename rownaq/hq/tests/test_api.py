"""The HQ's API with the pages' rules, persona by persona: the secretariat runs the meetings and sees every
resolution (drafts too); a liaison or a unit manager sees the adopted resolutions that bind their organisation,
carries out its own commitments and objects within the window; someone not bound sees nothing of them; an
investor gets nothing at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import api_client_for
from rownaq.geography.models import Province
from rownaq.hq import services, workflow
from rownaq.hq.models import (
    Commitment,
    DisruptiveRegulation,
    Meeting,
    MeetingState,
    Objection,
    ObjectionState,
    Party,
    RegulationKind,
    Resolution,
)
from rownaq.obstacles.models import Case, CaseState

pytestmark = pytest.mark.django_db
API = "/api/v1/hq"


@dataclass
class HQ:
    held: Meeting  # meeting 13, held yesterday
    ahead: Meeting  # meeting 14, next month
    both: Resolution  # 13/1 on the case: binds the bank and the unit's company
    taxed: Resolution  # 13/2 on the case: binds the tax office only (the case is not referred to it)
    draft: Resolution  # 14/1: binds the bank, a draft
    case: Case


@pytest.fixture
def hq(
    make_case: Callable[..., Case],
    qom: Province,
    deputy: User,
    bank: Organisation,
    tax_office: Organisation,
    unit_company: Organisation,
) -> HQ:
    today = timezone.localdate()
    case = make_case(CaseState.REFERRED)  # referred to the bank

    def issue(meeting: Meeting, text: str, sides: list[tuple[str, Organisation]], on: Case | None) -> Resolution:
        deadline = meeting.held_on + dt.timedelta(days=30)
        return services.resolution_issue(
            meeting=meeting,
            case=on,
            text=text,
            commitments=[{"party": p, "owner": o, "text": f"تعهد {o.name}", "deadline": deadline} for p, o in sides],
            by=deputy,
        )

    held = services.meeting_create(province=qom, held_on=today - dt.timedelta(days=1), number=13, by=deputy)
    workflow.act(meeting=held, action="hold", by=deputy)
    both = issue(held, "استمهال بدهی و پرداخت بخشی از آن", [(Party.AGENCY, bank), (Party.UNIT, unit_company)], case)
    taxed = issue(held, "بخشودگی جریمه مالیاتی", [(Party.AGENCY, tax_office)], case)
    ahead = services.meeting_create(province=qom, held_on=today + dt.timedelta(days=30), number=14, by=deputy)
    draft = issue(ahead, "افزایش سقف ضمانت‌نامه", [(Party.AGENCY, bank)], None)
    return HQ(held, ahead, both, taxed, draft, case)


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# -- meetings ---------------------------------------------------------------------------------------------


def test_the_secretariat_lists_and_opens_meetings_and_nobody_else_does(
    hq: HQ, deputy: User, bank_liaison: User, manager: User, investor: User
) -> None:
    client = api_client_for(deputy)
    assert ids(client.get(f"{API}/meetings/")) == {hq.held.pk, hq.ahead.pk}
    assert ids(client.get(f"{API}/meetings/", {"state": "planned"})) == {hq.ahead.pk}
    body = client.get(f"{API}/meetings/{hq.ahead.pk}/").json()
    assert (body["state"], body["allowed_actions"], body["resolution_count"]) == ("planned", ["hold"], 1)
    assert [r["status"] for r in body["resolutions"]] == ["draft"]
    assert [e["action"] for e in body["events"]] == ["plan"]
    for outsider in (bank_liaison, manager, investor):
        client = api_client_for(outsider)
        assert client.get(f"{API}/meetings/").status_code == 403
        assert client.get(f"{API}/meetings/{hq.held.pk}/").status_code == 403
        assert client.post(f"{API}/meetings/{hq.ahead.pk}/actions/hold/", {}, format="json").status_code == 403


def test_the_secretariat_holds_a_meeting_and_makes_its_minutes_final(hq: HQ, deputy: User) -> None:
    client = api_client_for(deputy)
    url = f"{API}/meetings/{hq.ahead.pk}/actions/"
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(f"{url}hold/", {"held_on": tomorrow}, format="json")
    assert response.status_code == 400
    assert "روزی که هنوز نرسیده" in response.json()["detail"]
    assert client.post(f"{url}finalise/", {}, format="json").status_code == 400  # still planned
    assert client.post(f"{url}plan/", {}, format="json").status_code == 404

    response = client.post(f"{url}hold/", {"comment": "جلسه زودتر تشکیل شد"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["held_on"]) == (MeetingState.HELD, timezone.localdate().isoformat())
    assert [r["status"] for r in body["resolutions"]] == ["in_progress"]  # the draft is adopted
    assert body["allowed_actions"] == ["finalise"]
    response = client.post(f"{url}finalise/", {}, format="json")
    assert response.json()["state"] == MeetingState.MINUTES_FINAL
    assert [e["action"] for e in response.json()["events"]] == ["plan", "hold", "finalise"]


# -- resolutions --------------------------------------------------------------------------------------------


def test_each_persona_sees_the_resolutions_the_pages_show_them(
    hq: HQ,
    deputy: User,
    bank_liaison: User,
    tax_liaison: User,
    liaison: User,
    manager: User,
    other_manager: User,
    investor: User,
) -> None:
    url = f"{API}/resolutions/"
    assert ids(api_client_for(deputy).get(url)) == {hq.both.pk, hq.taxed.pk, hq.draft.pk}
    assert ids(api_client_for(bank_liaison).get(url)) == {hq.both.pk}  # not the draft, not the tax office's
    assert ids(api_client_for(manager).get(url)) == {hq.both.pk}
    assert ids(api_client_for(tax_liaison).get(url)) == {hq.taxed.pk}
    for not_bound in (liaison, other_manager):
        assert ids(api_client_for(not_bound).get(url)) == set()
        assert api_client_for(not_bound).get(f"{url}{hq.both.pk}/").status_code == 404
    assert api_client_for(investor).get(url).status_code == 403


def test_a_resolution_gives_its_case_to_open_only_to_those_who_may(
    hq: HQ, deputy: User, bank_liaison: User, tax_liaison: User
) -> None:
    case = {"id": hq.case.pk, "reference": hq.case.reference}
    assert api_client_for(deputy).get(f"{API}/resolutions/{hq.taxed.pk}/").json()["case"] == case
    assert api_client_for(bank_liaison).get(f"{API}/resolutions/").json()["results"][0]["case"] == case
    shown = api_client_for(tax_liaison).get(f"{API}/resolutions/").json()["results"][0]
    assert shown["case"] == {"id": None, "reference": hq.case.reference}  # not referred to the tax office
    assert shown["may_object"] is True
    assert shown["objection_window_open"] is True


def test_the_resolution_filters_are_the_pages(hq: HQ, deputy: User, bank: Organisation, bank_liaison: User) -> None:
    client = api_client_for(deputy)
    url = f"{API}/resolutions/"
    assert ids(client.get(url, {"status": "draft"})) == {hq.draft.pk}
    assert ids(client.get(url, {"status": "in_progress"})) == {hq.both.pk, hq.taxed.pk}
    assert ids(client.get(url, {"agency": bank.pk})) == {hq.both.pk, hq.draft.pk}
    assert ids(client.get(url, {"meeting": hq.held.pk, "case": hq.case.pk})) == {hq.both.pk, hq.taxed.pk}
    assert client.get(url, {"status": "nonsense"}).status_code == 400
    # the agency filter is the secretariat's: a bound side sees only what binds it anyway
    assert ids(api_client_for(bank_liaison).get(url, {"agency": bank.pk})) == {hq.both.pk}


# -- commitments ----------------------------------------------------------------------------------------------


def test_each_side_carries_out_its_own_commitment(
    hq: HQ, deputy: User, bank: Organisation, bank_liaison: User, tax_liaison: User, manager: User
) -> None:
    bank_side = hq.both.commitments.get(owner=bank)
    unit_side = hq.both.commitments.get(party=Party.UNIT)
    url = f"{API}/commitments/"
    assert ids(api_client_for(bank_liaison).get(url)) == {bank_side.pk, unit_side.pk}  # the resolution's, as shown
    response = api_client_for(bank_liaison).post(f"{url}{unit_side.pk}/carry-out/", {"note": "x"}, format="json")
    assert response.status_code == 403
    response = api_client_for(tax_liaison).post(f"{url}{bank_side.pk}/carry-out/", {"note": "x"}, format="json")
    assert response.status_code == 404
    response = api_client_for(bank_liaison).post(f"{url}{bank_side.pk}/carry-out/", {"note": ""}, format="json")
    assert response.status_code == 400
    response = api_client_for(bank_liaison).post(
        f"{url}{bank_side.pk}/carry-out/", {"note": "استمهال انجام شد"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["done_on"], response.json()["on_time"]) == (timezone.localdate().isoformat(), True)
    response = api_client_for(manager).post(f"{url}{unit_side.pk}/carry-out/", {"note": "پرداخت شد"}, format="json")
    assert response.status_code == 200, response.content

    draft_side = hq.draft.commitments.get()
    response = api_client_for(deputy).post(f"{url}{draft_side.pk}/carry-out/", {"note": "x"}, format="json")
    assert response.status_code == 400
    assert "پیش‌نویس" in response.json()["detail"]
    assert Commitment.objects.filter(done_on__isnull=False).count() == 2


# -- objections -----------------------------------------------------------------------------------------------


@override_settings(ROWNAQ_OBJECTION_DAYS=15)
def test_bound_sides_object_within_the_window_and_the_secretariat_decides(
    hq: HQ,
    deputy: User,
    bank_liaison: User,
    liaison: User,
    manager: User,
    other_manager: User,
    investor: User,
) -> None:
    url = f"{API}/objections/"
    filed = {"resolution": hq.both.pk, "text": "واحد توان پرداخت بیست درصد را ندارد."}
    for outsider in (liaison, other_manager):  # not bound: the resolution is not theirs to see
        assert api_client_for(outsider).post(url, filed, format="json").status_code == 404
    assert api_client_for(investor).post(url, filed, format="json").status_code == 403
    assert api_client_for(deputy).post(url, filed, format="json").status_code == 403  # the HQ does not object

    response = api_client_for(manager).post(url, filed, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["organisation"]["id"], body["state"]) == (manager.organisation_id, ObjectionState.PENDING)
    assert api_client_for(manager).post(url, filed, format="json").status_code == 400  # already pending
    response = api_client_for(bank_liaison).post(url, {**filed, "text": "وثیقه کافی نیست."}, format="json")
    assert response.status_code == 201
    assert ids(api_client_for(bank_liaison).get(url)) == set(Objection.objects.values_list("pk", flat=True))

    objection = Objection.objects.get(agency=manager.organisation)
    decide = f"{url}{objection.pk}/decide/"
    assert api_client_for(bank_liaison).post(decide, {"upheld": False}, format="json").status_code == 403
    response = api_client_for(deputy).post(decide, {"upheld": False, "note": "مصوبه پابرجاست"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == ObjectionState.DISMISSED
    assert api_client_for(deputy).post(decide, {"upheld": True}, format="json").status_code == 400

    Resolution.objects.filter(pk=hq.both.pk).update(objection_until=timezone.localdate() - dt.timedelta(days=1))
    response = api_client_for(manager).post(url, {**filed, "text": "اعتراض دوم"}, format="json")
    assert response.status_code == 400
    assert "باید اجرا شود" in response.json()["detail"]


# -- the register and the scoreboard -------------------------------------------------------------------------


def test_province_staff_read_the_register_and_the_scoreboard(
    hq: HQ,
    qom: Province,
    deputy: User,
    expert: User,
    bank_liaison: User,
    manager: User,
    investor: User,
) -> None:
    regulation = services.regulation_create(
        province=qom,
        by=deputy,
        cases=[hq.case],
        title="بخشنامه وثیقه ملکی",
        kind=RegulationKind.CIRCULAR,
        issuing_body="بانک مرکزی",
        problem="واحدها وثیقه ملکی ندارند.",
    )
    response = api_client_for(expert).get(f"{API}/regulations/", {"kind": "circular"})
    assert ids(response) == {regulation.pk}
    row = response.json()["results"][0]
    assert (row["cases"], row["units_affected"]) == ([hq.case.pk], [{"id": hq.case.unit_id, "name": hq.case.unit.name}])
    assert ids(api_client_for(expert).get(f"{API}/regulations/", {"kind": "law"})) == set()

    response = api_client_for(deputy).get(f"{API}/scoreboard/{qom.code}/")
    assert response.status_code == 200, response.content
    board = response.json()
    assert board["province"] == qom.code
    assert [a["name"] for a in board["agencies"]] == [hq.case.referrals.get().agency.name]
    assert [m["meeting"]["number"] for m in board["meetings"]] == [13]  # meeting 14 is still to be held
    assert board["counts"]["open_cases"] == 1
    assert api_client_for(deputy).get(f"{API}/scoreboard/10/").status_code == 403  # Isfahan is not theirs
    assert api_client_for(deputy).get(f"{API}/scoreboard/999/").status_code == 404

    for outsider in (bank_liaison, manager, investor):
        client = api_client_for(outsider)
        assert client.get(f"{API}/regulations/").status_code == 403
        assert client.get(f"{API}/regulations/{regulation.pk}/").status_code == 403
        assert client.get(f"{API}/scoreboard/{qom.code}/").status_code == 403
    assert DisruptiveRegulation.objects.count() == 1


def test_the_schema_documents_the_hq_paths() -> None:
    response = APIClient().get("/api/schema", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/hq/meetings/",
        "/api/v1/hq/meetings/{id}/",
        "/api/v1/hq/meetings/{id}/actions/{name}/",
        "/api/v1/hq/resolutions/",
        "/api/v1/hq/resolutions/{id}/",
        "/api/v1/hq/commitments/{id}/carry-out/",
        "/api/v1/hq/objections/",
        "/api/v1/hq/objections/{id}/decide/",
        "/api/v1/hq/regulations/",
        "/api/v1/hq/scoreboard/{code}/",
    ):
        assert path in paths, path
    (name,) = [
        p for p in paths["/api/v1/hq/meetings/{id}/actions/{name}/"]["post"]["parameters"] if p["name"] == "name"
    ]
    assert set(name["schema"]["enum"]) == set(workflow.ACTIONS)
