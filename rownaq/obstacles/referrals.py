"""What happens to one referral besides its answer (``workflow.referral_answer``): the expert withdraws a referral
sent to the wrong agency, the agency returns a case as not its own, and an overdue referral goes to the HQ agenda.

Withdrawing and returning are actions of the case's state machine (``workflow.CASE_STATES``: each is recorded in
the case's history with its reason); the referral ends (``ENDED_REFERRAL_STATES``): its agency's liaison no longer
sees the case through it, it leaves the agency's queue and the HQ scoreboard does not count it against the agency.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import Role, User
from rownaq.notifications.services import notify
from rownaq.obstacles import access
from rownaq.obstacles.models import Case, Referral, ReferralState
from rownaq.obstacles.workflow import (
    CASE_STATES,
    CaseError,
    case_link,
    jalali,
    province_people,
    state_after_referral,
    transition,
)


def _end(
    *, case: Case, referral: Referral, action: str, state: str, by: User, reason: str, version: int | None
) -> None:
    """Record ``action`` on the locked ``case`` and end its open ``referral`` with ``state`` and the reason."""
    if referral.state != ReferralState.OPEN:
        raise CaseError(_("This referral no longer awaits an answer: it was answered, withdrawn or returned."))
    still_open = case.referrals.filter(state=ReferralState.OPEN).exclude(pk=referral.pk).exists()
    transition(
        case=case,
        action=action,
        by=by,
        comment=reason,
        expected_version=version,
        target=state_after_referral(case, still_open=still_open),
        data={"referral": referral.pk, "agency": referral.agency_id},
    )
    referral.state, referral.end_reason = state, reason.strip()
    referral.ended_by, referral.ended_at = by, timezone.now()
    referral.save(update_fields=["state", "end_reason", "ended_by", "ended_at"])


def _liaisons(referral: Referral) -> list[User]:
    return list(User.objects.filter(organisation=referral.agency, role=Role.AGENCY_LIAISON, is_active=True))


@transaction.atomic
def referral_withdraw(*, referral: Referral, by: User, reason: str, expected_version: int | None = None) -> Referral:
    """The expert withdraws a referral sent to the wrong agency, saying why; the agency's liaisons are told."""
    case = Case.objects.select_for_update().select_related("unit__county").get(pk=referral.case_id)
    referral = Referral.objects.select_related("agency").get(pk=referral.pk)
    _end(
        case=case,
        referral=referral,
        action="withdraw_referral",
        state=ReferralState.WITHDRAWN,
        by=by,
        reason=reason,
        version=expected_version,
    )
    notify(
        users=_liaisons(referral),
        # No link: the liaison no longer sees the case.
        text=_("Case %(ref)s was withdrawn from your agency: %(reason)s")
        % {"ref": case.reference, "reason": referral.end_reason},
    )
    return referral


@transaction.atomic
def referral_return(*, referral: Referral, by: User, reason: str, expected_version: int | None = None) -> Referral:
    """The agency's liaison returns the case as not their agency's, saying why; the case's experts are told to
    refer it to the right agency."""
    case = Case.objects.select_for_update().select_related("unit__county").get(pk=referral.case_id)
    referral = Referral.objects.select_related("agency").get(pk=referral.pk)
    if not access.is_referral_liaison(by, referral):
        raise PermissionDenied(_("Only the liaison of the agency it was referred to can return it."))
    _end(
        case=case,
        referral=referral,
        action="return_referral",
        state=ReferralState.RETURNED,
        by=by,
        reason=reason,
        version=expected_version,
    )
    notify(
        users=province_people(case, roles=(Role.SMT_EXPERT,)),
        text=_("%(agency)s returned case %(ref)s as not its own: %(reason)s. Refer it to the right agency.")
        % {"agency": referral.agency.name, "ref": case.reference, "reason": referral.end_reason},
        link=case_link(case),
    )
    return referral


# -- escalation ------------------------------------------------------------------------------------


def overdue_referrals(today: dt.date | None = None) -> list[Referral]:
    today = today or timezone.localdate()
    return list(
        Referral.objects.filter(state=ReferralState.OPEN, due_on__lt=today, escalated_at__isnull=True)
        .select_related("case", "case__unit", "case__unit__county", "agency")
        .order_by("due_on", "pk")
    )


def referrals_escalate(*, today: dt.date | None = None) -> int:
    """Put the cases of overdue referrals on the HQ agenda and tell the liaison and the secretariat.

    Safe to run again: a referral is escalated once (``escalated_at``). Returns how many were escalated.
    """
    count = 0
    for referral in overdue_referrals(today):
        with transaction.atomic():
            updated = Referral.objects.filter(
                pk=referral.pk, state=ReferralState.OPEN, escalated_at__isnull=True
            ).update(escalated_at=timezone.now())
            if not updated:
                continue  # another run got there first, or the referral was answered, withdrawn or returned
            case = Case.objects.get(pk=referral.case_id)
            if CASE_STATES.can("put_on_agenda", case.state):
                transition(
                    case=case,
                    action="put_on_agenda",
                    by=None,
                    comment=_("%(agency)s did not answer by %(due)s.")
                    % {"agency": referral.agency.name, "due": jalali(referral.due_on)},
                    data={"referral": referral.pk, "escalated": True},
                )
            text = _("Case %(ref)s: %(agency)s did not answer by %(due)s; it is on the HQ agenda.") % {
                "ref": case.reference,
                "agency": referral.agency.name,
                "due": jalali(referral.due_on),
            }
            secretariat = province_people(case, roles=(Role.GOVERNORATE_DEPUTY,))
            notify(users=[*_liaisons(referral), *secretariat], text=text, link=case_link(case), email=True)
            count += 1
    return count
