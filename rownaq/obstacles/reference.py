"""Loading the obstacle categories from ``rownaq/obstacles/data/categories.csv`` (see its README)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from rownaq.accounts.models import AgencyCode
from rownaq.core.normalise import normalise_text
from rownaq.obstacles.models import ObstacleCategory

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def categories_load() -> int:
    """Create or update every category of the file by its code, parents first; safe to run again.

    Whether a category is in use (``is_active``) is the admin's to decide and is not changed here.
    Returns the number of categories in the file.
    """
    with open(DATA_DIR / "categories.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows.sort(key=lambda row: bool(row["parent_code"]))  # groups first; the sort is stable
    by_code: dict[str, ObstacleCategory] = {}
    for row in rows:
        codes = [code.strip() for code in row["agency_codes"].split("|") if code.strip()]
        unknown = set(codes) - set(AgencyCode.values)
        if unknown:
            raise ValueError(f"Category {row['code']}: unknown agency codes {sorted(unknown)}")
        parent = by_code[row["parent_code"]] if row["parent_code"] else None
        category, _ = ObstacleCategory.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": normalise_text(row["name_fa"]),
                "name_en": row["name_en"],
                "parent": parent,
                "source": row["source"],
                "agency_codes": codes,
                "order": int(row["order"]),
            },
        )
        by_code[category.code] = category
    return len(by_code)
