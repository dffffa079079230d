"""Who sees and who may do what at exhibitions: the one place the exhibition pages and services ask.

- SMT experts and system admins of a province (national ones of every province) run its exhibitions:
  they create and edit them, add halls, booths and exhibitors, and see the unpublished ones too.
  Everyone else sees only published exhibitions, and only these have public pages (no login).
- A public page lists only the public items on show at the exhibition (``rownaq.needs.access.public_needs``
  and ``public_capabilities``): a need or capability that is not public is never listed there, whatever
  an exhibitor chose to show.
- A B2B meeting is booked by one side, with one of their own items: a manager of the company that owns the
  need's unit, or a member of the organisation that offers the capability; the other side's item must be
  public and on show at the exhibition. Either side, or those who run the exhibition, may cancel it.
- Visitors register (no login) while the exhibition is published and not over.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from rownaq.accounts.models import Role, User
from rownaq.exhibitions.models import B2BMeeting, Exhibition, Exhibitor
from rownaq.geography.models import Province
from rownaq.needs.access import capability_is_public, need_is_public, public_capabilities, public_needs
from rownaq.needs.models import Capability, Need, NeedState

# -- exhibitions ------------------------------------------------------------------------------------


def can_manage_exhibitions(user: User, province_id: int | None) -> bool:
    """SMT experts and system admins of the province (national ones of every province)."""
    return user.is_expert and user.serves_province(province_id)


def require_manager(user: User, exhibition_or_province: Exhibition | Province) -> None:
    province_id = (
        exhibition_or_province.province_id
        if isinstance(exhibition_or_province, Exhibition)
        else exhibition_or_province.pk
    )
    if not can_manage_exhibitions(user, province_id):
        raise PermissionDenied


def published_exhibitions() -> QuerySet[Exhibition]:
    """The exhibitions with public pages, where meetings are booked."""
    return Exhibition.objects.filter(is_published=True)


def exhibitions_listed_to(user: User) -> QuerySet[Exhibition]:
    """Those who run exhibitions see every one of their province (national staff: every one), unpublished
    ones too; everyone else the published ones."""
    if not can_manage_exhibitions(user, user.province_id):
        return published_exhibitions()
    if user.province_id is not None:
        return Exhibition.objects.filter(province_id=user.province_id)
    return Exhibition.objects.all()


def registration_open(exhibition: Exhibition) -> bool:
    return exhibition.is_published and exhibition.ends_on >= timezone.localdate()


# -- items on show ----------------------------------------------------------------------------------


def shown_needs(exhibition: Exhibition) -> QuerySet[Need]:
    """Public needs on show at the exhibition."""
    return public_needs().filter(
        pk__in=Exhibitor.needs.through.objects.filter(exhibitor__exhibition=exhibition).values("need_id")
    )


def shown_capabilities(exhibition: Exhibition) -> QuerySet[Capability]:
    """Public capabilities on show at the exhibition."""
    through = Exhibitor.capabilities.through.objects.filter(exhibitor__exhibition=exhibition)
    return public_capabilities().filter(pk__in=through.values("capability_id"))


def is_shown(exhibition: Exhibition, need: Need | None = None, capability: Capability | None = None) -> bool:
    """Whether the need (or else the capability) is public and an exhibitor shows it at the exhibition."""
    exhibitors = Exhibitor.objects.filter(exhibition=exhibition)
    if need is not None:
        return need_is_public(need) and exhibitors.filter(needs=need).exists()
    assert capability is not None
    return capability_is_public(capability) and exhibitors.filter(capabilities=capability).exists()


# -- the sides of a B2B meeting ---------------------------------------------------------------------


def owns_need(user: User, need: Need) -> bool:
    """A manager of the company that owns the need's unit."""
    return (
        user.is_active
        and user.role == Role.UNIT_MANAGER
        and user.organisation_id is not None
        and user.organisation_id == need.unit.owner_id
    )


def owns_capability(user: User, capability: Capability) -> bool:
    """A member of the organisation that offers the capability."""
    return user.is_active and user.organisation_id is not None and user.organisation_id == capability.owner_id


def can_cancel_meeting(user: User, meeting: B2BMeeting) -> bool:
    """Either side of the meeting, or those who run the exhibition."""
    return (
        owns_need(user, meeting.need)
        or owns_capability(user, meeting.capability)
        or can_manage_exhibitions(user, meeting.exhibition.province_id)
    )


def own_items(user: User) -> tuple[list[Need], list[Capability]]:
    """The needs (of a unit manager's company) and capabilities (of the person's organisation) one may book
    with; someone with neither may not book."""
    if not user.is_active or user.organisation_id is None:
        return [], []
    needs: Iterable[Need] = []
    if user.role == Role.UNIT_MANAGER:
        needs = Need.objects.filter(unit__owner_id=user.organisation_id).exclude(state=NeedState.CLOSED)
    capabilities = Capability.objects.filter(owner_id=user.organisation_id)
    return list(needs), list(capabilities)


def public_needs_on_show() -> QuerySet[Need]:
    """Of an exhibitor's needs, those anyone may see listed (the API shows no other)."""
    return public_needs()


def public_capabilities_on_show() -> QuerySet[Capability]:
    """Of an exhibitor's capabilities, those in the public catalogue (the API shows no other)."""
    return public_capabilities()
