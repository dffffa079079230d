"""A proposal's history: each service writes its step (who, when, a note), the proposal's page shows it
as a timeline with Jalali date-times to the proposal's two sides only, and the API's proposal detail
carries it as ``events``. Also: who decided an access request, on the need's page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for, browser_for
from rownaq.core.jalali import format_jalali
from rownaq.needs import services, workflow
from rownaq.needs.models import (
    DeclineReason,
    Need,
    Proposal,
    ProposalEvent,
    ProposalEventKind,
    Visibility,
)
from rownaq.needs.tests.desk import Desk, post_need
from rownaq.needs.workflow import act
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

K = ProposalEventKind


@pytest.fixture
def need(unit: Unit, manager: User) -> Need:
    return post_need(unit, manager, reply_days=5)


def steps(proposal: Proposal) -> list[tuple[str, User | None]]:
    return [(e.kind, e.by) for e in ProposalEvent.objects.filter(proposal=proposal).select_related("by")]


# -- each step writes its event ---------------------------------------------------------------------


def test_submit_messages_shortlist_and_accept_write_their_events(need: Need, desk: Desk, manager: User) -> None:
    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    assert steps(proposal) == [(K.SUBMITTED, desk.lab)]
    assert proposal.events.get().at == proposal.submitted_at

    workflow.proposal_message(proposal=proposal, by=manager, text="نمونه دارید؟")
    workflow.proposal_message(proposal=proposal, by=desk.lab, text="بله")
    act(proposal=proposal, action="shortlist", by=manager)
    act(proposal=proposal, action="accept", by=manager, value=1_000_000, signed_on=timezone.localdate())
    assert steps(proposal) == [
        (K.SUBMITTED, desk.lab),
        (K.MESSAGE, manager),
        (K.MESSAGE, desk.lab),
        (K.SHORTLISTED, manager),
        (K.ACCEPTED, manager),
    ]
    times = [e.at for e in proposal.events.all()]
    assert times == sorted(times)
    proposal.refresh_from_db()
    assert proposal.events.last().at == proposal.decided_at  # type: ignore[union-attr]


def test_decline_writes_the_reasons_label_and_withdraw_its_own_event(
    need: Need, desk: Desk, manager: User, unit: Unit
) -> None:
    declined = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    act(proposal=declined, action="decline", by=manager, reason=DeclineReason.CAPACITY, note="ظرفیت کم است")
    event = declined.events.get(kind=K.DECLINED)
    assert event.by == manager
    assert event.note == str(DeclineReason.CAPACITY.label)
    with translation.override("fa"):
        assert event.note == str(DeclineReason.CAPACITY.label)  # written in the language people use: Persian

    withdrawn = workflow.proposal_submit(need=need, capability=desk.firm_capability, by=desk.firm, text="پیشنهاد")
    act(proposal=withdrawn, action="withdraw", by=desk.firm)
    assert steps(withdrawn) == [(K.SUBMITTED, desk.firm), (K.WITHDRAWN, desk.firm)]


def test_a_refused_step_writes_nothing(need: Need, desk: Desk, manager: User) -> None:
    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    with pytest.raises(PermissionDenied):
        act(proposal=proposal, action="shortlist", by=desk.lab)
    with pytest.raises(PermissionDenied):
        workflow.proposal_message(proposal=proposal, by=desk.firm, text="من هم هستم")
    act(proposal=proposal, action="decline", by=manager, reason=DeclineReason.PRICE)
    with pytest.raises(services.DeskError):
        act(proposal=proposal, action="accept", by=manager, value=1, signed_on=timezone.localdate())
    assert steps(proposal) == [(K.SUBMITTED, desk.lab), (K.DECLINED, manager)]


def test_the_reminder_writes_an_event_without_a_person(need: Need, desk: Desk, unit: Unit, manager: User) -> None:
    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    answered = workflow.proposal_submit(
        need=post_need(unit, manager, title="یاتاقان"), capability=desk.capability, by=desk.lab, text="پیشنهاد"
    )
    workflow.proposal_message(proposal=answered, by=manager, text="بررسی می‌کنیم")
    submitted = timezone.localdate(proposal.submitted_at)
    assert workflow.proposals_remind_overdue(today=submitted + dt.timedelta(days=30)) == 1
    assert workflow.proposals_remind_overdue(today=submitted + dt.timedelta(days=31)) == 0
    assert steps(proposal) == [(K.SUBMITTED, desk.lab), (K.REMINDED, None)]
    proposal.refresh_from_db()
    assert proposal.events.get(kind=K.REMINDED).at == proposal.reminded_at
    assert not answered.events.filter(kind=K.REMINDED).exists()


# -- the proposal's page ----------------------------------------------------------------------------


def test_the_page_shows_the_timeline_to_the_two_sides_only(
    need: Need,
    desk: Desk,
    manager: User,
    expert: User,
    other_manager: User,
    investor: User,
    liaison: User,
) -> None:
    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    act(proposal=proposal, action="shortlist", by=manager)
    act(proposal=proposal, action="decline", by=manager, reason=DeclineReason.TIME)
    Proposal.objects.filter(pk=proposal.pk).update(reminded_at=timezone.now())
    ProposalEvent.objects.create(proposal=proposal, kind=K.REMINDED, by=None)
    events = list(proposal.events.all())
    url = reverse("needs-proposal-detail", args=[proposal.pk])

    for person in (desk.lab, manager, expert):
        html = browser_for(person).get(url).content.decode()
        assert 'id="proposal-events"' in html, person.username
        assert html.count('class="mb-2 proposal-event ') == len(events)
        with translation.override("fa"):
            for event in events:
                assert escape(str(event.get_kind_display())) in html
                assert format_jalali(event.at) in html  # the Jalali date and time, in Persian digits
            assert escape(str(DeclineReason.TIME.label)) in html
        assert "رضا کریمی" in html  # the lab's member who submitted it
        assert ":" in format_jalali(events[0].at)  # a date-time, not only a date
    for outsider in (desk.firm, other_manager, investor, liaison):
        response = browser_for(outsider).get(url)
        assert response.status_code == 404, outsider.username
        assert "proposal-events" not in response.content.decode()


def test_the_api_proposal_detail_carries_the_events(need: Need, desk: Desk, manager: User) -> None:
    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    owner = api_client_for(manager)
    asked = owner.post(f"/api/v1/proposals/{proposal.pk}/messages/", {"text": "نمونه؟"}, format="json")
    assert asked.status_code == 201
    declined = owner.post(
        f"/api/v1/proposals/{proposal.pk}/actions/decline/", {"reason": DeclineReason.PRICE}, format="json"
    )
    assert declined.status_code == 200
    assert [e["kind"] for e in declined.json()["events"]] == [K.SUBMITTED, K.MESSAGE, K.DECLINED]

    shown = api_client_for(desk.lab).get(f"/api/v1/proposals/{proposal.pk}/")
    assert shown.status_code == 200
    events = shown.json()["events"]
    assert [(e["kind"], e["by"]) for e in events] == [
        (K.SUBMITTED, str(desk.lab)),
        (K.MESSAGE, str(manager)),
        (K.DECLINED, str(manager)),
    ]
    assert set(events[0]) == {"kind", "kind_label", "by", "at", "note"}
    with translation.override("fa"):
        assert events[2]["note"] == str(DeclineReason.PRICE.label)
        assert events[0]["kind_label"] == str(K.SUBMITTED.label)
    assert api_client_for(desk.firm).get(f"/api/v1/proposals/{proposal.pk}/").status_code == 404


def test_the_admin_shows_the_history_read_only(need: Need, desk: Desk, admin_user: User) -> None:
    from django.contrib import admin

    from rownaq.needs.admin import ProposalEventInline

    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    response = browser_for(admin_user).get(reverse("admin:needs_proposal_change", args=[proposal.pk]))
    assert response.status_code == 200
    with translation.override("fa"):
        assert str(K.SUBMITTED.label) in response.content.decode()
    inline = ProposalEventInline(Proposal, admin.site)
    request = response.wsgi_request
    assert not inline.has_add_permission(request, proposal)
    assert not inline.has_change_permission(request, proposal)
    # Proposals change through the desk's services only: the admin cannot delete one either.
    delete = browser_for(admin_user).get(reverse("admin:needs_proposal_delete", args=[proposal.pk]))
    assert delete.status_code == 403


# -- who decided an access request ------------------------------------------------------------------


def test_the_need_page_shows_who_decided_and_when(unit: Unit, manager: User, expert: User, desk: Desk) -> None:
    need = post_need(unit, manager, visibility=Visibility.APPROVED)
    approved = services.need_access_request(need=need, by=desk.lab)
    waiting = services.need_access_request(need=need, by=desk.firm)
    services.need_access_decide(request=approved, by=expert, approve=True)
    approved.refresh_from_db()
    assert approved.decided_by == expert
    url = reverse("needs-need-detail", args=[need.pk])

    html = browser_for(manager).get(url).content.decode()
    assert html.count('class="small text-secondary access-decided"') == 1
    assert "مریم احمدی" in html  # the expert who decided
    assert format_jalali(approved.decided_at) in html
    assert reverse("needs-access-decide", args=[waiting.pk, "approve"]) in html
    # The requesters see no list of requests, hence no decision and no name of the other organisation.
    for person in (desk.lab, desk.firm):
        page = browser_for(person).get(url).content.decode()
        assert 'id="access-requests"' not in page
        assert "مریم احمدی" not in page
