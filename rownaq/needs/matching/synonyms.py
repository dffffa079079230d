"""Domain synonyms as data: ``rownaq/needs/data/synonyms.csv`` (one group a line, terms separated by
«|») merged with the active ``SynonymGroup`` rows that experts keep in the admin.

A group is compiled into a phrase table over the engine's own token keys, so every spelling the
tokeniser folds together (ZWNJ, space or joined; plural or singular; Arabic letters) meets the group.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from rownaq.needs.matching.text import Token, tokens

logger = logging.getLogger(__name__)

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.csv"
MAX_PHRASE = 5


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


def database_synonyms() -> list[list[str]]:
    """The active ``SynonymGroup`` rows, or nothing when Django or the database is not there."""
    try:
        from django.apps import apps

        if not apps.ready:
            return []
        from rownaq.needs.models import SynonymGroup

        return [g.term_list() for g in SynonymGroup.objects.filter(is_active=True)]
    except Exception:  # no settings, no table yet, no database: the file alone
        logger.debug("synonym groups from the database unavailable", exc_info=True)
        return []


def default_synonyms() -> list[list[str]]:
    return read_synonyms_file() + database_synonyms()


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

    def apply(self, toks: list[Token]) -> list[Token]:
        """Replace each longest known phrase by its group's key (a compound keeps its head)."""
        if not self.phrases:
            return toks
        out: list[Token] = []
        i = 0
        n = len(toks)
        starts = self.starts
        while i < n:
            longest = starts.get(toks[i].key, 0)
            for length in range(min(longest, n - i), 0, -1):
                canonical = self.phrases.get(tuple(t.key for t in toks[i : i + length]))
                if canonical is not None:
                    part = toks[i : i + length]
                    head = self._head(part[0].head) if length == 1 else ""
                    surfaces = [t.surface for m, t in enumerate(part) if m == 0 or t.surface != part[m - 1].surface]
                    out.append(Token(canonical, " ".join(surfaces), head))
                    i += length
                    break
            else:
                token = toks[i]
                # A compound's first part meets its synonyms too: «قالب‌سازی» → head «قالب» ~ «مولد».
                out.append(token._replace(head=self._head(token.head)) if token.head else token)
                i += 1
        return out

    def _head(self, head: str) -> str:
        return self.phrases.get((head,), head) if head else head
