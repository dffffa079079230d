"""How strong each of a need's ranked capabilities is, and where the strong ones end and the weak tail begins.

The engine's scores (BM25 over the texts, plus small bonuses for shared codes and the same province) have no
fixed scale: a long, precise need scores higher than a short one. So a match is judged against the best match
of the same need: its share of the best score. From ``STRONG_SHARE`` of the best up it is strong, from
``FAIR_SHARE`` fair, below that weak. A match that shares no word with the need (only a code or the province)
is weak whatever its share: it is a lead, not an answer. The page shows the strong and fair ones and folds the
weak tail away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

STRONG_SHARE = 0.6
FAIR_SHARE = 0.35


class Strength(StrEnum):
    STRONG = "strong"
    FAIR = "fair"
    WEAK = "weak"

    @property
    def label(self) -> str:
        return str(LABELS[self])


LABELS = {Strength.STRONG: _("Strong match"), Strength.FAIR: _("Fair match"), Strength.WEAK: _("Weak match")}


@dataclass(frozen=True)
class Rated:
    """A match's share of the best score of its need (a whole percent) and its strength."""

    percent: int
    strength: Strength


def rate_match(score: float, best: float, reasons: Mapping[str, Any]) -> Rated:
    """The strength of a match of ``score`` among matches whose best scores ``best``."""
    share = min(score / best, 1.0) if best > 0 else 0.0
    shares_words = bool(reasons.get("terms") or reasons.get("related"))
    if shares_words and share >= STRONG_SHARE:
        strength = Strength.STRONG
    elif shares_words and share >= FAIR_SHARE:
        strength = Strength.FAIR
    else:
        strength = Strength.WEAK
    return Rated(round(share * 100), strength)


def split_by_strength(rows: Iterable[tuple[float, Mapping[str, Any]]]) -> tuple[list[Rated], int]:
    """The rating of each ``(score, reasons)`` of a need's matches, best first, and how many lead before the weak
    tail (the matches are ranked, so the tail is what follows the last strong or fair one)."""
    rows = list(rows)
    best = max((score for score, _ in rows), default=0.0)
    rated = [rate_match(score, best, reasons) for score, reasons in rows]
    lead = max((i + 1 for i, r in enumerate(rated) if r.strength is not Strength.WEAK), default=0)
    return rated, lead
