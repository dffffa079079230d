"""The matching engine: BM25 over Persian-aware terms, with codes and province as small boosts.

Text → core normaliser → tokens (light stemmer, compounds, spelled-out acronyms: ``text.py``) →
domain synonyms (``synonyms.py``) → a sparse BM25 matrix (numpy/scipy). A query's score per
document is the sum of its terms' BM25 columns, plus near-spellings of its terms in the index
(character trigrams) and loanwords in the other script (gearbox / گیربکس) at a lower weight; a
need's words in a sentence that asks for something («… لازم داریم») weigh more than those that
describe the factory itself, and a capability that meets none of them scores less.
Shared ISIC/HS codes (prefixes: a 6-digit HS code shares its 4-digit heading) and the same province
add a bonus proportional to the best text score, so they break ties and lift near-equals but never
beat a clearly better text match.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from rownaq.core.normalise import normalise_digits_only
from rownaq.matching.documents import Document, Hit
from rownaq.matching.synonyms import CONCEPT, Vocabulary, read_related_file, read_synonyms_file
from rownaq.matching.text import (
    GENERIC_KEYS,
    TRADE_KEYS,
    Token,
    asking_sentences,
    index_terms,
    skeleton,
    tokens,
)

K1 = 1.0
B = 0.6
TITLE_WEIGHT = 2.0  # a title term counts as this many occurrences
QUERY_TITLE_BOOST = 1.5  # a term of the need's title is what it is about
GENERIC_WEIGHT = 0.5  # query weight of words every industrial text uses (دستگاه، ساخت، قطعات …)
TRANSLIT_WEIGHT = 0.8  # a loanword in the other script (gearbox / گیربکس), matched by consonant skeleton
FUZZY_WEIGHT = 0.5  # a query term's near-spelling in the index (آلمینیوم ~ آلومینیوم) counts this much
FUZZY_MIN = 0.7  # Dice similarity of character trigrams for a near-spelling
FUZZY_LENGTH = 5  # shorter terms are not expanded (too many unrelated neighbours)
CODE_WEIGHT = 0.15  # share of the best text score for a full shared code (a shared heading: half)
PROVINCE_WEIGHT = 0.05  # share of the best text score for the same province
CODE_PREFIX = 4  # a 6-digit HS code and its 4-digit heading; a 4-digit ISIC class and its group
ASKING_WEIGHT = 1.3  # a query term of a sentence that asks for something (… لازم داریم)
# A capability that meets none of the words a need asks for (only those describing the factory
# itself, which a producer of the same goods shares) scores this share.
ASKED_MISS_FACTOR = 0.8
RELATED_WEIGHT = 0.3  # query weight of a related concept (نیتراسیون ~ عملیات حرارتی) against a shared word
# The desk is for domestic manufacture: a capability whose title offers trade (فروش، واردات، نمایندگی)
# ranks below a maker's or a service's that says the same.
TRADE_FACTOR = 0.8


def symbolic(term: str) -> bool:
    """A synonym group's key (≡…) or a related concept (∼…): not a written word."""
    return term[:1] in ("≡", CONCEPT)


def trigrams(term: str) -> set[str]:
    padded = f"#{term}#"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def code_prefixes(code: str) -> list[tuple[str, float]]:
    """A code's full form (weight 1) and its heading (weight 0.5) when it is longer than that."""
    code = normalise_digits_only(code)
    if not code:
        return []
    out = [(code, 1.0)]
    if len(code) > CODE_PREFIX:
        out.append((code[:CODE_PREFIX] + "*", 0.5))
    return out


