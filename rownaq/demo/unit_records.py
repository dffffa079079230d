"""What one demo unit has: its status and history, licences, products, contacts and people.

``UnitRecords`` draws from the province builder's random generator; dates are offsets from its ``today``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from rownaq.core.normalise import normalise_text
from rownaq.demo import vocabulary
from rownaq.demo.vocabulary import SectorSpec
from rownaq.registry.models import Contact, Licence, LicenceKind, Product, StatusChange, Unit
from rownaq.registry.models import UnitStatus as US

# Status shares of a province: active, semi-active, idle, closed.
STATUS_SHARES: tuple[tuple[str, float], ...] = (
    (US.ACTIVE, 0.70),
    (US.SEMI_ACTIVE, 0.12),
    (US.IDLE, 0.13),
    (US.CLOSED, 0.05),
)
REVIVED_SHARE = 0.06  # of active units: were idle once and revived

MOBILE_PREFIXES = ("0912", "0919", "0935", "0937", "0913", "0917", "0915", "0914", "0936", "0939", "0901", "0990")


@dataclass
class UnitPlan:
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


norm = cache(normalise_text)


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=int(n))


def _three_figures(value: float) -> Decimal:
    """A capacity as officials write it: three significant figures, at least 1."""
    value = max(value, 1.0)
    step = 10 ** max(0, math.floor(math.log10(value)) - 2)
    return Decimal(round(value / step) * step).quantize(Decimal("0.01"))


def _recorded_at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 6, 0, tzinfo=dt.UTC)  # 09:30 in Tehran


def status_changes(rows: list[tuple[str, str, dt.date, str]]) -> list[StatusChange]:
    return [
        StatusChange(old_status=old, new_status=new, effective_on=day, note=norm(note), recorded_at=_recorded_at(day))
        for old, new, day, note in rows
    ]


class UnitRecords:
    def __init__(self, *, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.words = vocabulary.units()
        self.phrases = self.words.phrases

    def person(self) -> str:
        words = self.words
        first = self.rng.choice(words.female_first_names if self.rng.random() < 0.2 else words.male_first_names)
        return f"{first} {self.rng.choice(words.surnames)}"

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10_000_000):07d}"

    def employees(self, spec: SectorSpec) -> int:
        roll = self.rng.random()
        if roll < 0.80:
            value = self.rng.lognormvariate(2.75, 0.7)
        elif roll < 0.97:
            value = self.rng.lognormvariate(4.3, 0.55)
        else:
            value = self.rng.lognormvariate(5.9, 0.5)
        return max(2, min(4_000, round(value * spec.size)))

    def status(self) -> str:
        roll = self.rng.random()
        for status, share in STATUS_SHARES:
            if roll < share:
                return status
            roll -= share
        return US.CLOSED

    def history(self, plan: UnitPlan, status: str) -> None:
        """Status, its date and the status-change rows: an initial row, then the changes."""
        rng, today, unit, notes = self.rng, self.today, plan.unit, self.words.status_notes
        founded = plan.founded
        rows: list[tuple[str, str, dt.date, str]] = [("", US.ACTIVE, founded, self.phrases["first_status_note"])]
        since = founded
        if status == US.ACTIVE and (today - founded).days > 5 * 365 and rng.random() < REVIVED_SHARE:
            idle_on = founded + days(rng.uniform(365, (today - founded).days - 3 * 365))
            revived_on = min(idle_on + days(rng.uniform(120, 900)), today - days(30))
            rows.append((US.ACTIVE, US.IDLE, idle_on, rng.choice(notes["idle"])))
            rows.append((US.IDLE, US.ACTIVE, revived_on, rng.choice(notes["revived"])))
            since = revived_on
        elif status != US.ACTIVE:
            spans: dict[str, int] = {US.SEMI_ACTIVE: 3 * 365, US.IDLE: 6 * 365, US.CLOSED: 8 * 365}
            span = spans[status]
            since = today - days(rng.uniform(45, span))
            if founded > since - days(365):
                founded = since - days(rng.uniform(365, 10 * 365))
                plan.founded = founded
                rows[0] = ("", US.ACTIVE, founded, rows[0][3])
            rows.append((US.ACTIVE, status, since, rng.choice(notes[status])))
        unit.status, unit.status_since = status, since
        plan.changes = status_changes(rows)

    def licences(self, plan: UnitPlan) -> None:
        rng, today, founded = self.rng, self.today, plan.founded
        status = plan.unit.status
        age = (today - founded).days
        roll = rng.random()
        if age < 900 and roll < 0.55:
            issued = today - days(rng.uniform(30, 3 * 365))
            plan.licences.append(
                Licence(
                    kind=LicenceKind.ESTABLISHMENT,
                    number=norm(self.phrases["establishment_licence"].format(number=rng.randint(1000, 99999))),
                    issued_on=issued,
                    expires_on=issued + days(2 * 365),
                )
            )
            return
        missing = 0.04 if status in (US.ACTIVE, US.SEMI_ACTIVE) else 0.15
        if roll < missing:
            return  # a unit without a licence
        expired = 0.12 if status in (US.ACTIVE, US.SEMI_ACTIVE) else 0.45
        roll = rng.random()
        if roll < expired:
            expires = today - days(rng.uniform(1, 3 * 365))
        elif roll < expired + 0.08:
            expires = today + days(rng.uniform(1, 90))
        else:
            expires = today + days(rng.uniform(91, 5 * 365))
        issued = max(expires - days(5 * 365), founded + days(rng.uniform(0, 240)))
        if issued > expires - days(365) or issued > today:
            issued = min(founded + days(rng.uniform(0, 240)), today)
            expires = issued + days(5 * 365)
        plan.licences.append(
            Licence(
                kind=LicenceKind.OPERATING,
                number=norm(self.phrases["operating_licence"].format(number=rng.randint(10000, 99999))),
                issued_on=issued,
                expires_on=expires,
            )
        )

    def products(self, plan: UnitPlan, spec: SectorSpec) -> None:
        roll = self.rng.random()
        count = min(len(spec.products), 1 if roll < 0.5 else 2 if roll < 0.85 else 3)
        factor = (max(plan.nominal_employees, 3) / 20) ** 0.8
        for product in self.rng.sample(spec.products, count):
            low, high = product.capacity
            value = self.rng.uniform(low, high) * factor
            plan.products.append(
                Product(
                    name=norm(product.name),
                    hs_code=product.hs_code,
                    measure=norm(product.measure),
                    nominal_capacity=_three_figures(value),
                )
            )

    def contacts(self, plan: UnitPlan) -> None:
        positions = [self.phrases["chief_executive"]]
        if self.rng.random() < 0.45:
            positions.append(self.rng.choice(self.words.contact_positions))
        for position in positions:
            plan.contacts.append(Contact(name=norm(self.person()), position=norm(position), phone=self.mobile()))
