"""Who sees what on the Industry Needs Desk: the one place every page, search and service asks.

Needs
- a need is listed to every logged-in person (and, when public, to visitors of the exhibition pages);
- a public need's details are visible to every logged-in person;
- a need shown "only to people the owner approves" shows others only its title, kind, sector and
  province; its details (description, quantities, value, attachments, matches, proposals) are
  visible to the managers of its unit's company, to province staff of its province, and to
  organisations whose ``NeedAccess`` is approved;
- that rule is written once (``_details_rule``); pages, search, the API and its serializers ask it through
  ``needs_with_details_visible_to`` (a QuerySet), ``needs_details_shown`` (which of some needs) or
  ``need_details_visible`` (one need);
- needs are posted by a unit's manager for their own company's units, or by an SMT expert (or
  system admin) for any unit of their province.

Capabilities
- public ones are visible to all; the others only to their owner organisation and province staff;
- posted by a member of a university, knowledge-based firm or technology park, by a unit manager
  for their company, or by an SMT expert (or system admin) on an organisation's behalf.

Proposals
- visible to the proposing organisation and to the need's side (its unit's managers, province staff).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.geography.places import Places
from rownaq.needs.models import (
    Capability,
    Match,
    Need,
    NeedAccess,
    NeedAccessState,
    NeedQuerySet,
    NeedState,
    Proposal,
    ProposalQuerySet,
    ProposalState,
    Visibility,
)
from rownaq.registry.access import acts_for_unit
from rownaq.registry.models import Unit

# Organisations that may own a capability.
CAPABILITY_OWNER_KINDS = frozenset(
    {
        OrganisationKind.UNIVERSITY,
        OrganisationKind.KNOWLEDGE_FIRM,
        OrganisationKind.TECH_PARK,
        OrganisationKind.UNIT_COMPANY,
    }
)
KNOWLEDGE_KINDS = frozenset({OrganisationKind.UNIVERSITY, OrganisationKind.KNOWLEDGE_FIRM, OrganisationKind.TECH_PARK})


def _active(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and user.is_active


def _staff_of(user: User, province_id: int) -> bool:
    """Province staff (admin, deputy, expert) of this province, or national staff."""
    return user.is_province_staff and user.serves_province(province_id)


# -- needs -----------------------------------------------------------------------------------------


def needs_public() -> QuerySet[Need]:
    """Needs whose details anyone may see, visitors of the public exhibition pages included."""
    return Need.objects.filter(visibility=Visibility.PUBLIC)


def needs_visible_to(user: User | AnonymousUser) -> QuerySet[Need]:
    """The needs a person may find in lists and search (for confidential ones, the title only)."""
    if not _active(user):
        return needs_public()
    return Need.objects.all()


def _details_rule(user: User | AnonymousUser) -> Q | None:
    """THE rule of who sees a need's details, as a filter on needs (``None``: every need). Everything that
    shows or hides a need's details (pages, search, the API and its serializers) asks it through
    ``needs_with_details_visible_to``, ``needs_details_shown`` or ``need_details_visible``."""
    public = Q(visibility=Visibility.PUBLIC)
    if not isinstance(user, User) or not user.is_active:
        return public
    if user.is_superuser or (user.is_province_staff and user.province_id is None):
        return None
    allowed = public
    province_id = user.province_id  # not None here for province staff: national staff see every need
    if user.is_province_staff and province_id is not None:
        allowed |= Places.province(province_id).q(NeedQuerySet.PLACE)
    if user.organisation_id is not None:
        if user.role == Role.UNIT_MANAGER:
            allowed |= Q(unit__owner_id=user.organisation_id)
        approved = NeedAccess.objects.filter(
            need=OuterRef("pk"), organisation_id=user.organisation_id, state=NeedAccessState.APPROVED
        )
        allowed |= Q(Exists(approved))
    return allowed


def needs_with_details_visible_to(user: User | AnonymousUser) -> QuerySet[Need]:
    """The needs whose details (description, quantities, value, attachments, proposals) a person sees."""
    rule = _details_rule(user)
    return Need.objects.all() if rule is None else Need.objects.filter(rule)


def needs_details_shown(user: User | AnonymousUser, needs: QuerySet[Need] | Iterable[Need]) -> set[int]:
    """Of ``needs`` (a QuerySet, or needs already fetched), the ids of those whose details the person sees:
    what a list, a search, a page or an API answer asks before showing any need's details."""
    if isinstance(needs, QuerySet):
        return set(needs_with_details_visible_to(user).filter(pk__in=needs.values("pk")).values_list("pk", flat=True))
    fetched = list(needs)
    shown = {need.pk for need in fetched if need.visibility == Visibility.PUBLIC}  # public: no query
    others = [need.pk for need in fetched if need.pk not in shown]
    if others:
        shown |= set(needs_with_details_visible_to(user).filter(pk__in=others).values_list("pk", flat=True))
    return shown


