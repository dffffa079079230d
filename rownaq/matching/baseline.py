"""The benchmark's reference: plain BM25 over whitespace tokens, no normalisation, nothing Persian."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from rownaq.matching.documents import Document, Hit

K1 = 1.2
B = 0.75


class BaselineBM25:
    def __init__(self) -> None:
        self.documents: list[Document] = []
        self.vocabulary: dict[str, int] = {}
        self.matrix: sparse.csc_matrix = sparse.csc_matrix((0, 0))

    @staticmethod
    def terms(document: Document) -> list[str]:
        return f"{document.title} {document.text}".split()

    def build(self, documents: Sequence[Document]) -> None:
        self.documents = list(documents)
        self.vocabulary = {}
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        lengths = np.zeros(len(self.documents))
        for i, document in enumerate(self.documents):
            counts = Counter(self.terms(document))
            lengths[i] = sum(counts.values())
            for term, tf in counts.items():
                rows.append(i)
                cols.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
                values.append(tf)
        n = len(self.documents)
        tf = sparse.csc_matrix(
            (np.array(values, dtype=float), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
            shape=(n, len(self.vocabulary)),
        )
        df = np.diff(tf.indptr)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        norm = K1 * (1 - B + B * lengths / max(lengths.mean() if n else 1.0, 1e-9))
        term_of = np.repeat(np.arange(len(self.vocabulary)), df)
        tf.data = idf[term_of] * tf.data * (K1 + 1) / (tf.data + norm[tf.indices])
        self.matrix = tf

    def rank(self, query: Document, k: int = 10) -> list[Hit]:
        ids = [self.vocabulary[t] for t in set(self.terms(query)) if t in self.vocabulary]
        if not ids:
            return []
        scores = np.asarray(self.matrix[:, ids].sum(axis=1)).ravel()
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        order = sorted(candidates.tolist(), key=lambda i: (-scores[i], self.documents[i].id))
        return [Hit(self.documents[i].id, float(scores[i])) for i in order]
