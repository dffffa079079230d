"""The demo's words, read from ``rownaq/demo/data/`` (UTF-8) once per process: typed, cached, read-only.

Three folders, one per domain: ``units`` (the registry demo), ``desk`` (the Industry Needs Desk) and
``cases`` (obstacle cases and the HQ). Lists are plain text, one entry a line; tables are CSV with a
header row; records with nested lists are JSON Lines. Each folder's ``phrases.csv`` holds the single
texts and ``str.format`` templates the generators fill in. The generators keep only the logic: the
order of the entries in these files is part of what a seed produces, so append, do not reorder.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


# ---------------------------------------------------------------------------------------------
# Readers


def _path(domain: str, name: str) -> Path:
    return DATA_DIR / domain / name


def read_lines(domain: str, name: str) -> tuple[str, ...]:
    """A plain-text list: one entry a line, none empty."""
    text = _path(domain, name).read_text(encoding="utf-8")
    entries = tuple(text.removesuffix("\n").split("\n")) if text else ()
    if any(not entry for entry in entries):
        raise ValueError(f"{domain}/{name}: an empty line")
    return entries


def read_rows(domain: str, name: str) -> tuple[dict[str, str], ...]:
    """A CSV table with a header row."""
    with _path(domain, name).open(encoding="utf-8", newline="") as file:
        return tuple(csv.DictReader(file))


def read_records(domain: str, name: str) -> tuple[dict[str, Any], ...]:
    """JSON Lines: one JSON object a line."""
    with _path(domain, name).open(encoding="utf-8") as file:
        return tuple(json.loads(line) for line in file if line.strip())


def read_phrases(domain: str) -> dict[str, str]:
    return {row["key"]: row["text"] for row in read_rows(domain, "phrases.csv")}


def _grouped(rows: tuple[dict[str, str], ...], key: str, value: str) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row[value])
    return {name: tuple(items) for name, items in groups.items()}


# ---------------------------------------------------------------------------------------------
# Units: sectors and their products, places, names, organisations


@dataclass(frozen=True)
class ProductSpec:
    name: str
    hs_code: str  # an HS 2022 subheading (six digits), or "" for software
    measure: str
    # Nominal annual capacity of a unit with about 20 employees: (low, high).
    capacity: tuple[int, int]


@dataclass(frozen=True)
class SectorSpec:
    """How the units of one ISIC class are named and what they make.

    A unit's name is either ``f"{type word} {core}"`` or one of the ``standalone`` names; both
    contain ``{p}`` (an invented brand or a family name) or ``{s}`` (a family name).
    """

    code: str
    types: tuple[str, ...]
    cores: tuple[str, ...]
    products: tuple[ProductSpec, ...]
    standalone: tuple[str, ...] = ()
    size: float = 1.0  # employees relative to the province's typical unit
    export: float = 1.0  # propensity to export, relative
    knowledge: float = 0.2  # propensity to be knowledge-based, relative


@dataclass(frozen=True)
class ProvinceInfo:
    """The capital's county (as in the County table), the city, its coordinates and postal code prefixes."""

    capital_county: str
    capital_city: str
    latitude: float
    longitude: float
    postal_prefixes: tuple[str, ...]


@dataclass(frozen=True)
class EstateSpec:
    name: str
    county: str
    kind: str  # an EstateKind value
    area_hectares: float
    plots: int
    latitude: float
    longitude: float
    share: float  # share of the province's units located here
    town: str  # the first part of a unit's address


@dataclass(frozen=True)
class TownSpec:
    """Where the units of a county outside the estates are."""

    county: str
    town: str
    latitude: float
    longitude: float
    share: float


@dataclass(frozen=True)
class DemoUserSpec:
    username: str
    role: str  # a Role value
    org_key: str  # a key of the province's institutional organisations, or "showcase"
    first_name: str
    last_name: str
    is_staff: bool = False
    is_superuser: bool = False


@dataclass(frozen=True)
class ContactSpec:
    name: str  # "": a generated name
    position: str
    phone: str  # "": a generated mobile number
    email: str


@dataclass(frozen=True)
class ShowcaseUnit:
    """One of the demo manager's two units."""

    name: str
    sector: str
    employees: int
    status: str  # a UnitStatus value
    street: str
    status_note: str  # why it left the active state ("" if it did not)
    products: tuple[tuple[str, str, str, str], ...]  # name, HS code, measure, capacity
    contacts: tuple[ContactSpec, ...]


