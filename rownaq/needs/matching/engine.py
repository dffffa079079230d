"""A first engine: folded-term overlap. The real engine replaces this file (see the needs-desk issue)."""

from __future__ import annotations

from collections.abc import Sequence

from rownaq.core.normalise import search_terms
from rownaq.needs.matching.documents import Document, Hit


class Engine:
    def __init__(self) -> None:
        self.documents: list[Document] = []
        self.terms: list[set[str]] = []

    def build(self, documents: Sequence[Document]) -> None:
        self.documents = list(documents)
        self.terms = [set(search_terms(f"{d.title} {d.text}")) for d in self.documents]

    def rank(self, query: Document, k: int = 10) -> list[Hit]:
        wanted = set(search_terms(f"{query.title} {query.text}"))
        hits = []
        for document, terms in zip(self.documents, self.terms, strict=True):
            shared = wanted & terms
            codes = sorted(set(query.codes) & set(document.codes))
            score = len(shared) + 0.5 * len(codes)
            if score > 0:
                hits.append(
                    Hit(
                        document.id,
                        float(score),
                        sorted(shared),
                        codes,
                        bool(query.province) and query.province == document.province,
                    )
                )
        hits.sort(key=lambda h: (-h.score, h.id))
        return hits[:k]
