"""Loading ISIC Rev.4 with its Persian titles from ``rownaq/registry/data`` (see its README)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from rownaq.core.normalise import normalise_text, search_key, search_terms
from rownaq.registry.models import Sector, SectorLevel

DATA_DIR = Path(__file__).resolve().parent / "data"
_LEVELS = {1: SectorLevel.SECTION, 2: SectorLevel.DIVISION, 3: SectorLevel.GROUP, 4: SectorLevel.CLASS}


@transaction.atomic
def sectors_load() -> int:
    """Create or update every ISIC heading; safe to run again. Returns the number of headings."""
    with open(DATA_DIR / "isic_rev4_fa.csv", encoding="utf-8", newline="") as handle:
        persian = {row["code"]: normalise_text(row["title_fa"]) for row in csv.DictReader(handle)}
    with open(DATA_DIR / "isic_rev4_en.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = {s.code: s for s in Sector.objects.all()}
    section: Sector | None = None
    by_code: dict[str, Sector] = {}
    for row in rows:
        code, title_en = row["Code"].strip(), row["Description"].strip()
        level = SectorLevel.SECTION if code.isalpha() else _LEVELS[len(code)]
        if level == SectorLevel.SECTION:
            parent = None
        elif level == SectorLevel.DIVISION:
            parent = section
        else:
            parent = by_code[code[:-1]]
        sector = existing.get(code) or Sector(code=code)
        sector.level, sector.parent, sector.title_en = level, parent, title_en
        sector.title = persian.get(code, sector.title)
        sector.save()
        by_code[code] = sector
        if level == SectorLevel.SECTION:
            section = sector
    return len(by_code)


def sector_classes_matching(query: str | None, *, limit: int = 30) -> list[Sector]:
    """The ISIC classes a person looks for: every word of ``query`` is found in the Persian or the English
    title, or, typed as digits (Persian or Latin), is the start of the code. At most ``limit``, by code."""
    terms = search_terms(query)
    if not terms:
        return []
    found: list[Sector] = []
    for sector in Sector.objects.filter(level=SectorLevel.CLASS).order_by("code"):
        key = f"{search_key(sector.title)} {sector.title_en.lower()}"
        if all(sector.code.startswith(term) if term.isdigit() else term in key for term in terms):
            found.append(sector)
            if len(found) == limit:
                break
    return found
