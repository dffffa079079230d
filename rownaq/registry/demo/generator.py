"""Build a plausible province of production units, the same one for the same seed.

Every random choice comes from one ``random.Random`` per province, seeded with the seed and the
province's code, and every query the choices depend on is ordered: the same seed gives the same
names, national IDs, statuses, licences, products and contacts, on any database. Dates are offsets
from ``today`` (by default ``timezone.localdate()``; pass a fixed date for identical dates too).

Rows are written with ``bulk_create``, which bypasses ``Model.save()``: this module normalises the
names itself and calls ``Unit.normalise()``, exactly as the models' ``save()`` does. No audit log is
written for generated rows.

Demo units are recognised by their national IDs: ``10`` + the province code (two digits) + a
six-digit serial from ``UNIT_SERIAL_START`` + the check digit. Demo companies use serials from
``COMPANY_SERIAL_START``. ``demo_province_reset`` deletes those units and companies, the demo users
and the institutional organisations nothing else still refers to.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import accumulate
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from rownaq.accounts.models import AgencyCode, Organisation, OrganisationKind, Role, User
from rownaq.core.normalise import normalise_digits_only, normalise_text, search_key
from rownaq.geography.models import County, EstateKind, IndustrialEstate, Province
from rownaq.geography.services import counties_geojson, provinces_geojson
from rownaq.registry.demo import vocabulary as vocab
from rownaq.registry.models import (
    Contact,
    Licence,
    LicenceKind,
    Product,
    Sector,
    SectorLevel,
    StatusChange,
    Unit,
    UnitStatus,
)
from rownaq.registry.validators import national_id_check_digit

DEMO_PASSWORD = "rownaq-demo"
DEFAULT_SEED = 1403
UNIT_SERIAL_START = 100_001
COMPANY_SERIAL_START = 700_001
MAX_UNITS_PER_PROVINCE = COMPANY_SERIAL_START - UNIT_SERIAL_START
NATIONAL_UNITS = sum(vocab.PROVINCE_UNIT_WEIGHTS.values())
BATCH_SIZE = 2_000

# Status shares of a province: active, semi-active, idle, closed.
STATUS_SHARES: tuple[tuple[str, float], ...] = (
    (UnitStatus.ACTIVE, 0.70),
    (UnitStatus.SEMI_ACTIVE, 0.12),
    (UnitStatus.IDLE, 0.13),
    (UnitStatus.CLOSED, 0.05),
)
EXPORTER_SHARE = 0.10
KNOWLEDGE_BASED_SHARE = 0.04
REVIVED_SHARE = 0.06  # of active units: were idle once and revived

MOBILE_PREFIXES = ("0912", "0919", "0935", "0937", "0913", "0917", "0915", "0914", "0936", "0939", "0901", "0990")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    org_key: str  # a key of the province's institutional organisations, or "showcase"
    first_name: str
    last_name: str
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", Role.SYSTEM_ADMIN, "smt", "علیرضا", "کاظمی", is_staff=True, is_superuser=True),
    DemoUser("deputy", Role.GOVERNORATE_DEPUTY, "governorate", "حمیدرضا", "صالحی"),
    DemoUser("expert", Role.SMT_EXPERT, "smt", "مریم", "احمدی"),
    DemoUser("bank", Role.AGENCY_LIAISON, "bank_mellat", "مجید", "نوری"),
    DemoUser("tax", Role.AGENCY_LIAISON, "tax", "زهرا", "کریمی"),
    DemoUser("manager", Role.UNIT_MANAGER, "showcase", "محمدحسین", "رضایی"),
    DemoUser("university", Role.KNOWLEDGE_MEMBER, "university", "فاطمه", "حسینی"),
    DemoUser("investor", Role.INVESTOR, "investor", "سعید", "طاهری"),
)
DEMO_USERNAMES: tuple[str, ...] = tuple(user.username for user in DEMO_USERS)


@dataclass
class DemoSummary:
    province: str
    province_code: str
    created: bool = True  # False when the province already had demo data and nothing was built
    units: int = 0
    companies: int = 0
    organisations: int = 0
    estates: int = 0
    licences: int = 0
    products: int = 0
    contacts: int = 0
    status_changes: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    exporters: int = 0
    knowledge_based: int = 0
    users: list[str] = field(default_factory=list)
    skipped_users: list[str] = field(default_factory=list)
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------------
# Identification of demo rows


def demo_national_id(*, province_code: str, serial: int) -> str:
    """The 11-digit national ID of a demo unit or company: valid check digit, unique per serial."""
    first_ten = f"10{int(province_code):02d}{serial:06d}"
    return first_ten + str(national_id_check_digit(first_ten))


def _id_range(province_code: str, first_serial: int, last_serial: int) -> tuple[str, str]:
    prefix = f"10{int(province_code):02d}"
    return f"{prefix}{first_serial:06d}0", f"{prefix}{last_serial:06d}9"


def demo_units(*, province: Province) -> models.QuerySet[Unit]:
    low, high = _id_range(province.code, UNIT_SERIAL_START, COMPANY_SERIAL_START - 1)
    return Unit.objects.filter(county__province=province, national_id__gte=low, national_id__lte=high)


def demo_companies(*, province: Province) -> models.QuerySet[Organisation]:
    low, high = _id_range(province.code, UNIT_SERIAL_START, 999_999)
    return Organisation.objects.filter(
        province=province, kind=OrganisationKind.UNIT_COMPANY, national_id__gte=low, national_id__lte=high
    )


def demo_exists(*, province: Province) -> bool:
    return demo_units(province=province).exists()


def demo_reference_ensure() -> bool:
    """Load the provinces, counties and sectors if they are missing; ``True`` if they were loaded."""
    if Province.objects.exists() and Sector.objects.filter(level=SectorLevel.CLASS).exists():
        return False
    call_command("load_reference_data", verbosity=0, stdout=io.StringIO())
    return True


def demo_default_units(*, province_code: str) -> int:
    """A plausible number of units for a province: Qom has about 2,500."""
    return vocab.PROVINCE_UNIT_WEIGHTS.get(province_code, 1_000)


def demo_national_units(*, total: int) -> dict[str, int]:
    """Split ``total`` units over the 31 provinces by their industrial weight (largest remainder)."""
    weights = vocab.PROVINCE_UNIT_WEIGHTS
    exact = {code: total * weight / NATIONAL_UNITS for code, weight in weights.items()}
    shares = {code: max(1, math.floor(value)) for code, value in exact.items()}
    by_remainder = sorted(weights, key=lambda code: (-(exact[code] - math.floor(exact[code])), int(code)))
    for code in by_remainder[: max(0, total - sum(shares.values()))]:
        shares[code] += 1
    return shares


# ---------------------------------------------------------------------------------------------
# Reset


def _institutional_names(province: Province) -> list[tuple[str, str, str, str]]:
    """(key, kind, name, agency code) of the province's institutional organisations, in a fixed order."""
    info = vocab.PROVINCES.get(province.code)
    capital = info.capital_city if info else province.name
    name = province.name
    rows: list[tuple[str, str, str, str]] = [
        ("governorate", OrganisationKind.GOVERNORATE, f"استانداری {name}", ""),
        ("smt", OrganisationKind.SMT, f"سازمان صنعت، معدن و تجارت استان {name}", AgencyCode.SMT),
    ]
    for index, bank in enumerate(vocab.BANKS):
        key = "bank_mellat" if bank == "بانک ملت" else f"bank_{index}"
        rows.append((key, OrganisationKind.BANK, f"{bank}، مدیریت شعب استان {name}", AgencyCode.BANK))
    for index, (template, code) in enumerate(vocab.AGENCIES):
        key = "tax" if index == 0 else f"agency_{index}"
        rows.append((key, OrganisationKind.AGENCY, template.format(province=name, capital=capital), code))
    universities = (
        vocab.QOM_UNIVERSITIES
        if province.code == "25"
        else (f"دانشگاه آزاد اسلامی واحد {capital}", f"دانشگاه فنی و حرفه‌ای استان {name}")
    )
    for index, university in enumerate(universities):
        # Qom's «دانشگاه صنعتی قم» is the university the demo's member works at.
        key = "university" if (university == "دانشگاه صنعتی قم" or (province.code != "25" and index == 0)) else ""
        rows.append((key or f"university_{index}", OrganisationKind.UNIVERSITY, university, ""))
    rows.append(("tech_park", OrganisationKind.TECH_PARK, f"پارک علم و فناوری استان {name}", ""))
    return [(key, kind, normalise_text(text), code) for key, kind, text, code in rows]


