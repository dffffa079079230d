"""One door for the workflow's actions: ``act(case=, action=, by=, data=, expected_version=)``.

The page, the API and the tests call it with what they parsed from their input (objects, not ids): the
mapping from an action's name to the service that takes it is written here once. Each action reads the
keys of ``data`` it needs:

- every action: ``comment`` (optional);
- ``reject``, ``reopen``: ``reason``;
- ``merge``: ``into`` (a ``Case``);
- ``refer``: ``agencies`` (``Organisation``s; missing or ``None``: the category's) and ``working_days``
  (missing or ``None``: the default);
- ``answer``: ``answer``, ``decision`` (an ``AnswerDecision``), ``amount`` (rials, optional), ``files`` (uploads,
  optional), and ``referral`` (missing: the open referral the person answers for their agency);
- ``withdraw_referral``: ``referral`` (an open ``Referral`` of the case) and ``reason``;
- ``return_referral``: ``reason``, and ``referral`` (missing: the open referral of the person's agency);
- ``resolve``: ``outcome_kind``, ``outcome_note`` and ``money_released``, and ``reason`` (why the outcome is
  recorded while something is still open on the case, ``hooks.open_matters``);
- ``recategorise``: ``category`` (an ``ObstacleCategory``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.obstacles import access, referrals, workflow
from rownaq.obstacles.models import Case, Referral


class NoSuchAction(LookupError):
    """The name is no action a person takes on a case (a page answers 404)."""


Taker = Callable[[Case, User, Mapping[str, Any], int | None], object]


def _answer(case: Case, by: User, data: Mapping[str, Any], version: int | None) -> object:
    referral = _referral_of(case, data) or access.answerable_referral(by, case)
    if referral is None:
        raise PermissionDenied(_("Only the liaison of the agency it was referred to can answer."))
    return workflow.referral_answer(
        referral=referral,
        by=by,
        answer=data["answer"],
        decision=data.get("decision", ""),
        amount=data.get("amount"),
        files=data.get("files", ()),
        expected_version=version,
    )


def _referral_of(case: Case, data: Mapping[str, Any]) -> Referral | None:
    """The ``referral`` the action names, which must be one of the case's."""
    referral: Referral | None = data.get("referral")
    if referral is not None and referral.case_id != case.pk:
        raise workflow.CaseError(_("Choose a referral of this case."))
    return referral


def _withdraw(case: Case, by: User, data: Mapping[str, Any], version: int | None) -> object:
    referral = _referral_of(case, data)
    if referral is None:
        raise workflow.CaseError(_("Choose the referral to withdraw."))
    return referrals.referral_withdraw(referral=referral, by=by, reason=data["reason"], expected_version=version)


def _return(case: Case, by: User, data: Mapping[str, Any], version: int | None) -> object:
    referral = _referral_of(case, data) or access.answerable_referral(by, case)
    if referral is None:
        raise PermissionDenied(_("Only the liaison of the agency it was referred to can return it."))
    return referrals.referral_return(referral=referral, by=by, reason=data["reason"], expected_version=version)


def _refer(case: Case, by: User, data: Mapping[str, Any], version: int | None) -> object:
    agencies = data.get("agencies")
    return workflow.case_refer(
        case=case,
        agencies=workflow.default_agencies(case) if agencies is None else agencies,
        by=by,
        working_days=data.get("working_days"),
        comment=data.get("comment", ""),
        expected_version=version,
    )


# How each action of ``workflow.TRANSITIONS`` is taken.
ACTIONS: dict[str, Taker] = {
    "accept": lambda case, by, data, v: workflow.case_accept(
        case=case, by=by, comment=data.get("comment", ""), expected_version=v
    ),
    "reject": lambda case, by, data, v: workflow.case_reject(
        case=case, by=by, reason=data["reason"], expected_version=v
    ),
    "merge": lambda case, by, data, v: workflow.case_merge(
        case=case, into=data["into"], by=by, comment=data.get("comment", ""), expected_version=v
    ),
    "refer": _refer,
    "answer": _answer,
    "withdraw_referral": _withdraw,
    "return_referral": _return,
    "put_on_agenda": lambda case, by, data, v: workflow.case_put_on_agenda(
        case=case, by=by, comment=data.get("comment", ""), expected_version=v
    ),
    "decide": lambda case, by, data, v: workflow.case_decide(
        case=case, by=by, comment=data.get("comment", ""), expected_version=v
    ),
    "resolve": lambda case, by, data, v: workflow.case_resolve(
        case=case,
        by=by,
        outcome_kind=data["outcome_kind"],
        outcome_note=data["outcome_note"],
        money_released=data.get("money_released"),
        expected_version=v,
        reason=data.get("reason", ""),
    ),
    "confirm": lambda case, by, data, v: workflow.case_confirm(
        case=case, by=by, comment=data.get("comment", ""), expected_version=v
    ),
    "reopen": lambda case, by, data, v: workflow.case_reopen(
        case=case, by=by, reason=data["reason"], expected_version=v
    ),
    "recategorise": lambda case, by, data, v: workflow.case_recategorise(
        case=case, category=data["category"], by=by, comment=data.get("comment", ""), expected_version=v
    ),
}


def act(
    *, case: Case, action: str, by: User, data: Mapping[str, Any] | None = None, expected_version: int | None = None
) -> Case:
    """Take ``action`` on ``case`` as ``by``; returns the case as it is now. Raises ``NoSuchAction`` for a name
    that is no action, and whatever the service raises (``CaseError``, ``StaleCaseError``, ``PermissionDenied``)."""
    taker = ACTIONS.get(action)
    if taker is None:
        raise NoSuchAction(action)
    taker(case, by, data or {}, expected_version)
    case.refresh_from_db()
    return case
