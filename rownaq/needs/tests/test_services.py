"""The desk's services: posting, proposing, answering, agreeing, delivering, reminding; permissions per role.

Personas added to the shared ones (``manager`` of ``unit``'s tile company is the factory):
``lab`` (a university's materials lab, a knowledge member), ``firm`` (a knowledge-based firm's
member), both built by ``make_desk``; the shared ``investor`` and ``liaison`` may post nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import Organisation, Role, User
from rownaq.accounts.testing import browser_for
from rownaq.core.jalali import jalali_today
from rownaq.core.testing import run_worker
from rownaq.needs import figures, services, workflow
from rownaq.needs.models import (
    DeclineReason,
    DomesticTarget,
    Match,
    Need,
    NeedAccessState,
    NeedState,
    Proposal,
    ProposalState,
    Visibility,
)
from rownaq.needs.tests.desk import PDF, Desk, make_desk, post_need
from rownaq.needs.workflow import act
from rownaq.notifications.models import Notification
from rownaq.registry.models import Unit

# -- the whole path ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_factory_need_is_matched_answered_accepted_delivered_and_counted(
    unit: Unit, manager: User, expert: User, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    desk = make_desk(make_org, make_user)
    need = post_need(unit, manager, attachments=[SimpleUploadedFile("drawing.pdf", PDF)])
    run_worker()  # the matches are computed by the real worker, after the need's transaction committed

    matches = list(Match.objects.filter(need=need).order_by("rank"))
    assert matches, "the lab's capability should be ranked for the need"
    top = matches[0]
    assert top.capability == desk.capability
    assert top.rank == 1
    assert top.reasons["terms"]
    assert top.reasons["same_province"] is True
    assert desk.firm_capability.pk not in [m.capability_id for m in matches[:1]]

    proposal = workflow.proposal_submit(
        need=need, capability=desk.capability, by=desk.lab, text="ساخت قالب در ۸ هفته", price=4_000_000_000
    )
    assert Notification.objects.filter(recipient=manager, link__endswith=f"/proposals/{proposal.pk}/").exists()

    workflow.proposal_message(proposal=proposal, by=manager, text="جنس فولاد قالب چیست؟")
    proposal.refresh_from_db()
    assert proposal.first_reply_at is not None
    workflow.proposal_message(proposal=proposal, by=desk.lab, text="فولاد ۲۳۱۱")
    act(proposal=proposal, action="shortlist", by=manager)
    agreement = act(
        proposal=proposal, action="accept", by=manager, value=4_000_000_000, signed_on=timezone.localdate()
    ).agreement
    proposal.refresh_from_db()
    need.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED
    assert need.state == NeedState.AGREED
    assert proposal.messages.count() == 2

    workflow.agreement_deliver(
        agreement=agreement,
        by=manager,
        delivered_on=timezone.localdate(),
        import_value_replaced=9_000_000_000,
        currency_saved_usd=Decimal("150000"),
    )
    DomesticTarget.objects.create(province=unit.county.province, year=jalali_today().year, value=90_000_000_000)

    client = browser_for(expert)
    page = client.get(reverse("needs-dashboard")).content.decode()
    assert "۹٬۰۰۰٬۰۰۰٬۰۰۰" in page  # the imports replaced this year
    assert "۱۵۰٬۰۰۰" in page  # the dollars saved
    assert "۱۰٫۰٪" in page  # of the province's target


# -- posting and permissions ------------------------------------------------------------------------


@pytest.mark.django_db
def test_who_may_post_needs(
    unit: Unit, other_unit: Unit, manager: User, expert: User, investor: User, liaison: User, desk: Desk
) -> None:
    assert post_need(unit, manager).unit == unit
    assert post_need(other_unit, expert).posted_by == expert  # an expert posts for any unit of the province
    for outsider in (investor, liaison, desk.lab):
        with pytest.raises(PermissionDenied):
            post_need(unit, outsider)
    with pytest.raises(PermissionDenied):
        post_need(other_unit, manager)  # a unit manager only for their own unit


@pytest.mark.django_db
def test_who_may_post_capabilities(
    manager: User, expert: User, investor: User, liaison: User, unit_company: Organisation, desk: Desk
) -> None:
    assert desk.capability.owner == desk.lab_org
    assert desk.capability.province == desk.lab_org.province
    mine = services.capability_post(by=manager, title="ریخته‌گری دقیق", description="ریخته‌گری قطعات فولادی")
    assert mine.owner == unit_company
    on_behalf = services.capability_post(by=expert, owner=desk.firm_org, title="تست غیرمخرب", description="آزمون NDT")
    assert on_behalf.owner == desk.firm_org
    for outsider in (investor, liaison):
        with pytest.raises(PermissionDenied):
            services.capability_post(by=outsider, title="x", description="y")
    with pytest.raises(PermissionDenied):
        services.capability_post(by=desk.lab, owner=desk.firm_org, title="x", description="y")
    with pytest.raises(PermissionDenied):
        services.capability_update(capability=desk.capability, by=desk.firm, title="عوض شد")
    services.capability_update(capability=desk.capability, by=desk.lab, is_public=False)
    desk.capability.refresh_from_db()
    assert desk.capability.is_public is False


@pytest.mark.django_db
def test_a_need_with_a_bad_file_is_refused(unit: Unit, manager: User) -> None:
    with pytest.raises(ValidationError):
        post_need(unit, manager, attachments=[SimpleUploadedFile("drawing.pdf", b"MZ not a pdf")])
    assert not Need.objects.exists()


@pytest.mark.django_db
def test_update_changes_the_search_text(unit: Unit, manager: User, other_manager: User) -> None:
    need = post_need(unit, manager)
    services.need_update(need=need, by=manager, title="یاتاقان پمپ", visibility=Visibility.APPROVED)
    need.refresh_from_db()
    assert "یاتاقان" in need.search_text
    assert need.visibility == Visibility.APPROVED
    with pytest.raises(PermissionDenied):
        services.need_update(need=need, by=other_manager, title="x")


# -- proposals --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_live_proposal_per_organisation_not_on_own_or_closed_needs(
    unit: Unit, manager: User, desk: Desk, make_user: Callable[..., User]
) -> None:
    need = post_need(unit, manager)
    first = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد اول")
    with pytest.raises(services.DeskError):
        workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد دوم")
    act(proposal=first, action="withdraw", by=desk.lab)
    again = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد دوم")
    assert again.state == ProposalState.SUBMITTED

    with pytest.raises(PermissionDenied):  # only the capability's owner answers with it
        workflow.proposal_submit(need=need, capability=desk.capability, by=desk.firm, text="x")

    own = services.capability_post(by=manager, title="قالب‌سازی", description="قالب تزریق پلاستیک")
    with pytest.raises(services.DeskError):
        workflow.proposal_submit(need=need, capability=own, by=manager, text="خودمان می‌سازیم")

    services.need_close(need=need, by=manager)
    with pytest.raises(services.DeskError):
        workflow.proposal_submit(need=need, capability=desk.firm_capability, by=desk.firm, text="x")


@pytest.mark.django_db
def test_decline_needs_a_reason_from_the_list(unit: Unit, manager: User, desk: Desk) -> None:
    need = post_need(unit, manager)
    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    with pytest.raises(ValidationError):
        act(proposal=proposal, action="decline", by=manager, reason="")
    with pytest.raises(ValidationError):
        act(proposal=proposal, action="decline", by=manager, reason="cheaper-elsewhere")
    with pytest.raises(PermissionDenied):
        act(proposal=proposal, action="decline", by=desk.lab, reason=DeclineReason.PRICE)
    act(proposal=proposal, action="decline", by=manager, reason=DeclineReason.PRICE, note="گران است")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decline_reason, proposal.decline_note) == (
        ProposalState.DECLINED,
        DeclineReason.PRICE,
        "گران است",
    )
    assert proposal.first_reply_at is not None
    assert Notification.objects.filter(recipient=desk.lab, link__endswith=f"/proposals/{proposal.pk}/").exists()
    with pytest.raises(services.DeskError):  # a declined proposal cannot be accepted
        act(proposal=proposal, action="accept", by=manager, value=1, signed_on=timezone.localdate())


@pytest.mark.django_db
def test_the_need_side_first_answer_sets_the_reply_time(unit: Unit, manager: User, desk: Desk) -> None:
    need = post_need(unit, manager)
    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    workflow.proposal_message(proposal=proposal, by=desk.lab, text="سلام، نمونه هم داریم")
    proposal.refresh_from_db()
    assert proposal.first_reply_at is None  # the proposer's own message is no answer
    with pytest.raises(PermissionDenied):
        workflow.proposal_message(proposal=proposal, by=desk.firm, text="من هم هستم")
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=timezone.now() - dt.timedelta(days=7))
    act(proposal=proposal, action="shortlist", by=manager)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SHORTLISTED
    assert proposal.first_reply_at is not None
    assert figures.unit_reply_days(need) is not None
    assert figures.unit_reply_days(need) >= 3  # type: ignore[operator]


# -- access to confidential needs -------------------------------------------------------------------


@pytest.mark.django_db
def test_access_is_asked_and_decided_by_the_owner(unit: Unit, manager: User, desk: Desk) -> None:
    need = post_need(unit, manager, visibility=Visibility.APPROVED)
    with pytest.raises(PermissionDenied):  # details hidden: ask first
        workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="x")
    request = services.need_access_request(need=need, by=desk.lab)
    assert Notification.objects.filter(recipient=manager, text__contains=desk.lab_org.name).exists()
    with pytest.raises(PermissionDenied):
        services.need_access_decide(request=request, by=desk.firm, approve=True)
    services.need_access_decide(request=request, by=manager, approve=True)
    request.refresh_from_db()
    assert request.state == NeedAccessState.APPROVED
    assert workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="x").pk
    with pytest.raises(PermissionDenied):  # nothing more to ask for
        services.need_access_request(need=need, by=desk.lab)


@pytest.mark.django_db
def test_no_one_decides_a_request_from_their_own_organisation(
    unit: Unit, manager: User, expert: User, make_user: Callable[..., User]
) -> None:
    need = post_need(unit, manager, visibility=Visibility.APPROVED)
    # Someone of the expert's organisation who is not province staff asks to see the details.
    colleague = make_user("colleague", Role.INVESTOR, expert.organisation)
    request = services.need_access_request(need=need, by=colleague)
    with pytest.raises(PermissionDenied):
        services.need_access_decide(request=request, by=expert, approve=True)
    request.refresh_from_db()
    assert request.state == NeedAccessState.REQUESTED
    page = browser_for(expert).get(reverse("needs-need-detail", args=[need.pk])).content.decode()
    assert reverse("needs-access-decide", args=[request.pk, "approve"]) not in page
    assert reverse("needs-access-decide", args=[request.pk, "approve"]) in (
        browser_for(manager).get(reverse("needs-need-detail", args=[need.pk])).content.decode()
    )
    services.need_access_decide(request=request, by=manager, approve=True)  # the factory decides
    request.refresh_from_db()
    assert request.state == NeedAccessState.APPROVED


@pytest.mark.django_db
def test_accepting_one_offer_answers_the_others_and_stops_their_reminders(
    unit: Unit, manager: User, desk: Desk
) -> None:
    need = post_need(unit, manager, reply_days=5)
    chosen = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="قالب در ۸ هفته")
    other = workflow.proposal_submit(need=need, capability=desk.firm_capability, by=desk.firm, text="پیشنهاد دوم")
    act(proposal=chosen, action="accept", by=manager, value=1_000_000, signed_on=timezone.localdate())
    other.refresh_from_db()
    assert other.state == ProposalState.DECLINED
    assert other.decline_reason == DeclineReason.SOLVED
    assert Notification.objects.filter(recipient=desk.firm, text__contains=need.title).exists()
    submitted = timezone.localdate(other.submitted_at)
    assert workflow.proposals_remind_overdue(today=submitted + dt.timedelta(days=30)) == 0


# -- reminders --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unanswered_proposal_is_reminded_once_after_the_promised_working_days(
    unit: Unit, manager: User, desk: Desk
) -> None:
    need = post_need(unit, manager, reply_days=5)
    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    answered = workflow.proposal_submit(
        need=post_need(unit, manager, title="یاتاقان"), capability=desk.capability, by=desk.lab, text="پیشنهاد"
    )
    workflow.proposal_message(proposal=answered, by=manager, text="بررسی می‌کنیم")
    submitted = timezone.localdate(proposal.submitted_at)
    before = Notification.objects.filter(recipient=manager).count()

    assert workflow.proposals_remind_overdue(today=submitted + dt.timedelta(days=3)) == 0
    assert workflow.proposals_remind_overdue(today=submitted + dt.timedelta(days=30)) == 1
    assert workflow.proposals_remind_overdue(today=submitted + dt.timedelta(days=31)) == 0

    proposal.refresh_from_db()
    answered.refresh_from_db()
    assert proposal.reminded_at is not None
    assert answered.reminded_at is None
    reminders = Notification.objects.filter(recipient=manager).order_by("pk")[before:]
    assert len(reminders) == 1
    assert need.title in reminders[0].text


@pytest.mark.django_db(transaction=True)
def test_the_reminder_runs_as_a_periodic_task(
    unit: Unit, manager: User, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    from rownaq.core.management.commands.run_scheduler import periodic_tasks
    from rownaq.needs.tasks import remind_overdue_proposals

    assert remind_overdue_proposals in periodic_tasks()
    desk = make_desk(make_org, make_user)
    need = post_need(unit, manager, reply_days=1)
    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=timezone.now() - dt.timedelta(days=30))
    before = Notification.objects.filter(recipient=manager).count()
    remind_overdue_proposals.enqueue()
    remind_overdue_proposals.enqueue()
    run_worker()
    proposal.refresh_from_db()
    assert proposal.reminded_at is not None
    assert Notification.objects.filter(recipient=manager).count() == before + 1
