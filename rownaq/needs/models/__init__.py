"""The Industry Needs Desk (میز نیاز صنعت): needs, capabilities, matches, proposals, agreements.

Its exhibitions are in ``rownaq.exhibitions``.
"""

from rownaq.needs.models.desk import (
    Agreement,
    Capability,
    DeclineReason,
    DomesticTarget,
    Match,
    Need,
    NeedAccess,
    NeedAccessState,
    NeedAttachment,
    NeedKind,
    NeedState,
    Proposal,
    ProposalEvent,
    ProposalEventKind,
    ProposalMessage,
    ProposalState,
    SupplySource,
    SynonymGroup,
    SynonymKind,
    Visibility,
)

__all__ = [
    "Agreement",
    "Capability",
    "DeclineReason",
    "DomesticTarget",
    "Match",
    "Need",
    "NeedAccess",
    "NeedAccessState",
    "NeedAttachment",
    "NeedKind",
    "NeedState",
    "Proposal",
    "ProposalEvent",
    "ProposalEventKind",
    "ProposalMessage",
    "ProposalState",
    "SupplySource",
    "SynonymGroup",
    "SynonymKind",
    "Visibility",
]
