"""Where the demo's units are: the province's estates and zones, its towns and the roads of its mines.

Points are drawn inside the province's boundary (``geography``'s GeoJSON) around the estates'
coordinates (Qom's real ones) or the counties' centroids, with the builder's random generator, so
the same seed gives the same places.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import accumulate
from typing import Any

from rownaq.core.normalise import normalise_text, search_key
from rownaq.demo import vocabulary
from rownaq.demo.units import QOM, DemoSummary
from rownaq.demo.vocabulary import ProvinceInfo
from rownaq.geography.models import County, EstateKind, IndustrialEstate, Province
from rownaq.geography.services import counties_geojson, provinces_geojson

JITTER = 0.002  # degrees (about 200 m) around a point of a place's pool

# ---------------------------------------------------------------------------------------------
# Geometry: points inside the province


def _rings(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [[(float(x), float(y)) for x, y in polygon[0]] for polygon in polygons]


def inside(rings: Sequence[Sequence[tuple[float, float]]], lon: float, lat: float) -> bool:
    for ring in rings:
        within = False
        previous = ring[-1]
        for point in ring:
            (x1, y1), (x2, y2) = previous, point
            if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                within = not within
            previous = point
        if within:
            return True
    return False


def _centroid(rings: Sequence[Sequence[tuple[float, float]]]) -> tuple[float, float]:
    """Area-weighted centroid (lat, lon) of the largest ring."""
    ring = list(rings[0])
    for candidate in rings[1:]:
        if len(candidate) > len(ring):
            ring = list(candidate)
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-12:
        return ring[0][1], ring[0][0]
    return cy / (3 * area), cx / (3 * area)


@cache
def province_rings(iso_code: str) -> list[list[tuple[float, float]]]:
    for feature in provinces_geojson()["features"]:
        if feature["properties"]["iso"] == iso_code:
            return _rings(feature["geometry"])
    return []


@cache
def _county_centroids() -> dict[int, tuple[float, float]]:
    centroids: dict[int, tuple[float, float]] = {}
    for feature in counties_geojson()["features"]:
        relation = feature["properties"].get("osm_relation")
        if relation:
            rings = _rings(feature["geometry"])
            lat, lon = _centroid(rings)
            if not inside(rings, lon, lat):
                lon, lat = max(rings, key=len)[0]
            centroids[int(relation)] = (lat, lon)
    return centroids


def _key(name: str) -> str:
    """A county's name for matching: the same county written with or without a space is one county."""
    return search_key(name).replace(" ", "")


# ---------------------------------------------------------------------------------------------
# Places


