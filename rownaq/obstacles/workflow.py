"""The life of an obstacle case: one table of allowed transitions, and the services that make them.

Every change of state goes through ``transition``: it checks that the action is allowed from the
case's state, that the person plays a part allowed to take it, that nobody else changed the case
since the person loaded it (``expected_version``), then moves the state and records who, when, from
which state to which, and why. Nothing else writes ``Case.state``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rownaq.accounts.models import AgencyCode, Organisation, Role, User
from rownaq.core.workflow import StateMachine, Transition
from rownaq.notifications.services import notify
from rownaq.obstacles import access, hooks
from rownaq.obstacles.attachments import attachment_content_type, attachments_add
from rownaq.obstacles.models import (
    AnswerDecision,
    Case,
    CaseEvent,
    CaseState,
    ObstacleCategory,
    OutcomeKind,
    Referral,
    ReferralState,
)
from rownaq.obstacles.models.cases import OPEN_STATES
from rownaq.registry.models import Unit
from rownaq.workdays.services import add_working_days

S = CaseState

_expert = access.is_case_expert
_secretariat = access.is_secretariat
_unit = access.speaks_for_unit
_liaison = access.is_case_liaison
_withdraws = access.may_withdraw_referral

REFERABLE = frozenset({S.ACCEPTED, S.REOPENED, S.REFERRED, S.ANSWERED})
WITH_THE_HQ = frozenset({S.ON_AGENDA, S.DECIDED})
AWAITING_AGENCIES = frozenset({S.REFERRED}) | WITH_THE_HQ  # the states a referral may be open in
WORKING = frozenset({S.SUBMITTED, S.ACCEPTED, S.REFERRED, S.ANSWERED, S.ON_AGENDA, S.DECIDED, S.REOPENED})

# The whole life of a case. A (state, action) pair that is not here does not exist. "file" only records a
# case's birth; "merged_in" only records, on the case another one was merged into, that it happened (its
# state does not change): nobody takes either as an action (they have no part).
CASE_STATES: StateMachine[Case] = StateMachine(
    {
        "file": Transition(gettext_lazy("Filed"), frozenset(), S.SUBMITTED),
        "accept": Transition(gettext_lazy("Accept"), frozenset({S.SUBMITTED}), S.ACCEPTED, (_expert,)),
        "reject": Transition(
            gettext_lazy("Reject"), frozenset({S.SUBMITTED, S.ACCEPTED}), S.REJECTED, (_expert,), needs_comment=True
        ),
        "merge": Transition(
            gettext_lazy("Merge with a duplicate"),
            frozenset({S.SUBMITTED, S.ACCEPTED, S.REOPENED}),
            S.MERGED,
            (_expert,),
        ),
        # A case the HQ holds (on its agenda, decided) may be referred again (after a referral to the wrong agency
        # was withdrawn or returned): it stays where the HQ put it; any other moves to "referred".
        "refer": Transition(gettext_lazy("Refer to agencies"), REFERABLE | WITH_THE_HQ, None, (_expert,)),
        # An agency may still answer after its referral was escalated to the HQ agenda or decided on.
        "answer": Transition(gettext_lazy("Answer"), AWAITING_AGENCIES, None, (_liaison,)),
        # A referral sent to the wrong agency: the expert withdraws it, or its agency returns it as not its own;
        # the case awaits the other agencies, or goes back to the expert to refer again (``state_after_referral``).
        "withdraw_referral": Transition(
            gettext_lazy("Withdraw a referral"), AWAITING_AGENCIES, None, (_withdraws,), needs_comment=True
        ),
        "return_referral": Transition(
            gettext_lazy("Return as not our agency's"), AWAITING_AGENCIES, None, (_liaison,), needs_comment=True
        ),
        "put_on_agenda": Transition(
            gettext_lazy("Put on the HQ agenda"),
            frozenset({S.ACCEPTED, S.REFERRED, S.ANSWERED, S.REOPENED}),
            S.ON_AGENDA,
            (_secretariat,),
        ),
        "decide": Transition(
            gettext_lazy("Record the HQ resolution"), frozenset({S.ON_AGENDA}), S.DECIDED, (_secretariat,)
        ),
        "resolve": Transition(
            gettext_lazy("Record the outcome"),
            frozenset({S.ACCEPTED, S.REFERRED, S.ANSWERED, S.DECIDED, S.REOPENED}),
            S.RESOLVED,
            (_expert,),
        ),
        "confirm": Transition(gettext_lazy("Confirm the outcome"), frozenset({S.RESOLVED}), S.CLOSED, (_unit,)),
        "reopen": Transition(
            gettext_lazy("Reopen"), frozenset({S.RESOLVED, S.CLOSED}), S.REOPENED, (_unit,), needs_comment=True
        ),
        "recategorise": Transition(gettext_lazy("Change the category"), WORKING, None, (_expert,)),
        "merged_in": Transition(gettext_lazy("Another case merged into this one"), frozenset(OPEN_STATES), None),
    },
    initial=S.SUBMITTED,
    births=frozenset({"file"}),
)

# The actions people take (every one of ``CASE_STATES`` but the records of a birth or a merge), in table order.
TRANSITIONS: Mapping[str, Transition[Case]] = MappingProxyType(
    {name: rule for name, rule in CASE_STATES.transitions.items() if rule.parts}
)


class CaseError(Exception):
    """An action that the case's state or the person's part does not allow; the message is for the user."""


class StaleCaseError(CaseError):
    """Someone else changed the case after this person loaded it."""


def allowed_actions(case: Case, user: User) -> list[str]:
    """The actions this person may take on this case now, in table order."""
    return CASE_STATES.allowed(case.state, user, case)


def transition(
    *,
    case: Case,
    action: str,
    by: User | None,
    comment: str = "",
    expected_version: int | None = None,
    target: str | None = None,
    data: dict[str, Any] | None = None,
) -> Case:
    """Check and make one transition; the caller holds ``transaction.atomic``. ``by=None`` is the system."""
    rule = TRANSITIONS[action]  # never "file" nor "merged_in": those only record
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleCaseError(_("Someone else changed this case while you were looking at it. Reload it and try again."))
    if not CASE_STATES.can(action, locked.state):
        raise CaseError(
            _("“%(action)s” is not possible while the case is “%(state)s”.")
            % {"action": rule.label, "state": locked.get_state_display()}
        )
    if not CASE_STATES.may(action, by, locked):
        raise PermissionDenied(_("Your role does not allow this action on this case."))
    if rule.needs_comment and not comment.strip():
        raise CaseError(_("Write the reason."))
    from_state = locked.state
    new_state = target or CASE_STATES.target(action, from_state)
    Case.objects.filter(pk=case.pk).update(state=new_state, version=F("version") + 1, updated_at=timezone.now())
    CaseEvent.objects.create(
        case=case, action=action, from_state=from_state, to_state=new_state, by=by, comment=comment, data=data or {}
    )
    case.refresh_from_db()
    return case


# -- filing --------------------------------------------------------------------------------------


can_file_for = access.can_file_for  # the rule lives in ``access``


@transaction.atomic
def case_file(
    *,
    unit: Unit,
    category: ObstacleCategory,
    title: str,
    description: str,
    by: User,
    amount: int | None = None,
    urgency: str = "normal",
    from_visit: bool = False,
    agencies: Iterable[Organisation] = (),
) -> Case:
    """File a case for a unit; ``agencies`` are those the filer names as concerned."""
    if not can_file_for(by, unit):
        raise PermissionDenied(_("You cannot file a case for this unit."))
    validate_amount(amount)
    case = Case(
        unit=unit,
        category=category,
        title=title,
        description=description,
        amount=amount,
        urgency=urgency,
        from_visit=from_visit,
        filed_by=by,
    )
    case.full_clean()
    case.save()
    case.agencies_concerned.set(list(agencies))
    CaseEvent.objects.create(case=case, action="file", from_state="", to_state=case.state, by=by)
    experts = province_people(case, roles=(Role.SMT_EXPERT,))
    notify(
        users=[u for u in experts if u != by],
        text=_("New obstacle case %(ref)s from %(unit)s: %(title)s")
        % {"ref": case.reference, "unit": unit.name, "title": case.title},
        link=case_link(case),
    )
    return case


# -- triage --------------------------------------------------------------------------------------


@transaction.atomic
def case_accept(*, case: Case, by: User, comment: str = "", expected_version: int | None = None) -> Case:
    return transition(case=case, action="accept", by=by, comment=comment, expected_version=expected_version)


@transaction.atomic
def case_reject(*, case: Case, by: User, reason: str, expected_version: int | None = None) -> Case:
    case = transition(case=case, action="reject", by=by, comment=reason, expected_version=expected_version)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    case.refresh_from_db()
    _notify_unit(case, _("Your case %(ref)s was not accepted: %(reason)s") % {"ref": case.reference, "reason": reason})
    return case


@transaction.atomic
def case_merge(*, case: Case, into: Case, by: User, comment: str = "", expected_version: int | None = None) -> Case:
    if into.pk == case.pk or not into.is_open or into.merged_into_id is not None:
        raise CaseError(_("Choose another open case to merge this one into."))
    if into.unit.county.province_id != case.unit.county.province_id:
        raise CaseError(_("Cases of different provinces cannot be merged."))
    case = transition(
        case=case,
        action="merge",
        by=by,
        comment=comment,
        expected_version=expected_version,
        data={"into": into.pk},
    )
    Case.objects.filter(pk=case.pk).update(merged_into=into, closed_at=timezone.now())
    case.refresh_from_db()
    CaseEvent.objects.create(
        case=into,
        action="merged_in",
        from_state=into.state,
        to_state=into.state,
        by=by,
        comment=_("Case %(ref)s was merged into this one.") % {"ref": case.reference},
        data={"from": case.pk},
    )
    return case


# -- referral and answers --------------------------------------------------------------------------


def default_agencies(case: Case, category: ObstacleCategory | None = None) -> list[Organisation]:
    """The agencies of the case's province that answer its category.

    A province has a dozen banks: for a category that banks answer, only the banks the filer named as
    concerned are proposed, not all of them.
    """
    category = category or case.category
    codes = set(category.agency_codes)
    if not codes:
        return []
    province_id = case.unit.county.province_id
    agencies = list(
        Organisation.objects.filter(agency_code__in=codes - {AgencyCode.BANK}, province_id=province_id).order_by("name")
    )
    if AgencyCode.BANK in codes and case.pk:
        agencies += [a for a in case.agencies_concerned.order_by("name") if a.agency_code == AgencyCode.BANK]
    return agencies


@transaction.atomic
def case_refer(
    *,
    case: Case,
    agencies: Iterable[Organisation],
    by: User,
    working_days: int | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Case:
    agencies = list(dict.fromkeys(agencies))
    if not agencies:
        raise CaseError(_("Choose at least one agency."))
    days = settings.ROWNAQ_REFERRAL_WORKING_DAYS if working_days is None else working_days
    if not 1 <= days <= 120:
        raise CaseError(_("An agency is given between 1 and 120 working days to answer."))
    province_id = case.unit.county.province_id
    if any(agency.province_id not in (None, province_id) for agency in agencies):
        raise CaseError(_("Refer only to agencies of the case's province or national ones."))
    state = Case.objects.select_for_update().get(pk=case.pk).state  # the target depends on it: lock it first
    case = transition(
        case=case,
        action="refer",
        by=by,
        comment=comment,
        expected_version=expected_version,
        target=state if state in WITH_THE_HQ else S.REFERRED,
        data={"agencies": [a.pk for a in agencies], "working_days": days},
    )
    _open_referrals(case=case, agencies=agencies, by=by, days=days)
    return case


def _open_referrals(*, case: Case, agencies: list[Organisation], by: User, days: int) -> list[Referral]:
    already = set(case.referrals.filter(state=ReferralState.OPEN).values_list("agency_id", flat=True))
    now = timezone.now()
    # In working days of the case's province: its Thursdays too where its offices close on Thursdays.
    due = add_working_days(timezone.localdate(now), days, province_id=case.unit.county.province_id)
    created = [
        Referral.objects.create(
            case=case, agency=agency, referred_by=by, referred_at=now, working_days=days, due_on=due
        )
        for agency in agencies
        if agency.pk not in already
    ]
    for referral in created:
        liaisons = User.objects.filter(organisation=referral.agency, role=Role.AGENCY_LIAISON, is_active=True)
        notify(
            users=list(liaisons),
            text=_("Case %(ref)s was referred to your agency; answer by %(due)s.")
            % {"ref": case.reference, "due": jalali(due)},
            link=case_link(case),
        )
    return created


@transaction.atomic
def referral_answer(
    *,
    referral: Referral,
    by: User,
    answer: str,
    decision: str,
    amount: int | None = None,
    files: Iterable[UploadedFile] = (),
    expected_version: int | None = None,
) -> Referral:
    """The agency's answer: its decision, the text, an amount where money is concerned (rials) and files."""
    # Lock the case first: two agencies answering at once must not both see the other's referral open.
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    referral = Referral.objects.select_related("agency").get(pk=referral.pk)
    if not access.is_referral_liaison(by, referral):
        raise PermissionDenied(_("Only the liaison of the agency it was referred to can answer."))
    if referral.state != ReferralState.OPEN:
        raise CaseError(_("This referral no longer awaits an answer: it was answered, withdrawn or returned."))
    if decision not in AnswerDecision.values:
        raise CaseError(_("Choose the agency's decision."))
    if not answer.strip():
        raise CaseError(_("Write the agency's answer."))
    if amount is not None and amount < 0:
        raise CaseError(_("The amount cannot be negative."))
    files = list(files)
    for upload in files:
        try:
            attachment_content_type(upload)
        except ValidationError as exc:
            raise CaseError(" ".join(exc.messages)) from exc
    still_open = case.referrals.filter(state=ReferralState.OPEN).exclude(pk=referral.pk).exists()
    # Only a case waiting for the agencies moves on; on the HQ agenda it stays where the HQ put it.
    target = (S.REFERRED if still_open else S.ANSWERED) if case.state == S.REFERRED else case.state
    transition(
        case=case,
        action="answer",
        by=by,
        comment=answer,
        expected_version=expected_version,
        target=target,
        data={"referral": referral.pk, "agency": referral.agency_id, "decision": decision, "amount": amount},
    )
    referral.state, referral.answer, referral.decision, referral.amount = (
        ReferralState.ANSWERED,
        answer,
        decision,
        amount,
    )
    referral.answered_by, referral.answered_at = by, timezone.now()
    referral.save(update_fields=["state", "answer", "decision", "amount", "answered_by", "answered_at"])
    attachments_add(case=case, files=files, by=by, referral=referral)
    experts = province_people(case, roles=(Role.SMT_EXPERT,))
    notify(
        users=experts,
        text=_("%(agency)s answered case %(ref)s.") % {"agency": referral.agency.name, "ref": case.reference},
        link=case_link(case),
    )
    return referral


