"""A plausible year of obstacle cases for the demo province, the same one for the same seed.

About 300 cases for Qom (scaled by the number of units elsewhere), filed over the last twelve
months, each lived through the workflow's own rules: filed, triaged (a few rejected or merged),
referred to the agencies of its category in the province (one bank for money matters) with a due
date of ``add_working_days``, answered in time or escalated to the HQ agenda the day after the due
date (as the escalation job does), resolved by the expert and confirmed by the unit. A step happens
only if its day is before ``today``, so young cases are in early states. Every step is a
``CaseEvent`` with who, when, from which state to which; ``version`` counts the transitions.

Who files: there are no users for most demo companies. The demo ``manager`` files for the units of
his company; every other case is filed by the demo ``expert``, «from a visit» for about a third of
them and otherwise on the unit's behalf (``from_visit`` False). A unit's confirmation of the outcome
is recorded by the system (``by`` empty) with a note that the manager confirmed by phone, except on
the manager's own units, where he confirms himself.

Scripted cases make the demo logins show real pages: the manager's two units have three cases at
different stages, and the ``bank`` liaison (Bank Mellat) has several open referrals, one overdue.

Rows are written with ``bulk_create`` (which bypasses ``save()``), after ``Case.normalise()`` and
with the answers normalised as ``Referral.save()`` would. The HQ's meetings on these cases are
``hq``'s; the words are ``vocabulary.cases()``. ``demo_cases_reset`` removes both.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from rownaq.accounts.models import AgencyCode, Organisation, Role, User
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import normalise_text
from rownaq.demo import vocabulary
from rownaq.demo.hq import HQBuilder
from rownaq.demo.units import DEMO_USERNAMES, demo_units
from rownaq.geography.models import Province
from rownaq.hq.models import AgendaItem, DisruptiveRegulation, Meeting, Resolution
from rownaq.obstacles.models import (
    Case,
    CaseEvent,
    CaseState,
    ObstacleCategory,
    OutcomeKind,
    Referral,
    ReferralState,
    Urgency,
)
from rownaq.obstacles.models.cases import OPEN_STATES
from rownaq.registry.models import Unit, UnitStatus
from rownaq.workdays.models import Holiday
from rownaq.workdays.services import add_working_days

S = CaseState
QOM_CASES = 300
QOM_UNITS = 2_500
BILLION = 1_000_000_000

URGENCIES: tuple[tuple[str, float], ...] = (
    (Urgency.LOW, 0.15),
    (Urgency.NORMAL, 0.50),
    (Urgency.HIGH, 0.25),
    (Urgency.CRITICAL, 0.10),
)
REFERRAL_DAYS = (5, 7, 10, 10, 10, 15)
NO_ANSWER_SHARE = 0.12  # referrals the agency leaves unanswered past the due date
RESOLVE_SHARE = 0.85
CONFIRM_SHARE = 0.9
REJECT_SHARE = 0.05
MERGE_SHARE = 0.03


@dataclass
class CasePlan:
    case: Case
    referrals: list[Referral] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)
    merge_into: int | None = None  # index of another plan
    scripted: bool = False


@dataclass
class DemoCasesSummary:
    cases: int = 0
    referrals: int = 0
    events: int = 0
    states: dict[str, int] = field(default_factory=dict)
    meetings: int = 0
    resolutions: int = 0
    commitments: int = 0
    objections: int = 0
    regulations: int = 0


@dataclass(frozen=True)
class _Script:
    """A case whose fate is fixed: for the demo logins (its banks' referrals go to the liaison's bank)."""

    unit: Unit
    category: str
    age: int  # days since filing
    stop: str  # the state to stop at
    days: int = 10


def demo_cases(*, province: Province) -> QuerySet[Case]:
    return Case.objects.filter(unit__in=demo_units(province=province).values("pk"))


@transaction.atomic
def demo_cases_reset(*, province: Province) -> int:
    """Delete the demo units' cases with their referrals and history, and the HQ's meetings on them."""
    cases = demo_cases(province=province)
    count = cases.count()
    case_ids = cases.values("pk")
    meetings = Meeting.objects.filter(province=province).filter(
        Q(created_by__username__in=DEMO_USERNAMES) | Q(agenda__case__in=case_ids) | Q(resolutions__case__in=case_ids)
    )
    meeting_ids = list(meetings.values_list("pk", flat=True).distinct())
    # Resolutions protect their meetings and cases; commitments and objections go with them.
    Resolution.objects.filter(Q(meeting__in=meeting_ids) | Q(case__in=case_ids)).delete()
    AgendaItem.objects.filter(case__in=case_ids).delete()
    Meeting.objects.filter(pk__in=meeting_ids).delete()
    DisruptiveRegulation.objects.filter(province=province, created_by__username__in=DEMO_USERNAMES).delete()
    Case.objects.filter(merged_into__in=cases.values("pk")).update(merged_into=None)
    cases.delete()
    return count


class CaseBuilder:
    def __init__(self, *, province: Province, seed: int, today: dt.date, count: int | None) -> None:
        self.province = province
        self.today = today
        self.rng = random.Random(f"rownaq-demo-cases:{seed}:{province.code}")
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.words = vocabulary.cases()
        self.phrases = self.words.phrases
        self.units = list(demo_units(province=province).exclude(status=UnitStatus.CLOSED).order_by("national_id"))
        all_units = demo_units(province=province).count()
        self.count = count if count is not None else max(10, round(QOM_CASES * all_units / QOM_UNITS))
        self.categories = {c.code: c for c in ObstacleCategory.objects.filter(code__in=list(self.words.stories))}
        self.agencies: dict[str, list[Organisation]] = {}
        for org in Organisation.objects.filter(province=province).exclude(agency_code="").order_by("name", "pk"):
            self.agencies.setdefault(org.agency_code, []).append(org)
        users = {u.username: u for u in User.objects.filter(username__in=["expert", "manager", "deputy", "bank"])}
        self.expert = users.get("expert")
        self.manager = users.get("manager")
        self.deputy = users.get("deputy")
        self.holidays = set(Holiday.objects.values_list("date", flat=True))
        self.plans: list[CasePlan] = []
        self.liaisons = {
            u.organisation_id: u
            for u in User.objects.filter(role=Role.AGENCY_LIAISON, organisation__province=province).order_by("pk")
        }

    # -- time ----------------------------------------------------------------------------------

    def at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        hour = self.rng.randint(8, 14) if hour is None else hour
        return dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=self.tz)

    def after(self, moment: dt.datetime, low: int, high: int) -> dt.datetime:
        """A working-hours moment ``low``..``high`` working days after ``moment`` (0: later that day)."""
        days = self.rng.randint(low, high)
        if days == 0:
            return moment + dt.timedelta(minutes=self.rng.randint(20, 120))
        day, counted = moment.astimezone(self.tz).date(), 0
        while counted < days:
            day += dt.timedelta(days=1)
            if day.weekday() != 4 and day not in self.holidays:
                counted += 1
        return self.at(day)

    def happened(self, moment: dt.datetime) -> bool:
        return moment.astimezone(self.tz).date() < self.today

    # -- choices -------------------------------------------------------------------------------

    def _pick(self, items: Sequence[tuple[Any, float]]) -> Any:
        roll = self.rng.random() * sum(weight for _, weight in items)
        for item, weight in items:
            if roll < weight:
                return item
            roll -= weight
        return items[-1][0]

    def _bank(self, name: str | None = None) -> Organisation | None:
        banks = self.agencies.get(AgencyCode.BANK, [])
        if not banks:
            return None
        if name is None:
            name = self.phrases["liaison_bank"] if self.rng.random() < 0.25 else ""
        for bank in banks:
            if name and bank.name.startswith(name):
                return bank
        return self.rng.choice(banks)

    def _agencies(self, category: ObstacleCategory, bank: str | None = None) -> list[Organisation]:
        chosen: list[Organisation] = []
        for code in category.agency_codes:
            if code == AgencyCode.BANK:
                org = self._bank(bank)
                chosen.extend([org] if org else [])
            else:
                chosen.extend(self.agencies.get(code, [])[:1])
        return chosen

    # -- one case --------------------------------------------------------------------------------

    def _case(self, unit: Unit, code: str, age: int, *, manager_unit: bool) -> CasePlan:
        rng, story = self.rng, self.words.stories[code]
        filer = self.manager if manager_unit and self.manager is not None else self.expert
        assert filer is not None
        amount = None
        months = rng.randint(2, 14)
        billions = rng.randint(*story.amount) if story.amount else 0
        if story.amount:
            amount = billions * BILLION
        urgency = self._pick(URGENCIES)
        if code in ("gas-supply", "power-cuts") and rng.random() < 0.5:
            urgency = Urgency.CRITICAL
        case = Case(
            unit=unit,
            category=self.categories[code],
            title=rng.choice(story.titles),
            description=story.description.format(amount=f"{billions:,}", months=months),
            amount=amount,
            urgency=urgency,
            state=S.SUBMITTED,
            filed_by=filer,
            filed_at=self.at(self.today - dt.timedelta(days=age)),
            from_visit=not manager_unit and rng.random() < 0.35,
        )
        plan = CasePlan(case=case)
        plan.events.append(self.event("file", "", S.SUBMITTED, filer, case.filed_at))
        return plan

    @staticmethod
    def event(
        action: str,
        from_state: str,
        to_state: str,
        by: User | None,
        at: dt.datetime,
        comment: str = "",
        data: dict[str, Any] | None = None,
    ) -> CaseEvent:
        return CaseEvent(
            action=action,
            from_state=from_state,
            to_state=to_state,
            by=by,
            at=at,
            comment=normalise_text(comment),
            data=data or {},
        )

    def move(self, plan: CasePlan, action: str, to_state: str, by: User | None, at: dt.datetime, **extra: Any) -> None:
        plan.events.append(self.event(action, plan.case.state, to_state, by, at, **extra))
        plan.case.state = to_state
        plan.case.version += 1

    def _live(
        self,
        plan: CasePlan,
        *,
        fate: str = "normal",
        stop: str | None = None,
        days: int | None = None,
        bank: str | None = None,
        answer_share: float | None = None,
    ) -> None:
        """Take the case through the workflow until ``today`` (or the ``stop`` state)."""
        rng, case, expert, phrases = self.rng, plan.case, self.expert, self.phrases
        story = self.words.stories[case.category.code]
        moment = self.after(case.filed_at, 1, 3)
        if not self.happened(moment) or stop == S.SUBMITTED:
            return
        if fate == "reject":
            self.move(plan, "reject", S.REJECTED, expert, moment, comment=rng.choice(self.words.reject_reasons))
            case.closed_at = moment
            return
        if fate == "merge":
            self.move(plan, "merge", S.MERGED, expert, moment, comment=phrases["merge_comment"])
            case.closed_at = moment
            return
        self.move(plan, "accept", S.ACCEPTED, expert, moment)
        referred_at = self.after(moment, 0, 2)
        agencies = self._agencies(case.category, bank)
        if not self.happened(referred_at) or stop == S.ACCEPTED or not agencies:
            return
        days = days or rng.choice(REFERRAL_DAYS)
        self.move(
            plan,
            "refer",
            S.REFERRED,
            expert,
            referred_at,
            data={"agencies": [a.pk for a in agencies], "working_days": days},
        )
        due = add_working_days(referred_at.astimezone(self.tz).date(), days)
        steps: list[tuple[dt.datetime, str, Referral]] = []
        no_answer = NO_ANSWER_SHARE if answer_share is None else 1 - answer_share
        for agency in agencies:
            referral = Referral(
                agency=agency,
                referred_by=expert,
                referred_at=referred_at,
                working_days=days,
                due_on=due,
                state=ReferralState.OPEN,
            )
            plan.referrals.append(referral)
            if rng.random() < no_answer or stop == S.REFERRED:
                # The escalation job runs every 15 minutes: a few minutes after midnight past the due date.
                steps.append((self.at(due + dt.timedelta(days=1), hour=0), "escalate", referral))
            else:
                answer_at = self.after(referred_at, 1, days)
                if answer_at.date() > due:
                    answer_at = self.at(due)
                steps.append((answer_at, "answer", referral))
        steps.sort(key=lambda step: step[0])
        last = referred_at
        for moment, kind, referral in steps:
            if not self.happened(moment):
                break
            if kind == "answer" and case.state == S.REFERRED:
                open_others = any(r is not referral and r.state == ReferralState.OPEN for r in plan.referrals)
                text = normalise_text(rng.choice(story.answers))
                referral.state, referral.answer, referral.answered_at = ReferralState.ANSWERED, text, moment
                self.move(
                    plan,
                    "answer",
                    S.REFERRED if open_others else S.ANSWERED,
                    None,
                    moment,
                    comment=text,
                    data={"agency": referral.agency.pk},
                )
                plan.events[-1].data["liaison"] = True  # the agency's liaison is filled in when writing
                last = moment
            elif kind == "escalate" and referral.state == ReferralState.OPEN:
                referral.escalated_at = moment
                if case.state in (S.REFERRED, S.ANSWERED, S.ACCEPTED):
                    comment = phrases["not_answered"].format(
                        agency=referral.agency.name, due=format_jalali(referral.due_on)
                    )
                    self.move(
                        plan,
                        "put_on_agenda",
                        S.ON_AGENDA,
                        None,
                        moment,
                        comment=comment,
                        data={"escalated": True},
                    )
        if case.state != S.ANSWERED or stop == S.ANSWERED:
            return
        resolved_at = self.after(last, 2, 15)
        if not self.happened(resolved_at) or (stop is None and rng.random() > RESOLVE_SHARE):
            return
        self.resolve(plan, resolved_at, stop)

    def resolve(self, plan: CasePlan, resolved_at: dt.datetime, stop: str | None = None) -> None:
        """The expert records the outcome; the unit confirms it a few days later (most of the time)."""
        rng, case = self.rng, plan.case
        story = self.words.stories[case.category.code]
        note = normalise_text(rng.choice(story.outcome_notes))
        self.move(plan, "resolve", S.RESOLVED, self.expert, resolved_at, comment=note)
        case.outcome_kind, case.outcome_note = story.outcome, note
        if story.outcome == OutcomeKind.MONEY_RELEASED and case.amount:
            share = rng.choice((0.5, 0.6, 0.75, 0.8, 1.0, 1.0))
            case.money_released = max(BILLION, round(case.amount * share / BILLION) * BILLION)
        confirmed_at = self.after(resolved_at, 1, 7)
        if stop == S.RESOLVED or not self.happened(confirmed_at) or (stop is None and rng.random() > CONFIRM_SHARE):
            return
        own = self.manager is not None and case.filed_by_id == self.manager.pk
        comment = "" if own else self.phrases["confirmed_by_phone"]
        self.move(plan, "confirm", S.CLOSED, self.manager if own else None, confirmed_at, comment=comment)
        case.unit_confirmed_at = case.closed_at = confirmed_at

    # -- the whole province ----------------------------------------------------------------------

    def build(self) -> DemoCasesSummary:
        if self.expert is None or not self.units or not self.categories:
            return DemoCasesSummary()
        rng = self.rng
        weighted = [
            (code, float(story.weight)) for code, story in self.words.stories.items() if code in self.categories
        ]
        manager_org = self.manager.organisation_id if self.manager is not None else None
        showcase = [unit for unit in self.units if manager_org is not None and unit.owner_id == manager_org]
        others = [unit for unit in self.units if unit not in showcase] or self.units
        for script in self._scripts(showcase, others):
            plan = self._case(script.unit, script.category, script.age, manager_unit=script.unit in showcase)
            bank = self.phrases["liaison_bank"]
            self._live(plan, stop=script.stop, days=script.days, bank=bank, answer_share=1.0)
            plan.scripted = True
            self.plans.append(plan)
        while len(self.plans) < self.count:
            unit = rng.choice(others)
            code = self._pick(weighted)
            if code == "idle-unit-revival" and unit.status != UnitStatus.IDLE:
                code = "working-capital"
            age = int(rng.triangular(1, 365, 45))  # more cases lately: the HQ has become known
            plan = self._case(unit, code, age, manager_unit=False)
            roll = rng.random()
            fate = "reject" if roll < REJECT_SHARE else "merge" if roll < REJECT_SHARE + MERGE_SHARE else "normal"
            self._live(plan, fate=fate)
            if plan.case.state == S.MERGED:
                merged_at = plan.events[-1].at
                targets = [
                    index
                    for index, other in enumerate(self.plans)
                    if other.case.unit_id == unit.pk or other.case.category.code == code
                    if other is not plan and self.state_at(other, merged_at) in OPEN_STATES
                ]
                if targets:
                    plan.merge_into = rng.choice(targets)
                else:  # nothing to merge into: the expert rejects it as a duplicate of a closed case
                    plan.events[-1].action, plan.events[-1].to_state = "reject", S.REJECTED
                    plan.case.state = S.REJECTED
            self.plans.append(plan)
        hq = HQBuilder(self)
        hq.plan()
        summary = self._write()
        hq.write(summary)
        return summary

    @staticmethod
    def state_at(plan: CasePlan, moment: dt.datetime) -> str:
        """The case's state at ``moment`` ('' before it was filed)."""
        state = ""
        for event in plan.events:
            if event.at > moment:
                break
            state = event.to_state
        return state

    def _scripts(self, showcase: list[Unit], others: list[Unit]) -> list[_Script]:
        scripts: list[_Script] = []
        if showcase:
            first, second = showcase[0], showcase[-1]
            scripts += [
                _Script(first, "working-capital", 150, S.CLOSED),
                _Script(second, "bank-guarantee", 6, S.REFERRED),
                _Script(second, "gas-supply", 2, S.SUBMITTED),
            ]
        picks = self.rng.sample(others, min(5, len(others)))
        codes = ("bank-guarantee", "working-capital", "bank-debt-rescheduling", "working-capital", "bank-guarantee")
        ages = (25, 4, 8, 12, 3)  # the first is overdue (10 working days from 25 days ago)
        for unit, code, age in zip(picks, codes, ages, strict=False):
            scripts.append(_Script(unit, code, age, S.REFERRED))
        return scripts

    def _write(self) -> DemoCasesSummary:
        cases = [plan.case for plan in self.plans]
        for case in cases:
            case.normalise()  # what Case.save() would do
        Case.objects.bulk_create(cases, batch_size=500)
        if any(case.pk is None for case in cases):  # databases that do not return the keys
            ids = list(demo_cases(province=self.province).order_by("pk").values_list("pk", flat=True))
            for case, pk in zip(cases, ids[-len(cases) :], strict=True):
                case.pk = pk
        merged = []
        for plan in self.plans:
            if plan.merge_into is not None and plan.case.state == S.MERGED:
                target = self.plans[plan.merge_into]
                plan.case.merged_into = target.case
                plan.events[-1].data = {"into": target.case.pk}
                merged.append(plan.case)
                state = self.state_at(target, plan.events[-1].at)
                target.events.append(
                    self.event(
                        "merged_in",
                        state,
                        state,
                        self.expert,
                        plan.events[-1].at,
                        comment=self.phrases["merged_in"].format(reference=plan.case.reference),
                        data={"from": plan.case.pk},
                    )
                )
        Case.objects.bulk_update(merged, ["merged_into"])
        liaisons = {
            u.organisation_id: u
            for u in User.objects.filter(role=Role.AGENCY_LIAISON, organisation__province=self.province).order_by("pk")
        }
        referrals: list[Referral] = []
        events: list[CaseEvent] = []
        for plan in self.plans:
            for referral in plan.referrals:
                referral.case = plan.case
                if referral.state == ReferralState.ANSWERED:
                    referral.answered_by = liaisons.get(referral.agency_id) or self.expert
                referrals.append(referral)
            for event in plan.events:
                event.case = plan.case
                if event.data.pop("liaison", False):  # answered by letter when the agency has no liaison
                    event.by = liaisons.get(event.data["agency"]) or self.expert
                events.append(event)
            if plan.case.state == S.RESOLVED or plan.case.state == S.CLOSED:
                for referral in plan.referrals:
                    if referral.state == ReferralState.OPEN:
                        referral.state = ReferralState.WITHDRAWN
        Referral.objects.bulk_create(referrals, batch_size=500)
        CaseEvent.objects.bulk_create(events, batch_size=1000)
        states: dict[str, int] = {}
        for case in cases:
            states[case.state] = states.get(case.state, 0) + 1
        return DemoCasesSummary(cases=len(cases), referrals=len(referrals), events=len(events), states=states)


def demo_cases_build(*, province: Province, seed: int, today: dt.date, count: int | None = None) -> DemoCasesSummary:
    """Build the demo cases of a province's demo units; nothing if they already have cases or no expert exists."""
    if demo_cases(province=province).exists():
        return DemoCasesSummary()
    builder = CaseBuilder(province=province, seed=seed, today=today, count=count)
    with transaction.atomic():
        return builder.build()