class Weighted:
    """A weighted choice that depends only on the order of the items and the random numbers."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.weights = list(weights)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[min(bisect_right(self.cumulative, rng.random() * self.total), len(self.items) - 1)]


@dataclass
class Place:
    county_id: int
    estate_id: int | None
    estate_name: str
    town: str
    pool: list[tuple[float, float]]
    roads: tuple[str, ...] = ()  # for mines: the roads they are on


class PlaceMaker:
    """The weighted places of one province's units; draws from the province builder's generator."""

    def __init__(
        self, *, province: Province, info: ProvinceInfo, rng: random.Random, count: int, summary: DemoSummary
    ) -> None:
        self.province = province
        self.info = info
        self.rng = rng
        self.count = count
        self.summary = summary
        self.is_qom = province.code == QOM
        self.rings = province_rings(province.iso_code)

    def point_pool(self, lat: float, lon: float, sigma: float, size: int = 16) -> list[tuple[float, float]]:
        """Points around (lat, lon) whose neighbourhood of ±JITTER degrees is inside the province."""
        pool: list[tuple[float, float]] = []
        for _ in range(size * 4):
            y, x = self.rng.gauss(lat, sigma), self.rng.gauss(lon, sigma)
            corners = (
                (x, y),
                (x - JITTER, y - JITTER),
                (x - JITTER, y + JITTER),
                (x + JITTER, y - JITTER),
                (x + JITTER, y + JITTER),
            )
            if not self.rings or all(inside(self.rings, cx, cy) for cx, cy in corners):
                pool.append((y, x))
                if len(pool) == size:
                    break
        return pool or [(lat, lon)]

    def _inside_or(self, lat: float, lon: float, fallback: tuple[float, float]) -> tuple[float, float]:
        if not self.rings or inside(self.rings, lon, lat):
            return lat, lon
        return fallback

    def _counties(self) -> list[County]:
        """The province's counties, without the duplicates that differ only by a space."""
        special = vocabulary.units().phrases["special_county_prefix"]
        chosen: dict[str, County] = {}
        for county in County.objects.filter(province=self.province).order_by("name", "pk"):
            if county.name.startswith(special):
                continue  # OpenStreetMap's special counties (of a city) are not counties of their own
            key = _key(county.name)
            kept = chosen.get(key)
            # Prefer the spelling OpenStreetMap knows (it also gives the county's location).
            if kept is None or (kept.osm_relation is None and county.osm_relation is not None):
                chosen[key] = county
        return sorted(chosen.values(), key=lambda county: county.name)

    def _county_anchor(self, county: County) -> tuple[float, float]:
        province_centre = _centroid(self.rings) if self.rings else (self.info.latitude, self.info.longitude)
        if county.osm_relation and county.osm_relation in _county_centroids():
            lat, lon = _county_centroids()[county.osm_relation]
            return self._inside_or(lat, lon, province_centre)
        return province_centre

    def _estate(self, *, county: County, name: str, kind: str, area: float, plots: int) -> IndustrialEstate:
        estate, _ = IndustrialEstate.objects.update_or_create(
            county=county,
            name=normalise_text(name),
            defaults={"kind": kind, "area_hectares": Decimal(f"{area:.1f}"), "plots": plots},
        )
        self.summary.estates += 1
        return estate

    def mines(self, towns: Weighted) -> Weighted:
        """Mines and quarries: in the open country of the same counties, on the roads out of town."""
        names = [place.town for place in towns.items]
        places = []
        for place in towns.items:
            lat, lon = place.pool[0]
            if self.is_qom:
                roads = vocabulary.units().qom_roads
            else:
                roads = tuple(f"{place.town} - {other}" for other in names if other != place.town)[:6] or (
                    f"{place.town} - {self.info.capital_city}",
                )
            places.append(Place(place.county_id, None, "", place.town, self.point_pool(lat, lon, 0.12, size=48), roads))
        return Weighted(places, towns.weights)

    def places(self) -> tuple[Weighted, Weighted]:
        """Weighted places in estates and in towns (the latter: units outside any estate)."""
        counties = self._counties()
        by_name = {_key(county.name): county for county in counties}
        if self.is_qom:
            return self._qom_places(by_name, counties[0])
        phrases = vocabulary.units().phrases
        estate_places: list[Place] = []
        estate_weights: list[float] = []
        town_places: list[Place] = []
        town_weights: list[float] = []
        capital = by_name.get(_key(self.info.capital_county)) or counties[0]
        capital_anchor = self._inside_or(self.info.latitude, self.info.longitude, self._county_anchor(capital))
        scale = max(self.count, 100)
        others = [county for county in counties if county.pk != capital.pk]
        plots = max(300, min(2_500, int(scale * 0.35)))
        estate = self._estate(
            county=capital,
            name=phrases["estate"].format(place=self.info.capital_city),
            kind=EstateKind.ESTATE,
            area=plots * self.rng.uniform(0.7, 1.1),
            plots=plots,
        )
        lat, lon = capital_anchor
        anchor = self._inside_or(lat + self.rng.uniform(-0.1, 0.1), lon + self.rng.uniform(-0.1, 0.1), capital_anchor)
        estate_places.append(
            Place(capital.pk, estate.pk, estate.name, self.info.capital_city, self.point_pool(*anchor, 0.01))
        )
        estate_weights.append(0.35)
        town_places.append(Place(capital.pk, None, "", self.info.capital_city, self.point_pool(*capital_anchor, 0.04)))
        town_weights.append(0.5)
        other_weights = [self.rng.uniform(0.3, 1.6) for _ in others]
        total_other = sum(other_weights) or 1.0
        for index, (county, weight) in enumerate(zip(others, other_weights, strict=True)):
            county_anchor = self._county_anchor(county)
            town_places.append(Place(county.pk, None, "", county.name, self.point_pool(*county_anchor, 0.03)))
            town_weights.append(0.5 * weight / total_other)
            if index % 3 == 2:
                continue
            is_estate = index % 3 == 0
            plots = self.rng.randint(150, 600) if is_estate else self.rng.randint(40, 160)
            estate = self._estate(
                county=county,
                name=phrases["estate" if is_estate else "zone"].format(place=county.name),
                kind=EstateKind.ESTATE if is_estate else EstateKind.ZONE,
                area=plots * self.rng.uniform(0.5, 1.0 if is_estate else 0.6),
                plots=plots,
            )
            lat, lon = county_anchor
            anchor = self._inside_or(
                lat + self.rng.uniform(-0.05, 0.05), lon + self.rng.uniform(-0.05, 0.05), county_anchor
            )
            estate_places.append(Place(county.pk, estate.pk, estate.name, county.name, self.point_pool(*anchor, 0.01)))
            estate_weights.append(weight * (2.0 if is_estate else 1.0))
        # Scale the other estates so that all estates together hold about 70% of the units.
        first, rest = estate_weights[0], sum(estate_weights[1:])
        if rest:
            estate_weights = [first] + [0.35 * w / rest for w in estate_weights[1:]]
        return Weighted(estate_places, estate_weights), Weighted(town_places, town_weights)

    def _qom_places(self, by_name: dict[str, County], fallback: County) -> tuple[Weighted, Weighted]:
        """Qom's real estates and zones, and its three towns."""
        words = vocabulary.units()
        estate_places: list[Place] = []
        estate_weights: list[float] = []
        for spec in words.qom_estates:
            county = by_name.get(_key(spec.county)) or fallback
            estate = self._estate(
                county=county, name=spec.name, kind=spec.kind, area=spec.area_hectares, plots=spec.plots
            )
            if spec.share > 0:
                pool = self.point_pool(spec.latitude, spec.longitude, 0.008)
                estate_places.append(Place(county.pk, estate.pk, estate.name, spec.town, pool))
                estate_weights.append(spec.share)
        town_places: list[Place] = []
        town_weights: list[float] = []
        for town in words.qom_towns:
            county = by_name.get(_key(town.county)) or fallback
            town_places.append(
                Place(county.pk, None, "", town.town, self.point_pool(town.latitude, town.longitude, 0.03))
            )
            town_weights.append(town.share)
        return Weighted(estate_places, estate_weights), Weighted(town_places, town_weights)
