"""Domain vocabulary as data, in groups of terms (lists of strings):

- equivalents, ``data/synonyms.csv``: terms that mean the same thing (قالب / مولد); each is replaced
  by its group's key, so they match as one word;
- related concepts, ``data/related.csv``: terms that are not interchangeable but that answer each
  other (نیتراسیون / عملیات حرارتی; لرزش / آنالیز ارتعاشات); each adds its group's concept term
  beside the words, and the engine weighs a concept match below a shared word.

Both files hold one group a line, terms separated by «|»; a caller may add groups of its own (the
desk merges the experts' groups from its admin). A group is compiled into a phrase table over the
engine's own token keys, so every spelling the tokeniser folds together (ZWNJ, space or joined;
plural or singular; Arabic letters) meets the group.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rownaq.matching.text import Token, tokens

DATA = Path(__file__).resolve().parent / "data"
SYNONYMS_FILE = DATA / "synonyms.csv"
RELATED_FILE = DATA / "related.csv"
MAX_PHRASE = 5
CONCEPT = "∼"  # the first character of a related group's concept term (never a written word)


def read_synonyms_file(path: Path | str = SYNONYMS_FILE) -> list[list[str]]:
    """Groups from the file; lines starting with «#» and blank lines are skipped."""
    groups: list[list[str]] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        terms = [t.strip() for t in line.split("|") if t.strip()]
        if len(terms) >= 2:
            groups.append(terms)
    return groups


def read_related_file(path: Path | str = RELATED_FILE) -> list[list[str]]:
    return read_synonyms_file(path)


def files_signature() -> tuple[int, int]:
    """Changes whenever one of the data files does (for a caller that keeps a compiled vocabulary)."""
    return SYNONYMS_FILE.stat().st_mtime_ns, RELATED_FILE.stat().st_mtime_ns


class SynonymTable:
    """Maps phrases (tuples of token keys) to one canonical key per group; groups sharing a phrase merge."""

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self.phrases: dict[tuple[str, ...], str] = {}
        self.longest = 1
        self.starts: dict[str, int] = {}  # first key of a phrase → the longest phrase it starts
        for group in groups:
            keyed = [k for k in (self._keys(term) for term in group) if k]
            if len(keyed) < 2:
                continue
            # A phrase already known keeps its group: the new group joins it.
            canonical = next((self.phrases[k] for k in keyed if k in self.phrases), "≡" + "_".join(keyed[0]))
            for k in keyed:
                self.phrases.setdefault(k, canonical)
                if len(k) > 1:  # «سی ان سی» is also written «سیانسی»
                    self.phrases.setdefault(self._keys("".join(k)), canonical)
                self.longest = max(self.longest, min(len(k), MAX_PHRASE))
        for phrase in self.phrases:
            if phrase:
                self.starts[phrase[0]] = max(self.starts.get(phrase[0], 0), len(phrase))

    @staticmethod
    def _keys(term: str) -> tuple[str, ...]:
        return tuple(t.key for t in tokens(term, surfaces=False))[:MAX_PHRASE]

    def apply(self, toks: list[Token], keep_parts: bool = True) -> list[Token]:
        """Replace each longest known phrase by its group's key (a compound keeps its head); the words
        of a longer phrase stay beside the key."""
        if not self.phrases:
            return toks
        out: list[Token] = []
        keys = [t.key for t in toks]
        i = 0
        n = len(toks)
        starts, phrases = self.starts, self.phrases
        while i < n:
            length, canonical = 0, None
            for length in range(min(starts.get(keys[i], 0), n - i), 0, -1):
                canonical = phrases.get(tuple(keys[i : i + length]))
                if canonical is not None:
                    break
            token = toks[i]
            if canonical is None:
                # A compound's first part meets its synonyms too: «قالب‌سازی» → head «قالب» ~ «مولد».
                out.append(token._replace(head=self._head(token.head)) if token.head else token)
                i += 1
            elif length == 1:
                out.append(Token(canonical, token.surface, self._head(token.head)))
                i += 1
            else:
                part = toks[i : i + length]
                surfaces = [t.surface for m, t in enumerate(part) if m == 0 or t.surface != part[m - 1].surface]
                out.append(Token(canonical, " ".join(surfaces), ""))
                if keep_parts:
                    # The words of a phrase still count alone: «جک هیدرولیک» is also a «جک».
                    out.extend(self._single(t) for t in part)
                i += length
        return out

    def _head(self, head: str) -> str:
        return self.phrases.get((head,), head) if head else head

    def _single(self, token: Token) -> Token:
        """A token with its one-word synonym applied (and its compound head's)."""
        key = self.phrases.get((token.key,), token.key)
        return Token(key, token.surface, self._head(token.head))


class ConceptTable:
    """Related groups as phrases (over the keys after the equivalents) → the concept terms they add.

    A phrase may belong to several groups; every phrase found in a text adds its groups' concepts,
    overlapping or not (a concept only adds, it replaces nothing).
    """

    def __init__(self, groups: Iterable[Sequence[str]] = (), synonyms: SynonymTable | None = None) -> None:
        self.synonyms = synonyms or SynonymTable()
        self.phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.starts: dict[str, int] = {}
        for number, group in enumerate(groups):
            concept = f"{CONCEPT}{number}"
            keyed = {k for k in (self._keys(term) for term in group) if k}
            if len(keyed) < 2:
                continue
            for k in keyed:
                if concept not in self.phrases.get(k, ()):
                    self.phrases[k] = (*self.phrases.get(k, ()), concept)
                self.starts[k[0]] = max(self.starts.get(k[0], 0), len(k))

    def _keys(self, term: str) -> tuple[str, ...]:
        # A phrase of the equivalents is its group's key alone here (a text has the key first).
        return tuple(t.key for t in self.synonyms.apply(tokens(term, surfaces=False), keep_parts=False))[:MAX_PHRASE]

    def find(self, toks: Sequence[Token]) -> list[tuple[str, str]]:
        """(concept, surface of the phrase that brought it) for every phrase of the table in ``toks``."""
        found: list[tuple[str, str]] = []
        if not self.phrases:
            return found
        starts, phrases = self.starts, self.phrases
        keys = [t.key for t in toks]
        for i, token in enumerate(toks):
            for start in (token.key, token.head):
                longest = starts.get(start, 0) if start else 0
                if not longest or (start == token.head and start == token.key):
                    continue
                for length in range(1, min(longest, len(keys) - i) + 1):
                    phrase = (start, *keys[i + 1 : i + length]) if length > 1 else (start,)
                    for concept in phrases.get(phrase, ()):
                        found.append((concept, " ".join(t.surface for t in toks[i : i + length])))
        return found


@dataclass(frozen=True)
class Vocabulary:
    """The compiled equivalents and related concepts. Compiling takes about a tenth of a second: a
    caller that builds many engines over the same groups compiles once and passes this along."""

    synonyms: SynonymTable
    concepts: ConceptTable

    @classmethod
    def compile(cls, synonyms: Iterable[Sequence[str]], related: Iterable[Sequence[str]]) -> Vocabulary:
        table = SynonymTable(synonyms)
        return cls(table, ConceptTable(related, table))