def need_details_visible(user: User | AnonymousUser, need: Need) -> bool:
    """Whether the person sees this need's details (the same rule, for one need)."""
    return need.pk in needs_details_shown(user, [need])


def is_need_side(user: User | AnonymousUser, need: Need) -> bool:
    """The need's owners: managers of its unit's company, and province staff of its province."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if (
        user.role == Role.UNIT_MANAGER
        and user.organisation_id is not None
        and need.unit.owner_id == user.organisation_id
    ):
        return True
    return _staff_of(user, need.unit.county.province_id)


def can_post_need_for(user: User | AnonymousUser, unit: Unit) -> bool:
    """A unit's manager for their own company's units; an SMT expert or admin for any unit of the province."""
    return isinstance(user, User) and acts_for_unit(user, unit)


def can_post_needs(user: User | AnonymousUser) -> bool:
    """Whether the person may post needs at all (for some unit)."""
    return isinstance(user, User) and (
        user.is_expert or (user.is_active and user.role == Role.UNIT_MANAGER and user.organisation_id is not None)
    )


def can_request_access(user: User | AnonymousUser, need: Need) -> bool:
    """Someone from an organisation who does not yet see a confidential need's details."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.organisation_id is not None
        and need.visibility == Visibility.APPROVED
        and not need_details_visible(user, need)
    )


def get_need_for_user(user: User | AnonymousUser, pk: int) -> Need:
    try:
        return (
            needs_visible_to(user)
            .select_related("unit", "unit__owner", "unit__county__province", "sector", "posted_by")
            .get(pk=pk)
        )
    except Need.DoesNotExist:
        raise Http404 from None


# -- capabilities ----------------------------------------------------------------------------------


def capabilities_visible_to(user: User | AnonymousUser) -> QuerySet[Capability]:
    public = Q(is_public=True)
    if not isinstance(user, User) or not user.is_active:
        return Capability.objects.filter(public)
    if user.is_superuser or (user.is_province_staff and user.province_id is None):
        return Capability.objects.all()
    allowed = public
    if user.is_province_staff:
        allowed |= Q(province_id=user.province_id)
    if user.organisation_id is not None:
        allowed |= Q(owner_id=user.organisation_id)
    return Capability.objects.filter(allowed)


def matches_shown(user: User | AnonymousUser | None, need: Need) -> list[Match]:
    """The need's stored matches among the capabilities the person may see, best first (for those who see
    the need's details: the callers ask ``need_details_visible`` first)."""
    if user is None:
        return []
    return list(
        Match.objects.filter(need=need, capability__in=capabilities_visible_to(user))
        .select_related("capability", "capability__owner", "capability__province")
        .order_by("rank")
    )


def is_capability_member(user: User | AnonymousUser, organisation_id: int | None) -> bool:
    """A member of an organisation who may act for it on the desk (a knowledge member or a unit manager)."""
    return (
        isinstance(user, User)
        and user.is_active
        and organisation_id is not None
        and user.organisation_id == organisation_id
        and user.role in (Role.KNOWLEDGE_MEMBER, Role.UNIT_MANAGER)
    )


