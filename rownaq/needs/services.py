"""What people do on the Industry Needs Desk with needs and capabilities: post and change them, attach
drawings, close a need, ask for and decide access to a confidential need's details. Proposals, their
agreements and the reminder of proposals left unanswered are ``rownaq.needs.workflow``.

Every change goes through a keyword-only service here, inside a transaction; permissions come from
``rownaq.needs.access``. Saving a need or a capability enqueues the recomputation of its matches after the
transaction commits.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rownaq.accounts.models import Organisation, Role, User
from rownaq.core.files import attachment_content_type
from rownaq.core.versions import StaleEditError as StaleEditError  # the pages and the API catch it from here
from rownaq.core.versions import lock_for_edit
from rownaq.geography.models import Province
from rownaq.needs import access
from rownaq.needs.models import (
    Capability,
    Need,
    NeedAccess,
    NeedAccessState,
    NeedAttachment,
    NeedState,
    Proposal,
    Visibility,
)
from rownaq.notifications.services import notify
from rownaq.registry.models import Sector, Unit

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
STALE_NEED_MESSAGE = gettext_lazy(
    "Someone else changed this need while you were editing it. Review their change and try again."
)
STALE_CAPABILITY_MESSAGE = gettext_lazy(
    "Someone else changed this capability while you were editing it. Review their change and try again."
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


def need_side_people(need: Need) -> list[User]:
    """Those told about a need's proposals: its unit's managers, or its poster when the unit has none."""
    people = _unit_managers(need)
    return people or [need.posted_by]


def members_of(organisation_id: int) -> list[User]:
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
def need_update(
    *,
    need: Need,
    by: User,
    expected_version: int | None = None,
    attachments: Sequence[UploadedFile] = (),
    **changes: object,
) -> Need:
    """Change a need's fields (those of ``NEED_FIELDS``); its matches are recomputed in the background.
    With ``expected_version`` (what the edit form or the API caller loaded), refuse (``StaleEditError``) if
    someone saved the need since."""
    if not access.can_post_need_for(by, need.unit):
        raise PermissionDenied(_("You cannot change this need."))
    unknown = set(changes) - set(NEED_FIELDS)
    if unknown:
        raise TypeError(f"need_update() got unknown fields: {sorted(unknown)}")
    locked = lock_for_edit(Need, pk=need.pk, expected_version=expected_version, message=STALE_NEED_MESSAGE)
    for name, value in changes.items():
        setattr(need, name, value)
    need.normalise()
    need.full_clean()
    need.version = locked.version + 1
    need.save(update_fields=[*changes, "search_text", "version", "updated_at"])
    need_attachments_add(need=need, files=attachments, by=by)
    _enqueue_need_matches(need)
    return need


@transaction.atomic
def need_close(*, need: Need, by: User) -> Need:
    """The owner no longer looks for offers."""
    if not access.is_need_side(by, need):
        raise PermissionDenied(_("You cannot change this need."))
    # A new version: an edit form opened before the need was closed will not save over it unseen.
    Need.objects.filter(pk=need.pk).update(state=NeedState.CLOSED, version=F("version") + 1, updated_at=timezone.now())
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
    *,
    capability: Capability,
    by: User,
    expected_version: int | None = None,
    sectors: Iterable[Sector] | None = None,
    **changes: object,
) -> Capability:
    """Change a capability (the fields of ``CAPABILITY_FIELDS``, and its sectors). With ``expected_version``,
    refuse (``StaleEditError``) if someone saved it since that version was loaded."""
    if not access.can_edit_capability(by, capability):
        raise PermissionDenied(_("You cannot change this capability."))
    unknown = set(changes) - set(CAPABILITY_FIELDS)
    if unknown:
        raise TypeError(f"capability_update() got unknown fields: {sorted(unknown)}")
    locked = lock_for_edit(
        Capability, pk=capability.pk, expected_version=expected_version, message=STALE_CAPABILITY_MESSAGE
    )
    for name, value in changes.items():
        setattr(capability, name, value)
    capability.normalise()
    capability.full_clean()
    capability.version = locked.version + 1
    capability.save(update_fields=[*changes, "search_text", "version", "updated_at"])
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
        users=need_side_people(need),
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
    notify(users=members_of(request.organisation_id), text=text % {"title": need.title}, link=need_link(need))
    return request