@transaction.atomic
def demo_province_reset(*, province: Province) -> int:
    """Delete the province's demo cases, units, companies, users and unreferenced organisations."""
    from rownaq.obstacles.demo import demo_cases_reset  # the obstacles demo builds on this module

    demo_cases_reset(province=province)
    units = demo_units(province=province)
    unit_ids = units.values("pk")
    deleted = units.count()
    with disable_auditlog():
        # Licences, products and contacts carry audit-log signals, so Django would load and
        # delete them one by one; they belong to demo units only, so delete them in one query each.
        for model in (Licence, Product, Contact):
            model.objects.filter(unit__in=unit_ids)._raw_delete(model.objects.db)
        StatusChange.objects.filter(unit__in=unit_ids).delete()
        units.delete()
        User.objects.filter(username__in=DEMO_USERNAMES, organisation__province=province).delete()
        demo_companies(province=province).delete()
        names = [name for _, _, name, _ in _institutional_names(province)]
        prefixes = [normalise_text(t.split("{p}")[0]) for t in (*vocab.KNOWLEDGE_FIRMS, *vocab.INVESTORS)]
        generated = models.Q()
        for prefix in prefixes:
            generated |= models.Q(name__startswith=prefix)
        extra = Organisation.objects.filter(
            generated, province=province, kind__in=[OrganisationKind.KNOWLEDGE_FIRM, OrganisationKind.INVESTOR]
        )
        candidates = list(Organisation.objects.filter(province=province, name__in=names)) + list(extra)
        for organisation in candidates:
            try:
                with transaction.atomic():
                    organisation.delete()
            except (ProtectedError, RestrictedError):
                pass  # still used by someone else's data; it is reused by the next build
    return deleted


# ---------------------------------------------------------------------------------------------
# Geometry: points inside the province


