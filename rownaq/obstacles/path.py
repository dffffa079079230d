"""Where a case stands on its way: the steps of ``CASE_STATES``' main path (filed → accepted → referred →
answered → outcome recorded → confirmed by the unit), each done with its date, the current one marked, and the
detours and exits that happened (at the HQ, reopened, rejected, merged).

The steps come from the case's state and the history the person sees (``access.case_shown_to``): a step is
dated by the event that entered its state. A case reopened by its unit starts a new round: the steps after
"accepted" are those of the round since the last reopening (the earlier rounds stay in the history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rownaq.obstacles.models import CaseEvent, CaseState

S = CaseState


class StepStatus(StrEnum):
    DONE = "done"
    CURRENT = "current"  # where the case is now (an end, for a closed, rejected or merged case)
    SKIPPED = "skipped"  # passed over: e.g. an outcome recorded without any referral
    TODO = "todo"


@dataclass(frozen=True)
class PathStep:
    state: str
    label: str
    status: StepStatus
    at: dt.datetime | None = None
    side: bool = False  # a detour or an exit off the main path

    @property
    def on(self) -> dt.date | None:
        """The day the case reached this step, in the platform's time zone."""
        return None if self.at is None else timezone.localtime(self.at).date()


# The main path, and the place of each detour on it (a number between two main steps).
MAIN: tuple[tuple[str, object], ...] = (
    (S.SUBMITTED, _("Filed")),
    (S.ACCEPTED, _("Accepted")),
    (S.REFERRED, _("Referred to agencies")),
    (S.ANSWERED, _("Answered by the agencies")),
    (S.RESOLVED, _("Outcome recorded")),
    (S.CLOSED, _("Confirmed by the unit")),
)
SIDE: dict[str, tuple[float, object]] = {
    S.REOPENED: (1.5, _("Reopened by the unit")),
    S.ON_AGENDA: (3.3, _("On the HQ agenda")),
    S.DECIDED: (3.6, _("Decided by an HQ resolution")),
}
EXITS: dict[str, object] = {S.REJECTED: _("Rejected"), S.MERGED: _("Merged into another case")}
PLACE: dict[str, float] = {state: float(i) for i, (state, _label) in enumerate(MAIN)} | {
    state: place for state, (place, _label) in SIDE.items()
}
FIRST_ROUND = frozenset({S.SUBMITTED, S.ACCEPTED})  # reached once in a case's life


def _entered(events: Sequence[CaseEvent]) -> dict[str, dt.datetime]:
    """When each state was first entered among ``events`` (in order)."""
    entered: dict[str, dt.datetime] = {}
    for event in events:
        if event.to_state != event.from_state:
            entered.setdefault(event.to_state, event.at)
    return entered


def case_path(state: str, events: Sequence[CaseEvent]) -> list[PathStep]:
    """The steps of a case now in ``state`` whose history (oldest first) is ``events``."""
    events = sorted(events, key=lambda e: (e.at, e.pk or 0))
    reopenings = [i for i, e in enumerate(events) if e.to_state == S.REOPENED and e.from_state != S.REOPENED]
    round_start = reopenings[-1] if reopenings else 0
    first, this_round = _entered(events), _entered(events[round_start:])
    when = {s: first.get(s) if s in FIRST_ROUND else this_round.get(s) for s in (*PLACE, *EXITS)}

    if state in EXITS:  # the case left the path: the steps it took, then its exit
        steps = [PathStep(s, str(label), StepStatus.DONE, when[s]) for s, label in MAIN if when[s] is not None]
        return [*steps, PathStep(state, str(EXITS[state]), StepStatus.CURRENT, when[state], side=True)]

    here = PLACE.get(state, 0.0)
    steps = []
    for s, label in MAIN:
        place = PLACE[s]
        if place == here:
            status = StepStatus.CURRENT
        elif place > here:
            status = StepStatus.TODO
        else:
            status = StepStatus.DONE if when[s] is not None or s in FIRST_ROUND else StepStatus.SKIPPED
        steps.append(PathStep(s, str(label), status, when[s] if status is not StepStatus.TODO else None))
    for s, (place, label) in SIDE.items():
        if s == state or (when[s] is not None and place < here):
            status = StepStatus.CURRENT if s == state else StepStatus.DONE
            steps.append(PathStep(s, str(label), status, when[s], side=True))
    return sorted(steps, key=lambda step: PLACE[step.state])