def can_post_capability(user: User | AnonymousUser) -> bool:
    """A member of a university, firm or park; a unit manager for their company; an SMT expert or admin."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_expert:
        return True
    if user.organisation_id is None:
        return False
    kind = user.organisation.kind  # type: ignore[union-attr]
    if user.role == Role.KNOWLEDGE_MEMBER:
        return kind in KNOWLEDGE_KINDS
    if user.role == Role.UNIT_MANAGER:
        return kind == OrganisationKind.UNIT_COMPANY
    return False


def can_post_capability_for(user: User | AnonymousUser, owner: Organisation) -> bool:
    if not can_post_capability(user) or owner.kind not in CAPABILITY_OWNER_KINDS:
        return False
    assert isinstance(user, User)
    if user.is_expert:
        return user.serves_province(owner.province_id)
    return user.organisation_id == owner.pk


def can_edit_capability(user: User | AnonymousUser, capability: Capability) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_expert:
        return user.serves_province(capability.province_id)
    return is_capability_member(user, capability.owner_id)


def get_capability_for_user(user: User | AnonymousUser, pk: int) -> Capability:
    try:
        return capabilities_visible_to(user).select_related("owner", "province", "posted_by").get(pk=pk)
    except Capability.DoesNotExist:
        raise Http404 from None


def own_capabilities(user: User | AnonymousUser) -> QuerySet[Capability]:
    """The capabilities a person may answer needs with: those of their own organisation."""
    if not isinstance(user, User) or not is_capability_member(user, user.organisation_id):
        return Capability.objects.none()
    return Capability.objects.filter(owner_id=user.organisation_id)


# -- on public pages (no login) --------------------------------------------------------------------
# What a page open to everyone (the public exhibition pages) may list: a need only if it is public and
# not closed, a capability only if it is in the public catalogue. An item that is not public is never
# listed there, whatever its owner chose to show.


def public_needs() -> QuerySet[Need]:
    return Need.objects.filter(visibility=Visibility.PUBLIC).exclude(state=NeedState.CLOSED)


def public_capabilities() -> QuerySet[Capability]:
    return Capability.objects.filter(is_public=True)


def need_is_public(need: Need) -> bool:
    return need.visibility == Visibility.PUBLIC and need.state != NeedState.CLOSED


def capability_is_public(capability: Capability) -> bool:
    return capability.is_public


# -- proposals -------------------------------------------------------------------------------------


def proposals_visible_to(user: User | AnonymousUser) -> QuerySet[Proposal]:
    """The proposing organisation's own proposals, and the proposals on needs of the person's side."""
    if not isinstance(user, User) or not user.is_active:
        return Proposal.objects.none()
    if user.is_superuser or (user.is_province_staff and user.province_id is None):
        return Proposal.objects.all()
    allowed = Q(pk__in=[])
    province_id = user.province_id  # not None here for province staff: national staff see every proposal
    if user.is_province_staff and province_id is not None:
        allowed |= Places.province(province_id).q(ProposalQuerySet.PLACE)
    if user.organisation_id is not None:
        if user.role in (Role.KNOWLEDGE_MEMBER, Role.UNIT_MANAGER):
            allowed |= Q(organisation_id=user.organisation_id)
        if user.role == Role.UNIT_MANAGER:
            allowed |= Q(need__unit__owner_id=user.organisation_id)
    return Proposal.objects.filter(allowed)


def can_propose(user: User | AnonymousUser, need: Need) -> bool:
    """A capability owner's member, on an open need of another organisation whose details they see, when
    their organisation has no live proposal on it yet."""
    if not isinstance(user, User) or user.organisation_id is None:
        return False
    organisation_id = user.organisation_id
    return (
        need.state == NeedState.OPEN
        and own_capabilities(user).exists()
        and need.unit.owner_id != organisation_id
        and need_details_visible(user, need)
        and not Proposal.objects.filter(need=need, organisation_id=organisation_id)
        .exclude(state=ProposalState.WITHDRAWN)
        .exists()
    )


def is_proposer(user: User | AnonymousUser, proposal: Proposal) -> bool:
    return is_capability_member(user, proposal.organisation_id)


def get_proposal_for_user(user: User | AnonymousUser, pk: int) -> Proposal:
    try:
        return (
            proposals_visible_to(user)
            .select_related(
                "need",
                "need__unit",
                "need__unit__owner",
                "need__unit__county__province",
                "capability",
                "organisation",
                "submitted_by",
            )
            .get(pk=pk)
        )
    except Proposal.DoesNotExist:
        raise Http404 from None
