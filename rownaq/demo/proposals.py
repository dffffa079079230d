"""The demo desk's proposals, at every stage, with their threads, agreements, access rows and history.

Submitted (about a third unanswered for longer than the need's ``reply_days``, so the reminder job
has work), shortlisted with a thread of questions and answers, accepted with an ``Agreement`` (some
delivered, with the imports replaced and, for imported needs, the currency saved; the need is then
``AGREED``), declined with a reason and a note, and withdrawn. ``first_reply_at`` is the owner's
first answer: the shortlisting or the decline. Proposals of the demo ``university`` user's
university are submitted by her, the others by the expert on the owner's behalf; in threads the
need side writes as the manager (his units) or the expert. Organisations that propose on a
confidential need were approved (``NeedAccess``); a few others asked or were declined. Each
proposal's ``ProposalEvent`` rows tell its history as the services would have written it.

``ProposalsBuilder`` works on a ``desk.DeskBuilder``'s needs and capabilities with its random generator.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from rownaq.core.normalise import normalise_text
from rownaq.demo.vocabulary import NeedText
from rownaq.needs.models import (
    Agreement,
    Capability,
    DeclineReason,
    Need,
    NeedAccess,
    NeedAccessState,
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

if TYPE_CHECKING:
    from rownaq.accounts.models import User
    from rownaq.demo.desk import DeskBuilder

PS = ProposalState
BILLION = 1_000_000_000
RIALS_PER_USD = 950_000  # for the foreign currency a delivered agreement saves
OVERDUE_SHARE = 0.35  # of submitted proposals: unanswered for longer than the need promises


def round_rials(value: float) -> int:
    return round(value / 10_000_000) * 10_000_000


@dataclass
class NeedPlan:
    need: Need
    group: str
    text: NeedText
    owner_id: int  # the unit's company
    manager: bool = False
    proposals: list[ProposalPlan] = field(default_factory=list)


@dataclass
class ProposalPlan:
    proposal: Proposal
    plan: NeedPlan
    capability: Capability
    messages: list[ProposalMessage] = field(default_factory=list)
    agreement: Agreement | None = None


class ProposalsBuilder:
    def __init__(self, desk: DeskBuilder) -> None:
        self.desk = desk
        self.rng, self.now, self.today, self.words = desk.rng, desk.now, desk.today, desk.words
        self.expert, self.manager, self.university = desk.expert, desk.manager, desk.university
        self.proposals: list[ProposalPlan] = []
        self.accesses: list[NeedAccess] = []

    def build(self) -> None:
        self._plan()
        self._write()

    def _submitter(self, capability: Capability) -> User:
        if self.university is not None and self.desk.is_university(capability.owner_id):
            return self.university
        return self.expert

    def _owner_side(self, plan: NeedPlan) -> User:
        return self.manager if plan.manager and self.manager else self.expert

    def _proposal(self, plan: NeedPlan, capability: Capability, state: str, *, delivered: bool = False) -> None:
        """One proposal whose whole history lies between the need's posting and this morning."""
        rng, need, desk = self.rng, plan.need, self.desk
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
            submitted = desk.working_time((self.now - dt.timedelta(days=days)).date())
            submitted = min(max(submitted, first), self.now - dt.timedelta(hours=2))
        else:
            span = max(0.0, (latest - first).total_seconds())
            submitted = desk.working_time((first + dt.timedelta(seconds=rng.uniform(0, span))).date())
        research = need.kind in (NeedKind.RESEARCH, NeedKind.SERVICE)
        price = round_rials(
            (need.yearly_value or BILLION) * (rng.uniform(0.6, 1.0) if research else rng.uniform(0.25, 0.9))
        )
        proposal = Proposal(
            capability=capability,
            organisation_id=capability.owner_id,
            submitted_by=self._submitter(capability),
            text=normalise_text(desk.pick(self.words.offers)),
            price=price,
            delivery=normalise_text(desk.pick(self.words.deliveries)),
            state=state,
            submitted_at=submitted,
        )
        item = ProposalPlan(proposal=proposal, plan=plan, capability=capability)
        owner_side, proposer = self._owner_side(plan), self._submitter(capability)
        if state in (PS.SHORTLISTED, PS.ACCEPTED):
            shortlisted = desk.later(submitted, 1, reply - 1 if rng.random() < 0.85 else reply + 4)
            proposal.first_reply_at = shortlisted
            moment = shortlisted
            for question, answer in rng.sample(self.words.threads, rng.randint(1, 2)):
                asked = moment + dt.timedelta(minutes=rng.randint(5, 90))
                answered = desk.later(asked, 0.1, 3)
                item.messages.append(
                    ProposalMessage(author=owner_side, text=normalise_text(question), created_at=asked)
                )
                item.messages.append(ProposalMessage(author=proposer, text=normalise_text(answer), created_at=answered))
                moment = answered
            if state == PS.ACCEPTED:
                decided = desk.later(moment, 2, 12)
                proposal.decided_at = decided
                signed_on = min(
                    (decided + dt.timedelta(days=rng.randint(2, 14))).date(), self.today - dt.timedelta(days=1)
                )
                agreement = Agreement(value=round_rials(price * rng.uniform(0.88, 1.0)), signed_on=signed_on)
                delivered_on = signed_on + dt.timedelta(days=rng.randint(20, 75))
                if delivered and delivered_on < self.today:
                    agreement.delivered_on = delivered_on
                    replaced = round_rials((need.yearly_value or 0) * rng.uniform(0.4, 1.0))
                    agreement.import_value_replaced = replaced
                    if need.supplied_from == SupplySource.IMPORTED:
                        agreement.currency_saved_usd = Decimal(replaced // RIALS_PER_USD).quantize(Decimal("1.00"))
                item.agreement = agreement
        elif state == PS.DECLINED:
            decided = desk.later(submitted, 1, reply + 4)
            proposal.first_reply_at = proposal.decided_at = decided
            reasons = (
                DeclineReason.PRICE, DeclineReason.PRICE, DeclineReason.QUALITY, DeclineReason.CAPACITY,
                DeclineReason.TIME, DeclineReason.EXPERIENCE, DeclineReason.SOLVED, DeclineReason.OTHER,
            )  # fmt: skip
            reason = DeclineReason.SOLVED if need.state == NeedState.CLOSED else desk.pick(reasons)
            proposal.decline_reason = reason
            proposal.decline_note = normalise_text(desk.pick(self.words.decline_notes[reason]))
        elif state == PS.WITHDRAWN:
            proposal.decided_at = desk.later(submitted, 2, 18)
        self.proposals.append(item)
        plan.proposals.append(item)

    def _access(self, plan: NeedPlan, organisation_id: int, state: str, before: dt.datetime, by: User) -> None:
        created = plan.need.created_at
        asked = self.desk.later(created, 0, max(0.5, (before - created).days - 1))
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

    def _plan(self) -> None:
        rng, desk = self.rng, self.desk
        by_group: dict[str, list[Capability]] = {}
        by_title: dict[str, Capability] = {}
        for group, capability, _ in desk.capabilities:
            by_group.setdefault(group, []).append(capability)
            by_title[capability.title] = capability
        scripts = [scripted.proposals for scripted in self.words.manager_needs]
        for plan, scripted in zip([plan for plan in desk.needs if plan.manager], scripts, strict=False):
            for title, state in scripted:
                offered = by_title.get(normalise_text(title))
                if offered is not None:
                    self._proposal(plan, offered, state)
        for plan in desk.needs:
            if plan.manager:
                continue
            need = plan.need
            count = desk.pick((0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4))
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
                    state = desk.pick(
                        (PS.SUBMITTED,) * 7 + (PS.SHORTLISTED,) * 5 + (PS.DECLINED,) * 4 + (PS.WITHDRAWN,) * 2
                    )
                self._proposal(plan, capability, state)
        for plan in desk.needs:
            if any(item.proposal.state == PS.ACCEPTED for item in plan.proposals):
                plan.need.state = NeedState.AGREED
        # Confidential needs: the proposers were approved; a few others asked or were turned down.
        owners = sorted({capability.owner_id for _, capability, _ in desk.capabilities})
        for plan in desk.needs:
            if plan.need.visibility != Visibility.APPROVED:
                continue
            seen: set[int] = set()
            for item in plan.proposals:
                proposal = item.proposal
                if proposal.organisation_id not in seen:
                    seen.add(proposal.organisation_id)
                    by = self._submitter(item.capability)
                    self._access(plan, proposal.organisation_id, NeedAccessState.APPROVED, proposal.submitted_at, by)
            organisation_id = desk.pick(owners)
            if rng.random() < 0.6 and organisation_id not in seen and organisation_id != plan.owner_id:
                state = NeedAccessState.REQUESTED if rng.random() < 0.6 else NeedAccessState.DECLINED
                by = self.university if self.university and desk.is_university(organisation_id) else self.expert
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

    def _write(self) -> None:
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
        agreed = [plan.need.pk for plan in self.desk.needs if plan.need.state == NeedState.AGREED]
        Need.objects.filter(pk__in=agreed).update(state=NeedState.AGREED)
        summary = self.desk.summary
        summary.proposals = len(proposals)
        summary.states = dict(sorted(Counter(str(proposal.state) for proposal in proposals).items()))
        summary.messages = len(messages)
        summary.agreements = len(agreements)
        summary.delivered = sum(agreement.delivered_on is not None for agreement in agreements)
        summary.accesses = len(self.accesses)
        summary.need_states = dict(sorted(Counter(str(plan.need.state) for plan in self.desk.needs).items()))
        summary.confidential = sum(plan.need.visibility == Visibility.APPROVED for plan in self.desk.needs)
