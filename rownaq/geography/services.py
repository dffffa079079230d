"""Loading Iran's divisions from the files shipped in ``rownaq/geography/data`` (see its README)."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from rownaq.core.normalise import normalise_text, search_key
from rownaq.geography.models import County, Province

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTY_PREFIX = "شهرستان "


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def counties_geojson() -> dict[str, Any]:
    with open(DATA_DIR / "iran_counties_simplified.geojson", encoding="utf-8") as handle:
        return json.load(handle)  # type: ignore[no-any-return]


@cache
def provinces_geojson() -> dict[str, Any]:
    with open(DATA_DIR / "iran_provinces_simplified.geojson", encoding="utf-8") as handle:
        return json.load(handle)  # type: ignore[no-any-return]


# The same county spelt differently by the SCI list and by OpenStreetMap.
_COUNTY_ALIASES = {"چاهبهار": "چابهار"}


def county_key(name: str) -> str:
    """One key for every spelling of a county's name: «بندر انزلی» and «بندرانزلی», «بوئین» and «بو یین»."""
    key = search_key(name).replace(" ", "")
    return _COUNTY_ALIASES.get(key, key)


def county_name_from_osm(name_fa: str) -> str:
    name = normalise_text(name_fa)
    return name[len(COUNTY_PREFIX) :] if name.startswith(COUNTY_PREFIX) else name


@transaction.atomic
def geography_load() -> tuple[int, int]:
    """Create or update the 31 provinces and their counties; safe to run again. Returns the counts."""
    provinces: dict[str, Province] = {}
    for row in _read_csv("provinces_crosswalk.csv"):
        province, _ = Province.objects.update_or_create(
            code=row["amar_code"],
            defaults={"iso_code": row["iso_3166_2"], "name": normalise_text(row["name_fa"]), "name_en": row["name_en"]},
        )
        provinces[row["ostan_id"]] = province
    by_iso = {p.iso_code: p for p in provinces.values()}

    # Counties: the SCI list of 1399 with its codes, completed by the newer counties OpenStreetMap knows.
    for row in _read_csv("shahrestan.csv"):
        province = provinces[row["ostan"]]
        County.objects.update_or_create(
            province=province, name=normalise_text(row["name"]), defaults={"sci_code": row["amar_code"]}
        )
    for feature in counties_geojson()["features"]:
        props = feature["properties"]
        found = by_iso.get(props["province_iso"])
        if found is None:
            continue
        province = found
        name = county_name_from_osm(props["name_fa"] or props["name"])
        if name.startswith("ویژه"):  # a special zone drawn as a county, not a county
            continue
        name_en = (props.get("name_en") or "").removesuffix(" County")
        existing = {county_key(c.name): c for c in County.objects.filter(province=province)}
        county = existing.get(county_key(name))
        if county is None:
            county = County(province=province, name=name)
        county.name_en = name_en
        county.osm_relation = props.get("osm_relation")
        county.save()
    return Province.objects.count(), County.objects.count()
