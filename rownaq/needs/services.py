"""What people do on the Industry Needs Desk: post needs and capabilities, ask for access, propose,
talk, shortlist, accept or decline, deliver; and the reminder of proposals left unanswered.

Every change goes through a keyword-only service here, inside a transaction; permissions come from
``rownaq.needs.access``. A proposal's allowed moves are the table ``PROPOSAL_TRANSITIONS``. Saving a
need or a capability enqueues the recomputation of its matches after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from rownaq.accounts.models import Organisation, Role, User
from rownaq.core.files import attachment_content_type
from rownaq.geography.models import Province
from rownaq.needs import access
from rownaq.needs.models import (
    Agreement,
    Capability,
    DeclineReason,
    Need,
    NeedAccess,
    NeedAccessState,
    NeedAttachment,
    NeedState,
    Proposal,
    ProposalEvent,
    ProposalEventKind,
    ProposalMessage,
    ProposalState,
    Visibility,
)
from rownaq.notifications.services import notify
from rownaq.registry.models import Sector, Unit
from rownaq.workdays.services import holidays_between, working_days_between

P = ProposalState

# action → (the states it may start from, the state it leads to)
PROPOSAL_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "shortlist": (frozenset({P.SUBMITTED}), P.SHORTLISTED),
    "accept": (frozenset({P.SUBMITTED, P.SHORTLISTED}), P.ACCEPTED),
    "decline": (frozenset({P.SUBMITTED, P.SHORTLISTED}), P.DECLINED),
    "withdraw": (frozenset({P.SUBMITTED, P.SHORTLISTED}), P.WITHDRAWN),
}
LIVE_STATES = frozenset({P.SUBMITTED, P.SHORTLISTED})

NEED_FIELDS = (
    "title",
    "description",
    "kind",
    "sector",
    "hs_code",
    "annual_quantity",
    "quantity_unit",
    "supplied_from",
    "yearly_value",
    "deadline",
    "visibility",
    "reply_days",
)
CAPABILITY_FIELDS = (
    "title",
    "description",
    "hs_codes",
    "equipment",
    "certifications",
    "capacity",
    "references",
    "is_public",
)


class DeskError(Exception):
    """An action that the state of the need or proposal does not allow; the message is for the user."""


def need_link(need: Need) -> str:
    return reverse("needs-need-detail", args=[need.pk])


def proposal_link(proposal: Proposal) -> str:
    return reverse("needs-proposal-detail", args=[proposal.pk])


def _unit_managers(need: Need) -> list[User]:
    if need.unit.owner_id is None:
        return []
    return list(User.objects.filter(is_active=True, role=Role.UNIT_MANAGER, organisation_id=need.unit.owner_id))


def _need_side_people(need: Need) -> list[User]:
    """Those told about a need's proposals: its unit's managers, or its poster when the unit has none."""
    people = _unit_managers(need)
    return people or [need.posted_by]


def _members(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, organisation_id=organisation_id, role__in=[Role.KNOWLEDGE_MEMBER, Role.UNIT_MANAGER]
        )
    )


def _enqueue_need_matches(need: Need) -> None:
    from rownaq.needs.tasks import recompute_need_matches

    pk = need.pk
    transaction.on_commit(lambda: recompute_need_matches.enqueue(pk))


def _enqueue_capability_matches(capability: Capability) -> None:
    from rownaq.needs.tasks import recompute_capability_matches

    pk = capability.pk
    transaction.on_commit(lambda: recompute_capability_matches.enqueue(pk))


# -- needs -----------------------------------------------------------------------------------------


@transaction.atomic
def need_attachments_add(*, need: Need, files: Iterable[UploadedFile], by: User) -> list[NeedAttachment]:
    """Store checked drawings and specifications (PDF, PNG, JPEG) on a need, all or none: by its owner's side."""
    if not access.is_need_side(by, need):
        raise PermissionDenied(_("Only the need's owner can do this."))
    uploads = list(files)
    content_types = [attachment_content_type(upload) for upload in uploads]  # every file checked before any is stored
    created = []
    for upload, content_type in zip(uploads, content_types, strict=True):
        name = os.path.basename(upload.name or "file")[:200]
        attachment = NeedAttachment(
            need=need, name=name, content_type=content_type, size=upload.size or 0, uploaded_by=by
        )
        attachment.file.save(get_valid_filename(name) or "file", upload, save=False)
        attachment.save()
        created.append(attachment)
    return created


