"""The Industry Needs Desk of the demo province, the same one for the same seed.

``demo_desk_build`` adds, after the registry and obstacle demos (``manage.py seed_demo``):

- 150 needs of demo production units (carpet, shoes, furniture, sohan and food, printing,
  packaging, building materials, detergents, textiles, mining, machinery and auto parts) for parts,
  raw materials, machines, processes, research problems and services they import or buy from other
  provinces. The texts are written one by one in ``data/desk/needs.jsonl``; this module decides
  which unit of the group posts each, the quantity and yearly value around the typical ones (0.5 to
  300 billion rials), the dates (a deadline at the end of a Jalali month), where it is supplied from
  today (read from the text: a foreign country or the word for imported means imported, another city
  or province means from another province), about 15% confidential (``Visibility.APPROVED``) and a
  few closed. The demo ``manager``'s carpet and tile factories have three needs, posted by him; every
  other need is posted by the demo ``expert`` on the unit's behalf (there are no users for the other
  demo companies).
- About 190 capabilities of the province's universities (their labs), knowledge-based firms,
  technology-park companies, the park itself and production units offering spare capacity, posted
  by the demo ``university`` user for her university and by the expert otherwise. The universities,
  firms and companies of ``data/desk/organisations.csv`` that the province does not have are created
  here with national IDs ``14`` + the province code (two digits) + a serial from
  ``ORG_SERIAL_START`` + a check digit; ``demo_desk_organisations`` finds them by that range.
- Proposals at every stage (``proposals``), and the province's domestic-manufacture target and two
  exhibitions (``exhibitions``).

Matches are not computed here: run ``manage.py recompute_matches`` afterwards. No attachments are
made (they would need files in the media storage).

Every random choice comes from one ``random.Random`` seeded with the seed and the province's code,
over ordered queries; dates are offsets from ``today``. Rows are written with ``bulk_create`` after
``normalise()`` (or ``normalise_text`` where ``save()`` would apply it). ``demo_desk_reset`` removes
all of it, in dependency order, before the obstacle and registry demos are reset.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

import jdatetime
from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import models, transaction
from django.db.models import ProtectedError, Q, RestrictedError

from rownaq.accounts.models import Organisation, OrganisationKind, User
from rownaq.core.jalali import jalali_month_bounds
from rownaq.core.normalise import normalise_text
from rownaq.demo import vocabulary
from rownaq.demo.exhibitions import ExhibitionsBuilder
from rownaq.demo.proposals import BILLION, NeedPlan, ProposalsBuilder, round_rials
from rownaq.demo.units import DEMO_USERNAMES, demo_units
from rownaq.demo.vocabulary import CapabilityText, NeedText
from rownaq.exhibitions.models import B2BMeeting, Booth, Exhibition, Exhibitor, Hall, VisitorRegistration
from rownaq.geography.models import Province
from rownaq.needs.models import (
    Agreement,
    Capability,
    DomesticTarget,
    Match,
    Need,
    NeedAccess,
    NeedAttachment,
    NeedKind,
    NeedState,
    Proposal,
    ProposalMessage,
    SupplySource,
    Visibility,
)
from rownaq.registry.models import Sector, SectorLevel, UnitStatus
from rownaq.registry.validators import national_id_check_digit

T = TypeVar("T")

DEMO_TARGET = 4_000 * BILLION
ORG_SERIAL_START = 900_001
CONFIDENTIAL_SHARE = 0.15
EXHIBITION_SLUG = r"^(needs-desk|small-industries)-[0-9]{4}(-[0-9]+)?$"


@dataclass
class DemoDeskSummary:
    created: bool = True
    needs: int = 0
    confidential: int = 0
    need_states: dict[str, int] = field(default_factory=dict)
    capabilities: int = 0
    organisations: int = 0
    proposals: int = 0
    states: dict[str, int] = field(default_factory=dict)
    messages: int = 0
    accesses: int = 0
    agreements: int = 0
    delivered: int = 0
    target: bool = False
    exhibitions: list[str] = field(default_factory=list)
    halls: int = 0
    booths: int = 0
    exhibitors: int = 0
    visitors: int = 0
    meetings: int = 0


# ---------------------------------------------------------------------------------------------
# Identification of demo rows


def demo_org_national_id(*, province_code: str, serial: int) -> str:
    first_ten = f"14{int(province_code):02d}{serial:06d}"
    return first_ten + str(national_id_check_digit(first_ten))


def demo_desk_organisations(*, province: Province) -> models.QuerySet[Organisation]:
    """The universities, firms and park companies this demo created in the province."""
    prefix = f"14{int(province.code):02d}"
    return Organisation.objects.filter(
        province=province,
        kind__in=[OrganisationKind.UNIVERSITY, OrganisationKind.KNOWLEDGE_FIRM, OrganisationKind.TECH_PARK],
        national_id__gte=f"{prefix}{ORG_SERIAL_START:06d}0",
        national_id__lte=f"{prefix}9999999",
    )


def _demo_users(province: Province) -> models.QuerySet[User]:
    return User.objects.filter(username__in=DEMO_USERNAMES, organisation__province=province)


def demo_desk_needs(*, province: Province) -> models.QuerySet[Need]:
    """Needs of the province's demo units, or posted by its demo users."""
    return Need.objects.filter(Q(unit__in=demo_units(province=province)) | Q(posted_by__in=_demo_users(province)))


