"""Who may see which obstacle cases, and who plays which part in a case.

- province staff (system admin, governorate deputy, SMT expert) see every case of their province;
- a unit manager sees the cases of their company's units;
- an agency liaison sees only the cases referred to their agency (and of a unit only what the case
  page shows: its name, sector and county, never its registry record);
- universities, firms and investors see no case.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from rownaq.accounts.models import Role, User
from rownaq.obstacles.models import Case, Referral, ReferralState


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Case]:
    cases = Case.objects.all()
    if not isinstance(user, User) or not user.is_active:
        return cases.none()
    if user.is_superuser:
        return cases
    if user.is_province_staff:
        province_id = user.province_id
        return cases if province_id is None else cases.filter(unit__county__province_id=province_id)
    if user.role == Role.UNIT_MANAGER and user.organisation_id is not None:
        return cases.filter(unit__owner_id=user.organisation_id)
    if user.role == Role.AGENCY_LIAISON and user.organisation_id is not None:
        referred = Referral.objects.filter(case=OuterRef("pk"), agency_id=user.organisation_id).exclude(
            state=ReferralState.WITHDRAWN
        )
        return cases.filter(Exists(referred))
    return cases.none()


def get_case_for_user(user: User | AnonymousUser, pk: int) -> Case:
    try:
        return cases_visible_to(user).select_related("unit", "unit__county", "unit__sector", "category").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


def is_case_expert(user: User, case: Case) -> bool:
    """An SMT expert or system admin of the case's province: triages, refers, resolves."""
    return user.is_expert and user.serves_province(case.unit.county.province_id)


def is_secretariat(user: User, case: Case) -> bool:
    """The HQ secretariat (the governorate deputy's office) or an expert: puts cases on the HQ agenda."""
    if is_case_expert(user, case):
        return True
    return (
        user.is_active and user.role == Role.GOVERNORATE_DEPUTY and user.serves_province(case.unit.county.province_id)
    )


def is_case_unit(user: User, case: Case) -> bool:
    """A manager of the unit the case is about: confirms the outcome or reopens."""
    return (
        user.is_active
        and user.role == Role.UNIT_MANAGER
        and user.organisation_id is not None
        and case.unit.owner_id == user.organisation_id
    )


def is_referral_liaison(user: User, referral: Referral) -> bool:
    return user.is_active and user.role == Role.AGENCY_LIAISON and user.organisation_id == referral.agency_id


def referrals_visible_to(user: User | AnonymousUser) -> QuerySet[Referral]:
    """An agency liaison's own agency's referrals; for everyone else, those of the cases they see."""
    referrals = Referral.objects.filter(case__in=cases_visible_to(user))
    if isinstance(user, User) and not user.is_province_staff and user.role == Role.AGENCY_LIAISON:
        referrals = referrals.filter(agency_id=user.organisation_id).exclude(state=ReferralState.WITHDRAWN)
    return referrals
