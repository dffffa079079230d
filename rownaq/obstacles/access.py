"""Who may see which obstacle cases, who plays which part in a case, and who has which case pages: the one
place every page, API endpoint, form and template tag of the obstacles asks (and the navigation too).

- province staff (system admin, governorate deputy, SMT expert) see every case of their province;
- a unit manager sees the cases of their company's units;
- an agency liaison sees only the cases referred to their agency (and of a unit only what the case
  page shows: its name, sector and county, never its registry record), and of such a case only their own
  agency's referrals, answers and history entries (``case_shown_to``: the page and the API
  both ask it), never another agency's;
- universities, firms and investors see no case.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from rownaq.accounts.models import Organisation, Role, User
from rownaq.geography.places import Places
from rownaq.obstacles.models import Attachment, Case, CaseEvent, Referral, ReferralState
from rownaq.obstacles.models.cases import ENDED_REFERRAL_STATES
from rownaq.registry.access import acts_for_unit, can_view_registry
from rownaq.registry.models import Unit

# -- the pages a person has (the navigation shows the same) -------------------------------------------


def sees_cases(user: User | AnonymousUser) -> bool:
    """Whether the person has any case pages at all (province staff, unit managers, agency liaisons)."""
    return isinstance(user, User) and (
        user.is_province_staff or (user.is_active and user.role in (Role.UNIT_MANAGER, Role.AGENCY_LIAISON))
    )


def can_file(user: User | AnonymousUser) -> bool:
    """Whether the person files cases at all (for which units: ``can_file_for``)."""
    filers = (Role.UNIT_MANAGER, Role.SMT_EXPERT, Role.SYSTEM_ADMIN)
    return isinstance(user, User) and user.is_active and (user.is_superuser or user.role in filers)


def is_agency_liaison(user: User | AnonymousUser) -> bool:
    """A liaison of an executive agency or bank: answers the referrals to their agency."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.role == Role.AGENCY_LIAISON
        and user.organisation_id is not None
    )


def sees_referrals(user: User | AnonymousUser) -> bool:
    """Whether the person has the referral list: an agency's liaison (their agency's referrals) and
    province staff (the province's open referrals)."""
    return is_agency_liaison(user) or (isinstance(user, User) and user.is_province_staff)


def sees_unit_records(user: User | AnonymousUser) -> bool:
    """Whether the person sees units' registry records (national ID, estate, registry id): not an agency
    liaison, who sees a case's unit by name, sector and county only. No filter or search may reveal more."""
    return can_view_registry(user)


def files_from_visits(user: User) -> bool:
    """Experts record that they found an obstacle on a visit to the unit."""
    return user.can_edit_registry


def can_file_for(user: User, unit: Unit) -> bool:
    """A unit's manager files for their own unit; an SMT expert for any unit of the province."""
    return acts_for_unit(user, unit)


# -- which cases and referrals -------------------------------------------------------------------------


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Case]:
    cases = Case.objects.all()
    if not isinstance(user, User) or not user.is_active:
        return cases.none()
    if user.is_superuser:
        return cases
    if user.is_province_staff:
        province_id = user.province_id
        return cases if province_id is None else cases.in_places(Places.province(province_id))
    if user.role == Role.UNIT_MANAGER and user.organisation_id is not None:
        return cases.filter(unit__owner_id=user.organisation_id)
    if user.role == Role.AGENCY_LIAISON and user.organisation_id is not None:
        referred = Referral.objects.filter(case=OuterRef("pk"), agency_id=user.organisation_id).exclude(
            state__in=ENDED_REFERRAL_STATES
        )
        return cases.filter(Exists(referred))
    return cases.none()


def get_case_for_user(user: User | AnonymousUser, pk: int) -> Case:
    try:
        return cases_visible_to(user).select_related("unit", "unit__county", "unit__sector", "category").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


def referrals_visible_to(user: User | AnonymousUser) -> QuerySet[Referral]:
    """An agency liaison's own agency's referrals (not those withdrawn or returned); for everyone else, those of
    the cases they see."""
    referrals = Referral.objects.filter(case__in=cases_visible_to(user))
    if isinstance(user, User) and not user.is_province_staff and user.role == Role.AGENCY_LIAISON:
        referrals = referrals.filter(agency_id=user.organisation_id).exclude(state__in=ENDED_REFERRAL_STATES)
    return referrals


# -- the parts people play in a case -------------------------------------------------------------------


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


def speaks_for_unit(user: User, case: Case) -> bool:
    """Who confirms the outcome or reopens: the unit's managers (and a superuser)."""
    return is_case_unit(user, case) or (user.is_superuser and user.is_active)


def is_referral_liaison(user: User, referral: Referral) -> bool:
    return user.is_active and user.role == Role.AGENCY_LIAISON and user.organisation_id == referral.agency_id


def is_case_liaison(user: User, case: Case) -> bool:
    """The liaison of an agency the case is referred to and that has not answered yet: answers."""
    return any(is_referral_liaison(user, r) for r in case.referrals.filter(state=ReferralState.OPEN))


