"""The demo desk's two exhibitions, with halls, booths, exhibitors, visitors and B2B meetings.

A running Industry Needs Desk exhibition (from three weeks before ``today`` to six weeks after,
10:00-18:00) with three halls of 12 booths, about 30 exhibitors showing their public needs and
capabilities, visitors and B2B meetings on a grid of ``meeting_minutes`` slots within the opening
hours (no organisation or booth is ever in two meetings at once); and the small-industries
exhibition of 1-4 Shahrivar (17:00-22:00) of the latest year in which it is over, with units and
firms showing capabilities. Their slugs are ``needs-desk-<year>`` and ``small-industries-<year>``
(``-<province code>`` appended outside Qom); ``desk.demo_desk_exhibitions`` finds them by that form.

``ExhibitionsBuilder`` works on a ``desk.DeskBuilder``'s needs and capabilities with its random generator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import jdatetime

from rownaq.core.normalise import normalise_digits_only, normalise_text
from rownaq.demo import vocabulary
from rownaq.demo.units import QOM
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
from rownaq.needs.models import Capability, Need, NeedState, Visibility

if TYPE_CHECKING:
    from rownaq.demo.desk import DeskBuilder


def _slug(kind: str, year: int, province: Province) -> str:
    return f"{kind}-{year}" if province.code == QOM else f"{kind}-{year}-{province.code}"


class ExhibitionsBuilder:
    def __init__(self, desk: DeskBuilder) -> None:
        self.desk = desk
        self.rng, self.today, self.now, self.province = desk.rng, desk.today, desk.now, desk.province
        self.words, self.summary = desk.words, desk.summary
        self.phrases = desk.words.phrases

    def build(self) -> None:
        self._running_exhibition()
        self._small_industries()

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
        rng, pick, names = self.rng, self.desk.pick, vocabulary.units()
        phones: set[str] = set()
        rows: list[VisitorRegistration] = []
        days = (exhibition.ends_on - exhibition.starts_on).days
        opened = self.desk.at(exhibition.starts_on - dt.timedelta(days=14), 10)
        span = max(60, int((registered_until - opened).total_seconds()))
        while len(rows) < count:
            phone = f"09{rng.choice((12, 19, 35, 36, 37, 13, 10, 90))}{rng.randint(1_000_000, 9_999_999)}"
            if phone in phones:
                continue
            phones.add(phone)
            first = pick(names.female_first_names if rng.random() < 0.3 else names.male_first_names)
            registered = opened + dt.timedelta(seconds=rng.randint(0, span))
            visit_on = exhibition.starts_on + dt.timedelta(days=rng.randint(0, days))
            rows.append(
                VisitorRegistration(
                    exhibition=exhibition,
                    name=normalise_text(f"{first} {pick(names.surnames)}"),
                    organisation=normalise_text(pick(self.words.visitor_organisations)),
                    phone=normalise_digits_only(phone),
                    visit_on=min(max(visit_on, registered.date()), exhibition.ends_on),
                    registered_at=registered,
                )
            )
        VisitorRegistration.objects.bulk_create(rows)
        self.summary.visitors += len(rows)

    def _running_exhibition(self) -> None:
        rng, today, name, desk = self.rng, self.today, self.province.name, self.desk
        exhibition = self._exhibition(
            title=self.phrases["needs_desk_title"].format(province=name),
            slug=_slug("needs-desk", jdatetime.date.fromgregorian(date=today).year, self.province),
            kind=ExhibitionKind.NEEDS_DESK,
            starts_on=today - dt.timedelta(days=21),
            ends_on=today + dt.timedelta(days=42),
            opens_at=dt.time(10, 0),
            closes_at=dt.time(18, 0),
            venue=self.phrases["venue"].format(province=name),
            description=self.phrases["needs_desk_description"],
            meeting_minutes=30,
        )
        booths = self._halls(exhibition, self.words.halls[ExhibitionKind.NEEDS_DESK], 12)
        # Units show their public needs (the manager's company first); labs and firms their public capabilities.
        needs: dict[int, list[Need]] = {}
        need_groups: dict[int, str] = {}
        for plan in desk.needs:
            if plan.need.visibility == Visibility.PUBLIC and plan.need.state != NeedState.CLOSED:
                needs.setdefault(plan.owner_id, []).append(plan.need)
                need_groups.setdefault(plan.owner_id, plan.group)
        manager_company = desk.manager.organisation_id if desk.manager else None
        units = [manager_company] if manager_company in needs else []
        others = [org for org in sorted(needs) if org != manager_company]
        units += rng.sample(others, min(16 - len(units), len(others)))
        capabilities: dict[int, list[Capability]] = {}
        capability_groups: dict[int, str] = {}
        for group, capability, entry in desk.capabilities:
            if capability.is_public and entry.owner != "unit":
                capabilities.setdefault(capability.owner_id, []).append(capability)
                capability_groups.setdefault(capability.owner_id, group)
        university = desk.university.organisation_id if desk.university else None
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
        rng, desk = self.rng, self.desk
        minutes = exhibition.meeting_minutes
        opens = dt.datetime.combine(exhibition.starts_on, exhibition.opens_at)
        closes = dt.datetime.combine(exhibition.starts_on, exhibition.closes_at)
        slots = int((closes - opens).total_seconds() // (minutes * 60))
        days = (exhibition.ends_on - exhibition.starts_on).days + 1
        plans = {plan.need.pk: plan for plan in desk.needs}
        groups = {capability.pk: group for group, capability, _ in desk.capabilities}
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
            starts = (opens + dt.timedelta(days=day, minutes=slot * minutes)).replace(tzinfo=desk.zone)
            booked = min(starts - dt.timedelta(hours=rng.randint(20, 200)), self.now - dt.timedelta(hours=1))
            booked = max(booked, desk.at(exhibition.starts_on - dt.timedelta(days=10), 9))
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
                    booked_by=desk.manager
                    if desk.manager and need_org == desk.manager.organisation_id
                    else desk.expert,
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
            title=self.phrases["small_industries_title"].format(province=name),
            slug=_slug("small-industries", year, self.province),
            kind=ExhibitionKind.SMALL_INDUSTRIES,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=3),
            opens_at=dt.time(17, 0),
            closes_at=dt.time(22, 0),
            venue=self.phrases["venue"].format(province=name),
            description=self.phrases["small_industries_description"],
            meeting_minutes=30,
        )
        booths = self._halls(exhibition, self.words.halls[ExhibitionKind.SMALL_INDUSTRIES], 14)
        first_hall = {"food", "detergent", "printing"}
        shown: dict[int, list[Capability]] = {}
        halls: dict[int, int] = {}
        for group, capability, entry in self.desk.capabilities:
            if capability.is_public and (entry.owner == "unit" or entry.owner.startswith("org:")):
                shown.setdefault(capability.owner_id, []).append(capability)
                halls.setdefault(capability.owner_id, 0 if group in first_hall else 1)
        chosen = sorted(self.rng.sample(sorted(shown), min(24, len(shown))))
        self._exhibitors(exhibition, [(org, [], shown[org], halls[org]) for org in chosen], booths)
        self._visitors(exhibition, 16, self.desk.at(exhibition.ends_on, 20))