def demo_desk_capabilities(*, province: Province) -> models.QuerySet[Capability]:
    """Capabilities of the demo's organisations, or posted in the province by its demo users."""
    return Capability.objects.filter(
        Q(owner__in=demo_desk_organisations(province=province))
        | Q(province=province, posted_by__in=_demo_users(province))
    )


def demo_desk_exhibitions(*, province: Province) -> models.QuerySet[Exhibition]:
    return Exhibition.objects.filter(province=province, slug__regex=EXHIBITION_SLUG)


@transaction.atomic
def demo_desk_reset(*, province: Province) -> int:
    """Delete the desk demo of the province in dependency order; returns the number of needs deleted."""
    need_ids = list(demo_desk_needs(province=province).values_list("pk", flat=True))
    capability_ids = list(demo_desk_capabilities(province=province).values_list("pk", flat=True))
    org_ids = list(demo_desk_organisations(province=province).values_list("pk", flat=True))
    exhibition_ids = list(demo_desk_exhibitions(province=province).values_list("pk", flat=True))
    users = list(_demo_users(province).values_list("pk", flat=True))
    with disable_auditlog():
        B2BMeeting.objects.filter(
            Q(exhibition__in=exhibition_ids) | Q(need__in=need_ids) | Q(capability__in=capability_ids)
        ).delete()
        VisitorRegistration.objects.filter(exhibition__in=exhibition_ids).delete()
        Booth.objects.filter(hall__exhibition__in=exhibition_ids).delete()
        Exhibitor.objects.filter(Q(exhibition__in=exhibition_ids) | Q(organisation__in=org_ids)).delete()
        Hall.objects.filter(exhibition__in=exhibition_ids).delete()
        Exhibition.objects.filter(pk__in=exhibition_ids).delete()
        proposal_ids = list(
            Proposal.objects.filter(
                Q(need__in=need_ids)
                | Q(capability__in=capability_ids)
                | Q(organisation__in=org_ids)
                | Q(submitted_by__in=users)
            ).values_list("pk", flat=True)
        )
        ProposalMessage.objects.filter(proposal__in=proposal_ids).delete()
        Agreement.objects.filter(proposal__in=proposal_ids).delete()
        Proposal.objects.filter(pk__in=proposal_ids).delete()
        NeedAccess.objects.filter(Q(need__in=need_ids) | Q(organisation__in=org_ids)).delete()
        NeedAttachment.objects.filter(need__in=need_ids).delete()
        Match.objects.filter(Q(need__in=need_ids) | Q(capability__in=capability_ids)).delete()
        Need.objects.filter(pk__in=need_ids).delete()
        Capability.objects.filter(pk__in=capability_ids).delete()
        DomesticTarget.objects.filter(province=province, value=DEMO_TARGET).delete()
        for organisation in Organisation.objects.filter(pk__in=org_ids).order_by("pk"):
            try:
                with transaction.atomic():
                    organisation.delete()
            except (ProtectedError, RestrictedError):
                pass  # still used by someone else's data; the next build reuses it
    return len(need_ids)


# ---------------------------------------------------------------------------------------------
# The builder


def _supply(text: NeedText) -> str:
    words = vocabulary.desk()
    if any(word in text.description for word in words.import_words):
        return SupplySource.IMPORTED
    if any(word in text.description for word in words.other_province_words):
        return SupplySource.OTHER_PROVINCE
    if text.kind in (NeedKind.RESEARCH, NeedKind.SERVICE):
        return SupplySource.NONE
    return SupplySource.IMPORTED


def _three_figures(value: float) -> Decimal:
    """A quantity as people write it: three significant figures, one decimal below 100."""
    if value >= 100:
        step = 10 ** (len(str(int(value))) - 2)
        return Decimal(round(value / step) * step)
    return Decimal(str(round(value, 1))).quantize(Decimal("0.01"))