@transaction.atomic
def need_post(
    *,
    unit: Unit,
    by: User,
    title: str,
    description: str,
    kind: str,
    supplied_from: str,
    sector: Sector | None = None,
    hs_code: str = "",
    annual_quantity: Decimal | None = None,
    quantity_unit: str = "",
    yearly_value: int | None = None,
    deadline: dt.date | None = None,
    visibility: str = Visibility.PUBLIC,
    reply_days: int = 10,
    attachments: Sequence[UploadedFile] = (),
) -> Need:
    """Post a need for a unit (its manager, or an SMT expert of the province); matches follow in the background."""
    if not access.can_post_need_for(by, unit):
        raise PermissionDenied(_("You cannot post a need for this unit."))
    need = Need(
        unit=unit,
        posted_by=by,
        title=title,
        description=description,
        kind=kind,
        sector=sector,
        hs_code=hs_code,
        annual_quantity=annual_quantity,
        quantity_unit=quantity_unit,
        supplied_from=supplied_from,
        yearly_value=yearly_value,
        deadline=deadline,
        visibility=visibility,
        reply_days=reply_days,
    )
    need.normalise()
    need.full_clean()
    need.save()
    need_attachments_add(need=need, files=attachments, by=by)
    _enqueue_need_matches(need)
    return need