@transaction.atomic
def case_recategorise(
    *, case: Case, category: ObstacleCategory, by: User, comment: str = "", expected_version: int | None = None
) -> Case:
    """Change the category; a case waiting for agencies is re-routed to those of the new category."""
    if category.pk == case.category_id:
        raise CaseError(_("The case already has this category."))
    old = case.category
    open_referrals = case.referrals.filter(state=ReferralState.OPEN)
    new_agencies = default_agencies(case, category)
    keep = {a.pk for a in new_agencies}
    target = None
    if case.state == S.REFERRED:
        # The state the case will be in once the referrals are re-routed, so the history tells the truth.
        remaining = open_referrals.filter(agency_id__in=keep).exists() or bool(new_agencies)
        answered = case.referrals.filter(state=ReferralState.ANSWERED).exists()
        target = S.REFERRED if remaining else (S.ANSWERED if answered else S.ACCEPTED)
    case = transition(
        case=case,
        action="recategorise",
        by=by,
        comment=comment,
        expected_version=expected_version,
        target=target,
        data={"from": old.pk, "to": category.pk},
    )
    Case.objects.filter(pk=case.pk).update(category=category)
    case.refresh_from_db()
    if open_referrals.exists():
        open_referrals.exclude(agency_id__in=keep).update(state=ReferralState.WITHDRAWN)
        if case.state == S.REFERRED:
            _open_referrals(case=case, agencies=new_agencies, by=by, days=settings.ROWNAQ_REFERRAL_WORKING_DAYS)
    return case