def may_withdraw_referral(user: User, case: Case) -> bool:
    """The case's expert, while one of its referrals awaits an answer: withdraws a referral sent to the wrong
    agency."""
    return is_case_expert(user, case) and case.referrals.filter(state=ReferralState.OPEN).exists()


def answerable_referral(user: User, case: Case) -> Referral | None:
    """The open referral of the case that this person answers for their agency, if any."""
    if not is_agency_liaison(user):
        return None
    return case.referrals.filter(state=ReferralState.OPEN, agency_id=user.organisation_id).first()


def sees_unit_record(user: User | None, case: Case) -> bool:
    """The province's staff and the unit's managers see the registry record; agency liaisons do not."""
    return user is not None and (user.is_province_staff or is_case_unit(user, case))


# -- what of a case a person sees ----------------------------------------------------------------------


def sees_whole_case(user: User | AnonymousUser | None, case: Case) -> bool:
    """The province's staff and the unit's managers see every referral, answer and history entry of a case;
    an agency liaison sees only their own agency's (``case_shown_to``)."""
    return isinstance(user, User) and (user.is_province_staff or is_case_unit(user, case))


def _own_referral(user: User | AnonymousUser | None, referral: Referral) -> bool:
    """A referral to the person's agency that was neither withdrawn nor returned (those show them nothing)."""
    return (
        isinstance(user, User)
        and user.organisation_id is not None
        and referral.agency_id == user.organisation_id
        and referral.state not in ENDED_REFERRAL_STATES
    )


def _concerns_agency(event: CaseEvent, agency_id: int, referral_ids: set[int]) -> bool:
    """Whether a history entry may be shown to an agency's liaison: the entries about one agency's referral
    (an answer, a return, a withdrawal, an escalation) or about some agencies (a referral) only to those
    agencies; the entries about the case itself (filing, triage, the HQ, the outcome) to all of them."""
    data = event.data if isinstance(event.data, dict) else {}
    if "agency" in data:
        return bool(data["agency"] == agency_id)
    if "referral" in data:
        return data["referral"] in referral_ids
    if "agencies" in data:
        return agency_id in (data["agencies"] or [])
    return True


@dataclass(frozen=True)
class CaseShown:
    """What of a case the person sees besides the case itself: its referrals (with their answers and the answers'
    files), its history, the agencies the filer named as concerned and the files filed with it."""

    referrals: list[Referral]
    events: list[CaseEvent]
    agencies_concerned: list[Organisation]
    attachments: list[Attachment]  # the case's own files (an answer's files come with its referral)


def case_shown_to(user: User | AnonymousUser | None, case: Case) -> CaseShown:
    """The one rule of what a person sees of a case they may see (``cases_visible_to``): the page and the API
    both show exactly this. The province's staff and the unit's managers see everything; an agency's liaison
    sees their own agency's referrals (not one withdrawn or returned) and answers, the history entries that concern
    their agency or the case as a whole, and of the agencies named as concerned only their own. Reads
    ``case.referrals``, ``case.events``, ``case.agencies_concerned`` and ``case.attachments`` through ``.all()``:
    a caller that prefetched them pays no query."""
    referrals = referrals_shown_to(user, case)
    events = list(case.events.all())
    concerned = list(case.agencies_concerned.all())
    files = [a for a in case.attachments.all() if a.referral_id is None]
    if sees_whole_case(user, case):
        return CaseShown(referrals, events, concerned, files)
    if not isinstance(user, User) or user.organisation_id is None:
        return CaseShown([], [], [], files)
    agency_id = user.organisation_id
    own_ids = {r.pk for r in case.referrals.all() if r.agency_id == agency_id}  # withdrawn or returned too
    return CaseShown(
        referrals=referrals,
        events=[e for e in events if _concerns_agency(e, agency_id, own_ids)],
        agencies_concerned=[a for a in concerned if a.pk == agency_id],
        attachments=files,
    )


def referrals_shown_to(user: User | AnonymousUser | None, case: Case) -> list[Referral]:
    """The referrals of ``case`` the person sees (and so the answers and their files): all of them for those
    who see the whole case, a liaison their own agency's (neither withdrawn nor returned)."""
    referrals = list(case.referrals.all())
    if sees_whole_case(user, case):
        return referrals
    return [r for r in referrals if _own_referral(user, r)]


def case_history_visible_to(user: User | AnonymousUser | None, case: Case) -> list[CaseEvent]:
    """The history entries of ``case`` the person sees (``case_shown_to``)."""
    return case_shown_to(user, case).events


def may_download(user: User | AnonymousUser, attachment: Attachment) -> bool:
    """A case's own file for those who see the case; a file of an agency's answer only for those who see that
    answer (``referrals_shown_to``): never another agency's liaison."""
    case = cases_visible_to(user).select_related("unit").filter(pk=attachment.case_id).first()
    if case is None:
        return False
    return attachment.referral_id is None or any(r.pk == attachment.referral_id for r in referrals_shown_to(user, case))