def _rings(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [[(float(x), float(y)) for x, y in polygon[0]] for polygon in polygons]


def _inside(rings: Sequence[Sequence[tuple[float, float]]], lon: float, lat: float) -> bool:
    for ring in rings:
        inside = False
        previous = ring[-1]
        for point in ring:
            (x1, y1), (x2, y2) = previous, point
            if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                inside = not inside
            previous = point
        if inside:
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
def _province_rings(iso_code: str) -> list[list[tuple[float, float]]]:
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
            if not _inside(rings, lon, lat):
                lon, lat = max(rings, key=len)[0]
            centroids[int(relation)] = (lat, lon)
    return centroids


# ---------------------------------------------------------------------------------------------
# The builder


class _Weighted:
    """A weighted choice that depends only on the order of the items and the random numbers."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.weights = list(weights)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[min(bisect_right(self.cumulative, rng.random() * self.total), len(self.items) - 1)]


@dataclass
class _Place:
    county_id: int
    estate_id: int | None
    estate_name: str
    town: str
    pool: list[tuple[float, float]]
    roads: tuple[str, ...] = ()  # for mines: the roads they are on


@dataclass
class _UnitPlan:
    unit: Unit
    company_index: int
    nominal_employees: int
    founded: dt.date
    licences: list[Licence] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    changes: list[StatusChange] = field(default_factory=list)
    sector_code: str = ""
    core: str = ""  # the name without its type word, for the company's name


_norm = cache(normalise_text)
JITTER = 0.002  # degrees (about 200 m) around a point of a place's pool


def _key(name: str) -> str:
    """A county's name for matching: «بوئین و میاندشت» and «بو یین و میاندشت» are one county."""
    return search_key(name).replace(" ", "")


def _days(n: float) -> dt.timedelta:
    return dt.timedelta(days=int(n))


def _three_figures(value: float) -> Decimal:
    """A capacity as officials write it: three significant figures, at least 1."""
    value = max(value, 1.0)
    step = 10 ** max(0, math.floor(math.log10(value)) - 2)
    return Decimal(round(value / step) * step).quantize(Decimal("0.01"))


def _recorded_at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 6, 0, tzinfo=dt.UTC)  # 09:30 in Tehran