# -- the HQ ----------------------------------------------------------------------------------------


@transaction.atomic
def case_put_on_agenda(*, case: Case, by: User | None, comment: str = "", expected_version: int | None = None) -> Case:
    return transition(case=case, action="put_on_agenda", by=by, comment=comment, expected_version=expected_version)


@transaction.atomic
def case_decide(*, case: Case, by: User | None, comment: str, expected_version: int | None = None) -> Case:
    return transition(case=case, action="decide", by=by, comment=comment, expected_version=expected_version)


# -- outcome ---------------------------------------------------------------------------------------


@transaction.atomic
def case_resolve(
    *,
    case: Case,
    by: User,
    outcome_kind: str,
    outcome_note: str,
    money_released: int | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> Case:
    """Record the outcome. While something is still open on the case (``hooks.open_matters``: an HQ resolution's
    commitments not carried out yet) it is refused unless the person says why (``reason``), which the case's
    history keeps with what was open."""
    if outcome_kind not in OutcomeKind.values:
        raise CaseError(_("Choose what the outcome was."))
    if not outcome_note.strip():
        raise CaseError(_("Write what changed for the unit."))
    if money_released is not None and money_released < 0:
        raise CaseError(_("The money released cannot be negative."))
    comment, data = outcome_note, None
    matters = hooks.open_matters(case) if CASE_STATES.may("resolve", by, case) else []
    if matters and CASE_STATES.can("resolve", case.state):
        if not reason.strip():
            raise CaseError(" ".join([*matters, _("Say why the outcome is recorded before they are settled.")]))
        still_open = _("Recorded while still open: %(open)s") % {"open": " ".join(matters)}
        comment = "\n".join([outcome_note, still_open, _("Why: %(reason)s") % {"reason": reason}])
        data = {"open": matters, "reason": reason}
    case = transition(case=case, action="resolve", by=by, comment=comment, expected_version=expected_version, data=data)
    case.outcome_kind, case.outcome_note, case.money_released = outcome_kind, outcome_note, money_released
    case.save(update_fields=["outcome_kind", "outcome_note", "money_released", "search_text"])
    case.referrals.filter(state=ReferralState.OPEN).update(state=ReferralState.WITHDRAWN)
    _notify_unit(
        case,
        _("Case %(ref)s was resolved: %(note)s. Confirm the outcome or reopen the case.")
        % {"ref": case.reference, "note": outcome_note},
    )
    return case


@transaction.atomic
def case_confirm(*, case: Case, by: User, comment: str = "", expected_version: int | None = None) -> Case:
    case = transition(case=case, action="confirm", by=by, comment=comment, expected_version=expected_version)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(unit_confirmed_at=now, closed_at=now)
    case.refresh_from_db()
    return case


@transaction.atomic
def case_reopen(*, case: Case, by: User, reason: str, expected_version: int | None = None) -> Case:
    case = transition(case=case, action="reopen", by=by, comment=reason, expected_version=expected_version)
    Case.objects.filter(pk=case.pk).update(closed_at=None, unit_confirmed_at=None)
    case.refresh_from_db()
    notify(
        users=province_people(case, roles=(Role.SMT_EXPERT,)),
        text=_("The unit reopened case %(ref)s: %(reason)s") % {"ref": case.reference, "reason": reason},
        link=case_link(case),
    )
    return case


# -- helpers ---------------------------------------------------------------------------------------


def case_link(case: Case) -> str:
    from django.urls import reverse

    return reverse("obstacles-case-detail", args=[case.pk])


def jalali(day: dt.date) -> str:
    from rownaq.core.jalali import format_jalali

    return format_jalali(day)


def province_people(case: Case, *, roles: tuple[str, ...]) -> list[User]:
    province_id = case.unit.county.province_id
    return list(
        User.objects.filter(role__in=roles, is_active=True, organisation__province_id=province_id).order_by("pk")
    )


def _notify_unit(case: Case, text: str) -> None:
    owner_id = case.unit.owner_id
    if owner_id is None:
        return
    managers = User.objects.filter(role=Role.UNIT_MANAGER, is_active=True, organisation_id=owner_id).order_by("pk")
    notify(users=list(managers), text=text, link=case_link(case))


def state_after_referral(case: Case, *, still_open: bool) -> str:
    """The state of a case once one of its referrals is answered, withdrawn or returned: a case awaiting the
    agencies waits on while another referral is open, else is answered (some agency answered) or goes back to
    the expert to refer again (accepted); a case the HQ holds stays where the HQ put it. ``case`` is locked."""
    if case.state != S.REFERRED or still_open:
        return case.state
    return S.ANSWERED if case.referrals.filter(state=ReferralState.ANSWERED).exists() else S.ACCEPTED


def validate_amount(value: int | None) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("The amount cannot be negative."))
