"""Production obstacles (cases), their referrals to executive agencies, and the history of each."""

from rownaq.obstacles.models.cases import (
    Attachment,
    Case,
    CaseEvent,
    CaseState,
    ObstacleCategory,
    OutcomeKind,
    Referral,
    ReferralState,
    Urgency,
)

__all__ = [
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseState",
    "ObstacleCategory",
    "OutcomeKind",
    "Referral",
    "ReferralState",
    "Urgency",
]
