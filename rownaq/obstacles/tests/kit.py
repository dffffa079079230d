"""What the workflow's tests share: a kit of cases and agencies, taking any action, and a snapshot of
everything a refused action must leave as it was (the ``kit`` fixture is in ``conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rownaq.accounts.models import Organisation, User
from rownaq.notifications.models import Notification
from rownaq.obstacles import actions
from rownaq.obstacles.models import (
    Case,
    CaseEvent,
    CaseState,
    ObstacleCategory,
    OutcomeKind,
    Referral,
    ReferralState,
)

S = CaseState
COMMENT = "طبق بررسی کارشناس"


@dataclass
class Kit:
    """What the transitions need besides the case: a merge target, another agency, another category."""

    make_case: Callable[..., Case]
    target: Case
    bank: Organisation
    tax_office: Organisation
    finance_too: ObstacleCategory


def perform(kit: Kit, action: str, case: Case, by: User, *, expected_version: int | None = None) -> None:
    """Take ``action`` on ``case`` through ``actions.act``, with valid arguments for everything but state and role."""
    data: dict[str, Any] = {
        "comment": COMMENT,
        "reason": COMMENT,
        "into": kit.target,
        "agencies": [kit.tax_office],
        "answer": COMMENT,
        "decision": "done",
        "outcome_kind": OutcomeKind.MONEY_RELEASED,
        "outcome_note": COMMENT,
        "money_released": 1_000_000,
        "category": kit.finance_too,
    }
    if action == "answer":
        data["referral"] = case.referrals.get(agency=kit.bank, state=ReferralState.OPEN)
    elif action in ("withdraw_referral", "return_referral"):
        data["referral"] = case.referrals.filter(agency=kit.bank).first()
    actions.act(case=case, action=action, by=by, data=data, expected_version=expected_version)


def snapshot(case: Case) -> tuple[Any, ...]:
    """Everything a refused action must leave as it was."""
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.state,
        fresh.version,
        fresh.category_id,
        fresh.closed_at,
        fresh.unit_confirmed_at,
        fresh.merged_into_id,
        fresh.outcome_kind,
        list(CaseEvent.objects.order_by("pk").values_list("pk", flat=True)),
        list(Referral.objects.order_by("pk").values_list("pk", "agency_id", "state", "escalated_at")),
        Notification.objects.count(),
    )