@dataclass(frozen=True)
class UnitsVocabulary:
    sectors: dict[str, SectorSpec]
    qom_sector_weights: dict[str, float]  # relative share of units by sector in Qom
    national_sector_weights: dict[str, float]  # in a typical province
    province_sector_boosts: dict[str, dict[str, float]]  # what some provinces are known for: multipliers
    provinces: dict[str, ProvinceInfo]
    province_units: dict[str, int]  # production units per province, roughly; the 31 add up to 90,000
    qom_estates: tuple[EstateSpec, ...]
    qom_towns: tuple[TownSpec, ...]
    qom_roads: tuple[str, ...]
    brands: tuple[str, ...]
    surnames: tuple[str, ...]
    male_first_names: tuple[str, ...]
    female_first_names: tuple[str, ...]
    contact_positions: tuple[str, ...]
    estate_streets: tuple[str, ...]
    city_streets: tuple[str, ...]
    qom_city_streets: tuple[str, ...]
    group_company_forms: tuple[str, ...]
    banks: tuple[str, ...]
    agencies: tuple[tuple[str, str], ...]  # (template over {province} and {capital}, agency code)
    qom_universities: tuple[str, ...]
    knowledge_firms: tuple[str, ...]  # templates over {p}
    investors: tuple[str, ...]  # templates over {p}
    status_notes: dict[str, tuple[str, ...]]  # by the status a unit moves to, and "revived"
    users: tuple[DemoUserSpec, ...]
    showcase: tuple[ShowcaseUnit, ...]
    phrases: dict[str, str]


def _sector(record: dict[str, Any]) -> SectorSpec:
    return SectorSpec(
        code=record["code"],
        types=tuple(record["types"]),
        cores=tuple(record["cores"]),
        products=tuple(
            ProductSpec(p["name"], p["hs_code"], p["measure"], (int(p["capacity"][0]), int(p["capacity"][1])))
            for p in record["products"]
        ),
        standalone=tuple(record["standalone"]),
        size=float(record["size"]),
        export=float(record["export"]),
        knowledge=float(record["knowledge"]),
    )


def _showcase(record: dict[str, Any]) -> ShowcaseUnit:
    return ShowcaseUnit(
        name=record["name"],
        sector=record["sector"],
        employees=int(record["employees"]),
        status=record["status"],
        street=record["street"],
        status_note=record["status_note"],
        products=tuple((name, hs_code, measure, capacity) for name, hs_code, measure, capacity in record["products"]),
        contacts=tuple(ContactSpec(**contact) for contact in record["contacts"]),
    )


@cache
def units() -> UnitsVocabulary:
    weights = read_rows("units", "sector_weights.csv")
    boosts: dict[str, dict[str, float]] = {}
    for row in read_rows("units", "sector_boosts.csv"):
        boosts.setdefault(row["province"], {})[row["sector"]] = float(row["factor"])
    provinces = read_rows("units", "provinces.csv")
    words = {
        name: read_lines("units", f"{name}.txt")
        for name in (
            "qom_roads", "brands", "surnames", "male_first_names", "female_first_names", "contact_positions",
            "estate_streets", "city_streets", "qom_city_streets", "group_company_forms", "banks",
            "qom_universities", "knowledge_firms", "investors",
        )
    }  # fmt: skip
    return UnitsVocabulary(
        sectors={spec.code: spec for spec in map(_sector, read_records("units", "sectors.jsonl"))},
        qom_sector_weights={row["sector"]: float(row["qom"]) for row in weights},
        national_sector_weights={row["sector"]: float(row["national"]) for row in weights},
        province_sector_boosts=boosts,
        provinces={
            row["code"]: ProvinceInfo(
                row["capital_county"],
                row["capital_city"],
                float(row["latitude"]),
                float(row["longitude"]),
                tuple(row["postal_prefixes"].split()),
            )
            for row in provinces
        },
        province_units={row["code"]: int(row["units"]) for row in provinces},
        qom_estates=tuple(
            EstateSpec(
                row["name"],
                row["county"],
                row["kind"],
                float(row["area_hectares"]),
                int(row["plots"]),
                float(row["latitude"]),
                float(row["longitude"]),
                float(row["share"]),
                row["town"],
            )
            for row in read_rows("units", "qom_estates.csv")
        ),
        qom_towns=tuple(
            TownSpec(row["county"], row["town"], float(row["latitude"]), float(row["longitude"]), float(row["share"]))
            for row in read_rows("units", "qom_towns.csv")
        ),
        agencies=tuple((row["template"], row["agency_code"]) for row in read_rows("units", "agencies.csv")),
        status_notes=_grouped(read_rows("units", "status_notes.csv"), "status", "note"),
        users=tuple(
            DemoUserSpec(
                row["username"],
                row["role"],
                row["organisation"],
                row["first_name"],
                row["last_name"],
                is_staff=row["is_staff"] == "1",
                is_superuser=row["is_superuser"] == "1",
            )
            for row in read_rows("units", "users.csv")
        ),
        showcase=tuple(map(_showcase, read_records("units", "showcase.jsonl"))),
        phrases=read_phrases("units"),
        **words,
    )


