"""Production obstacles (cases, referrals, history) and the facilitation HQ (meetings, resolutions, regulations)."""

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
from rownaq.obstacles.models.hq import (
    AgendaItem,
    Commitment,
    DisruptiveRegulation,
    Meeting,
    MeetingState,
    NationalStatus,
    Objection,
    ObjectionState,
    Party,
    RegulationKind,
    Resolution,
)

__all__ = [
    "AgendaItem",
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseState",
    "Commitment",
    "DisruptiveRegulation",
    "Meeting",
    "MeetingState",
    "NationalStatus",
    "Objection",
    "ObjectionState",
    "ObstacleCategory",
    "OutcomeKind",
    "Party",
    "Referral",
    "ReferralState",
    "RegulationKind",
    "Resolution",
    "Urgency",
]
