"""The demo's HQ: a year of meetings on the demo cases, their resolutions, and the disruptive regulations.

About one meeting a month over the year on a Saturday-to-Wednesday working day, numbered so that
the latest held one is 15 (the 13th among them), and the next one planned with the cases still
waiting on its agenda. A meeting's agenda is the secretariat's report plus the cases escalated at
least two days before it (and a few answered cases the expert brings because the answer did not
help, whose later history is then undone). Most agenda cases get a resolution (some are deferred once):
it binds the agency that was referred to (and sometimes the unit's company) with deadlines 2-8 weeks
on, and the case moves on_agenda → decided by the demo ``deputy``. Of the resolutions whose
deadlines have passed about 70% were carried out on time, the rest late or not yet; when every side
has done its part the expert records the outcome as ``cases`` does. Agencies with a demo liaison
object to a few resolutions within ``ROWNAQ_OBJECTION_DAYS``. A register of eight disruptive
regulations links the cases they block.

``HQBuilder`` works on a ``cases.CaseBuilder``'s plans with its random generator, between the
cases' planning and their writing; ``cases.demo_cases_reset`` removes what it writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings

from rownaq.accounts.models import AgencyCode, Organisation, User
from rownaq.core.normalise import normalise_text
from rownaq.demo.vocabulary import RegulationText
from rownaq.hq.models import (
    AgendaItem,
    Commitment,
    DisruptiveRegulation,
    Meeting,
    MeetingState,
    NationalStatus,
    Objection,
    ObjectionState,
    Party,
    Resolution,
)
from rownaq.obstacles.models import Case, CaseState
from rownaq.workdays.services import is_working_day

if TYPE_CHECKING:
    from rownaq.demo.cases import CaseBuilder, CasePlan, DemoCasesSummary

S = CaseState
LAST_HELD_MEETING = 15  # the latest held meeting's number: a year of monthly meetings ends in the teens
MEETING_GAP = (27, 34)  # days between meetings
AGENDA_LEAD_DAYS = 2  # the secretariat closes the agenda this many days before the meeting
BROUGHT_PER_MEETING = (1, 4)  # answered cases the expert brings to a meeting because the answer did not help
DEFER_SHARE = 0.15  # agenda cases left to the next meeting (once at most)
UNIT_SIDE_SHARE = 0.45  # resolutions that also bind the unit's company, where the text has a unit's part
FATES = (("on_time", 0.70), ("late", 0.18), ("open", 0.12))  # resolutions whose deadlines have passed
RECENT_DONE_SHARE = 0.35  # commitments of recent resolutions already carried out
OBJECTION_SHARE = 0.35  # of resolutions binding an agency with a demo liaison
UPHELD_SHARE = 0.3
REGULATION_STATUSES = (
    NationalStatus.IDENTIFIED,
    NationalStatus.PROPOSED,
    NationalStatus.SENT,
    NationalStatus.SENT,
    NationalStatus.UNDER_REVIEW,
    NationalStatus.UNDER_REVIEW,
    NationalStatus.AMENDED,
    NationalStatus.IDENTIFIED,
)


@dataclass
class _ResolutionPlan:
    plan: CasePlan
    number: int
    text: str
    decided_at: dt.datetime
    commitments: list[Commitment] = field(default_factory=list)  # the agency's first
    objections: list[Objection] = field(default_factory=list)


@dataclass
class _MeetingPlan:
    number: int
    held_on: dt.date
    held: bool
    cases: list[CasePlan] = field(default_factory=list)  # the agenda's cases
    extra: list[str] = field(default_factory=list)  # free items after the cases
    resolutions: list[_ResolutionPlan] = field(default_factory=list)


@dataclass
class _RegulationPlan:
    regulation: RegulationText
    status: str
    proposal: str
    sent_on: dt.date | None
    cases: list[CasePlan]


class HQBuilder:
    def __init__(self, cases: CaseBuilder) -> None:
        self.cases = cases
        self.rng, self.today, self.tz, self.province = cases.rng, cases.today, cases.tz, cases.province
        self.words, self.phrases = cases.words, cases.phrases
        self.meetings: list[_MeetingPlan] = []
        self.regulations: list[_RegulationPlan] = []

    # -- days ------------------------------------------------------------------------------------

    def _working_day(self, day: dt.date, *, back: bool = False, floor: dt.date | None = None) -> dt.date:
        """``day`` or the nearest working day after it (before it with ``back``, but not before ``floor``)."""
        step = dt.timedelta(days=-1 if back else 1)
        while not is_working_day(day, self.cases.holidays) and (floor is None or day + step >= floor):
            day += step
        return day

    def _meeting_day(self, day: dt.date) -> dt.date:
        """The HQ meets on a working day from Saturday to Wednesday (Thursdays are half days)."""
        while not is_working_day(day, self.cases.holidays) or day.weekday() == 3:
            day += dt.timedelta(days=1)
        return day

    # -- planning --------------------------------------------------------------------------------

    def plan(self) -> None:
        """About one meeting a month over the year; each takes up the cases waiting on the HQ agenda."""
        rng, today, plans = self.rng, self.today, self.cases.plans
        days: list[dt.date] = []
        day = self._meeting_day(today - dt.timedelta(days=365 - rng.randint(8, 20)))
        while day < today:
            days.append(day)
            day = self._meeting_day(day + dt.timedelta(days=rng.randint(*MEETING_GAP)))
        upcoming = self._meeting_day(max(day, today + dt.timedelta(days=3)))
        last = max(LAST_HELD_MEETING, len(days))
        self.meetings = [_MeetingPlan(last - len(days) + 1 + i, held_on, True) for i, held_on in enumerate(days)]
        self.meetings.append(_MeetingPlan(last + 1, upcoming, False))
        arrivals = sorted(
            (plan.events[-1].at, index)
            for index, plan in enumerate(plans)
            if plan.case.state == S.ON_AGENDA and not plan.scripted
        )
        waiting: list[int] = []
        deferred: set[int] = set()
        position = 0
        for meeting in self.meetings[:-1]:
            cutoff = meeting.held_on - dt.timedelta(days=AGENDA_LEAD_DAYS)
            while position < len(arrivals) and arrivals[position][0].astimezone(self.tz).date() <= cutoff:
                waiting.append(arrivals[position][1])
                position += 1
            brought = self._bring(cutoff)
            deferred.update(brought)  # the expert brings these for a decision: they are not deferred
            waiting += brought
            meeting.cases = [plans[index] for index in waiting]
            still: list[int] = []
            for index in waiting:
                if index not in deferred and rng.random() < DEFER_SHARE:
                    deferred.add(index)
                    still.append(index)
                else:
                    self._decide(meeting, plans[index])
            waiting = still
        # The next meeting's agenda: every case still waiting, in the order it reached the HQ.
        self.meetings[-1].cases = sorted(
            (plan for plan in plans if plan.case.state == S.ON_AGENDA), key=lambda plan: plan.events[-1].at
        )
        self._carry_out()
        self._plan_regulations()

    def _bring(self, cutoff: dt.date) -> list[int]:
        """Answered cases whose answer did not solve the problem: the expert puts them on the HQ agenda."""
        rng, plans = self.rng, self.cases.plans
        moment = dt.datetime.combine(cutoff, dt.time(9, rng.randrange(60)), tzinfo=self.tz)
        candidates = [
            index
            for index, plan in enumerate(plans)
            if not plan.scripted and self.cases.state_at(plan, moment) == S.ANSWERED
        ]
        chosen = sorted(rng.sample(candidates, min(len(candidates), rng.randint(*BROUGHT_PER_MEETING))))
        for index in chosen:
            plan, case = plans[index], plans[index].case
            plan.events = [event for event in plan.events if event.at <= moment]  # what came after is undone
            case.state, case.version = S.ANSWERED, len(plan.events)
            case.outcome_kind, case.outcome_note, case.money_released = "", "", None
            case.unit_confirmed_at = case.closed_at = None
            self.cases.move(
                plan, "put_on_agenda", S.ON_AGENDA, self.cases.expert, moment, comment=self.phrases["brought_to_hq"]
            )
        return chosen

    def _decide(self, meeting: _MeetingPlan, plan: CasePlan) -> None:
        """The meeting resolves the case: the agency that did not answer is bound, and sometimes the unit."""
        rng, case, held, phrases = self.rng, plan.case, meeting.held_on, self.phrases
        agency = next((r.agency for r in plan.referrals if r.escalated_at is not None), plan.referrals[0].agency)
        story = self.words.stories.get(case.category.code)
        texts = (story.resolutions if story else ()) or ((phrases["generic_resolution"], ""),)
        agency_text, unit_text = rng.choice(texts)
        is_bank = agency.agency_code == AgencyCode.BANK
        name = agency.name.split(phrases["bank_name_separator"])[0] if is_bank else agency.name
        agency_part = normalise_text(agency_text.format(agency=name))
        company = case.unit.owner_id
        bind_unit = bool(unit_text) and company is not None and rng.random() < UNIT_SIDE_SHARE
        both = phrases["resolution_both"].format(agency=agency_part, unit=unit_text)
        text = normalise_text(both if bind_unit else f"{agency_part}.")
        decided_at = dt.datetime.combine(held, dt.time(rng.randint(11, 13), rng.randrange(60)), tzinfo=self.tz)
        resolution = _ResolutionPlan(plan=plan, number=len(meeting.resolutions) + 1, text=text, decided_at=decided_at)
        resolution.commitments.append(
            Commitment(party=Party.AGENCY, owner=agency, text=f"{agency_part}.", deadline=self._deadline(held))
        )
        if bind_unit and company is not None:
            resolution.commitments.append(
                Commitment(
                    party=Party.UNIT,
                    owner_id=company,
                    text=normalise_text(f"{unit_text}."),
                    deadline=self._deadline(held),
                )
            )
        meeting.resolutions.append(resolution)
        comment = phrases["resolution_comment"].format(meeting=meeting.number, number=resolution.number, text=text)
        self.cases.move(plan, "decide", S.DECIDED, self.cases.deputy or self.cases.expert, decided_at, comment=comment)
        liaison = self.cases.liaisons.get(agency.pk)
        if liaison is not None and rng.random() < OBJECTION_SHARE:
            self._object(resolution, held, agency, liaison)

    def _deadline(self, held: dt.date) -> dt.date:
        return self._working_day(held + dt.timedelta(days=self.rng.randint(14, 56)))

    def _object(self, resolution: _ResolutionPlan, held: dt.date, agency: Organisation, liaison: User) -> None:
        """The bound agency objects within the window; most objections are dismissed."""
        rng = self.rng
        until = held + dt.timedelta(days=settings.ROWNAQ_OBJECTION_DAYS)
        day = self._working_day(held + dt.timedelta(days=rng.randint(1, settings.ROWNAQ_OBJECTION_DAYS)))
        if day > until or day >= self.today:
            return
        objection = Objection(
            agency=agency,
            text=normalise_text(rng.choice(self.words.objection_texts)),
            filed_by=liaison,
            filed_at=self.cases.at(day),
            state=ObjectionState.PENDING,
        )
        if (self.today - day).days >= 7:
            if rng.random() < UPHELD_SHARE:
                objection.state = ObjectionState.UPHELD
                objection.decision_note = normalise_text(self.phrases["objection_upheld"])
                agency_side = resolution.commitments[0]
                agency_side.deadline = self._working_day(agency_side.deadline + dt.timedelta(days=30))
            else:
                objection.state = ObjectionState.DISMISSED
                objection.decision_note = normalise_text(rng.choice(self.words.dismissed_notes))
        resolution.objections.append(objection)

    def _carry_out(self) -> None:
        """About 70% of the resolutions whose time is up were carried out on time; the rest late or not yet."""
        rng, today = self.rng, self.today
        resolutions = [r for meeting in self.meetings for r in meeting.resolutions]
        due = [r for r in resolutions if max(c.deadline for c in r.commitments) < today]
        fates: list[str] = []
        for fate, share in FATES[:-1]:
            fates += [fate] * round(share * len(due))
        fates += [FATES[-1][0]] * (len(due) - len(fates))
        rng.shuffle(fates)
        for resolution, fate in zip(due, fates, strict=True):
            self._execute(resolution, fate)
        for resolution in resolutions:
            if max(c.deadline for c in resolution.commitments) >= today:
                self._execute(resolution, "recent")

    def _execute(self, resolution: _ResolutionPlan, fate: str) -> None:
        rng, today, cases = self.rng, self.today, self.cases
        held = resolution.decided_at.astimezone(self.tz).date()
        commitments = resolution.commitments
        slow = commitments[-1] if len(commitments) > 1 and rng.random() < 0.3 else commitments[0]
        for commitment in commitments:
            last_day = min(commitment.deadline, today - dt.timedelta(days=1))
            if fate in ("late", "open") and commitment is slow:
                if fate == "open":
                    continue
                day = self._working_day(commitment.deadline + dt.timedelta(days=rng.randint(3, 45)))
            else:
                share = 0.85 if commitment.deadline < today else RECENT_DONE_SHARE
                if (fate == "recent" and rng.random() > share) or (last_day - held).days < 2:
                    continue
                day = held + dt.timedelta(days=rng.randint(2, (last_day - held).days))
                day = self._working_day(day, back=True, floor=held + dt.timedelta(days=1))
            if day >= today:
                continue
            commitment.done_on = day
            if commitment.party == Party.AGENCY:
                agency = commitment.owner
                commitment.done_note = normalise_text(
                    rng.choice(self.words.agency_done_notes).format(agency=agency.name)
                )
                commitment.done_by = cases.liaisons.get(agency.pk) or cases.expert
            else:
                commitment.done_note = normalise_text(rng.choice(self.words.unit_done_notes))
                own = cases.manager is not None and cases.manager.organisation_id == commitment.owner_id
                commitment.done_by = cases.manager if own else cases.expert
        done = [c.done_on for c in commitments if c.done_on is not None]
        if len(done) == len(commitments):  # every side did its part: the expert records the outcome
            resolved_at = cases.after(cases.at(max(done)), 1, 5)
            if cases.happened(resolved_at):
                cases.resolve(resolution.plan, resolved_at)

    def _plan_regulations(self) -> None:
        """The register of disruptive regulations, each with the cases it blocks and its national status."""
        rng, today = self.rng, self.today
        held = [meeting for meeting in self.meetings if meeting.held]
        statuses = list(REGULATION_STATUSES)
        rng.shuffle(statuses)
        for regulation, status in zip(self.words.regulations, statuses, strict=True):
            matching = [
                plan
                for plan in self.cases.plans
                if plan.case.category.code in regulation.codes and plan.case.state not in (S.REJECTED, S.MERGED)
            ]
            to_hq = [plan for plan in matching if any(e.action == "put_on_agenda" for e in plan.events)]
            blocked = (to_hq + [plan for plan in matching if plan not in to_hq])[: rng.randint(2, 5)]
            meeting: _MeetingPlan | None = None
            sent_on: dt.date | None = None
            if status != NationalStatus.IDENTIFIED and held:
                if status == NationalStatus.PROPOSED:
                    meeting = rng.choice(held[-3:])
                else:
                    meeting = rng.choice(held[: max(1, len(held) * 2 // 3)])
                    sent_on = self._working_day(meeting.held_on + dt.timedelta(days=rng.randint(5, 15)))
                    if sent_on >= today:
                        status, sent_on = NationalStatus.PROPOSED, None
                meeting.extra.append(self.phrases["regulations_item"].format(title=regulation.title))
            elif status != NationalStatus.IDENTIFIED:
                status = NationalStatus.IDENTIFIED
            proposal = regulation.proposal
            if meeting is not None:
                proposal = self.phrases["regulation_approved"].format(proposal=proposal, meeting=meeting.number)
            self.regulations.append(_RegulationPlan(regulation, str(status), proposal, sent_on, blocked))

    # -- writing ---------------------------------------------------------------------------------

    def _attendees(self, meeting: _MeetingPlan) -> str:
        province, phrases, agencies_by_code = self.province.name, self.phrases, self.cases.agencies
        lines = [
            phrases["attendee_secretary"].format(organisation=org.name)
            for org in agencies_by_code.get(AgencyCode.SMT, [])[:1]
        ]
        agencies: list[Organisation] = []
        for plan in meeting.cases:
            for referral in plan.referrals:
                if referral.agency not in agencies:
                    agencies.append(referral.agency)
        for code in (AgencyCode.TAX, AgencyCode.SOCIAL_SECURITY):
            for org in agencies_by_code.get(code, [])[:1]:
                if org not in agencies:
                    agencies.append(org)
        lines += [phrases["attendee_agency"].format(organisation=org.name) for org in agencies]
        lines += [
            phrases["attendee_banks"].format(province=province),
            phrases["attendee_chamber"].format(province=province),
        ]
        return "\n".join(normalise_text(line) for line in lines)

    def write(self, summary: DemoCasesSummary) -> None:
        if not self.meetings:
            return
        by = self.cases.deputy or self.cases.expert
        assert by is not None
        venue = normalise_text(self.phrases["hq_venue"].format(province=self.province.name))
        chair = normalise_text(self.phrases["hq_chair"])
        rows = [
            Meeting(
                province=self.province,
                number=meeting.number,
                held_on=meeting.held_on,
                venue=venue,
                chair=chair,
                attendees=self._attendees(meeting),
                state=MeetingState.HELD if meeting.held else MeetingState.PLANNED,
                created_by=by,
            )
            for meeting in self.meetings
        ]
        Meeting.objects.bulk_create(rows)
        if any(row.pk is None for row in rows):  # databases that do not return the keys
            ids = dict(Meeting.objects.filter(province=self.province).values_list("number", "pk"))
            for row in rows:
                row.pk = ids[row.number]
        items: list[AgendaItem] = []
        resolutions: list[Resolution] = []
        for row, meeting in zip(rows, self.meetings, strict=True):
            titles: list[tuple[Case | None, str]] = [(None, self.phrases["report_item"])]
            titles += [(p.case, f"{p.case.reference}: {p.case.title} ({p.case.unit.name})") for p in meeting.cases]
            titles += [(None, title) for title in meeting.extra]
            for order, (case, title) in enumerate(titles, start=1):
                items.append(AgendaItem(meeting=row, order=order, case=case, title=normalise_text(title)))
            for plan in meeting.resolutions:
                resolutions.append(
                    Resolution(
                        meeting=row,
                        number=plan.number,
                        text=plan.text,
                        case=plan.plan.case,
                        objection_until=meeting.held_on + dt.timedelta(days=settings.ROWNAQ_OBJECTION_DAYS),
                    )
                )
        AgendaItem.objects.bulk_create(items, batch_size=500)
        Resolution.objects.bulk_create(resolutions, batch_size=500)
        if any(row.pk is None for row in resolutions):
            keys = {
                (meeting_id, number): pk
                for pk, meeting_id, number in Resolution.objects.filter(meeting__in=rows).values_list(
                    "pk", "meeting_id", "number"
                )
            }
            for resolution in resolutions:
                resolution.pk = keys[(resolution.meeting_id, resolution.number)]
        plans = [plan for meeting in self.meetings for plan in meeting.resolutions]
        commitments: list[Commitment] = []
        objections: list[Objection] = []
        for resolution, plan in zip(resolutions, plans, strict=True):
            for commitment in plan.commitments:
                commitment.resolution = resolution
                commitments.append(commitment)
            for objection in plan.objections:
                objection.resolution = resolution
                objections.append(objection)
        Commitment.objects.bulk_create(commitments, batch_size=500)
        Objection.objects.bulk_create(objections, batch_size=500)
        for entry in self.regulations:
            regulation = DisruptiveRegulation(
                province=self.province,
                title=entry.regulation.title,
                kind=entry.regulation.kind,
                article=entry.regulation.article,
                issuing_body=entry.regulation.issuing_body,
                problem=entry.regulation.problem,
                proposal=entry.proposal,
                national_status=entry.status,
                sent_on=entry.sent_on,
                sent_to=self.phrases["national_hq"] if entry.sent_on else "",
                created_by=by,
            )
            regulation.save()
            regulation.cases.set([plan.case for plan in entry.cases])
        summary.meetings, summary.resolutions = len(rows), len(resolutions)
        summary.commitments, summary.objections, summary.regulations = (
            len(commitments),
            len(objections),
            len(self.regulations),
        )
