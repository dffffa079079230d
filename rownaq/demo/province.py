"""Build a plausible province of production units, the same one for the same seed.

Every random choice comes from one ``random.Random`` per province, seeded with the seed and the
province's code, and every query the choices depend on is ordered: the same seed gives the same
names, national IDs, statuses, licences, products and contacts, on any database. Dates are offsets
from ``today`` (by default ``timezone.localdate()``; pass a fixed date for identical dates too).

Rows are written with ``bulk_create``, which bypasses ``Model.save()``: this module normalises the
names itself and calls ``Unit.normalise()``, exactly as the models' ``save()`` does. No audit log is
written for generated rows. The words come from ``vocabulary.units()``; the places from ``places``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from rownaq.accounts.models import Organisation, OrganisationKind, User
from rownaq.core.normalise import normalise_digits_only, normalise_text
from rownaq.demo import vocabulary
from rownaq.demo.places import JITTER, Place, PlaceMaker, Weighted
from rownaq.demo.unit_records import STATUS_SHARES, UnitPlan, UnitRecords, days, norm, status_changes
from rownaq.demo.units import (
    COMPANY_SERIAL_START,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    DEMO_USERS,
    MAX_UNITS_PER_PROVINCE,
    QOM,
    UNIT_SERIAL_START,
    DemoSummary,
    demo_companies,
    demo_default_units,
    demo_exists,
    demo_national_id,
    demo_units,
    institutional_names,
)
from rownaq.demo.vocabulary import ProvinceInfo, SectorSpec
from rownaq.geography.models import Province
from rownaq.registry.models import Contact, Licence, LicenceKind, Product, Sector, SectorLevel, StatusChange, Unit
from rownaq.registry.models import UnitStatus as US

BATCH_SIZE = 2_000

EXPORTER_SHARE = 0.10
KNOWLEDGE_BASED_SHARE = 0.04


class _ProvinceBuilder:
    def __init__(self, *, province: Province, units: int, seed: int, today: dt.date, with_users: bool) -> None:
        self.province = province
        self.count = units
        self.rng = random.Random(f"rownaq-demo:{seed}:{province.code}")
        self.today = today
        self.with_users = with_users
        self.words = vocabulary.units()
        self.phrases = self.words.phrases
        self.info = self.words.provinces.get(province.code) or ProvinceInfo(province.name, province.name, 0, 0, ("3",))
        self.is_qom = province.code == QOM
        self.summary = DemoSummary(province=province.name, province_code=province.code)
        self.records = UnitRecords(rng=self.rng, today=today)
        self.places = PlaceMaker(province=province, info=self.info, rng=self.rng, count=units, summary=self.summary)
        self.unit_names: set[str] = set()
        self.company_names: set[str] = set()
        self.company_rows: list[Organisation] = []
        self.plans: list[UnitPlan] = []

    # -- small helpers -----------------------------------------------------------------------

    def _postal_code(self) -> str:
        head = self.rng.choice(self.info.postal_prefixes)
        middle = "".join(self.rng.choice("13456789") for _ in range(5 - len(head)))
        return head + middle + f"{self.rng.randrange(100_000):05d}"

    def _proper(self, town: str) -> str:
        roll = self.rng.random()
        if roll < 0.72:
            return self.rng.choice(self.words.brands)
        if roll < 0.87:
            return self.rng.choice(self.words.surnames)
        if roll < 0.95:
            return self.phrases["brothers"].format(surname=self.rng.choice(self.words.surnames))
        return town

    def _unique(self, name: str, used: set[str], extras: Sequence[str]) -> str | None:
        name = norm(name)
        if name not in used:
            used.add(name)
            return name
        for extra in extras:
            candidate = norm(f"{name} {extra}")
            if candidate not in used:
                used.add(candidate)
                return candidate
        return None

    def _number(self, number: int) -> str:
        return self.phrases["number"].format(number=number)

    # -- organisations -----------------------------------------------------------------------

    def _institutions(self) -> dict[str, Organisation]:
        words = self.words
        rows = institutional_names(self.province)
        brands = self.rng.sample(words.brands, len(words.knowledge_firms) - 1 + len(words.investors))
        for index, template in enumerate(words.knowledge_firms[:-1]):
            rows.append(
                (f"knowledge_{index}", OrganisationKind.KNOWLEDGE_FIRM, norm(template.format(p=brands[index])), "")
            )
        for index, template in enumerate(words.investors):
            key = "investor" if index == 0 else f"investor_{index}"
            brand = brands[len(words.knowledge_firms) - 1 + index]
            rows.append((key, OrganisationKind.INVESTOR, norm(template.format(p=brand)), ""))
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
        extras = (town, *self.rng.sample(self.words.brands, 3), self._number(serial))
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

    def _sector_weights(self) -> Weighted:
        if self.is_qom:
            weights = dict(self.words.qom_sector_weights)
        else:
            weights = dict(self.words.national_sector_weights)
            for code, factor in self.words.province_sector_boosts.get(self.province.code, {}).items():
                weights[code] = weights.get(code, 0) * factor
        codes = sorted(weights)
        return Weighted(codes, [weights[code] for code in codes])

    def _name(self, spec: SectorSpec, proper: str, town: str, serial: int) -> tuple[str, str]:
        """A unique unit name and its core (the name without the type word)."""
        for attempt in range(8):
            p = proper if attempt < 4 else self._proper(town)
            surname = self.rng.choice(self.words.surnames)
            if spec.standalone and self.rng.random() < 0.3:
                core = self.rng.choice(spec.standalone).format(p=p, s=surname)
                name = core
            else:
                core = self.rng.choice(spec.cores).format(p=p, s=surname)
                kind = self.rng.choice(spec.types)
                name = f"{kind} {core}" if kind else core
            if norm(name) not in self.unit_names:
                self.unit_names.add(norm(name))
                return norm(name), core
        unique = self._unique(name, self.unit_names, (town, self._number(serial % 1000), str(serial)))
        return unique or name, core

    def _address(self, place: Place) -> str:
        rng, phrases = self.rng, self.phrases
        if place.roads:
            return phrases["mine_address"].format(town=place.town, km=rng.randint(5, 60), road=rng.choice(place.roads))
        if place.estate_id is not None:
            street = rng.choice(self.words.estate_streets)
            side = phrases["estate_side_street"].format(number=rng.randint(1, 30)) if rng.random() < 0.5 else ""
            return phrases["estate_address"].format(
                town=place.town, estate=place.estate_name, street=street, side=side, plot=rng.randint(1, 400)
            )
        streets = self.words.city_streets + (self.words.qom_city_streets if self.is_qom else ())
        return phrases["city_address"].format(
            town=place.town, street=rng.choice(streets), alley=rng.randint(1, 60), plot=rng.randint(1, 200)
        )

    def _unit(
        self, *, serial: int, sector: Sector, spec: SectorSpec, proper: str, place: Place, company: int
    ) -> UnitPlan:
        rng = self.rng
        name, core = self._name(spec, proper, place.town, serial)
        national_id = demo_national_id(province_code=self.province.code, serial=serial)
        lat, lon = rng.choice(place.pool)
        lat, lon = lat + rng.uniform(-JITTER, JITTER), lon + rng.uniform(-JITTER, JITTER)
        address = normalise_text(self._address(place))
        nominal = self.records.employees(spec)
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
        founded = self.today - days(365.25 * rng.triangular(0.3, 35, 8))
        plan = UnitPlan(unit=unit, company_index=company, nominal_employees=nominal, founded=founded)
        self.records.history(plan, self.records.status())
        status = unit.status
        employees: dict[str, int] = {
            US.ACTIVE: nominal,
            US.SEMI_ACTIVE: max(1, round(nominal * rng.uniform(0.4, 0.8))),
            US.IDLE: round(nominal * rng.uniform(0, 0.15)),
            US.CLOSED: 0,
        }
        unit.employees = employees[status]
        self.records.licences(plan)
        self.records.products(plan, spec)
        self.records.contacts(plan)
        plan.sector_code, plan.core = spec.code, core
        return plan

    def _flags(self, sectors: dict[str, SectorSpec]) -> None:
        """Exporters (~10%) and knowledge-based units (~4%), by each sector's propensity."""
        producing = (US.ACTIVE, US.SEMI_ACTIVE)
        for attribute, share, propensity, statuses in (
            ("is_exporter", EXPORTER_SHARE, "export", producing),
            ("is_knowledge_based", KNOWLEDGE_BASED_SHARE, "knowledge", (*producing, US.IDLE)),
        ):
            eligible = [plan for plan in self.plans if plan.unit.status in statuses]
            if not eligible:
                continue
            weights = [getattr(sectors[plan.sector_code], propensity) for plan in eligible]
            scale = share * len(self.plans) / sum(weights)
            for plan, weight in zip(eligible, weights, strict=True):
                if self.rng.random() < scale * weight:
                    setattr(plan.unit, attribute, True)

    def _showcase(self, sectors: dict[str, Sector], places: Weighted) -> None:
        """Two units of one company for the demo manager: a carpet factory and a tile factory."""
        rng, today, city = self.rng, self.today, self.info.capital_city
        estates = [place for place in places.items if place.estate_id is not None]
        chosen = (estates[0], estates[1] if len(estates) > 1 else estates[0])
        company = self._company(self.phrases["showcase_company"].format(city=city), city, COMPANY_SERIAL_START)
        for index, (spec, place) in enumerate(zip(self.words.showcase, chosen, strict=True)):
            national_id = demo_national_id(province_code=self.province.code, serial=UNIT_SERIAL_START + index)
            name = norm(spec.name)
            self.unit_names.add(name)
            lat, lon = place.pool[0]
            address = self.phrases["showcase_address"].format(
                town=place.town, estate=place.estate_name, street=spec.street
            )
            unit = Unit(
                name=name,
                national_id=national_id,
                sector_id=sectors[spec.sector].pk,
                county_id=place.county_id,
                estate_id=place.estate_id,
                address=normalise_text(address),
                postal_code=self._postal_code(),
                latitude=Decimal(f"{lat:.5f}"),
                longitude=Decimal(f"{lon:.5f}"),
                employees=spec.employees,
                is_exporter=True,
                is_knowledge_based=False,
            )
            active = spec.status == US.ACTIVE
            founded = today - days(365 * (13 if active else 9))
            plan = UnitPlan(
                unit=unit,
                company_index=company,
                nominal_employees=spec.employees,
                founded=founded,
                sector_code=spec.sector,
            )
            rows: list[tuple[str, str, dt.date, str]] = [("", US.ACTIVE, founded, self.phrases["first_status_note"])]
            since = founded
            if not active:
                since = today - days(240)
                rows.append((US.ACTIVE, spec.status, since, spec.status_note))
            unit.status, unit.status_since = spec.status, since
            plan.changes = status_changes(rows)
            plan.licences = [
                Licence(
                    kind=LicenceKind.ESTABLISHMENT,
                    number=norm(self.phrases["establishment_licence"].format(number=rng.randint(1000, 9999))),
                    issued_on=founded - days(600),
                    expires_on=founded - days(600) + days(730),
                ),
                Licence(
                    kind=LicenceKind.OPERATING,
                    number=norm(self.phrases["operating_licence"].format(number=rng.randint(10000, 99999))),
                    issued_on=today - days(3 * 365 if active else 5 * 365 - 45),
                    expires_on=today + days(2 * 365 if active else 45),
                ),
            ]
            plan.products = [
                Product(name=norm(p), hs_code=hs, measure=norm(m), nominal_capacity=Decimal(c))
                for p, hs, m, c in spec.products
            ]
            plan.contacts = [  # an empty name or phone is generated
                Contact(
                    name=norm(contact.name or self.records.person()),
                    position=norm(contact.position),
                    phone=contact.phone or self.records.mobile(),
                    email=contact.email,
                )
                for contact in spec.contacts
            ]
            self.plans.append(plan)

    # -- writing -------------------------------------------------------------------------------

    def build(self) -> DemoSummary:
        started = time.monotonic()
        specs = self.words.sectors
        sectors = {
            sector.code: sector
            for sector in Sector.objects.filter(code__in=list(specs), level=SectorLevel.CLASS).order_by("code")
        }
        missing = sorted(set(specs) - set(sectors))
        if missing:
            raise ValueError(f"ISIC classes missing from the Sector table: {', '.join(missing)}")
        institutions = self._institutions()
        estate_places, town_places = self.places.places()
        mine_places = self.places.mines(town_places)
        sector_choice = self._sector_weights()

        if self.with_users:
            if self.count < 2:
                raise ValueError("The demo needs at least two units for the demo manager's company.")
            self._showcase(sectors, estate_places)
        serial = UNIT_SERIAL_START + len(self.plans)
        company_serial = COMPANY_SERIAL_START + len(self.company_rows)
        last = UNIT_SERIAL_START + self.count
        company_word = self.phrases["company_word"]
        while serial < last:
            roll = self.rng.random()
            size = min(3 if roll < 0.02 else 2 if roll < 0.09 else 1, last - serial)
            in_estate = self.rng.random() < 0.78
            place = (estate_places if in_estate else town_places).pick(self.rng)
            group_brand = self.rng.choice(self.words.brands) if size > 1 else self._proper(place.town)
            company = -1
            if size > 1:
                legal = self.rng.choice(self.words.group_company_forms)
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
                    company_name = core if core.startswith(f"{company_word} ") else f"{company_word} {core}"
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
                phone=normalise_digits_only(self.records.mobile()),
            )
            self.summary.users.append(spec.username)


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
