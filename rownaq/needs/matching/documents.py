"""What the engine sees of a need or a capability, and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rownaq.needs.models import Capability, Need


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str
    codes: tuple[str, ...] = ()  # ISIC and HS codes, digits only
    province: str = ""  # the province's code, e.g. "25"


@dataclass
class Hit:
    id: str
    score: float
    # Why it matched, for people: shared terms (as written in the document), shared codes, same province.
    terms: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    same_province: bool = False
    # Related terms of the document (a concept of ``related.csv`` that the query also has).
    related: list[str] = field(default_factory=list)

    def reasons(self) -> dict[str, object]:
        return {"terms": self.terms, "codes": self.codes, "same_province": self.same_province, "related": self.related}


def document_for_need(need: Need) -> Document:
    codes = [c for c in (need.hs_code, need.sector.code if need.sector else "") if c]
    return Document(
        id=str(need.pk),
        title=need.title,
        text=need.description,
        codes=tuple(codes),
        province=need.unit.county.province.code,
    )


def document_for_capability(capability: Capability) -> Document:
    codes = [*capability.hs_codes.split(), *(s.code for s in capability.sectors.all())]
    text = "\n".join(part for part in (capability.description, capability.equipment, capability.certifications) if part)
    return Document(
        id=str(capability.pk),
        title=capability.title,
        text=text,
        codes=tuple(codes),
        province=capability.province.code,
    )
