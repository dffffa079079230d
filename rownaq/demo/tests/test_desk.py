"""The Industry Needs Desk demo: deterministic, plausible, every proposal stage, clash-free meetings, clean reset."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import jdatetime
import pytest
from django.conf import settings
from django.core.management import call_command

from rownaq.accounts.models import Organisation
from rownaq.demo.desk import (
    DEMO_TARGET,
    demo_desk_build,
    demo_desk_capabilities,
    demo_desk_exhibitions,
    demo_desk_needs,
    demo_desk_organisations,
    demo_desk_reset,
)
from rownaq.demo.province import demo_province_build
from rownaq.exhibitions.models import (
    B2BMeeting,
    Booth,
    Exhibition,
    ExhibitionKind,
    Exhibitor,
    Hall,
    VisitorRegistration,
)
from rownaq.geography.models import Province
from rownaq.needs.models import (
    Agreement,
    Capability,
    DomesticTarget,
    Need,
    NeedAccess,
    NeedAccessState,
    NeedState,
    Proposal,
    ProposalEventKind,
    ProposalMessage,
    ProposalState,
    SupplySource,
    Visibility,
)
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 10, 1)  # 1404/07/09
S = ProposalState
HS_CODES = {
    row["hscode"]
    for row in csv.DictReader((Path(settings.BASE_DIR) / "rownaq/registry/data/hs2022.csv").open(encoding="utf-8"))
    if len(row["hscode"]) == 6
}


@pytest.fixture
def demo(qom: Province) -> Province:
    demo_province_build(province=qom, units=80, seed=1403, today=TODAY)
    summary = demo_desk_build(province=qom, seed=1403, today=TODAY)
    assert summary.created
    return qom


def snapshot(province: Province) -> tuple[list[tuple[str, str, int | None]], list[str]]:
    needs = list(demo_desk_needs(province=province).order_by("pk").values_list("title", "state", "yearly_value"))
    states = list(
        Proposal.objects.filter(need__in=demo_desk_needs(province=province))
        .order_by("pk")
        .values_list("state", flat=True)
    )
    return needs, states


def desk_rows() -> int:
    models = (
        B2BMeeting, VisitorRegistration, Booth, Exhibitor, Hall, Exhibition, ProposalMessage, Agreement, Proposal,
        NeedAccess, Need, Capability,
    )  # fmt: skip
    return sum(model.objects.count() for model in models)


def test_same_seed_gives_the_same_desk_and_reset_leaves_nothing(demo: Province) -> None:
    first = snapshot(demo)
    assert demo_desk_build(province=demo, seed=1403, today=TODAY).created is False  # building again adds nothing
    assert demo_desk_reset(province=demo) == len(first[0])
    assert desk_rows() == 0
    assert not demo_desk_organisations(province=demo).exists()
    assert not DomesticTarget.objects.filter(province=demo, value=DEMO_TARGET).exists()
    demo_desk_build(province=demo, seed=1403, today=TODAY)
    assert snapshot(demo) == first
    demo_desk_reset(province=demo)
    demo_desk_build(province=demo, seed=99, today=TODAY)
    assert snapshot(demo) != first


def test_needs_and_capabilities_are_plausible(demo: Province) -> None:
    needs = list(demo_desk_needs(province=demo).select_related("unit", "posted_by", "sector"))
    assert 140 <= len(needs) <= 160
    assert len({need.title for need in needs}) == len(needs)
    confidential = sum(need.visibility == Visibility.APPROVED for need in needs)
    assert 0.07 * len(needs) <= confidential <= 0.25 * len(needs)
    assert sum(need.supplied_from == SupplySource.IMPORTED for need in needs) > len(needs) / 2
    assert {NeedState.OPEN, NeedState.AGREED, NeedState.CLOSED} <= {need.state for need in needs}
    for need in needs:
        assert need.search_text
        assert need.yearly_value is not None
        assert 500_000_000 <= need.yearly_value <= 300_000_000_000
        assert not need.hs_code or need.hs_code in HS_CODES
        assert need.sector is None or need.sector.level == "class"
        assert need.deadline is not None
        assert jdatetime.date.fromgregorian(date=need.deadline + dt.timedelta(days=1)).day == 1  # end of a month
        if need.state == NeedState.OPEN:
            assert need.deadline > TODAY
    manager_needs = [need for need in needs if need.posted_by.username == "manager"]
    assert 2 <= len(manager_needs) <= 3
    assert all(need.unit.owner_id == manager_needs[0].posted_by.organisation_id for need in manager_needs)
    assert {need.posted_by.username for need in needs} == {"manager", "expert"}

    capabilities = list(demo_desk_capabilities(province=demo).select_related("owner", "posted_by"))
    assert 150 <= len(capabilities) <= 220
    kinds = {capability.owner.kind for capability in capabilities}
    assert {"university", "knowledge_firm", "tech_park", "unit_company"} <= kinds
    for capability in capabilities:
        assert all(code in HS_CODES for code in capability.hs_codes.split())
        expected = "university" if capability.owner_id == capability.posted_by.organisation_id else "expert"
        assert capability.posted_by.username == expected
    assert DomesticTarget.objects.get(province=demo, year=1404).value == DEMO_TARGET


def test_proposals_at_every_stage_agree_with_their_history(demo: Province) -> None:
    proposals = list(
        Proposal.objects.filter(need__in=demo_desk_needs(province=demo))
        .select_related("need", "capability")
        .prefetch_related("messages", "events")
    )
    now = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 9, tzinfo=ZoneInfo(settings.TIME_ZONE))
    assert {p.state for p in proposals} == set(S.values)
    overdue = [
        p for p in proposals
        if p.state == S.SUBMITTED and p.submitted_at < now - dt.timedelta(days=p.need.reply_days)
    ]  # fmt: skip
    assert overdue, "the reminder job has nothing to do"
    assert Agreement.objects.filter(proposal__in=proposals).exclude(proposal__state=S.ACCEPTED).count() == 0
    assert Agreement.objects.filter(proposal__in=proposals).exclude(delivered_on=None).exists()
    for p in proposals:
        assert p.need.created_at < p.submitted_at < now
        assert p.capability is not None
        assert p.capability.owner_id == p.organisation_id
        messages = list(p.messages.all())
        if p.state == S.SUBMITTED:
            assert p.first_reply_at is None
            assert p.decided_at is None
            assert not messages
        if p.state in (S.SHORTLISTED, S.ACCEPTED):
            assert p.first_reply_at is not None
            assert p.submitted_at < p.first_reply_at < now
            assert messages
            assert all(p.first_reply_at <= m.created_at < now for m in messages)
            assert all(a.created_at <= b.created_at for a, b in pairwise(messages))
        if p.state == S.ACCEPTED:
            agreement = p.agreement
            assert p.decided_at is not None
            assert agreement.signed_on >= p.decided_at.date()
            assert agreement.signed_on < TODAY
            assert agreement.value > 0
            assert p.need.state == NeedState.AGREED
            if agreement.delivered_on is not None:
                assert agreement.signed_on < agreement.delivered_on < TODAY
                assert agreement.import_value_replaced
        if p.state == S.DECLINED:
            assert p.decline_reason
            assert p.decline_note
            assert p.first_reply_at == p.decided_at
            assert p.decided_at is not None
        if p.need.visibility == Visibility.APPROVED:
            access = NeedAccess.objects.get(need=p.need, organisation=p.organisation)
            assert access.state == NeedAccessState.APPROVED
            assert access.decided_by is not None
        # The history shown on the proposal's page tells the same story, in order.
        events = list(p.events.all())
        assert events[0].kind == ProposalEventKind.SUBMITTED
        assert all(a.at <= b.at for a, b in pairwise(events))
        assert sum(e.kind == ProposalEventKind.MESSAGE for e in events) == len(messages)
        ends: dict[str, str] = {S.ACCEPTED: "accepted", S.DECLINED: "declined", S.WITHDRAWN: "withdrawn"}
        last = ends.get(p.state)
        assert (events[-1].kind if last else None) == last
    agreed = {p.need_id for p in proposals if p.state == S.ACCEPTED}
    assert set(demo_desk_needs(province=demo).filter(state=NeedState.AGREED).values_list("pk", flat=True)) == agreed


def test_exhibitions_and_meetings(demo: Province) -> None:
    exhibitions = {e.kind: e for e in demo_desk_exhibitions(province=demo)}
    running = exhibitions[ExhibitionKind.NEEDS_DESK]
    assert running.starts_on < TODAY < running.ends_on
    assert (running.opens_at, running.closes_at) == (dt.time(10), dt.time(18))
    assert 2 <= running.halls.count() <= 3
    assert 30 <= Booth.objects.filter(hall__exhibition=running).count() <= 40
    shown = Need.objects.filter(
        pk__in=Exhibitor.needs.through.objects.filter(exhibitor__exhibition=running).values("need")
    )
    assert shown.exists()
    assert not shown.exclude(visibility=Visibility.PUBLIC).exists()
    capabilities = Capability.objects.filter(
        pk__in=Exhibitor.capabilities.through.objects.filter(exhibitor__exhibition=running).values("capability")
    )
    assert capabilities.exists()
    assert not capabilities.filter(is_public=False).exists()
    assert running.visitors.exists()

    past = exhibitions[ExhibitionKind.SMALL_INDUSTRIES]
    first = jdatetime.date.fromgregorian(date=past.starts_on)
    assert (first.month, first.day) == (6, 1)
    assert (past.ends_on - past.starts_on).days == 3
    assert past.ends_on < TODAY
    assert (past.opens_at, past.closes_at) == (dt.time(17), dt.time(22))
    assert Exhibitor.capabilities.through.objects.filter(exhibitor__exhibition=past).exists()

    meetings = list(B2BMeeting.objects.filter(exhibition=running).select_related("need__unit", "capability", "booth"))
    assert len(meetings) >= 10
    zone = ZoneInfo(settings.TIME_ZONE)
    by_org: dict[int, list[B2BMeeting]] = defaultdict(list)
    by_booth: dict[int, list[B2BMeeting]] = defaultdict(list)
    for meeting in meetings:
        starts, ends = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
        assert running.starts_on <= starts.date() == ends.date() <= running.ends_on
        assert running.opens_at <= starts.time()
        assert ends.time() <= running.closes_at
        assert meeting.booth.hall.exhibition_id == running.pk
        assert meeting.need.visibility == Visibility.PUBLIC
        by_org[meeting.need.unit.owner_id or 0].append(meeting)
        by_org[meeting.capability.owner_id].append(meeting)
        by_booth[meeting.booth_id].append(meeting)
    for group in (*by_org.values(), *by_booth.values()):
        ordered = sorted(group, key=lambda m: m.starts_at)
        assert all(a.ends_at <= b.starts_at for a, b in pairwise(ordered))


def test_seed_demo_reset_removes_the_desk_first(qom: Province) -> None:
    out = io.StringIO()
    call_command("seed_demo", "--units", "40", stdout=out)
    assert "needs" in out.getvalue()
    assert "B2B meetings" in out.getvalue()
    assert demo_desk_needs(province=qom).exists()
    call_command("seed_demo", "--units", "40", "--reset", stdout=out)
    assert "Industry Needs Desk" in out.getvalue()
    assert 140 <= demo_desk_needs(province=qom).count() <= 160
    assert Organisation.objects.filter(pk__in=demo_desk_organisations(province=qom)).count() > 0


def test_seed_demo_adds_a_missing_desk_to_an_earlier_demo(qom: Province) -> None:
    """A database seeded before the desk existed gets the desk on the next `make run`, units untouched."""
    call_command("seed_demo", "--units", "40", stdout=io.StringIO())
    demo_desk_reset(province=qom)
    units = Unit.objects.count()
    out = io.StringIO()
    call_command("seed_demo", "--units", "40", stdout=out)
    assert "needs" in out.getvalue()
    assert "already present; nothing was generated" not in out.getvalue()
    assert demo_desk_needs(province=qom).exists()
    assert Unit.objects.count() == units
    again = io.StringIO()
    call_command("seed_demo", "--units", "40", stdout=again)
    assert "already present; nothing was generated" in again.getvalue()
