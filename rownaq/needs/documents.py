"""The desk's rows as the matching engine's documents (``rownaq.matching``: it knows no model)."""

from __future__ import annotations

from rownaq.matching import Document
from rownaq.needs.models import Capability, Need


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