# ---------------------------------------------------------------------------------------------
# The Industry Needs Desk: needs, capabilities, offers, threads, exhibitions


@dataclass(frozen=True)
class NeedText:
    """A need as an engineer of the posting factory wrote it."""

    title: str
    description: str
    kind: str  # a NeedKind value
    isic: str  # ISIC class of what is needed ("" if none fits)
    hs: str  # HS 2022 subheading, 6 digits ("" for services and research)
    measure: str  # unit of measure ("" with no quantity)
    quantity: float  # typical yearly quantity (0: none)
    value: float  # typical yearly value, billion rials


@dataclass(frozen=True)
class CapabilityText:
    """What a lab, firm or unit offers; ``owner`` says who (see ``data/README.md``)."""

    owner: str
    title: str
    description: str
    equipment: str
    certifications: str
    capacity: str
    isic: str  # ISIC classes separated by spaces
    hs: str  # HS subheadings separated by spaces


@dataclass(frozen=True)
class ManagerNeed:
    """One of the demo manager's needs: the ``index``-th need of ``group``, posted for his unit of ``sector``,
    with the proposals it has: (capability title, proposal state)."""

    group: str
    index: int
    sector: str
    proposals: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DeskVocabulary:
    organisations: dict[str, tuple[str, str]]  # key → (kind, name): firms and park companies the demo creates
    universities: dict[str, str]  # key → name of the province's universities
    posters: dict[str, tuple[str, ...]]  # group → ISIC classes of the demo units that post its needs
    needs: dict[str, tuple[NeedText, ...]]
    capabilities: dict[str, tuple[CapabilityText, ...]]
    manager_needs: tuple[ManagerNeed, ...]
    offers: tuple[str, ...]
    deliveries: tuple[str, ...]
    threads: tuple[tuple[str, str], ...]  # (the need owner's question, the proposer's answer)
    decline_notes: dict[str, tuple[str, ...]]  # by DeclineReason value
    visitor_organisations: tuple[str, ...]
    import_words: tuple[str, ...]  # in a need's description: it is imported today
    other_province_words: tuple[str, ...]  # it comes from another province
    halls: dict[str, tuple[str, ...]]  # by ExhibitionKind value
    phrases: dict[str, str]


def _by_group(records: tuple[dict[str, Any], ...], make: Any) -> dict[str, tuple[Any, ...]]:
    groups: dict[str, list[Any]] = {}
    for record in records:
        fields = dict(record)
        groups.setdefault(fields.pop("group"), []).append(make(**fields))
    return {group: tuple(items) for group, items in groups.items()}


def _need(**fields: Any) -> NeedText:
    return NeedText(**{**fields, "quantity": float(fields["quantity"]), "value": float(fields["value"])})


@cache
def desk() -> DeskVocabulary:
    supply = _grouped(read_rows("desk", "supply_words.csv"), "supplied_from", "word")
    return DeskVocabulary(
        organisations={row["key"]: (row["kind"], row["name"]) for row in read_rows("desk", "organisations.csv")},
        universities={row["key"]: row["name"] for row in read_rows("desk", "universities.csv")},
        posters={row["group"]: tuple(row["sectors"].split()) for row in read_rows("desk", "posters.csv")},
        needs=_by_group(read_records("desk", "needs.jsonl"), _need),
        capabilities=_by_group(read_records("desk", "capabilities.jsonl"), CapabilityText),
        manager_needs=tuple(
            ManagerNeed(
                record["group"],
                int(record["index"]),
                record["sector"],
                tuple((p["capability"], p["state"]) for p in record["proposals"]),
            )
            for record in read_records("desk", "manager_needs.jsonl")
        ),
        offers=read_lines("desk", "offers.txt"),
        deliveries=read_lines("desk", "deliveries.txt"),
        threads=tuple((row["question"], row["answer"]) for row in read_rows("desk", "threads.csv")),
        decline_notes=_grouped(read_rows("desk", "decline_notes.csv"), "reason", "note"),
        visitor_organisations=tuple(row["organisation"] for row in read_rows("desk", "visitor_organisations.csv")),
        import_words=supply["imported"],
        other_province_words=supply["other_province"],
        halls=_grouped(read_rows("desk", "halls.csv"), "exhibition", "name"),
        phrases=read_phrases("desk"),
    )