@transaction.atomic
def need_update(*, need: Need, by: User, attachments: Sequence[UploadedFile] = (), **changes: object) -> Need:
    """Change a need's fields (those of ``NEED_FIELDS``); its matches are recomputed in the background."""
    if not access.can_post_need_for(by, need.unit):
        raise PermissionDenied(_("You cannot change this need."))
    unknown = set(changes) - set(NEED_FIELDS)
    if unknown:
        raise TypeError(f"need_update() got unknown fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(need, name, value)
    need.normalise()
    need.full_clean()
    need.save(update_fields=[*changes, "search_text", "updated_at"])
    need_attachments_add(need=need, files=attachments, by=by)
    _enqueue_need_matches(need)
    return need


@transaction.atomic
def need_close(*, need: Need, by: User) -> Need:
    """The owner no longer looks for offers."""
    if not access.is_need_side(by, need):
        raise PermissionDenied(_("You cannot change this need."))
    Need.objects.filter(pk=need.pk).update(state=NeedState.CLOSED, updated_at=timezone.now())
    need.refresh_from_db()
    return need


# -- capabilities ----------------------------------------------------------------------------------


def _capability_province(owner: Organisation, by: User) -> Province:
    province_id = owner.province_id or by.province_id
    if province_id is not None:
        return Province.objects.get(pk=province_id)
    return Province.objects.get(code=settings.ROWNAQ_DEFAULT_PROVINCE)


@transaction.atomic
def capability_post(
    *,
    by: User,
    title: str,
    description: str,
    owner: Organisation | None = None,
    sectors: Iterable[Sector] = (),
    hs_codes: str = "",
    equipment: str = "",
    certifications: str = "",
    capacity: str = "",
    references: str = "",
    is_public: bool = True,
) -> Capability:
    """Post what an organisation can make or do: by its member, or by an SMT expert naming the ``owner``."""
    if owner is None:
        owner = by.organisation
    if owner is None or not access.can_post_capability_for(by, owner):
        raise PermissionDenied(_("You cannot post a capability for this organisation."))
    capability = Capability(
        owner=owner,
        posted_by=by,
        title=title,
        description=description,
        hs_codes=hs_codes,
        equipment=equipment,
        certifications=certifications,
        capacity=capacity,
        references=references,
        is_public=is_public,
        province=_capability_province(owner, by),
    )
    capability.normalise()
    capability.full_clean()
    capability.save()
    capability.sectors.set(list(sectors))
    _enqueue_capability_matches(capability)
    return capability


@transaction.atomic
def capability_update(
    *, capability: Capability, by: User, sectors: Iterable[Sector] | None = None, **changes: object
) -> Capability:
    if not access.can_edit_capability(by, capability):
        raise PermissionDenied(_("You cannot change this capability."))
    unknown = set(changes) - set(CAPABILITY_FIELDS)
    if unknown:
        raise TypeError(f"capability_update() got unknown fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(capability, name, value)
    capability.normalise()
    capability.full_clean()
    capability.save(update_fields=[*changes, "search_text", "updated_at"])
    if sectors is not None:
        capability.sectors.set(list(sectors))
    _enqueue_capability_matches(capability)
    return capability


# -- access to confidential needs ------------------------------------------------------------------


@transaction.atomic
def need_access_request(*, need: Need, by: User) -> NeedAccess:
    """Ask the owner of a confidential need to show its details to the person's organisation."""
    if not access.can_request_access(by, need):
        raise PermissionDenied(_("You cannot ask for access to this need."))
    assert by.organisation_id is not None
    request, created = NeedAccess.objects.get_or_create(
        need=need, organisation_id=by.organisation_id, defaults={"requested_by": by}
    )
    if not created:
        if request.state == NeedAccessState.REQUESTED:
            return request
        request.state, request.requested_by = NeedAccessState.REQUESTED, by
        request.decided_by, request.decided_at = None, None
        request.save(update_fields=["state", "requested_by", "decided_by", "decided_at"])
    notify(
        users=_need_side_people(need),
        text=_("%(org)s asks to see the details of your need “%(title)s”.")
        % {"org": by.organisation, "title": need.title},
        link=need_link(need),
    )
    return request


@transaction.atomic
def need_access_decide(*, request: NeedAccess, by: User, approve: bool) -> NeedAccess:
    need = request.need
    if not access.is_need_side(by, need):
        raise PermissionDenied(_("Only the need's owner decides who sees its details."))
    if request.organisation_id == by.organisation_id:
        raise PermissionDenied(_("A request from your own organisation is decided by the need's other owners."))
    request.state = NeedAccessState.APPROVED if approve else NeedAccessState.DECLINED
    request.decided_by, request.decided_at = by, timezone.now()
    request.save(update_fields=["state", "decided_by", "decided_at"])
    text = (
        _("You may now see the details of the need “%(title)s”.")
        if approve
        else _("The owner of the need “%(title)s” did not share its details.")
    )
    notify(users=_members(request.organisation_id), text=text % {"title": need.title}, link=need_link(need))
    return request


# -- proposals -------------------------------------------------------------------------------------


def _event(
    proposal: Proposal, kind: str, by: User | None, *, at: dt.datetime | None = None, note: str = ""
) -> ProposalEvent:
    """Write one step of the proposal's history; the caller holds the transaction of the step itself."""
    return ProposalEvent.objects.create(proposal=proposal, kind=kind, by=by, at=at or timezone.now(), note=note)


@transaction.atomic
def proposal_submit(
    *,
    need: Need,
    capability: Capability,
    by: User,
    text: str,
    price: int | None = None,
    delivery: str = "",
) -> Proposal:
    """Answer a need with a short offer from one of the organisation's capabilities."""
    if not access.is_capability_member(by, capability.owner_id):
        raise PermissionDenied(_("Only the capability's owner can answer with it."))
    if need.unit.owner_id is not None and need.unit.owner_id == capability.owner_id:
        raise DeskError(_("An organisation cannot answer its own need."))
    if need.state != NeedState.OPEN:
        raise DeskError(_("This need no longer takes proposals."))
    if not access.need_details_visible(by, need):
        raise PermissionDenied(_("Ask for access to the need's details before answering it."))
    if price is not None and price < 0:
        raise ValidationError(_("The price cannot be negative."))
    proposal = Proposal(
        need=need,
        capability=capability,
        organisation_id=capability.owner_id,
        submitted_by=by,
        text=text,
        price=price,
        delivery=delivery,
    )
    proposal.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        raise DeskError(_("Your organisation has already answered this need.")) from None
    _event(proposal, ProposalEventKind.SUBMITTED, by, at=proposal.submitted_at)
    notify(
        users=_need_side_people(need),
        text=_("New proposal from %(org)s for your need “%(title)s”.")
        % {"org": capability.owner.name, "title": need.title},
        link=proposal_link(proposal),
    )
    return proposal


def _lock(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().select_related("need", "need__unit__county").get(pk=proposal.pk)
    return locked


def _move(proposal: Proposal, action: str, by: User) -> Proposal:
    """Check one move of the table for the need's side; the caller holds the transaction."""
    sources, _target = PROPOSAL_TRANSITIONS[action]
    locked = _lock(proposal)
    if action == "withdraw":
        if not access.is_proposer(by, locked):
            raise PermissionDenied(_("Only the proposing organisation can withdraw its proposal."))
    elif not access.is_need_side(by, locked.need):
        raise PermissionDenied(_("Only the need's owner can do this."))
    if locked.state not in sources:
        raise DeskError(
            _("This is not possible while the proposal is “%(state)s”.") % {"state": locked.get_state_display()}
        )
    return locked


def _first_reply(proposal: Proposal, now: dt.datetime) -> list[str]:
    if proposal.first_reply_at is None:
        proposal.first_reply_at = now
        return ["first_reply_at"]
    return []


@transaction.atomic
def proposal_message(*, proposal: Proposal, by: User, text: str) -> ProposalMessage:
    """A message in the proposal's thread; the need side's first answer counts as its reply."""
    locked = _lock(proposal)
    need_side = access.is_need_side(by, locked.need)
    if not need_side and not access.is_proposer(by, locked):
        raise PermissionDenied(_("Only the two sides of a proposal write in its thread."))
    if not text.strip():
        raise ValidationError(_("Write the message."))
    now = timezone.now()
    message = ProposalMessage.objects.create(proposal=locked, author=by, text=text, created_at=now)
    _event(locked, ProposalEventKind.MESSAGE, by, at=now)
    if need_side:
        fields = _first_reply(locked, now)
        if fields:
            locked.save(update_fields=fields)
        others = _members(locked.organisation_id)
    else:
        others = _need_side_people(locked.need)
    notify(
        users=[u for u in others if u.pk != by.pk],
        text=_("New message on the proposal for “%(title)s”.") % {"title": locked.need.title},
        link=proposal_link(locked),
    )
    proposal.refresh_from_db()
    return message


@transaction.atomic
def proposal_shortlist(*, proposal: Proposal, by: User) -> Proposal:
    locked = _move(proposal, "shortlist", by)
    now = timezone.now()
    locked.state = P.SHORTLISTED
    locked.save(update_fields=["state", *_first_reply(locked, now)])
    _event(locked, ProposalEventKind.SHORTLISTED, by, at=now)
    notify(
        users=_members(locked.organisation_id),
        text=_("Your proposal for “%(title)s” was shortlisted.") % {"title": locked.need.title},
        link=proposal_link(locked),
    )
    proposal.refresh_from_db()
    return proposal


@transaction.atomic
def proposal_accept(*, proposal: Proposal, by: User, value: int, signed_on: dt.date) -> Agreement:
    """Accept an offer: it becomes an agreement, and the need is met."""
    locked = _move(proposal, "accept", by)
    if value < 0:
        raise ValidationError(_("The value cannot be negative."))
    if locked.need.state != NeedState.OPEN:
        raise DeskError(_("This need no longer takes proposals."))
    now = timezone.now()
    locked.state, locked.decided_at = P.ACCEPTED, now
    locked.save(update_fields=["state", "decided_at", *_first_reply(locked, now)])
    agreement = Agreement.objects.create(proposal=locked, value=value, signed_on=signed_on)
    _event(locked, ProposalEventKind.ACCEPTED, by, at=now)
    Need.objects.filter(pk=locked.need_id).update(state=NeedState.AGREED, updated_at=now)
    notify(
        users=_members(locked.organisation_id),
        text=_("Your proposal for “%(title)s” was accepted.") % {"title": locked.need.title},
        link=proposal_link(locked),
    )
    # The other offers are answered too: nobody is left waiting on a need that is met.
    for other in (
        Proposal.objects.select_for_update()
        .select_related("need")
        .filter(need_id=locked.need_id, state__in=LIVE_STATES)
    ):
        _decline(other, by, DeclineReason.SOLVED, "", now)
    proposal.refresh_from_db()
    return agreement


@transaction.atomic
def proposal_decline(*, proposal: Proposal, by: User, reason: str, note: str = "") -> Proposal:
    """Decline an offer with a reason from the list (``DeclineReason``) and an optional note."""
    if reason not in DeclineReason.values:
        raise ValidationError(_("Choose the reason from the list."))
    locked = _move(proposal, "decline", by)
    _decline(locked, by, reason, note, timezone.now())
    proposal.refresh_from_db()
    return proposal


def _decline(locked: Proposal, by: User, reason: str, note: str, now: dt.datetime) -> None:
    """Decline a locked live proposal and tell its organisation; the caller holds the transaction."""
    locked.state, locked.decided_at = P.DECLINED, now
    locked.decline_reason, locked.decline_note = reason, note
    locked.save(update_fields=["state", "decided_at", "decline_reason", "decline_note", *_first_reply(locked, now)])
    _event(locked, ProposalEventKind.DECLINED, by, at=now, note=str(DeclineReason(reason).label))
    notify(
        users=_members(locked.organisation_id),
        text=_("Your proposal for “%(title)s” was declined: %(reason)s")
        % {"title": locked.need.title, "reason": DeclineReason(reason).label},
        link=proposal_link(locked),
    )


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by: User) -> Proposal:
    locked = _move(proposal, "withdraw", by)
    locked.state, locked.decided_at = P.WITHDRAWN, timezone.now()
    locked.save(update_fields=["state", "decided_at"])
    _event(locked, ProposalEventKind.WITHDRAWN, by, at=locked.decided_at)
    proposal.refresh_from_db()
    return proposal


@transaction.atomic
def agreement_deliver(
    *,
    agreement: Agreement,
    by: User,
    delivered_on: dt.date,
    import_value_replaced: int | None = None,
    currency_saved_usd: Decimal | None = None,
) -> Agreement:
    """Record the delivery: from now on it counts as domestic manufacture achieved."""
    locked = Agreement.objects.select_for_update().select_related("proposal__need__unit__county").get(pk=agreement.pk)
    if not access.is_need_side(by, locked.proposal.need):
        raise PermissionDenied(_("Only the need's owner records the delivery."))
    if locked.delivered_on is not None:
        raise DeskError(_("The delivery is already recorded."))
    if (import_value_replaced or 0) < 0 or (currency_saved_usd or 0) < 0:
        raise ValidationError(_("The amounts cannot be negative."))
    locked.delivered_on = delivered_on
    locked.import_value_replaced = import_value_replaced
    locked.currency_saved_usd = currency_saved_usd
    locked.save(update_fields=["delivered_on", "import_value_replaced", "currency_saved_usd"])
    agreement.refresh_from_db()
    return agreement


# -- answering on time -----------------------------------------------------------------------------


def proposals_remind_overdue(today: dt.date | None = None) -> int:
    """Remind the need's unit managers, once, of each proposal unanswered after the promised working days."""
    today = today or timezone.localdate()
    waiting = (
        Proposal.objects.filter(
            first_reply_at__isnull=True, reminded_at__isnull=True, state__in=LIVE_STATES, need__state=NeedState.OPEN
        )
        .select_related("need", "need__unit", "need__posted_by", "organisation")
        .order_by("pk")
    )
    waiting_list = list(waiting)
    first = min((timezone.localdate(p.submitted_at) for p in waiting_list), default=today)
    holidays = holidays_between(first, today)
    count = 0
    for proposal in waiting_list:
        submitted = timezone.localdate(proposal.submitted_at)
        if working_days_between(submitted, today, holidays) <= proposal.need.reply_days:
            continue
        with transaction.atomic():
            now = timezone.now()
            claimed = Proposal.objects.filter(pk=proposal.pk, reminded_at__isnull=True, first_reply_at__isnull=True)
            if not claimed.update(reminded_at=now):
                continue  # answered, or reminded by a run at the same time
            _event(proposal, ProposalEventKind.REMINDED, None, at=now)
            notify(
                users=_need_side_people(proposal.need),
                text=_(
                    "You promised to answer proposals within %(days)s working days: %(org)s is waiting for "
                    "your answer on “%(title)s”."
                )
                % {"days": proposal.need.reply_days, "org": proposal.organisation.name, "title": proposal.need.title},
                link=proposal_link(proposal),
                email=True,
            )
        count += 1
    return count


def reply_days_of(proposals: QuerySet[Proposal]) -> list[int]:
    """The working days the need side took to first answer each answered proposal."""
    spans = [
        (timezone.localdate(submitted), timezone.localdate(replied))
        for submitted, replied in proposals.filter(first_reply_at__isnull=False).values_list(
            "submitted_at", "first_reply_at"
        )
    ]
    if not spans:
        return []
    holidays = holidays_between(min(s for s, _ in spans), max(r for _, r in spans))
    return [working_days_between(submitted, replied, holidays) for submitted, replied in spans]


def median_reply_days(proposals: QuerySet[Proposal]) -> float | None:
    """The median working days to a first answer, or ``None`` when no proposal was answered yet."""
    days = reply_days_of(proposals)
    return statistics.median(days) if days else None


def unit_reply_days(need: Need) -> float | None:
    """The median reply time of the need's owner, over every need of its unit."""
    return median_reply_days(Proposal.objects.filter(need__unit_id=need.unit_id))
