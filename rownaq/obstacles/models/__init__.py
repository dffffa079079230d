"""Production obstacles: cases, referrals, their history and attachments (the HQ's records are in ``rownaq.hq``)."""

from rownaq.obstacles.models.cases import (
    AnswerDecision,
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
    "AnswerDecision",
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
