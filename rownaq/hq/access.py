"""Who may see and do what at the facilitation HQ.

- the secretariat of a province (governorate deputy's office, SMT experts, system admins) runs its
  meetings, agendas, resolutions and objections, and edits its register of disruptive regulations;
- province staff read the register and the scoreboard;
- an agency liaison sees the resolutions that bind their agency and, within the window, objects to them;
  a unit manager sees those that bind their company; each records their own commitments as carried out.

Who may do what with a case itself is ``rownaq.obstacles.access``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rownaq.accounts.models import Role, User
from rownaq.geography.models import Province
from rownaq.hq.models import Commitment, Party, Resolution


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


def resolutions_visible_to(user: User, province: Province) -> QuerySet[Resolution]:
    """The secretariat sees the province's resolutions, a bound party those that bind its organisation."""
    if is_hq_secretariat(user, province):
        return Resolution.objects.filter(meeting__province=province)
    if is_bound_party(user):
        party = Party.AGENCY if user.role == Role.AGENCY_LIAISON else Party.UNIT
        bound = Commitment.objects.filter(party=party, owner_id=user.organisation_id).values("resolution_id")
        return Resolution.objects.filter(pk__in=bound)
    raise PermissionDenied


def can_carry_out(user: User, commitment: Commitment) -> bool:
    """The commitment's owner, or the secretariat, records it as carried out."""
    if is_hq_secretariat(user, commitment.resolution.meeting.province):
        return True
    return user.is_active and user.organisation_id == commitment.owner_id


def binds_users_agency(user: User, resolution: Resolution) -> bool:
    """The resolution holds a commitment of the user's agency."""
    return resolution.commitments.filter(party=Party.AGENCY, owner_id=user.organisation_id).exists()


def may_object(user: User, resolution: Resolution) -> bool:
    """Only a liaison of an agency the resolution binds objects to it (the window is the services' rule)."""
    return user.role == Role.AGENCY_LIAISON and binds_users_agency(user, resolution)


def may_object_among(user: User, commitments: Iterable[Commitment]) -> bool:
    """``may_object`` over a resolution's commitments already loaded (the pages list many resolutions)."""
    return user.role == Role.AGENCY_LIAISON and any(
        c.party == Party.AGENCY and c.owner_id == user.organisation_id for c in commitments
    )


def may_read_register(user: User, province_id: int) -> bool:
    """Province staff of the province (or national staff) read its register of disruptive regulations."""
    return user.is_province_staff and user.province_id in (None, province_id)


def require_province_staff(user: User) -> None:
    """The scoreboard is for province staff."""
    if not user.is_province_staff:
        raise PermissionDenied
