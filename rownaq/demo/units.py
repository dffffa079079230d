"""The registry demo's identity: its constants, users, summary, how its rows are recognised, and its reset.

Demo units are recognised by their national IDs: ``10`` + the province code (two digits) + a
six-digit serial from ``UNIT_SERIAL_START`` + the check digit. Demo companies use serials from
``COMPANY_SERIAL_START``. ``demo_units_reset`` deletes those units and companies, the demo users
and the institutional organisations nothing else still refers to; ``seed.demo_province_reset``
deletes the province's obstacle cases first. ``province.demo_province_build`` builds them.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError

from rownaq.accounts.models import AgencyCode, Organisation, OrganisationKind, User
from rownaq.core.normalise import normalise_text
from rownaq.demo import vocabulary
from rownaq.demo.vocabulary import DemoUserSpec
from rownaq.geography.models import Province
from rownaq.registry.models import Contact, Licence, Product, Sector, SectorLevel, StatusChange, Unit
from rownaq.registry.validators import national_id_check_digit

DEMO_PASSWORD = "rownaq-demo"
DEFAULT_SEED = 1403
UNIT_SERIAL_START = 100_001
COMPANY_SERIAL_START = 700_001
MAX_UNITS_PER_PROVINCE = COMPANY_SERIAL_START - UNIT_SERIAL_START
NATIONAL_UNITS = sum(vocabulary.units().province_units.values())
QOM = "25"  # the demo province by default, whose estates and universities are real ones

DEMO_USERS: tuple[DemoUserSpec, ...] = vocabulary.units().users
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
    return vocabulary.units().province_units.get(province_code, 1_000)


def demo_national_units(*, total: int) -> dict[str, int]:
    """Split ``total`` units over the 31 provinces by their industrial weight (largest remainder)."""
    weights = vocabulary.units().province_units
    exact = {code: total * weight / NATIONAL_UNITS for code, weight in weights.items()}
    shares = {code: max(1, math.floor(value)) for code, value in exact.items()}
    by_remainder = sorted(weights, key=lambda code: (-(exact[code] - math.floor(exact[code])), int(code)))
    for code in by_remainder[: max(0, total - sum(shares.values()))]:
        shares[code] += 1
    return shares


# ---------------------------------------------------------------------------------------------
# The province's institutions, and the reset


def institutional_names(province: Province) -> list[tuple[str, str, str, str]]:
    """(key, kind, name, agency code) of the province's institutional organisations, in a fixed order."""
    words = vocabulary.units()
    phrases = words.phrases
    info = words.provinces.get(province.code)
    capital = info.capital_city if info else province.name
    name = province.name
    rows: list[tuple[str, str, str, str]] = [
        ("governorate", OrganisationKind.GOVERNORATE, phrases["governorate"].format(province=name), ""),
        ("smt", OrganisationKind.SMT, phrases["smt"].format(province=name), AgencyCode.SMT),
    ]
    for index, bank in enumerate(words.banks):
        key = "bank_mellat" if bank == phrases["liaison_bank"] else f"bank_{index}"
        text = phrases["bank_branches"].format(bank=bank, province=name)
        rows.append((key, OrganisationKind.BANK, text, AgencyCode.BANK))
    for index, (template, code) in enumerate(words.agencies):
        key = "tax" if index == 0 else f"agency_{index}"
        rows.append((key, OrganisationKind.AGENCY, template.format(province=name, capital=capital), code))
    universities = (
        words.qom_universities
        if province.code == QOM
        else (phrases["azad_university"].format(capital=capital), phrases["technical_university"].format(province=name))
    )
    for index, university in enumerate(universities):
        # Qom's member university is the one the demo's member works at.
        member = university == phrases["member_university"] or (province.code != QOM and index == 0)
        rows.append(("university" if member else f"university_{index}", OrganisationKind.UNIVERSITY, university, ""))
    rows.append(("tech_park", OrganisationKind.TECH_PARK, phrases["tech_park"].format(province=name), ""))
    return [(key, kind, normalise_text(text), code) for key, kind, text, code in rows]


@transaction.atomic
def demo_units_reset(*, province: Province) -> int:
    """Delete the province's demo units, companies, users and unreferenced organisations (not its cases)."""
    words = vocabulary.units()
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
        names = [name for _, _, name, _ in institutional_names(province)]
        prefixes = [normalise_text(t.split("{p}")[0]) for t in (*words.knowledge_firms, *words.investors)]
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