class _ProvinceBuilder:
    def __init__(self, *, province: Province, units: int, seed: int, today: dt.date, with_users: bool) -> None:
        self.province = province
        self.count = units
        self.rng = random.Random(f"rownaq-demo:{seed}:{province.code}")
        self.today = today
        self.with_users = with_users
        self.info = vocab.PROVINCES.get(province.code) or vocab.ProvinceInfo(province.name, province.name, 0, 0, ("3",))
        self.is_qom = province.code == "25"
        self.summary = DemoSummary(province=province.name, province_code=province.code)
        self.rings = _province_rings(province.iso_code)
        self.unit_names: set[str] = set()
        self.company_names: set[str] = set()
        self.company_rows: list[Organisation] = []
        self.plans: list[_UnitPlan] = []

    # -- small helpers -----------------------------------------------------------------------

    def _point_pool(self, lat: float, lon: float, sigma: float, size: int = 16) -> list[tuple[float, float]]:
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
            if not self.rings or all(_inside(self.rings, cx, cy) for cx, cy in corners):
                pool.append((y, x))
                if len(pool) == size:
                    break
        return pool or [(lat, lon)]

    def _inside_or(self, lat: float, lon: float, fallback: tuple[float, float]) -> tuple[float, float]:
        if not self.rings or _inside(self.rings, lon, lat):
            return lat, lon
        return fallback

    def _person(self) -> str:
        first = self.rng.choice(vocab.FEMALE_FIRST_NAMES if self.rng.random() < 0.2 else vocab.MALE_FIRST_NAMES)
        return f"{first} {self.rng.choice(vocab.SURNAMES)}"

    def _mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10_000_000):07d}"

    def _postal_code(self) -> str:
        head = self.rng.choice(self.info.postal_prefixes)
        middle = "".join(self.rng.choice("13456789") for _ in range(5 - len(head)))
        return head + middle + f"{self.rng.randrange(100_000):05d}"

    def _proper(self, town: str) -> str:
        roll = self.rng.random()
        if roll < 0.72:
            return self.rng.choice(vocab.BRANDS)
        if roll < 0.87:
            return self.rng.choice(vocab.SURNAMES)
        if roll < 0.95:
            return f"برادران {self.rng.choice(vocab.SURNAMES)}"
        return town

    def _unique(self, name: str, used: set[str], extras: Sequence[str]) -> str | None:
        name = _norm(name)
        if name not in used:
            used.add(name)
            return name
        for extra in extras:
            candidate = _norm(f"{name} {extra}")
            if candidate not in used:
                used.add(candidate)
                return candidate
        return None

    # -- places --------------------------------------------------------------------------------

    def _counties(self) -> list[County]:
        """The province's counties, without the duplicates that differ only by a space."""
        chosen: dict[str, County] = {}
        for county in County.objects.filter(province=self.province).order_by("name", "pk"):
            if county.name.startswith("ویژه "):
                continue  # OpenStreetMap's «ویژه مراغه» and the like are not counties of their own
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

    def _mines(self, towns: _Weighted) -> _Weighted:
        """Mines and quarries: in the open country of the same counties, on the roads out of town."""
        names = [place.town for place in towns.items]
        places = []
        for place in towns.items:
            lat, lon = place.pool[0]
            if self.is_qom:
                roads = vocab.QOM_ROADS
            else:
                roads = tuple(f"{place.town} - {other}" for other in names if other != place.town)[:6] or (
                    f"{place.town} - {self.info.capital_city}",
                )
            places.append(
                _Place(place.county_id, None, "", place.town, self._point_pool(lat, lon, 0.12, size=48), roads)
            )
        return _Weighted(places, towns.weights)

    def _places(self) -> tuple[_Weighted, _Weighted]:
        """Weighted places in estates and in towns (the latter: units outside any estate)."""
        counties = self._counties()
        by_name = {_key(county.name): county for county in counties}
        estate_places: list[_Place] = []
        estate_weights: list[float] = []
        town_places: list[_Place] = []
        town_weights: list[float] = []
        if self.is_qom:
            for spec in vocab.QOM_ESTATES:
                county = by_name.get(_key(spec.county)) or counties[0]
                estate = self._estate(
                    county=county, name=spec.name, kind=spec.kind, area=spec.area_hectares, plots=spec.plots
                )
                if spec.share > 0:
                    pool = self._point_pool(spec.latitude, spec.longitude, 0.008)
                    estate_places.append(_Place(county.pk, estate.pk, estate.name, spec.town, pool))
                    estate_weights.append(spec.share)
            for county_name, (town, lat, lon, share) in vocab.QOM_TOWNS.items():
                county = by_name.get(_key(county_name)) or counties[0]
                town_places.append(_Place(county.pk, None, "", town, self._point_pool(lat, lon, 0.03)))
                town_weights.append(share)
            return _Weighted(estate_places, estate_weights), _Weighted(town_places, town_weights)

        capital = by_name.get(_key(self.info.capital_county)) or counties[0]
        capital_anchor = self._inside_or(self.info.latitude, self.info.longitude, self._county_anchor(capital))
        scale = max(self.count, 100)
        others = [county for county in counties if county.pk != capital.pk]
        plots = max(300, min(2_500, int(scale * 0.35)))
        estate = self._estate(
            county=capital,
            name=f"شهرک صنعتی {self.info.capital_city}",
            kind=EstateKind.ESTATE,
            area=plots * self.rng.uniform(0.7, 1.1),
            plots=plots,
        )
        lat, lon = capital_anchor
        anchor = self._inside_or(lat + self.rng.uniform(-0.1, 0.1), lon + self.rng.uniform(-0.1, 0.1), capital_anchor)
        estate_places.append(
            _Place(capital.pk, estate.pk, estate.name, self.info.capital_city, self._point_pool(*anchor, 0.01))
        )
        estate_weights.append(0.35)
        town_places.append(
            _Place(capital.pk, None, "", self.info.capital_city, self._point_pool(*capital_anchor, 0.04))
        )
        town_weights.append(0.5)
        other_weights = [self.rng.uniform(0.3, 1.6) for _ in others]
        total_other = sum(other_weights) or 1.0
        for index, (county, weight) in enumerate(zip(others, other_weights, strict=True)):
            county_anchor = self._county_anchor(county)
            town_places.append(_Place(county.pk, None, "", county.name, self._point_pool(*county_anchor, 0.03)))
            town_weights.append(0.5 * weight / total_other)
            if index % 3 == 2:
                continue
            is_estate = index % 3 == 0
            plots = self.rng.randint(150, 600) if is_estate else self.rng.randint(40, 160)
            estate = self._estate(
                county=county,
                name=f"{'شهرک صنعتی' if is_estate else 'ناحیه صنعتی'} {county.name}",
                kind=EstateKind.ESTATE if is_estate else EstateKind.ZONE,
                area=plots * self.rng.uniform(0.5, 1.0 if is_estate else 0.6),
                plots=plots,
            )
            lat, lon = county_anchor
            anchor = self._inside_or(
                lat + self.rng.uniform(-0.05, 0.05), lon + self.rng.uniform(-0.05, 0.05), county_anchor
            )
            estate_places.append(
                _Place(county.pk, estate.pk, estate.name, county.name, self._point_pool(*anchor, 0.01))
            )
            estate_weights.append(weight * (2.0 if is_estate else 1.0))
        # Scale the other estates so that all estates together hold about 70% of the units.
        first, rest = estate_weights[0], sum(estate_weights[1:])
        if rest:
            estate_weights = [first] + [0.35 * w / rest for w in estate_weights[1:]]
        return _Weighted(estate_places, estate_weights), _Weighted(town_places, town_weights)

    # -- organisations -----------------------------------------------------------------------

    def _institutions(self) -> dict[str, Organisation]:
        rows = _institutional_names(self.province)
        brands = self.rng.sample(vocab.BRANDS, len(vocab.KNOWLEDGE_FIRMS) - 1 + len(vocab.INVESTORS))
        for index, template in enumerate(vocab.KNOWLEDGE_FIRMS[:-1]):
            rows.append(
                (f"knowledge_{index}", OrganisationKind.KNOWLEDGE_FIRM, _norm(template.format(p=brands[index])), "")
            )
        for index, template in enumerate(vocab.INVESTORS):
            key = "investor" if index == 0 else f"investor_{index}"
            brand = brands[len(vocab.KNOWLEDGE_FIRMS) - 1 + index]
            rows.append((key, OrganisationKind.INVESTOR, _norm(template.format(p=brand)), ""))
        existing = {(org.name, org.kind): org for org in Organisation.objects.filter(province=self.province)}
        missing = [
            Organisation(name=name, kind=kind, province=self.province, agency_code=code)
            for _, kind, name, code in rows
            if (name, kind) not in existing
        ]
        Organisation.objects.bulk_create(missing)
        self.summary.organisations += len(missing)
        for _, kind, name, code in rows:  # organisations made before agencies had codes
            org = existing.get((name, kind))
            if org is not None and code and not org.agency_code:
                org.agency_code = code
                org.save(update_fields=["agency_code"])
        existing = {(org.name, org.kind): org for org in Organisation.objects.filter(province=self.province)}
        self.company_names.update(
            Organisation.objects.filter(province=self.province, kind=OrganisationKind.UNIT_COMPANY).values_list(
                "name", flat=True
            )
        )
        return {key: existing[(name, kind)] for key, kind, name, _ in rows}

    def _company(self, name: str, town: str, serial: int, national_id: str = "") -> int:
        extras = (town, *self.rng.sample(vocab.BRANDS, 3), f"شماره {serial}")
        unique = self._unique(name, self.company_names, extras)
        assert unique is not None  # the serial makes it unique
        self.company_rows.append(
            Organisation(
                name=unique,
                kind=OrganisationKind.UNIT_COMPANY,
                province=self.province,
                national_id=national_id or demo_national_id(province_code=self.province.code, serial=serial),
            )
        )
        return len(self.company_rows) - 1

    # -- units ---------------------------------------------------------------------------------

    def _sector_weights(self) -> _Weighted:
        if self.is_qom:
            weights = dict(vocab.QOM_SECTOR_WEIGHTS)
        else:
            weights = dict(vocab.NATIONAL_SECTOR_WEIGHTS)
            for code, factor in vocab.PROVINCE_SECTOR_BOOSTS.get(self.province.code, {}).items():
                weights[code] = weights.get(code, 0) * factor
        codes = sorted(weights)
        return _Weighted(codes, [weights[code] for code in codes])

    def _name(self, spec: vocab.SectorSpec, proper: str, town: str, serial: int) -> tuple[str, str]:
        """A unique unit name and its core (the name without the type word)."""
        for attempt in range(8):
            p = proper if attempt < 4 else self._proper(town)
            surname = self.rng.choice(vocab.SURNAMES)
            if spec.standalone and self.rng.random() < 0.3:
                core = self.rng.choice(spec.standalone).format(p=p, s=surname)
                name = core
            else:
                core = self.rng.choice(spec.cores).format(p=p, s=surname)
                kind = self.rng.choice(spec.types)
                name = f"{kind} {core}" if kind else core
            if _norm(name) not in self.unit_names:
                self.unit_names.add(_norm(name))
                return _norm(name), core
        unique = self._unique(name, self.unit_names, (town, f"شماره {serial % 1000}", str(serial)))
        return unique or name, core

    def _employees(self, spec: vocab.SectorSpec) -> int:
        roll = self.rng.random()
        if roll < 0.80:
            value = self.rng.lognormvariate(2.75, 0.7)
        elif roll < 0.97:
            value = self.rng.lognormvariate(4.3, 0.55)
        else:
            value = self.rng.lognormvariate(5.9, 0.5)
        return max(2, min(4_000, round(value * spec.size)))

    def _status(self) -> str:
        roll = self.rng.random()
        for status, share in STATUS_SHARES:
            if roll < share:
                return status
            roll -= share
        return UnitStatus.CLOSED

    def _history(self, plan: _UnitPlan, status: str) -> None:
        """Status, its date and the status-change rows: an initial row, then the changes."""
        rng, today, unit = self.rng, self.today, plan.unit
        founded = plan.founded
        rows: list[tuple[str, str, dt.date, str]] = [("", UnitStatus.ACTIVE, founded, "شروع بهره‌برداری")]
        since = founded
        if status == UnitStatus.ACTIVE and (today - founded).days > 5 * 365 and rng.random() < REVIVED_SHARE:
            idle_on = founded + _days(rng.uniform(365, (today - founded).days - 3 * 365))
            revived_on = min(idle_on + _days(rng.uniform(120, 900)), today - _days(30))
            rows.append((UnitStatus.ACTIVE, UnitStatus.IDLE, idle_on, rng.choice(vocab.STATUS_NOTES["idle"])))
            rows.append((UnitStatus.IDLE, UnitStatus.ACTIVE, revived_on, rng.choice(vocab.STATUS_NOTES["revived"])))
            since = revived_on
        elif status != UnitStatus.ACTIVE:
            spans: dict[str, int] = {
                UnitStatus.SEMI_ACTIVE: 3 * 365,
                UnitStatus.IDLE: 6 * 365,
                UnitStatus.CLOSED: 8 * 365,
            }
            span = spans[status]
            since = today - _days(rng.uniform(45, span))
            if founded > since - _days(365):
                founded = since - _days(rng.uniform(365, 10 * 365))
                plan.founded = founded
                rows[0] = ("", UnitStatus.ACTIVE, founded, rows[0][3])
            rows.append((UnitStatus.ACTIVE, status, since, rng.choice(vocab.STATUS_NOTES[status])))
        unit.status, unit.status_since = status, since
        plan.changes = [
            StatusChange(
                old_status=old,
                new_status=new,
                effective_on=day,
                note=_norm(note),
                recorded_at=_recorded_at(day),
            )
            for old, new, day, note in rows
        ]

    def _licences(self, plan: _UnitPlan) -> None:
        rng, today, founded = self.rng, self.today, plan.founded
        status = plan.unit.status
        age = (today - founded).days
        roll = rng.random()
        if age < 900 and roll < 0.55:
            issued = today - _days(rng.uniform(30, 3 * 365))
            plan.licences.append(
                Licence(
                    kind=LicenceKind.ESTABLISHMENT,
                    number=_norm(f"{rng.randint(1000, 99999)}/ت"),
                    issued_on=issued,
                    expires_on=issued + _days(2 * 365),
                )
            )
            return
        missing = 0.04 if status in (UnitStatus.ACTIVE, UnitStatus.SEMI_ACTIVE) else 0.15
        if roll < missing:
            return  # a unit without a licence (واحد فاقد مجوز)
        expired = 0.12 if status in (UnitStatus.ACTIVE, UnitStatus.SEMI_ACTIVE) else 0.45
        roll = rng.random()
        if roll < expired:
            expires = today - _days(rng.uniform(1, 3 * 365))
        elif roll < expired + 0.08:
            expires = today + _days(rng.uniform(1, 90))
        else:
            expires = today + _days(rng.uniform(91, 5 * 365))
        issued = max(expires - _days(5 * 365), founded + _days(rng.uniform(0, 240)))
        if issued > expires - _days(365) or issued > today:
            issued = min(founded + _days(rng.uniform(0, 240)), today)
            expires = issued + _days(5 * 365)
        plan.licences.append(
            Licence(
                kind=LicenceKind.OPERATING,
                number=_norm(f"{rng.randint(10000, 99999)}/ص"),
                issued_on=issued,
                expires_on=expires,
            )
        )

    def _products(self, plan: _UnitPlan, spec: vocab.SectorSpec) -> None:
        roll = self.rng.random()
        count = min(len(spec.products), 1 if roll < 0.5 else 2 if roll < 0.85 else 3)
        factor = (max(plan.nominal_employees, 3) / 20) ** 0.8
        for product in self.rng.sample(spec.products, count):
            low, high = product.capacity
            value = self.rng.uniform(low, high) * factor
            plan.products.append(
                Product(
                    name=_norm(product.name),
                    hs_code=product.hs_code,
                    measure=_norm(product.measure),
                    nominal_capacity=_three_figures(value),
                )
            )

    def _contacts(self, plan: _UnitPlan) -> None:
        positions = ["مدیرعامل"]
        if self.rng.random() < 0.45:
            positions.append(self.rng.choice(vocab.CONTACT_POSITIONS))
        for position in positions:
            plan.contacts.append(Contact(name=_norm(self._person()), position=_norm(position), phone=self._mobile()))

    def _unit(
        self, *, serial: int, sector: Sector, spec: vocab.SectorSpec, proper: str, place: _Place, company: int
    ) -> _UnitPlan:
        rng = self.rng
        name, core = self._name(spec, proper, place.town, serial)
        national_id = demo_national_id(province_code=self.province.code, serial=serial)
        lat, lon = rng.choice(place.pool)
        lat, lon = lat + rng.uniform(-JITTER, JITTER), lon + rng.uniform(-JITTER, JITTER)
        if place.roads:
            address = f"{place.town}، کیلومتر {rng.randint(5, 60)} جاده {rng.choice(place.roads)}"
        elif place.estate_id is not None:
            street = rng.choice(vocab.ESTATE_STREETS)
            side = f"، خیابان {rng.randint(1, 30)}" if rng.random() < 0.5 else ""
            address = f"{place.town}، {place.estate_name}، {street}{side}، پلاک {rng.randint(1, 400)}"
        else:
            streets = vocab.CITY_STREETS + (vocab.QOM_CITY_STREETS if self.is_qom else ())
            address = f"{place.town}، {rng.choice(streets)}، کوچه {rng.randint(1, 60)}، پلاک {rng.randint(1, 200)}"
        address = normalise_text(address)
        nominal = self._employees(spec)
        unit = Unit(
            name=name,
            national_id=national_id,
            sector_id=sector.pk,
            county_id=place.county_id,
            estate_id=place.estate_id,
            address=address,
            postal_code=self._postal_code(),
            latitude=Decimal(f"{lat:.5f}"),
            longitude=Decimal(f"{lon:.5f}"),
        )
        founded = self.today - _days(365.25 * rng.triangular(0.3, 35, 8))
        plan = _UnitPlan(unit=unit, company_index=company, nominal_employees=nominal, founded=founded)
        self._history(plan, self._status())
        status = unit.status
        employees: dict[str, int] = {
            UnitStatus.ACTIVE: nominal,
            UnitStatus.SEMI_ACTIVE: max(1, round(nominal * rng.uniform(0.4, 0.8))),
            UnitStatus.IDLE: round(nominal * rng.uniform(0, 0.15)),
            UnitStatus.CLOSED: 0,
        }
        unit.employees = employees[status]
        self._licences(plan)
        self._products(plan, spec)
        self._contacts(plan)
        plan.sector_code, plan.core = spec.code, core
        return plan

    def _flags(self, sectors: dict[str, vocab.SectorSpec]) -> None:
        """Exporters (~10%) and knowledge-based units (~4%), by each sector's propensity."""
        producing = (UnitStatus.ACTIVE, UnitStatus.SEMI_ACTIVE)
        for attribute, share, propensity, statuses in (
            ("is_exporter", EXPORTER_SHARE, "export", producing),
            ("is_knowledge_based", KNOWLEDGE_BASED_SHARE, "knowledge", (*producing, UnitStatus.IDLE)),
        ):
            eligible = [plan for plan in self.plans if plan.unit.status in statuses]
            if not eligible:
                continue
            weights = [getattr(sectors[plan.sector_code], propensity) for plan in eligible]
            scale = share * len(self.plans) / sum(weights)
            for plan, weight in zip(eligible, weights, strict=True):
                if self.rng.random() < scale * weight:
                    setattr(plan.unit, attribute, True)

    def _showcase(self, sectors: dict[str, Sector], places: _Weighted) -> None:
        """Two units of one company for the demo manager: a carpet factory and a tile factory."""
        rng, today = self.rng, self.today
        estates = [place for place in places.items if place.estate_id is not None]
        first_place = estates[0]
        second_place = estates[1] if len(estates) > 1 else estates[0]
        company = self._company(
            f"شرکت صنایع ترنج {self.info.capital_city}", self.info.capital_city, COMPANY_SERIAL_START
        )
        specs = (
            (
                UNIT_SERIAL_START,
                "کارخانه فرش ماشینی ترنج",
                "1393",
                first_place,
                86,
                UnitStatus.ACTIVE,
                (
                    ("فرش ماشینی ۱۲۰۰ شانه", "570242", "متر مربع", "180000"),
                    ("فرش ماشینی ۷۰۰ شانه", "570242", "متر مربع", "240000"),
                    ("تابلوفرش", "570190", "عدد", "2500"),
                ),
            ),
            (
                UNIT_SERIAL_START + 1,
                "کارخانه کاشی و سرامیک ترنج",
                "2393",
                second_place,
                64,
                UnitStatus.SEMI_ACTIVE,
                (
                    ("کاشی دیواری", "690723", "متر مربع", "900000"),
                    ("کاشی کف پرسلانی", "690721", "متر مربع", "650000"),
                ),
            ),
        )
        streets = ("بلوار صنعت، خیابان ۱۴، پلاک ۲۱۸", "بلوار ابن‌سینا، پلاک ۴۷")
        for (serial, name, code, place, employees, status, products), street in zip(specs, streets, strict=True):
            national_id = demo_national_id(province_code=self.province.code, serial=serial)
            name = _norm(name)
            self.unit_names.add(name)
            lat, lon = place.pool[0]
            unit = Unit(
                name=name,
                national_id=national_id,
                sector_id=sectors[code].pk,
                county_id=place.county_id,
                estate_id=place.estate_id,
                address=normalise_text(f"{place.town}، {place.estate_name}، {street}"),
                postal_code=self._postal_code(),
                latitude=Decimal(f"{lat:.5f}"),
                longitude=Decimal(f"{lon:.5f}"),
                employees=employees,
                is_exporter=True,
                is_knowledge_based=False,
            )
            founded = today - _days(365 * (13 if status == UnitStatus.ACTIVE else 9))
            plan = _UnitPlan(
                unit=unit, company_index=company, nominal_employees=employees, founded=founded, sector_code=code
            )
            rows: list[tuple[str, str, dt.date, str]] = [("", UnitStatus.ACTIVE, founded, "شروع بهره‌برداری")]
            since = founded
            if status == UnitStatus.SEMI_ACTIVE:
                since = today - _days(240)
                rows.append((UnitStatus.ACTIVE, status, since, "کمبود سرمایه در گردش"))
            unit.status, unit.status_since = status, since
            plan.changes = [
                StatusChange(old_status=o, new_status=n, effective_on=d, note=_norm(t), recorded_at=_recorded_at(d))
                for o, n, d, t in rows
            ]
            plan.licences = [
                Licence(
                    kind=LicenceKind.ESTABLISHMENT,
                    number=_norm(f"{rng.randint(1000, 9999)}/ت"),
                    issued_on=founded - _days(600),
                    expires_on=founded - _days(600) + _days(730),
                ),
                Licence(
                    kind=LicenceKind.OPERATING,
                    number=_norm(f"{rng.randint(10000, 99999)}/ص"),
                    issued_on=today - _days(3 * 365 if status == UnitStatus.ACTIVE else 5 * 365 - 45),
                    expires_on=today + _days(2 * 365 if status == UnitStatus.ACTIVE else 45),
                ),
            ]
            plan.products = [
                Product(name=_norm(p), hs_code=hs, measure=_norm(m), nominal_capacity=Decimal(c))
                for p, hs, m, c in products
            ]
            plan.contacts = [
                Contact(name="محمدحسین رضایی", position="مدیرعامل", phone="09121234567", email="info@toranj-demo.ir"),
                Contact(
                    name=_norm(self._person()),
                    position=_norm("مدیر بازرگانی" if status == UnitStatus.ACTIVE else "مدیر کارخانه"),
                    phone=self._mobile(),
                    email="sales@toranj-demo.ir" if status == UnitStatus.ACTIVE else "",
                ),
            ]
            self.plans.append(plan)

    # -- writing -------------------------------------------------------------------------------

    def build(self) -> DemoSummary:
        started = time.monotonic()
        specs = vocab.SECTORS
        sectors = {
            sector.code: sector
            for sector in Sector.objects.filter(code__in=list(specs), level=SectorLevel.CLASS).order_by("code")
        }
        missing = sorted(set(specs) - set(sectors))
        if missing:
            raise ValueError(f"ISIC classes missing from the Sector table: {', '.join(missing)}")
        institutions = self._institutions()
        estate_places, town_places = self._places()
        mine_places = self._mines(town_places)
        sector_choice = self._sector_weights()

        if self.with_users:
            if self.count < 2:
                raise ValueError("The demo needs at least two units for the demo manager's company.")
            self._showcase(sectors, estate_places)
        serial = UNIT_SERIAL_START + len(self.plans)
        company_serial = COMPANY_SERIAL_START + len(self.company_rows)
        last = UNIT_SERIAL_START + self.count
        while serial < last:
            roll = self.rng.random()
            size = min(3 if roll < 0.02 else 2 if roll < 0.09 else 1, last - serial)
            in_estate = self.rng.random() < 0.78
            place = (estate_places if in_estate else town_places).pick(self.rng)
            group_brand = self.rng.choice(vocab.BRANDS) if size > 1 else self._proper(place.town)
            company = -1
            if size > 1:
                legal = self.rng.choice(("گروه صنعتی", "شرکت صنایع", "شرکت تولیدی و صنعتی"))
                company = self._company(f"{legal} {group_brand}", place.town, company_serial)
                company_serial += 1
            for _ in range(size):
                code = sector_choice.pick(self.rng)
                unit_place = mine_places.pick(self.rng) if code.startswith("0") else place
                plan = self._unit(
                    serial=serial, sector=sectors[code], spec=specs[code], proper=group_brand, place=unit_place,
                    company=company,
                )  # fmt: skip
                if size == 1:
                    core = plan.core
                    company_name = core if core.startswith("شرکت ") else f"شرکت {core}"
                    if self.rng.random() < 0.3 and unit_place.town not in company_name:
                        company_name = f"{company_name} {unit_place.town}"
                    plan.company_index = self._company(
                        company_name, unit_place.town, company_serial, plan.unit.national_id
                    )
                    company_serial += 1
                self.plans.append(plan)
                serial += 1
                if size > 1 and self.rng.random() < 0.5:
                    place = (estate_places if in_estate else town_places).pick(self.rng)
        self._flags(specs)
        self._write(institutions)
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def _write(self, institutions: dict[str, Organisation]) -> None:
        Organisation.objects.bulk_create(self.company_rows, batch_size=BATCH_SIZE)
        if any(company.pk is None for company in self.company_rows):
            ids = dict(demo_companies(province=self.province).values_list("national_id", "pk"))
            for company in self.company_rows:
                company.pk = ids[company.national_id]
        for plan in self.plans:
            plan.unit.owner_id = self.company_rows[plan.company_index].pk
        units = [plan.unit for plan in self.plans]
        for unit in units:
            unit.normalise()  # what Unit.save() would do: search text and Persian sort key
        Unit.objects.bulk_create(units, batch_size=BATCH_SIZE)
        if any(unit.pk is None for unit in units):
            ids = dict(demo_units(province=self.province).values_list("national_id", "pk"))
            for unit in units:
                unit.pk = ids[unit.national_id]
        changes: list[StatusChange] = []
        licences: list[Licence] = []
        products: list[Product] = []
        contacts: list[Contact] = []
        for plan in self.plans:
            rows: list[Any] = [*plan.changes, *plan.licences, *plan.products, *plan.contacts]
            for row in rows:
                row.unit_id = plan.unit.pk
            changes.extend(plan.changes)
            licences.extend(plan.licences)
            products.extend(plan.products)
            contacts.extend(plan.contacts)
        StatusChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)
        Licence.objects.bulk_create(licences, batch_size=BATCH_SIZE)
        Product.objects.bulk_create(products, batch_size=BATCH_SIZE)
        Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)
        summary = self.summary
        summary.units = len(units)
        summary.companies = len(self.company_rows)
        summary.organisations += len(self.company_rows)
        summary.status_changes = len(changes)
        summary.licences = len(licences)
        summary.products = len(products)
        summary.contacts = len(contacts)
        counts = Counter(unit.status for unit in units)
        summary.statuses = {str(status): counts.get(status, 0) for status, _ in STATUS_SHARES}
        summary.exporters = sum(unit.is_exporter for unit in units)
        summary.knowledge_based = sum(unit.is_knowledge_based for unit in units)
        if self.with_users:
            self._users(institutions)

    def _users(self, institutions: dict[str, Organisation]) -> None:
        existing = set(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
        password = make_password(DEMO_PASSWORD)
        showcase = self.company_rows[self.plans[0].company_index]
        for spec in DEMO_USERS:
            if spec.username in existing:
                self.summary.skipped_users.append(spec.username)
                continue
            organisation = showcase if spec.org_key == "showcase" else institutions[spec.org_key]
            User.objects.create(
                username=spec.username,
                password=password,
                role=spec.role,
                organisation=organisation,
                first_name=spec.first_name,
                last_name=spec.last_name,
                is_staff=spec.is_staff,
                is_superuser=spec.is_superuser,
                phone=normalise_digits_only(self._mobile()),
            )
            self.summary.users.append(spec.username)


# ---------------------------------------------------------------------------------------------
# Entry points


def demo_province_build(
    *,
    province: Province,
    units: int | None = None,
    seed: int = DEFAULT_SEED,
    with_users: bool = True,
    today: dt.date | None = None,
) -> DemoSummary:
    """Build the demo for one province; does nothing (``created=False``) if it already has demo data."""
    units = demo_default_units(province_code=province.code) if units is None else units
    if not 1 <= units <= MAX_UNITS_PER_PROVINCE:
        raise ValueError(f"units must be between 1 and {MAX_UNITS_PER_PROVINCE}")
    if demo_exists(province=province):
        return DemoSummary(province=province.name, province_code=province.code, created=False)
    builder = _ProvinceBuilder(
        province=province, units=units, seed=seed, today=today or timezone.localdate(), with_users=with_users
    )
    with transaction.atomic():
        return builder.build()


def demo_national_build(
    *,
    total: int | None = None,
    seed: int = DEFAULT_SEED,
    primary_code: str = "25",
    today: dt.date | None = None,
    reset: bool = False,
    progress: Callable[[DemoSummary], None] | None = None,
) -> list[DemoSummary]:
    """Build the demo for all 31 provinces; users only for the primary province."""
    shares = demo_national_units(total=total or NATIONAL_UNITS)
    summaries: list[DemoSummary] = []
    for province in Province.objects.order_by("code"):
        if reset:
            demo_province_reset(province=province)
        summary = demo_province_build(
            province=province,
            units=max(2, shares.get(province.code, 100)),
            seed=seed,
            with_users=province.code == primary_code,
            today=today,
        )
        summaries.append(summary)
        if progress is not None:
            progress(summary)
    return summaries
