"""Who may see and do what at the facilitation HQ.

- the secretariat of a province (governorate deputy's office, SMT experts, system admins) runs its
  meetings, agendas, resolutions and objections, and edits its register of disruptive regulations;
- province staff read the register and the scoreboard;
- an agency liaison sees the adopted resolutions that bind their agency, a unit manager those that bind
  their company; each side objects to them within the window and records its own commitments as carried out
  (a draft, prepared for a meeting still to come, is the secretariat's alone).

Who may do what with a case itself is ``rownaq.obstacles.access``: a resolution links to its case only for
those who may open it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rownaq.accounts.models import Role, User
from rownaq.geography.models import Province
from rownaq.hq.models import Commitment, DisruptiveRegulation, Meeting, Party, Resolution
from rownaq.obstacles.access import cases_visible_to
from rownaq.obstacles.models import Case


def is_hq_secretariat(user: User, province: Province) -> bool:
    """The governorate deputy's office, SMT experts and system admins of the province run the HQ's records."""
    return user.is_province_staff and user.serves_province(province.pk)


def require_secretariat(user: User, province: Province) -> None:
    if not is_hq_secretariat(user, province):
        raise PermissionDenied(_("Only the HQ secretariat of the province can do this."))


def is_bound_party(user: User) -> bool:
    """Agency liaisons and unit managers: they see the resolutions that bind their organisation."""
    return user.is_active and user.organisation_id is not None and user.role in (Role.AGENCY_LIAISON, Role.UNIT_MANAGER)


def sees_hq_records(user: User | AnonymousUser) -> bool:
    """Whether the person has the HQ's pages (meetings, resolutions, the scoreboard, the register): province staff."""
    return isinstance(user, User) and user.is_province_staff


def sees_resolutions(user: User | AnonymousUser) -> bool:
    """Whether the person has the resolution list: province staff, and the parties resolutions bind."""
    return isinstance(user, User) and (user.is_province_staff or is_bound_party(user))


def bound_side(user: User) -> str | None:
    """The side of a resolution the person speaks for: an agency's liaison its agency, a unit manager their
    company (``None`` for everyone else)."""
    if not is_bound_party(user):
        return None
    return Party.AGENCY if user.role == Role.AGENCY_LIAISON else Party.UNIT


def _binding(user: User) -> QuerySet[Resolution]:
    """The adopted resolutions holding a commitment of the person's organisation, on the side they speak for."""
    side = bound_side(user)
    if side is None:
        return Resolution.objects.none()
    bound = Commitment.objects.filter(party=side, owner_id=user.organisation_id).values("resolution_id")
    return Resolution.objects.adopted().filter(pk__in=bound)


def resolutions_visible_to(user: User, province: Province) -> QuerySet[Resolution]:
    """The secretariat sees the province's resolutions (drafts too), a bound party the adopted ones that bind
    its organisation."""
    if is_hq_secretariat(user, province):
        return Resolution.objects.filter(meeting__province=province)
    if is_bound_party(user):
        return _binding(user)
    raise PermissionDenied


def resolutions_for(user: User) -> QuerySet[Resolution]:
    """``resolutions_visible_to`` over every province the person serves (the API lists them all): province staff
    their province's (national staff every province's), a bound party the adopted ones that bind it."""
    if user.is_province_staff:
        if user.province_id is None or user.is_superuser:
            return Resolution.objects.all()
        return Resolution.objects.filter(meeting__province_id=user.province_id)
    return _binding(user)


def resolutions_of_case(user: User, case: Case) -> QuerySet[Resolution]:
    """The case's resolutions shown on its page: all of them (drafts too) to the secretariat of its province,
    the adopted ones that bind them to the bound sides."""
    resolutions = Resolution.objects.filter(case=case)
    if user.is_province_staff and user.serves_province(case.unit.county.province_id):
        return resolutions
    return resolutions & _binding(user)


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    """The meetings the secretariat runs: the province's (every province's for national staff); none for the
    others, who see the resolutions that bind them, not the meetings."""
    if not user.is_province_staff:
        return Meeting.objects.none()
    if user.province_id is None or user.is_superuser:
        return Meeting.objects.all()
    return Meeting.objects.filter(province_id=user.province_id)


def regulations_visible_to(user: User) -> QuerySet[DisruptiveRegulation]:
    """The registers of disruptive regulations the person reads (``may_read_register``, over every province)."""
    if not user.is_province_staff:
        return DisruptiveRegulation.objects.none()
    if user.province_id is None:
        return DisruptiveRegulation.objects.all()
    return DisruptiveRegulation.objects.filter(province_id=user.province_id)


def openable_cases(user: User, case_ids: Iterable[int | None]) -> set[int]:
    """Of these cases, those the person may open (obstacles' rule): a resolution links to its case only then."""
    wanted = {pk for pk in case_ids if pk is not None}
    if not wanted:
        return set()
    return set(cases_visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))


def can_carry_out(user: User, commitment: Commitment) -> bool:
    """The commitment's owner, or the secretariat, records it as carried out."""
    if is_hq_secretariat(user, commitment.resolution.meeting.province):
        return True
    return user.is_active and user.organisation_id == commitment.owner_id


def binds_user(user: User, resolution: Resolution) -> bool:
    """The resolution holds a commitment of the person's organisation, on the side they speak for (an agency's
    liaison for the agency, a unit manager for the unit's company)."""
    return may_object_among(user, resolution.commitments.all())


def may_object(user: User, resolution: Resolution) -> bool:
    """A side the resolution binds objects to it, an agency through its liaison, the unit's company through
    its manager (the window, and that the resolution is adopted, are the services' rules)."""
    return binds_user(user, resolution)


def may_object_among(user: User, commitments: Iterable[Commitment]) -> bool:
    """``may_object`` over a resolution's commitments already loaded (the pages list many resolutions)."""
    side = bound_side(user)
    return side is not None and any(c.party == side and c.owner_id == user.organisation_id for c in commitments)


def may_read_register(user: User, province_id: int) -> bool:
    """Province staff of the province (or national staff) read its register of disruptive regulations."""
    return user.is_province_staff and user.province_id in (None, province_id)


def require_province_staff(user: User) -> None:
    """The scoreboard is for province staff."""
    if not user.is_province_staff:
        raise PermissionDenied