class Engine:
    def __init__(
        self,
        synonyms: Iterable[Sequence[str]] | None = None,
        related: Iterable[Sequence[str]] | None = None,
        *,
        compiled: Vocabulary | None = None,
    ) -> None:
        """``synonyms``: groups of equivalent terms; ``related``: groups of related concepts; by default
        each is its data file (``data/synonyms.csv``, ``data/related.csv``). Or ``compiled``: both
        already compiled (``Vocabulary.compile``), for a caller that builds many engines over the same
        groups."""
        if compiled is None:
            compiled = Vocabulary.compile(
                read_synonyms_file() if synonyms is None else synonyms,
                read_related_file() if related is None else related,
            )
        elif synonyms is not None or related is not None:
            raise ValueError("pass the groups or a compiled vocabulary, not both")
        self.synonyms, self.concepts = compiled.synonyms, compiled.concepts
        self.documents: list[Document] = []
        self.vocabulary: dict[str, int] = {}
        self.matrix: sparse.csc_matrix = sparse.csc_matrix((0, 0))
        self.codes: dict[str, np.ndarray] = {}
        self.provinces: np.ndarray = np.zeros(0, dtype=object)
        self.trade: np.ndarray = np.ones(0)
        self.terms: list[str] = []
        self.term_grams: list[int] = []
        self.grams: dict[str, np.ndarray] = {}
        self.skeletons: dict[tuple[str, bool], list[int]] = {}
        self._near: dict[str, list[tuple[int, float]]] = {}

    # --- text -----------------------------------------------------------------------------------
    def analyse(self, text: str, surfaces: bool = False) -> list[Token]:
        return self.synonyms.apply(tokens(text, surfaces=surfaces))

    def _weighted_terms(self, document: Document) -> tuple[dict[str, float], set[str]]:
        """Term → weighted count (words, title words counting more, and the related concepts they
        bring), and the title's own words."""
        counts: dict[str, float] = defaultdict(float)
        titles: list[set[str]] = []
        for text, weight in ((document.title, TITLE_WEIGHT), (document.text, 1.0)):
            analysed = self.analyse(text)
            words = index_terms(analysed)
            for term in words:
                counts[term] += weight
            for concept, _ in self.concepts.find(analysed):
                counts[concept] += weight
            titles.append(set(words))
        return counts, titles[0]

    def _asked_terms(self, text: str) -> set[str]:
        """The terms (and related concepts) of the query's sentences that ask for something."""
        asked: set[str] = set()
        for sentence in asking_sentences(text):
            analysed = self.analyse(sentence)
            asked.update(index_terms(analysed))
            asked.update(concept for concept, _ in self.concepts.find(analysed))
        return asked

    # --- index ----------------------------------------------------------------------------------
    def build(self, documents: Sequence[Document]) -> None:
        self.documents = list(documents)
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        lengths = np.zeros(len(self.documents))
        codes: dict[str, list[int]] = defaultdict(list)
        self.trade = np.ones(len(self.documents))
        for i, document in enumerate(self.documents):
            counts, title = self._weighted_terms(document)
            if TRADE_KEYS & title:
                self.trade[i] = TRADE_FACTOR
            lengths[i] = sum(counts.values())
            for term, tf in counts.items():
                rows.append(i)
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
                values.append(tf)
            for code in document.codes:
                for prefix, _ in code_prefixes(code):
                    if not codes[prefix] or codes[prefix][-1] != i:
                        codes[prefix].append(i)
        n = len(self.documents)
        tf = sparse.csc_matrix(
            (np.array(values, dtype=float), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
            shape=(n, len(vocabulary)),
        )
        df = np.diff(tf.indptr)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        average = lengths.mean() if n else 1.0
        norm = K1 * (1 - B + B * lengths / max(average, 1e-9))
        # BM25 per (document, term): idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg)).
        term_of = np.repeat(np.arange(len(vocabulary)), df)
        tf.data = idf[term_of] * tf.data * (K1 + 1) / (tf.data + norm[tf.indices])
        self.matrix = tf
        self.vocabulary = vocabulary
        self.codes = {prefix: np.array(members, dtype=np.int64) for prefix, members in codes.items()}
        self.provinces = np.array([d.province for d in self.documents], dtype=object)
        self._build_expansions()

    def _build_expansions(self) -> None:
        """A trigram index over the vocabulary (near-spellings) and consonant skeletons (other script)."""
        grams: dict[str, list[int]] = defaultdict(list)
        skeletons: dict[tuple[str, bool], list[int]] = defaultdict(list)
        self.terms = list(self.vocabulary)
        self.term_grams = [0] * len(self.terms)
        for j, term in enumerate(self.terms):
            key = skeleton(term)
            if len(key) >= 3:
                skeletons[(key, term.isascii())].append(j)
            if len(term) < FUZZY_LENGTH - 1 or symbolic(term) or term.isascii():
                continue
            g = trigrams(term)
            self.term_grams[j] = len(g)
            for gram in g:
                grams[gram].append(j)
        self.grams = {gram: np.array(members, dtype=np.int64) for gram, members in grams.items()}
        self.skeletons = dict(skeletons)
        self._near = {}

    def near_spellings(self, term: str) -> list[tuple[int, float]]:
        """Vocabulary terms whose trigrams overlap ``term``'s by a Dice similarity of at least FUZZY_MIN."""
        if term in self._near:
            return self._near[term]
        found: list[tuple[int, float]] = []
        if len(term) >= FUZZY_LENGTH and not symbolic(term) and not term.isascii():
            g = trigrams(term)
            lists = [self.grams[x] for x in g if x in self.grams]
            if lists:
                ids, counts = np.unique(np.concatenate(lists), return_counts=True)
                sizes = np.array([self.term_grams[j] for j in ids])
                dice = 2 * counts / (sizes + len(g))
                own = self.vocabulary.get(term, -1)
                found = [(int(j), float(d)) for j, d in zip(ids, dice, strict=True) if d >= FUZZY_MIN and j != own]
        if len(self._near) < 100_000:
            self._near[term] = found
        return found

    # --- query ----------------------------------------------------------------------------------
    def _text_scores(self, query: Document) -> tuple[np.ndarray, set[str]]:
        wanted, title = self._weighted_terms(query)
        asked = self._asked_terms(query.text)
        n = len(self.documents)
        # Column → query weight: a term repeated (or in the title) weighs a little more, saturating;
        # a near-spelling or a loanword in the other script weighs less.
        columns: dict[int, float] = {}
        asked_columns: list[int] = []
        matched = set(wanted)
        for term, count in wanted.items():
            qw = 1.0 + 0.25 * math.log(count)
            if term in title:
                qw *= QUERY_TITLE_BOOST
            if term in asked:
                qw *= ASKING_WEIGHT
            if term in GENERIC_KEYS:
                qw *= GENERIC_WEIGHT
            if term.startswith(CONCEPT):
                qw *= RELATED_WEIGHT
            found: list[int] = []  # the term's columns: itself, its loanword twins, its near-spellings
            j = self.vocabulary.get(term)
            if j is not None:
                columns[j] = max(columns.get(j, 0.0), qw)
                found.append(j)
            key = skeleton(term)
            if len(key) >= 3:
                for other in self.skeletons.get((key, not term.isascii()), ()):
                    columns[other] = max(columns.get(other, 0.0), TRANSLIT_WEIGHT * qw)
                    matched.add(self.terms[other])
                    found.append(other)
            if FUZZY_WEIGHT > 0:
                for near, similarity in self.near_spellings(term):
                    columns[near] = max(columns.get(near, 0.0), FUZZY_WEIGHT * similarity * qw)
                    matched.add(self.terms[near])
                    found.append(near)
            if term in asked and term not in GENERIC_KEYS:
                asked_columns.extend(found)
        if not columns:
            return np.zeros(n), matched
        indptr, indices, data = self.matrix.indptr, self.matrix.indices, self.matrix.data
        parts_i = []
        parts_w = []
        for j, qw in columns.items():
            start, end = indptr[j], indptr[j + 1]
            parts_i.append(indices[start:end])
            parts_w.append(data[start:end] * qw)
        scores = np.bincount(np.concatenate(parts_i), weights=np.concatenate(parts_w), minlength=n) * self.trade
        if asked_columns:
            meets_asked = np.zeros(n, dtype=bool)
            for j in asked_columns:
                meets_asked[indices[indptr[j] : indptr[j + 1]]] = True
            scores[~meets_asked] *= ASKED_MISS_FACTOR
        return scores, matched

    def _code_scores(self, query: Document) -> np.ndarray:
        """Per document, the best code match: 1 for a shared code, 0.5 for a shared heading."""
        scores = np.zeros(len(self.documents))
        for code in query.codes:
            for prefix, weight in code_prefixes(code):
                members = self.codes.get(prefix)
                if members is not None:
                    scores[members] = np.maximum(scores[members], weight)
        return scores

    def rank(self, query: Document, k: int = 10) -> list[Hit]:
        if not self.documents:
            return []
        text, wanted = self._text_scores(query)
        top_text = float(text.max()) if text.size else 0.0
        scale = top_text if top_text > 0 else 1.0
        scores = text.copy()
        if query.codes:
            scores += CODE_WEIGHT * scale * self._code_scores(query)
        candidates = np.flatnonzero(scores > 0)
        if query.province and candidates.size:
            same = self.provinces[candidates] == query.province
            scores[candidates[same]] += PROVINCE_WEIGHT * scale
        part = candidates[np.argpartition(-scores[candidates], k - 1)[:k]] if candidates.size > k else candidates
        order = sorted(part.tolist(), key=lambda i: (-scores[i], self.documents[i].id))
        return [self._hit(i, float(scores[i]), query, wanted) for i in order]

    # --- reasons --------------------------------------------------------------------------------
    def _hit(self, i: int, score: float, query: Document, wanted: set[str]) -> Hit:
        document = self.documents[i]
        terms: list[str] = []
        seen: set[str] = set()
        analysed = self.analyse(f"{document.title}\n{document.text}", surfaces=True)
        for token in analysed:
            for key in (token.key, token.head):
                if key and key in wanted and key not in seen:
                    seen.add(key)
                    if token.surface not in terms:
                        terms.append(token.surface)
                    break
        related: list[str] = []
        for concept, surface in self.concepts.find(analysed):
            # A related term that is part of a shared one («نقاله» of «نوار نقاله») says nothing more.
            shown = any(surface in term for term in terms) or surface in related
            if concept in wanted and concept not in seen and not shown:
                seen.add(concept)
                related.append(surface)
        shared_codes = []
        query_prefixes = {p for c in query.codes for p, _ in code_prefixes(c)}
        for code in document.codes:
            if any(p in query_prefixes for p, _ in code_prefixes(code)):
                shared_codes.append(normalise_digits_only(code))
        same_province = bool(query.province) and query.province == document.province
        return Hit(document.id, round(score, 4), terms, shared_codes, same_province, related)
