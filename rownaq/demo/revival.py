"""Revival cases of the demo: about ten idle or closed units of the province with the demo users, each brought
to its stage through ``monitoring.revival`` (so every history is a valid path of ``REVIVAL_STAGES``), the same
units for the same seed. Some restarted this year with jobs and capacity restored, some are on their way, two
were abandoned, one is just identified. The words are in ``data/revival/cases.jsonl``."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.demo.units import demo_units
from rownaq.demo.vocabulary import RevivalText, revival_texts
from rownaq.geography.models import Province
from rownaq.monitoring import revival
from rownaq.monitoring.access import REVIVABLE_STATUSES
from rownaq.monitoring.models import RevivalCase, RevivalStage

S = RevivalStage
# The stage each text of ``cases.jsonl`` is brought to, by its position (a text with an ``abandon`` reason
# is abandoned); the moves from "identified" to reach each stage.
STAGES: tuple[str, ...] = (
    S.RESTARTED,
    S.RESTARTED,
    S.IN_PROGRESS,
    S.ABANDONED,
    S.RESTARTED,
    S.PLAN_AGREED,
    S.DIAGNOSED,
    S.IN_PROGRESS,
    S.ABANDONED,
    S.IDENTIFIED,
)
MOVES: dict[str, tuple[str, ...]] = {
    S.IDENTIFIED: (),
    S.DIAGNOSED: ("diagnose",),
    S.PLAN_AGREED: ("diagnose", "agree_plan"),
    S.IN_PROGRESS: ("diagnose", "agree_plan", "start"),
    S.RESTARTED: ("diagnose", "agree_plan", "start", "restart"),
    S.ABANDONED: ("diagnose", "abandon"),
}


@dataclass
class DemoRevivalSummary:
    cases: int = 0
    stages: Counter[str] = field(default_factory=Counter)
    jobs_restored: int = 0


def demo_revival_cases(*, province: Province) -> QuerySet[RevivalCase]:
    return RevivalCase.objects.filter(unit__in=demo_units(province=province).values("pk"))


def demo_revival_build(*, province: Province, seed: int, today: dt.date | None = None) -> DemoRevivalSummary:
    """The demo's revival cases; nothing if the province has some already or has no demo expert."""
    summary = DemoRevivalSummary()
    expert = User.objects.filter(username="expert", is_active=True).first()
    if expert is None or not expert.serves_province(province.pk) or demo_revival_cases(province=province).exists():
        return summary
    today = today or timezone.localdate()
    rng = random.Random(f"rownaq-demo-revival:{seed}:{province.code}")
    units = list(demo_units(province=province).filter(status__in=REVIVABLE_STATUSES).order_by("pk"))
    chosen = rng.sample(units, min(len(units), len(STAGES)))
    with transaction.atomic():
        for unit, text, stage in zip(chosen, revival_texts(), STAGES, strict=False):
            case = revival.revival_open(unit=unit, cause=text.cause, by=expert, support_needed=text.support)
            _bring_to(case, text, stage, expert, rng, today)
            case.refresh_from_db()
            summary.cases += 1
            summary.stages[case.stage] += 1
            summary.jobs_restored += case.jobs_restored or 0
    return summary


def _bring_to(case: RevivalCase, text: RevivalText, stage: str, by: User, rng: random.Random, today: dt.date) -> None:
    moves = MOVES[stage]
    steps = []
    if "agree_plan" in moves:
        for number, (title, owner) in enumerate(text.steps):
            due = today + dt.timedelta(days=rng.randint(-40, 60) + 15 * number)
            steps.append(revival.revival_step_add(case=case, title=title, owner=owner, due=due, by=by))
    for action in moves:
        if action == "restart" or (action == "start" and steps):
            done = steps if action == "restart" else steps[: len(steps) // 2]
            for step in done:
                revival.revival_step_set_done(step=step, done=True, by=by)
        if action == "restart":
            jobs = rng.randint(3, max(3, case.unit.employees))
            capacity = Decimal(rng.randint(300, 850)) / 10
            revival.act(case=case, action=action, by=by, jobs_restored=jobs, capacity_restored=capacity)
        elif action == "diagnose":
            revival.act(case=case, action=action, by=by, diagnosis=text.diagnosis)
        elif action == "abandon":
            revival.act(case=case, action=action, by=by, reason=text.abandon)
        else:
            revival.act(case=case, action=action, by=by)
