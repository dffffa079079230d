"""The agencies' monthly signals of the demo's simulated units (``distress``): one feed per agency organisation
of the province and month (source "demo"), rows matched to their units, written in bulk. The electricity and
gas companies send every unit's use, social security the insured headcount and the debt, the tax office the
arrears it holds, the unit's bank its returned cheques and overdue instalments (rows only where not zero)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from rownaq.accounts.models import AgencyCode, Organisation
from rownaq.core.periods import Period
from rownaq.demo import distress
from rownaq.demo.bulk_rows import insert_rows
from rownaq.geography.models import Province
from rownaq.monitoring.models import Signal, SignalFeed, SignalKind, SignalSource
from rownaq.registry.models import Unit

K = SignalKind


@dataclass
class UnitSignals:
    """What the agencies say of one unit, month by month (the electricity is also what the unit reports)."""

    unit: Unit
    course: distress.Course
    electricity: list[int]
    gas: list[int | None]
    insured: list[int]
    bank_index: int


def unit_signals(unit: Unit, course: distress.Course, rng: random.Random, *, banks: int) -> UnitSignals:
    nominal = max(1, unit.employees)
    per_employee = rng.uniform(1_500, 4_000)
    gas_per_employee = rng.uniform(200, 900) if rng.random() < 0.6 else 0.0
    lag = rng.randint(1, 2)
    electricity, gas, insured = [], [], []
    for t, month in enumerate(course.months):
        electricity.append(distress.electricity(month, per_employee=per_employee, nominal_employees=nominal, rng=rng))
        use = nominal * gas_per_employee * (0.05 + month.share) * rng.uniform(0.9, 1.1)
        gas.append(round(use) if gas_per_employee and not month.energy_cut else (0 if gas_per_employee else None))
        insured.append(distress.insured(course, t, nominal_employees=nominal, rng=rng, lag=lag))
    return UnitSignals(unit, course, electricity, gas, insured, rng.randrange(max(1, banks)))


def agency_signals_write(*, province: Province, months: list[Period], units: list[UnitSignals]) -> int:
    """Write the feeds and signals of the months (oldest first); returns how many signals."""
    agencies = {
        code: Organisation.objects.filter(province=province, agency_code=code).order_by("pk").first()
        for code in (AgencyCode.ELECTRICITY, AgencyCode.GAS, AgencyCode.SOCIAL_SECURITY, AgencyCode.TAX)
    }
    banks = list(Organisation.objects.filter(province=province, agency_code=AgencyCode.BANK).order_by("pk"))
    feeds: dict[tuple[int, int], SignalFeed] = {}
    rows: dict[tuple[int, int], list[tuple[int, str, str, int, int, str, int]]] = {}

    def add(org: Organisation | None, t: int, unit: Unit, kind: str, value: int) -> None:
        if org is None:
            return
        key = (org.pk, t)
        period = months[t]
        if key not in feeds:
            feeds[key] = SignalFeed(
                organisation=org, province=province, year=period.year, month=period.number, source=SignalSource.DEMO
            )
            rows[key] = []
        rows[key].append((unit.pk, unit.national_id, unit.name[:200], period.year, period.number, kind, value))

    for item in units:
        unit = item.unit
        bank = banks[item.bank_index % len(banks)] if banks else None
        for t, month in enumerate(item.course.months):
            add(agencies[AgencyCode.ELECTRICITY], t, unit, K.ELECTRICITY_KWH, item.electricity[t])
            gas = item.gas[t]
            if gas is not None:
                add(agencies[AgencyCode.GAS], t, unit, K.GAS_M3, gas)
            add(agencies[AgencyCode.SOCIAL_SECURITY], t, unit, K.INSURED_HEADCOUNT, item.insured[t])
            if month.insurance_debt:
                add(agencies[AgencyCode.SOCIAL_SECURITY], t, unit, K.INSURANCE_DEBT, month.insurance_debt)
            if month.tax_arrears:
                add(agencies[AgencyCode.TAX], t, unit, K.TAX_ARREARS, month.tax_arrears)
            if month.returned_cheques:
                add(bank, t, unit, K.RETURNED_CHEQUES, month.returned_cheques)
                add(bank, t, unit, K.RETURNED_CHEQUES_AMOUNT, month.cheques_amount)
            if month.overdue_instalments:
                add(bank, t, unit, K.OVERDUE_INSTALMENTS, month.overdue_instalments)
    for key, feed in feeds.items():
        feed.total_rows = feed.matched_rows = len(rows[key])
    SignalFeed.objects.bulk_create(list(feeds.values()), batch_size=1_000)
    columns = ("feed", "unit", "national_id", "name", "year", "month", "kind", "value")
    return insert_rows(Signal, columns, ((feed.pk, *row) for key, feed in feeds.items() for row in rows[key]))