# ---------------------------------------------------------------------------------------------
# Obstacle cases and the HQ


@dataclass(frozen=True)
class Story:
    """What a unit writes about one kind of obstacle (an ObstacleCategory code), what the agencies answer,
    and what the HQ resolves."""

    code: str
    weight: int  # how often, relative
    titles: tuple[str, ...]
    description: str  # may use {amount} (billion rials) and {months}
    amount: tuple[int, int] | None  # billion rials
    answers: tuple[str, ...]
    outcome: str  # an OutcomeKind value
    outcome_notes: tuple[str, ...]
    resolutions: tuple[tuple[str, str], ...]  # (the agency's part over {agency}, the unit's part or "")


@dataclass(frozen=True)
class RegulationText:
    title: str
    kind: str  # a RegulationKind value
    article: str
    issuing_body: str
    codes: tuple[str, ...]  # the kinds of obstacle it causes
    problem: str
    proposal: str


@dataclass(frozen=True)
class CasesVocabulary:
    stories: dict[str, Story]
    regulations: tuple[RegulationText, ...]
    reject_reasons: tuple[str, ...]
    agency_done_notes: tuple[str, ...]  # over {agency}
    unit_done_notes: tuple[str, ...]
    objection_texts: tuple[str, ...]
    dismissed_notes: tuple[str, ...]
    phrases: dict[str, str]


def _story(record: dict[str, Any]) -> Story:
    amount = record["amount"]
    return Story(
        code=record["code"],
        weight=int(record["weight"]),
        titles=tuple(record["titles"]),
        description=record["description"],
        amount=(int(amount[0]), int(amount[1])) if amount else None,
        answers=tuple(record["answers"]),
        outcome=record["outcome"],
        outcome_notes=tuple(record["outcome_notes"]),
        resolutions=tuple((r["agency"], r["unit"]) for r in record["resolutions"]),
    )


@cache
def cases() -> CasesVocabulary:
    return CasesVocabulary(
        stories={story.code: story for story in map(_story, read_records("cases", "stories.jsonl"))},
        regulations=tuple(
            RegulationText(**{**record, "codes": tuple(record["codes"])})
            for record in read_records("cases", "regulations.jsonl")
        ),
        reject_reasons=read_lines("cases", "reject_reasons.txt"),
        agency_done_notes=read_lines("cases", "agency_done_notes.txt"),
        unit_done_notes=read_lines("cases", "unit_done_notes.txt"),
        objection_texts=read_lines("cases", "objection_texts.txt"),
        dismissed_notes=read_lines("cases", "dismissed_notes.txt"),
        phrases=read_phrases("cases"),
    )


@cache
def report_return_reasons() -> tuple[str, ...]:
    """The expert's reasons to return a monthly report for correction (``reports.py``)."""
    return read_lines("reports", "return_reasons.txt")


# ---------------------------------------------------------------------------------------------
# Revival of idle units (``revival.py``)


@dataclass(frozen=True)
class RevivalText:
    """One revival case's words: the main cause (a ``RevivalCause`` value), the diagnosis, the support needed,
    the plan's steps (title, owner) and, for a case the demo abandons, why."""

    cause: str
    diagnosis: str
    support: str
    steps: tuple[tuple[str, str], ...]
    abandon: str


@cache
def revival_texts() -> tuple[RevivalText, ...]:
    """The demo's revival cases (``data/revival/cases.jsonl``)."""
    return tuple(
        RevivalText(
            cause=record["cause"],
            diagnosis=record["diagnosis"],
            support=record["support"],
            steps=tuple((title, owner) for title, owner in record["steps"]),
            abandon=record["abandon"],
        )
        for record in read_records("revival", "cases.jsonl")
    )


# ---------------------------------------------------------------------------------------------
# Field visits (``visits.py``)


@dataclass(frozen=True)
class VisitText:
    """One demo visit: who visits (``expert`` or ``bank``), the day as days from today (not after today: made),
    the kind of unit visited (``idle`` or ``active``), the answers, the flag and the notes (empty if planned)."""

    by: str
    days: int
    unit: str
    answers: dict[str, str]
    flag: str
    notes: str


@cache
def visit_texts() -> tuple[VisitText, ...]:
    """The demo's field visits (``data/visits/visits.jsonl``)."""
    answers = ("sales_outlook", "employment_outlook", "main_obstacle", "expansion")
    return tuple(
        VisitText(
            by=record["by"],
            days=int(record["days"]),
            unit=record["unit"],
            answers={name: record[name] for name in answers},
            flag=record["flag"],
            notes=record["notes"],
        )
        for record in read_records("visits", "visits.jsonl")
    )
