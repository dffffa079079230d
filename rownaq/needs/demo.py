"""The Industry Needs Desk of the demo province, the same one for the same seed.

``demo_desk_build`` adds, after the registry and obstacle demos (``manage.py seed_demo``):

- 150 needs of demo production units (carpet, shoes, furniture, sohan and food, printing,
  packaging, building materials, detergents, textiles, mining, machinery and auto parts) for parts,
  raw materials, machines, processes, research problems and services they import or buy from other
  provinces. The texts are written one by one in ``rownaq.needs.demo_texts``; this module decides
  which unit of the group posts each, the quantity and yearly value around the typical ones (0.5 to
  300 billion rials), the dates (a deadline at the end of a Jalali month), where it is supplied from
  today (read from the text: a foreign country or «وارداتی» means imported, another city or
  province means from another province), about 15% confidential (``Visibility.APPROVED``) and a few
  closed. The demo ``manager``'s carpet and tile factories have three needs, posted by him; every
  other need is posted by the demo ``expert`` on the unit's behalf (there are no users for the other
  demo companies).
- About 190 capabilities of the province's universities (their labs), knowledge-based firms,
  technology-park companies, the park itself and production units offering spare capacity, posted
  by the demo ``university`` user for her university («دانشگاه صنعتی قم») and by the expert otherwise.
  The universities, firms and companies of ``demo_texts.ORGANISATIONS`` that the province does not
  have are created here with national IDs ``14`` + the province code (two digits) + a serial from
  ``ORG_SERIAL_START`` + a check digit; ``demo_desk_organisations`` finds them by that range.
- Proposals at every stage: submitted (about a third unanswered for longer than the need's
  ``reply_days``, so the reminder job has work), shortlisted with a thread of questions and answers,
  accepted with an ``Agreement`` (some delivered, with the imports replaced and, for imported needs,
  the currency saved; the need is then ``AGREED``), declined with a reason and a note, and
  withdrawn. ``first_reply_at`` is the owner's first answer: the shortlisting or the decline.
  Proposals of «دانشگاه صنعتی قم» are submitted by the demo ``university`` user, the others by the
  expert on the owner's behalf; in threads the need side writes as the manager (his units) or the
  expert. Organisations that propose on a confidential need were approved (``NeedAccess``); a few
  others asked or were declined.
- The province's domestic-manufacture target (``DEMO_TARGET`` rials) for the Jalali year of
  ``today``, if it has none.
- A running Industry Needs Desk exhibition (from three weeks before ``today`` to six weeks after,
  10:00-18:00) with three halls of 12 booths, about 30 exhibitors showing their public needs and
  capabilities, visitors and B2B meetings on a grid of ``meeting_minutes`` slots within the opening
  hours (no organisation or booth is ever in two meetings at once); and the small-industries
  exhibition of 1-4 Shahrivar (17:00-22:00) of the latest year in which it is over, with units and
  firms showing capabilities. Their slugs are ``needs-desk-<year>`` and ``small-industries-<year>``
  (``-<province code>`` appended outside Qom); ``demo_desk_exhibitions`` finds them by that form.

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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import jdatetime
from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import models, transaction
from django.db.models import ProtectedError, Q, RestrictedError

from rownaq.accounts.models import Organisation, OrganisationKind, User
from rownaq.core.jalali import jalali_month_bounds
from rownaq.core.normalise import normalise_digits_only, normalise_text
from rownaq.exhibitions.models import (
    B2BMeeting,
    Booth,
    Exhibition,
    ExhibitionKind,
    Exhibitor,
    Hall,
    VisitorRegistration,
)
from rownaq.geography.models import Province
from rownaq.needs import demo_texts as texts
from rownaq.needs.models import (
    Agreement,
    Capability,
    DeclineReason,
    DomesticTarget,
    Match,
    Need,
    NeedAccess,
    NeedAccessState,
    NeedAttachment,
    NeedKind,
    NeedState,
    Proposal,
    ProposalEvent,
    ProposalEventKind,
    ProposalMessage,
    ProposalState,
    SupplySource,
    Visibility,
)
from rownaq.registry.demo import vocabulary as registry_vocab
from rownaq.registry.demo.generator import DEMO_USERNAMES, demo_units
from rownaq.registry.models import Sector, SectorLevel, UnitStatus
from rownaq.registry.validators import national_id_check_digit

T = TypeVar("T")
PS = ProposalState

BILLION = 1_000_000_000
DEMO_TARGET = 4_000 * BILLION
RIALS_PER_USD = 950_000  # for the foreign currency a delivered agreement saves
ORG_SERIAL_START = 900_001
CONFIDENTIAL_SHARE = 0.15
OVERDUE_SHARE = 0.35  # of submitted proposals: unanswered for longer than the need promises

UNIVERSITY_NAMES = {"qut": "دانشگاه صنعتی قم", "qom": "دانشگاه قم", "azad": "دانشگاه آزاد اسلامی واحد قم"}
IMPORT_WORDS = (
    "وارد", "چین", "ترکیه", "ترک ", "آلمان", "ایتالیا", "هند", "کره", "اروپا", "ژاپن", "سوئد", "امارات", "روسیه",
    "تایوان", "بلژیک", "فرانسه", "اسپانیا", "اتریش", "خارجی", "تحریم", "مالزی", "آفریقای",
)  # fmt: skip
OTHER_PROVINCE_WORDS = (
    "تهران", "استان‌های دیگر", "شهرهای دیگر", "یزد", "تبریز", "اصفهان", "کاشان", "اراک", "استان مرکزی",
)  # fmt: skip
# The demo manager's needs, (group, index in demo_texts.NEEDS[group], ISIC class of his unit), and
# the proposals they have: (capability title, state).
MANAGER_NEEDS: tuple[tuple[str, int, str], ...] = (
    ("carpet", 2, "1393"),
    ("carpet", 3, "1393"),
    ("building", 4, "2393"),
)
MANAGER_PROPOSALS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("ساخت نوار راپیر کامپوزیتی و سر راپیر", PS.ACCEPTED),),
    (
        ("طراحی و ساخت برد کنترل جکارد الکترونیک", PS.SHORTLISTED),
        ("تعمیر و ارتقای کنترل ماشین‌های فرش‌بافی", PS.SUBMITTED),
    ),
    (("آزمایشگاه سرامیک: غلتک و قطعات نسوز", PS.SUBMITTED),),
)  # fmt: skip


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
    return Exhibition.objects.filter(
        province=province, slug__regex=r"^(needs-desk|small-industries)-[0-9]{4}(-[0-9]+)?$"
    )


def _slug(kind: str, year: int, province: Province) -> str:
    return f"{kind}-{year}" if province.code == "25" else f"{kind}-{year}-{province.code}"


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


def _supply(text: texts.NeedText) -> str:
    if any(word in text.description for word in IMPORT_WORDS):
        return SupplySource.IMPORTED
    if any(word in text.description for word in OTHER_PROVINCE_WORDS):
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


def _round_rials(value: float) -> int:
    return round(value / 10_000_000) * 10_000_000


@dataclass
class _Need:
    need: Need
    group: str
    text: texts.NeedText
    owner_id: int  # the unit's company
    manager: bool = False
    proposals: list[_Proposal] = field(default_factory=list)


@dataclass
class _Proposal:
    proposal: Proposal
    plan: _Need
    capability: Capability
    messages: list[ProposalMessage] = field(default_factory=list)
    agreement: Agreement | None = None


class _DeskBuilder:
    def __init__(self, *, province: Province, seed: int, today: dt.date, users: dict[str, User]) -> None:
        self.province = province
        self.rng = random.Random(f"rownaq-needs-demo:{seed}:{province.code}")
        self.today = today
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.now = self._at(today, 9)  # nothing has happened after this morning yet
        self.expert = users["expert"]
        self.manager = users.get("manager")
        self.university = users.get("university")
        self.summary = DemoDeskSummary()
        self.sectors: dict[str, int] = dict(
            Sector.objects.filter(level=SectorLevel.CLASS).order_by("code").values_list("code", "pk")
        )
        self.needs: list[_Need] = []
        self.capabilities: list[tuple[str, Capability, texts.CapabilityText]] = []
        self.proposals: list[_Proposal] = []
        self.accesses: list[NeedAccess] = []

    # -- helpers -------------------------------------------------------------------------------

    def _at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)

    def _working_time(self, day: dt.date) -> dt.datetime:
        return self._at(day, self.rng.randint(8, 16), self.rng.choice((0, 10, 20, 30, 40, 50)))

    def _later(self, moment: dt.datetime, low_days: float, high_days: float) -> dt.datetime:
        later = self._working_time((moment + dt.timedelta(days=self.rng.uniform(low_days, high_days))).date())
        return later if later > moment else moment + dt.timedelta(hours=self.rng.randint(1, 5))

    def _pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def _month_end(self, day: dt.date) -> dt.date:
        jalali = jdatetime.date.fromgregorian(date=day)
        return jalali_month_bounds(f"{jalali.year}/{jalali.month:02d}")[1]

    def _is_university(self, organisation_id: int) -> bool:
        return self.university is not None and organisation_id == self.university.organisation_id

    # -- organisations -------------------------------------------------------------------------

    def _organisations(self) -> dict[str, int]:
        """Owner keys of ``demo_texts`` (``uni:qut``, ``org:…``, ``know:2``, ``park``) → organisation ids."""
        province = self.province
        existing = {
            (org.name, org.kind): org.pk
            for org in Organisation.objects.filter(province=province).only("pk", "name", "kind").order_by("pk")
        }
        rows = []
        for index, (kind, name) in enumerate(texts.ORGANISATIONS.values()):
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
            f"org:{key}": existing[(normalise_text(name), kind)] for key, (kind, name) in texts.ORGANISATIONS.items()
        }
        owners["uni:tvu"], owners["uni:jahad"] = owners.pop("org:tvu"), owners.pop("org:jahad")
        universities = sorted(pk for (_, kind), pk in existing.items() if kind == OrganisationKind.UNIVERSITY)
        fallback = (self.university.organisation_id if self.university else None) or universities[0]
        for key, name in UNIVERSITY_NAMES.items():
            owners[f"uni:{key}"] = existing.get((normalise_text(name), OrganisationKind.UNIVERSITY)) or fallback
        firms = sorted((pk, name) for (name, kind), pk in existing.items() if kind == OrganisationKind.KNOWLEDGE_FIRM)
        for index, template in enumerate(registry_vocab.KNOWLEDGE_FIRMS):
            prefix = normalise_text(template.split("{p}")[0])
            found = [pk for pk, name in firms if name.startswith(prefix) and pk not in owners.values()]
            owners[f"know:{index}"] = found[0] if found else owners["org:kavosh_shimi"]
        parks = sorted(
            pk
            for (name, kind), pk in existing.items()
            if kind == OrganisationKind.TECH_PARK and name.startswith("پارک علم و فناوری")
        )
        owners["park"] = parks[0] if parks else owners["org:park_design"]
        return owners

    # -- capabilities --------------------------------------------------------------------------

    def _capabilities(self, owners: dict[str, int], units_by_group: dict[str, list[tuple[int, int]]]) -> None:
        rng = self.rng
        used: set[int] = set()
        for group, entries in texts.CAPABILITIES.items():
            for entry in entries:
                if entry.owner == "unit":
                    candidates = [u for u in units_by_group[group] if u[1] not in used] or units_by_group[group]
                    owner_id = self._pick(candidates)[1]
                    used.add(owner_id)
                else:
                    owner_id = owners[entry.owner]
                by = self.university if self.university and self._is_university(owner_id) else self.expert
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
        scripted = {(group, index): sector for group, index, sector in MANAGER_NEEDS}
        for group, entries in texts.NEEDS.items():
            for index, entry in enumerate(entries):
                sector = scripted.get((group, index))
                manager = self.manager is not None and sector is not None and sector in manager_units
                if manager and self.manager is not None and sector is not None:
                    unit_id, owner_id = manager_units[sector], self.manager.organisation_id or 0
                else:
                    unit_id, owner_id = self._pick(units_by_group[group])
                age = rng.randint(70, 110) if manager else int(rng.triangular(3, 330, 90))
                created = self._working_time(self.today - dt.timedelta(days=age))
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
                    yearly_value=_round_rials(value * BILLION),
                    deadline=deadline,
                    visibility=Visibility.APPROVED if confidential else Visibility.PUBLIC,
                    reply_days=self._pick((7, 10, 10, 14)),
                    state=NeedState.CLOSED if closed else NeedState.OPEN,
                    created_at=created,
                )
                need.normalise()
                self.needs.append(_Need(need=need, group=group, text=entry, owner_id=owner_id, manager=manager))
        Need.objects.bulk_create([plan.need for plan in self.needs])
        self.summary.needs = len(self.needs)

    # -- proposals -----------------------------------------------------------------------------

    def _submitter(self, capability: Capability) -> User:
        if self.university is not None and self._is_university(capability.owner_id):
            return self.university
        return self.expert

    def _owner_side(self, plan: _Need) -> User:
        return self.manager if plan.manager and self.manager else self.expert

    def _proposal(self, plan: _Need, capability: Capability, state: str, *, delivered: bool = False) -> None:
        """One proposal whose whole history lies between the need's posting and this morning."""
        rng, need = self.rng, plan.need
        reply = need.reply_days
        first = need.created_at + dt.timedelta(days=1)
        spans: dict[str, float] = {
            PS.SUBMITTED: 0.0,
            PS.WITHDRAWN: 20.0,
            PS.DECLINED: reply + 6.0,
            PS.SHORTLISTED: reply + 8.0,
            PS.ACCEPTED: reply + 45.0 + (80 if delivered else 0),
        }
        latest = self.now - dt.timedelta(days=spans[state] + 1)
        if latest <= first and state != PS.SUBMITTED:
            if state == PS.ACCEPTED and delivered:
                self._proposal(plan, capability, state)
                return
            state = PS.SUBMITTED
        if state == PS.SUBMITTED:
            age = (self.now - first).total_seconds() / 86400
            if rng.random() < OVERDUE_SHARE and age > reply + 2:
                days = rng.uniform(reply + 1, min(age, reply + 30))
            else:
                days = rng.uniform(0.3, max(0.5, min(age, reply - 1)))
            submitted = self._working_time((self.now - dt.timedelta(days=days)).date())
            submitted = min(max(submitted, first), self.now - dt.timedelta(hours=2))
        else:
            span = max(0.0, (latest - first).total_seconds())
            submitted = self._working_time((first + dt.timedelta(seconds=rng.uniform(0, span))).date())
        research = need.kind in (NeedKind.RESEARCH, NeedKind.SERVICE)
        price = _round_rials(
            (need.yearly_value or BILLION) * (rng.uniform(0.6, 1.0) if research else rng.uniform(0.25, 0.9))
        )
        proposal = Proposal(
            capability=capability,
            organisation_id=capability.owner_id,
            submitted_by=self._submitter(capability),
            text=normalise_text(self._pick(texts.OFFERS)),
            price=price,
            delivery=normalise_text(self._pick(texts.DELIVERIES)),
            state=state,
            submitted_at=submitted,
        )
        item = _Proposal(proposal=proposal, plan=plan, capability=capability)
        owner_side, proposer = self._owner_side(plan), self._submitter(capability)
        if state in (PS.SHORTLISTED, PS.ACCEPTED):
            shortlisted = self._later(submitted, 1, reply - 1 if rng.random() < 0.85 else reply + 4)
            proposal.first_reply_at = shortlisted
            moment = shortlisted
            for question, answer in rng.sample(texts.THREADS, rng.randint(1, 2)):
                asked = moment + dt.timedelta(minutes=rng.randint(5, 90))
                answered = self._later(asked, 0.1, 3)
                item.messages.append(
                    ProposalMessage(author=owner_side, text=normalise_text(question), created_at=asked)
                )
                item.messages.append(ProposalMessage(author=proposer, text=normalise_text(answer), created_at=answered))
                moment = answered
            if state == PS.ACCEPTED:
                decided = self._later(moment, 2, 12)
                proposal.decided_at = decided
                signed_on = min(
                    (decided + dt.timedelta(days=rng.randint(2, 14))).date(), self.today - dt.timedelta(days=1)
                )
                agreement = Agreement(value=_round_rials(price * rng.uniform(0.88, 1.0)), signed_on=signed_on)
                delivered_on = signed_on + dt.timedelta(days=rng.randint(20, 75))
                if delivered and delivered_on < self.today:
                    agreement.delivered_on = delivered_on
                    replaced = _round_rials((need.yearly_value or 0) * rng.uniform(0.4, 1.0))
                    agreement.import_value_replaced = replaced
                    if need.supplied_from == SupplySource.IMPORTED:
                        agreement.currency_saved_usd = Decimal(replaced // RIALS_PER_USD).quantize(Decimal("1.00"))
                item.agreement = agreement
        elif state == PS.DECLINED:
            decided = self._later(submitted, 1, reply + 4)
            proposal.first_reply_at = proposal.decided_at = decided
            reasons = (
                DeclineReason.PRICE, DeclineReason.PRICE, DeclineReason.QUALITY, DeclineReason.CAPACITY,
                DeclineReason.TIME, DeclineReason.EXPERIENCE, DeclineReason.SOLVED, DeclineReason.OTHER,
            )  # fmt: skip
            reason = DeclineReason.SOLVED if need.state == NeedState.CLOSED else self._pick(reasons)
            proposal.decline_reason = reason
            proposal.decline_note = normalise_text(self._pick(texts.DECLINE_NOTES[reason]))
        elif state == PS.WITHDRAWN:
            proposal.decided_at = self._later(submitted, 2, 18)
        self.proposals.append(item)
        plan.proposals.append(item)

    def _access(self, plan: _Need, organisation_id: int, state: str, before: dt.datetime, by: User) -> None:
        created = plan.need.created_at
        asked = self._later(created, 0, max(0.5, (before - created).days - 1))
        asked = max(created + dt.timedelta(minutes=30), min(asked, before - dt.timedelta(hours=3)))
        decided = None
        if state != NeedAccessState.REQUESTED:
            decided = max(
                asked, min(asked + dt.timedelta(hours=self.rng.randint(2, 60)), before - dt.timedelta(hours=1))
            )
        self.accesses.append(
            NeedAccess(
                need=plan.need,
                organisation_id=organisation_id,
                state=state,
                requested_by=by,
                decided_at=decided,
                decided_by=self._owner_side(plan) if decided else None,
            )
        )

    def _plan_proposals(self) -> None:
        rng = self.rng
        by_group: dict[str, list[Capability]] = {}
        by_title: dict[str, Capability] = {}
        for group, capability, _ in self.capabilities:
            by_group.setdefault(group, []).append(capability)
            by_title[capability.title] = capability
        for plan, scripted in zip([plan for plan in self.needs if plan.manager], MANAGER_PROPOSALS, strict=False):
            for title, state in scripted:
                offered = by_title.get(normalise_text(title))
                if offered is not None:
                    self._proposal(plan, offered, state)
        for plan in self.needs:
            if plan.manager:
                continue
            need = plan.need
            count = self._pick((0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4))
            candidates = [c for c in by_group[plan.group] if c.owner_id != plan.owner_id]
            rng.shuffle(candidates)
            chosen: list[Capability] = []
            for capability in candidates:
                if len(chosen) == count:
                    break
                if all(capability.owner_id != other.owner_id for other in chosen):
                    chosen.append(capability)
            agreed = need.state == NeedState.OPEN and (self.now - need.created_at).days > 75 and rng.random() < 0.22
            for position, capability in enumerate(chosen):
                if agreed and position == 0:
                    self._proposal(plan, capability, PS.ACCEPTED, delivered=rng.random() < 0.6)
                    continue
                if need.state == NeedState.CLOSED or agreed:
                    state = PS.DECLINED if rng.random() < 0.8 else PS.WITHDRAWN
                else:
                    state = self._pick(
                        (PS.SUBMITTED,) * 7 + (PS.SHORTLISTED,) * 5 + (PS.DECLINED,) * 4 + (PS.WITHDRAWN,) * 2
                    )
                self._proposal(plan, capability, state)
        for plan in self.needs:
            if any(item.proposal.state == PS.ACCEPTED for item in plan.proposals):
                plan.need.state = NeedState.AGREED
        # Confidential needs: the proposers were approved; a few others asked or were turned down.
        owners = sorted({capability.owner_id for _, capability, _ in self.capabilities})
        for plan in self.needs:
            if plan.need.visibility != Visibility.APPROVED:
                continue
            seen: set[int] = set()
            for item in plan.proposals:
                proposal = item.proposal
                if proposal.organisation_id not in seen:
                    seen.add(proposal.organisation_id)
                    by = self._submitter(item.capability)
                    self._access(plan, proposal.organisation_id, NeedAccessState.APPROVED, proposal.submitted_at, by)
            organisation_id = self._pick(owners)
            if rng.random() < 0.6 and organisation_id not in seen and organisation_id != plan.owner_id:
                state = NeedAccessState.REQUESTED if rng.random() < 0.6 else NeedAccessState.DECLINED
                by = self.university if self.university and self._is_university(organisation_id) else self.expert
                self._access(plan, organisation_id, state, self.now, by)

    def _events(self) -> list[ProposalEvent]:
        """Each proposal's history, as the services would have written it step by step."""
        events: list[ProposalEvent] = []
        kinds: dict[str, str] = {
            PS.ACCEPTED: ProposalEventKind.ACCEPTED,
            PS.DECLINED: ProposalEventKind.DECLINED,
            PS.WITHDRAWN: ProposalEventKind.WITHDRAWN,
        }
        for item in self.proposals:
            proposal, owner_side = item.proposal, self._owner_side(item.plan)
            steps: list[tuple[str, User, dt.datetime, str]] = [
                (ProposalEventKind.SUBMITTED, proposal.submitted_by, proposal.submitted_at, "")
            ]
            if proposal.state in (PS.SHORTLISTED, PS.ACCEPTED) and proposal.first_reply_at:
                steps.append((ProposalEventKind.SHORTLISTED, owner_side, proposal.first_reply_at, ""))
            steps += [(ProposalEventKind.MESSAGE, m.author, m.created_at, "") for m in item.messages]
            if proposal.state in kinds and proposal.decided_at:
                by = proposal.submitted_by if proposal.state == PS.WITHDRAWN else owner_side
                note = str(DeclineReason(proposal.decline_reason).label) if proposal.state == PS.DECLINED else ""
                steps.append((kinds[proposal.state], by, proposal.decided_at, note))
            events += [ProposalEvent(proposal=proposal, kind=k, by=by, at=at, note=n) for k, by, at, n in steps]
        return events

    def _write_proposals(self) -> None:
        for item in self.proposals:
            item.proposal.need = item.plan.need
        proposals = [item.proposal for item in self.proposals]
        Proposal.objects.bulk_create(proposals)
        messages: list[ProposalMessage] = []
        agreements: list[Agreement] = []
        for item in self.proposals:
            for message in item.messages:
                message.proposal = item.proposal
                message.created_at = min(message.created_at, self.now - dt.timedelta(minutes=30))
                messages.append(message)
            if item.agreement is not None:
                item.agreement.proposal = item.proposal
                agreements.append(item.agreement)
        ProposalMessage.objects.bulk_create(messages)
        ProposalEvent.objects.bulk_create(self._events())
        Agreement.objects.bulk_create(agreements)
        NeedAccess.objects.bulk_create(self.accesses)
        agreed = [plan.need.pk for plan in self.needs if plan.need.state == NeedState.AGREED]
        Need.objects.filter(pk__in=agreed).update(state=NeedState.AGREED)
        summary = self.summary
        summary.proposals = len(proposals)
        summary.states = dict(sorted(Counter(str(proposal.state) for proposal in proposals).items()))
        summary.messages = len(messages)
        summary.agreements = len(agreements)
        summary.delivered = sum(agreement.delivered_on is not None for agreement in agreements)
        summary.accesses = len(self.accesses)
        summary.need_states = dict(sorted(Counter(str(plan.need.state) for plan in self.needs).items()))
        summary.confidential = sum(plan.need.visibility == Visibility.APPROVED for plan in self.needs)

    # -- target and exhibitions ----------------------------------------------------------------

    def _target(self) -> None:
        year = jdatetime.date.fromgregorian(date=self.today).year
        if not DomesticTarget.objects.filter(province=self.province, year=year).exists():
            DomesticTarget.objects.create(province=self.province, year=year, value=DEMO_TARGET)
            self.summary.target = True

    def _exhibition(self, **fields: Any) -> Exhibition:
        exhibition = Exhibition(province=self.province, **fields)
        exhibition.save()  # one row: save() normalises the title, venue and description
        self.summary.exhibitions.append(exhibition.slug)
        return exhibition

    def _halls(self, exhibition: Exhibition, names: Sequence[str], per_hall: int) -> list[list[Booth]]:
        halls = Hall.objects.bulk_create([Hall(exhibition=exhibition, name=normalise_text(name)) for name in names])
        self.summary.halls += len(halls)
        self.summary.booths += per_hall * len(halls)
        return [
            [Booth(hall=hall, code=f"{number}{index:02d}") for index in range(1, per_hall + 1)]
            for number, hall in enumerate(halls, start=1)
        ]

    def _exhibitors(
        self,
        exhibition: Exhibition,
        rows: list[tuple[int, list[Need], list[Capability], int]],
        booths: list[list[Booth]],
    ) -> dict[int, Booth]:
        """``rows``: (organisation, needs shown, capabilities shown, preferred hall); returns organisation → booth."""
        exhibitors = Exhibitor.objects.bulk_create(
            [Exhibitor(exhibition=exhibition, organisation_id=org) for org, _, _, _ in rows]
        )
        free = [list(hall) for hall in booths]
        placed: dict[int, Booth] = {}
        need_links: list[Any] = []
        capability_links: list[Any] = []
        for exhibitor, (org, needs, capabilities, hall) in zip(exhibitors, rows, strict=True):
            target = next(h for h in [hall, *range(len(free))] if free[h])
            booth = free[target].pop(0)
            booth.exhibitor = exhibitor
            placed[org] = booth
            need_links += [Exhibitor.needs.through(exhibitor_id=exhibitor.pk, need_id=need.pk) for need in needs]
            capability_links += [
                Exhibitor.capabilities.through(exhibitor_id=exhibitor.pk, capability_id=capability.pk)
                for capability in capabilities
            ]
        Booth.objects.bulk_create([booth for hall in booths for booth in hall])
        Exhibitor.needs.through.objects.bulk_create(need_links)
        Exhibitor.capabilities.through.objects.bulk_create(capability_links)
        self.summary.exhibitors += len(exhibitors)
        return placed

    def _visitors(self, exhibition: Exhibition, count: int, registered_until: dt.datetime) -> None:
        rng = self.rng
        phones: set[str] = set()
        rows: list[VisitorRegistration] = []
        days = (exhibition.ends_on - exhibition.starts_on).days
        opened = self._at(exhibition.starts_on - dt.timedelta(days=14), 10)
        span = max(60, int((registered_until - opened).total_seconds()))
        while len(rows) < count:
            phone = f"09{rng.choice((12, 19, 35, 36, 37, 13, 10, 90))}{rng.randint(1_000_000, 9_999_999)}"
            if phone in phones:
                continue
            phones.add(phone)
            first = self._pick(
                registry_vocab.FEMALE_FIRST_NAMES if rng.random() < 0.3 else registry_vocab.MALE_FIRST_NAMES
            )
            registered = opened + dt.timedelta(seconds=rng.randint(0, span))
            visit_on = exhibition.starts_on + dt.timedelta(days=rng.randint(0, days))
            rows.append(
                VisitorRegistration(
                    exhibition=exhibition,
                    name=normalise_text(f"{first} {self._pick(registry_vocab.SURNAMES)}"),
                    organisation=normalise_text(self._pick(texts.VISITOR_ORGANISATIONS)),
                    phone=normalise_digits_only(phone),
                    visit_on=min(max(visit_on, registered.date()), exhibition.ends_on),
                    registered_at=registered,
                )
            )
        VisitorRegistration.objects.bulk_create(rows)
        self.summary.visitors += len(rows)

    def _running_exhibition(self) -> None:
        rng, today, name = self.rng, self.today, self.province.name
        exhibition = self._exhibition(
            title=f"نمایشگاه میز نیاز صنعت استان {name}",
            slug=_slug("needs-desk", jdatetime.date.fromgregorian(date=today).year, self.province),
            kind=ExhibitionKind.NEEDS_DESK,
            starts_on=today - dt.timedelta(days=21),
            ends_on=today + dt.timedelta(days=42),
            opens_at=dt.time(10, 0),
            closes_at=dt.time(18, 0),
            venue=f"محل دائمی نمایشگاه‌های بین‌المللی {name}",
            description=texts.EXHIBITION_DESCRIPTION,
            meeting_minutes=30,
        )
        halls = ("سالن ۱: نیازهای واحدهای تولیدی", "سالن ۲: دانشگاه‌ها و شرکت‌های دانش‌بنیان", "سالن ۳: ماشین‌سازی و قطعات")
        booths = self._halls(exhibition, halls, 12)
        # Units show their public needs (the manager's company first); labs and firms their public capabilities.
        needs: dict[int, list[Need]] = {}
        need_groups: dict[int, str] = {}
        for plan in self.needs:
            if plan.need.visibility == Visibility.PUBLIC and plan.need.state != NeedState.CLOSED:
                needs.setdefault(plan.owner_id, []).append(plan.need)
                need_groups.setdefault(plan.owner_id, plan.group)
        manager_company = self.manager.organisation_id if self.manager else None
        units = [manager_company] if manager_company in needs else []
        others = [org for org in sorted(needs) if org != manager_company]
        units += rng.sample(others, min(16 - len(units), len(others)))
        capabilities: dict[int, list[Capability]] = {}
        capability_groups: dict[int, str] = {}
        for group, capability, entry in self.capabilities:
            if capability.is_public and entry.owner != "unit":
                capabilities.setdefault(capability.owner_id, []).append(capability)
                capability_groups.setdefault(capability.owner_id, group)
        university = self.university.organisation_id if self.university else None
        labs = [university] if university in capabilities else []
        others = [org for org in sorted(capabilities) if org not in labs and org not in units]
        labs += rng.sample(others, min(15 - len(labs), len(others)))
        rows: list[tuple[int, list[Need], list[Capability], int]] = [
            (org, needs[org], [], 2 if need_groups[org] == "machinery" else 0) for org in units if org
        ]
        rows += [(org, [], capabilities[org], 2 if capability_groups[org] == "machinery" else 1) for org in labs if org]
        placed = self._exhibitors(exhibition, rows, booths)
        self._visitors(exhibition, 28, self.now)
        self._meetings(exhibition, placed, {org: needs[org] for org in units if org}, capabilities)

    def _meetings(
        self,
        exhibition: Exhibition,
        placed: dict[int, Booth],
        needs: dict[int, list[Need]],
        capabilities: dict[int, list[Capability]],
    ) -> None:
        """B2B meetings on a grid of slots: no organisation or booth is ever in two at once."""
        rng = self.rng
        minutes = exhibition.meeting_minutes
        opens = dt.datetime.combine(exhibition.starts_on, exhibition.opens_at)
        closes = dt.datetime.combine(exhibition.starts_on, exhibition.closes_at)
        slots = int((closes - opens).total_seconds() // (minutes * 60))
        days = (exhibition.ends_on - exhibition.starts_on).days + 1
        plans = {plan.need.pk: plan for plan in self.needs}
        groups = {capability.pk: group for group, capability, _ in self.capabilities}
        pairs = [
            (need, capability)
            for need_owner in sorted(needs)
            for need in needs[need_owner]
            for capability_owner in sorted(set(capabilities) & set(placed))
            for capability in capabilities[capability_owner]
            if groups[capability.pk] == plans[need.pk].group
        ]
        rng.shuffle(pairs)
        busy: set[tuple[str, int, int, int]] = set()
        rows: list[B2BMeeting] = []
        for need, capability in pairs:
            if len(rows) == 26:
                break
            need_org = plans[need.pk].owner_id
            booth = placed[need_org] if rng.random() < 0.6 else placed[capability.owner_id]
            for _ in range(12):
                day, slot = rng.randrange(days), rng.randrange(slots)
                keys = {
                    ("org", need_org, day, slot),
                    ("org", capability.owner_id, day, slot),
                    ("booth", booth.pk or 0, day, slot),
                }
                if not keys & busy:
                    busy |= keys
                    break
            else:
                continue
            starts = (opens + dt.timedelta(days=day, minutes=slot * minutes)).replace(tzinfo=self.zone)
            booked = min(starts - dt.timedelta(hours=rng.randint(20, 200)), self.now - dt.timedelta(hours=1))
            booked = max(booked, self._at(exhibition.starts_on - dt.timedelta(days=10), 9))
            cancelled = None
            if rng.random() < 0.08:
                cancelled = min(booked + dt.timedelta(hours=rng.randint(2, 30)), self.now - dt.timedelta(minutes=5))
            rows.append(
                B2BMeeting(
                    exhibition=exhibition,
                    need=need,
                    capability=capability,
                    booth=booth,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(minutes=minutes),
                    booked_by=self.manager
                    if self.manager and need_org == self.manager.organisation_id
                    else self.expert,
                    booked_at=booked,
                    cancelled_at=cancelled,
                )
            )
        B2BMeeting.objects.bulk_create(rows)
        self.summary.meetings += len(rows)

    def _small_industries(self) -> None:
        year = jdatetime.date.fromgregorian(date=self.today).year
        if jdatetime.date(year, 6, 4).togregorian() >= self.today:
            year -= 1
        starts = jdatetime.date(year, 6, 1).togregorian()
        name = self.province.name
        exhibition = self._exhibition(
            title=f"نمایشگاه توانمندی‌های صنایع کوچک استان {name}",
            slug=_slug("small-industries", year, self.province),
            kind=ExhibitionKind.SMALL_INDUSTRIES,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=3),
            opens_at=dt.time(17, 0),
            closes_at=dt.time(22, 0),
            venue=f"محل دائمی نمایشگاه‌های بین‌المللی {name}",
            description=texts.SMALL_INDUSTRIES_DESCRIPTION,
            meeting_minutes=30,
        )
        booths = self._halls(exhibition, ("سالن ۱: غذایی، شوینده و بهداشتی", "سالن ۲: ساختمان، منسوجات و بسته‌بندی"), 14)
        first_hall = {"food", "detergent", "printing"}
        shown: dict[int, list[Capability]] = {}
        halls: dict[int, int] = {}
        for group, capability, entry in self.capabilities:
            if capability.is_public and (entry.owner == "unit" or entry.owner.startswith("org:")):
                shown.setdefault(capability.owner_id, []).append(capability)
                halls.setdefault(capability.owner_id, 0 if group in first_hall else 1)
        chosen = sorted(self.rng.sample(sorted(shown), min(24, len(shown))))
        self._exhibitors(exhibition, [(org, [], shown[org], halls[org]) for org in chosen], booths)
        self._visitors(exhibition, 16, self._at(exhibition.ends_on, 20))

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
            for group, codes in texts.POSTERS.items()
        }
        manager_units: dict[str, int] = {}
        if self.manager is not None:
            for pk, code, owner in units:
                if owner == self.manager.organisation_id:
                    manager_units.setdefault(code, pk)
        self._capabilities(self._organisations(), units_by_group)
        self._needs(units_by_group, manager_units)
        self._plan_proposals()
        self._write_proposals()
        self._target()
        self._running_exhibition()
        self._small_industries()
        return self.summary


def demo_desk_build(*, province: Province, seed: int, today: dt.date) -> DemoDeskSummary:
    """Build the desk demo of the province; nothing (``created=False``) if present or without demo users."""
    users = {user.username: user for user in _demo_users(province).order_by("pk")}
    if "expert" not in users or demo_desk_needs(province=province).exists():
        return DemoDeskSummary(created=False)
    with transaction.atomic(), disable_auditlog():
        return _DeskBuilder(province=province, seed=seed, today=today, users=users).build()