class DeskBuilder:
    def __init__(self, *, province: Province, seed: int, today: dt.date, users: dict[str, User]) -> None:
        self.province = province
        self.rng = random.Random(f"rownaq-needs-demo:{seed}:{province.code}")
        self.today = today
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.now = self.at(today, 9)  # nothing has happened after this morning yet
        self.words = vocabulary.desk()
        self.expert = users["expert"]
        self.manager = users.get("manager")
        self.university = users.get("university")
        self.summary = DemoDeskSummary()
        self.sectors: dict[str, int] = dict(
            Sector.objects.filter(level=SectorLevel.CLASS).order_by("code").values_list("code", "pk")
        )
        self.needs: list[NeedPlan] = []
        self.capabilities: list[tuple[str, Capability, CapabilityText]] = []

    # -- helpers -------------------------------------------------------------------------------

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)

    def working_time(self, day: dt.date) -> dt.datetime:
        return self.at(day, self.rng.randint(8, 16), self.rng.choice((0, 10, 20, 30, 40, 50)))

    def later(self, moment: dt.datetime, low_days: float, high_days: float) -> dt.datetime:
        later = self.working_time((moment + dt.timedelta(days=self.rng.uniform(low_days, high_days))).date())
        return later if later > moment else moment + dt.timedelta(hours=self.rng.randint(1, 5))

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def _month_end(self, day: dt.date) -> dt.date:
        jalali = jdatetime.date.fromgregorian(date=day)
        return jalali_month_bounds(f"{jalali.year}/{jalali.month:02d}")[1]

    def is_university(self, organisation_id: int) -> bool:
        return self.university is not None and organisation_id == self.university.organisation_id

    # -- organisations -------------------------------------------------------------------------

    def _organisations(self) -> dict[str, int]:
        """Owner keys of the capabilities (``uni:qut``, ``org:…``, ``know:2``, ``park``) → organisation ids."""
        province, words = self.province, self.words
        existing = {
            (org.name, org.kind): org.pk
            for org in Organisation.objects.filter(province=province).only("pk", "name", "kind").order_by("pk")
        }
        rows = []
        for index, (kind, name) in enumerate(words.organisations.values()):
            if (normalise_text(name), kind) not in existing:
                national_id = demo_org_national_id(province_code=province.code, serial=ORG_SERIAL_START + index)
                rows.append(
                    Organisation(name=normalise_text(name), kind=kind, province=province, national_id=national_id)
                )
        Organisation.objects.bulk_create(rows)
        self.summary.organisations = len(rows)
        for org in rows:
            existing[(org.name, org.kind)] = org.pk
        owners = {
            f"org:{key}": existing[(normalise_text(name), kind)] for key, (kind, name) in words.organisations.items()
        }
        owners["uni:tvu"], owners["uni:jahad"] = owners.pop("org:tvu"), owners.pop("org:jahad")
        universities = sorted(pk for (_, kind), pk in existing.items() if kind == OrganisationKind.UNIVERSITY)
        fallback = (self.university.organisation_id if self.university else None) or universities[0]
        for key, name in words.universities.items():
            owners[f"uni:{key}"] = existing.get((normalise_text(name), OrganisationKind.UNIVERSITY)) or fallback
        firms = sorted((pk, name) for (name, kind), pk in existing.items() if kind == OrganisationKind.KNOWLEDGE_FIRM)
        for index, template in enumerate(vocabulary.units().knowledge_firms):
            prefix = normalise_text(template.split("{p}")[0])
            found = [pk for pk, name in firms if name.startswith(prefix) and pk not in owners.values()]
            owners[f"know:{index}"] = found[0] if found else owners["org:kavosh_shimi"]
        park_prefix = words.phrases["science_park_prefix"]
        parks = sorted(
            pk
            for (name, kind), pk in existing.items()
            if kind == OrganisationKind.TECH_PARK and name.startswith(park_prefix)
        )
        owners["park"] = parks[0] if parks else owners["org:park_design"]
        return owners

    # -- capabilities --------------------------------------------------------------------------

    def _capabilities(self, owners: dict[str, int], units_by_group: dict[str, list[tuple[int, int]]]) -> None:
        rng = self.rng
        used: set[int] = set()
        for group, entries in self.words.capabilities.items():
            for entry in entries:
                if entry.owner == "unit":
                    candidates = [u for u in units_by_group[group] if u[1] not in used] or units_by_group[group]
                    owner_id = self.pick(candidates)[1]
                    used.add(owner_id)
                else:
                    owner_id = owners[entry.owner]
                by = self.university if self.university and self.is_university(owner_id) else self.expert
                capability = Capability(
                    owner_id=owner_id,
                    posted_by=by,
                    title=entry.title,
                    description=entry.description,
                    hs_codes=entry.hs,
                    equipment=entry.equipment,
                    certifications=entry.certifications,
                    capacity=entry.capacity,
                    province=self.province,
                    is_public=rng.random() > 0.08,
                    created_at=self.now - dt.timedelta(days=rng.randint(15, 420), minutes=rng.randint(0, 600)),
                )
                capability.normalise()
                self.capabilities.append((group, capability, entry))
        Capability.objects.bulk_create([capability for _, capability, _ in self.capabilities])
        through = Capability.sectors.through
        links = [
            through(capability_id=capability.pk, sector_id=self.sectors[code])
            for _, capability, entry in self.capabilities
            for code in entry.isic.split()
            if code in self.sectors
        ]
        through.objects.bulk_create(links)
        self.summary.capabilities = len(self.capabilities)

    # -- needs ---------------------------------------------------------------------------------

    def _needs(self, units_by_group: dict[str, list[tuple[int, int]]], manager_units: dict[str, int]) -> None:
        rng = self.rng
        scripted = {(need.group, need.index): need.sector for need in self.words.manager_needs}
        for group, entries in self.words.needs.items():
            for index, entry in enumerate(entries):
                sector = scripted.get((group, index))
                manager = self.manager is not None and sector is not None and sector in manager_units
                if manager and self.manager is not None and sector is not None:
                    unit_id, owner_id = manager_units[sector], self.manager.organisation_id or 0
                else:
                    unit_id, owner_id = self.pick(units_by_group[group])
                age = rng.randint(70, 110) if manager else int(rng.triangular(3, 330, 90))
                created = self.working_time(self.today - dt.timedelta(days=age))
                factor = rng.uniform(0.6, 1.6)
                quantity = _three_figures(entry.quantity * factor) if entry.quantity else None
                value = min(300.0, max(0.5, entry.value * factor * rng.uniform(0.85, 1.15)))
                closed = not manager and age > 120 and rng.random() < 0.1
                if closed:
                    deadline = self._month_end(created.date() + dt.timedelta(days=rng.randint(30, age - 60)))
                else:
                    deadline = self._month_end(self.today + dt.timedelta(days=rng.randint(15, 240)))
                confidential = not manager and rng.random() < CONFIDENTIAL_SHARE
                need = Need(
                    unit_id=unit_id,
                    posted_by=self.manager if manager and self.manager else self.expert,
                    title=entry.title,
                    description=entry.description,
                    kind=entry.kind,
                    sector_id=self.sectors.get(entry.isic),
                    hs_code=entry.hs,
                    annual_quantity=quantity,
                    quantity_unit=entry.measure if quantity else "",
                    supplied_from=_supply(entry),
                    yearly_value=round_rials(value * BILLION),
                    deadline=deadline,
                    visibility=Visibility.APPROVED if confidential else Visibility.PUBLIC,
                    reply_days=self.pick((7, 10, 10, 14)),
                    state=NeedState.CLOSED if closed else NeedState.OPEN,
                    created_at=created,
                )
                need.normalise()
                self.needs.append(NeedPlan(need=need, group=group, text=entry, owner_id=owner_id, manager=manager))
        Need.objects.bulk_create([plan.need for plan in self.needs])
        self.summary.needs = len(self.needs)

    # -- the province's target ------------------------------------------------------------------

    def _target(self) -> None:
        year = jdatetime.date.fromgregorian(date=self.today).year
        if not DomesticTarget.objects.filter(province=self.province, year=year).exists():
            DomesticTarget.objects.create(province=self.province, year=year, value=DEMO_TARGET)
            self.summary.target = True

    # -- the whole -----------------------------------------------------------------------------

    def build(self) -> DemoDeskSummary:
        units = list(
            demo_units(province=self.province)
            .filter(status__in=[UnitStatus.ACTIVE, UnitStatus.SEMI_ACTIVE])
            .order_by("national_id")
            .values_list("pk", "sector__code", "owner_id")
        )
        if not units:
            return DemoDeskSummary(created=False)
        everyone = [(pk, owner) for pk, _, owner in units]
        units_by_group = {
            group: [(pk, owner) for pk, code, owner in units if code in codes] or everyone
            for group, codes in self.words.posters.items()
        }
        manager_units: dict[str, int] = {}
        if self.manager is not None:
            for pk, code, owner in units:
                if owner == self.manager.organisation_id:
                    manager_units.setdefault(code, pk)
        self._capabilities(self._organisations(), units_by_group)
        self._needs(units_by_group, manager_units)
        ProposalsBuilder(self).build()
        self._target()
        ExhibitionsBuilder(self).build()
        return self.summary


def demo_desk_build(*, province: Province, seed: int, today: dt.date) -> DemoDeskSummary:
    """Build the desk demo of the province; nothing (``created=False``) if present or without demo users."""
    users = {user.username: user for user in _demo_users(province).order_by("pk")}
    if "expert" not in users or demo_desk_needs(province=province).exists():
        return DemoDeskSummary(created=False)
    with transaction.atomic(), disable_auditlog():
        return DeskBuilder(province=province, seed=seed, today=today, users=users).build()
