"""What the engine sees of a need, a capability or a query, and what it answers: plain data, no model."""

from __future__ import annotations

from dataclasses import dataclass, field


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
