"""Field visits of the demo: a few visits in the demo province, planned and made, by the SMT expert and the
``bank`` liaison (an agency), some flagged yellow or red, each saved through ``monitoring.visits`` with a key
that depends only on the seed (so a second run adds nothing). A red visit to an idle unit offers a revival
case; a red visit to an active unit shows why it does not. The words are in ``data/visits/visits.jsonl``:
per visit who visits (``expert`` or ``bank``), the day as days from today (negative: made, positive: planned),
the kind of unit (``idle`` or ``active``), the answers, the flag and the notes."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.demo.units import demo_units
from rownaq.demo.vocabulary import visit_texts
from rownaq.geography.models import Province
from rownaq.monitoring import visits
from rownaq.monitoring.access import REVIVABLE_STATUSES
from rownaq.monitoring.visit_models import Visit
from rownaq.registry.models import UnitStatus

VISITORS = ("expert", "bank")


@dataclass
class DemoVisitsSummary:
    visits: int = 0
    flags: Counter[str] = field(default_factory=Counter)


def _key(seed: int, province: Province, number: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"rownaq-demo-visit:{seed}:{province.code}:{number}")


def demo_visits_build(*, province: Province, seed: int, today: dt.date | None = None) -> DemoVisitsSummary:
    """The demo's visits; nothing if the demo's visitors are missing or the visits are there already."""
    summary = DemoVisitsSummary()
    people = {u.username: u for u in User.objects.filter(username__in=VISITORS, is_active=True)}
    if set(people) != set(VISITORS) or Visit.objects.filter(uuid=_key(seed, province, 0)).exists():
        return summary
    today = today or timezone.localdate()
    rng = random.Random(f"rownaq-demo-visits:{seed}:{province.code}")
    units = demo_units(province=province).order_by("pk")
    pools = {
        "idle": list(units.filter(status__in=REVIVABLE_STATUSES, revival_cases__isnull=True)),
        "active": list(units.filter(status=UnitStatus.ACTIVE)),
    }
    with transaction.atomic():
        for number, text in enumerate(visit_texts()):
            pool = pools[text.unit] or pools["active"]
            if not pool:
                break
            unit = pool.pop(rng.randrange(len(pool)))
            day = today + dt.timedelta(days=text.days)
            findings = visits.Findings(
                visited_on=day if text.days <= 0 else None, notes=text.notes, flag=text.flag, **text.answers
            )
            visit, created = visits.visit_save(
                key=_key(seed, province, number),
                unit=unit,
                planned_on=day,
                findings=findings,
                by=people[text.by],
            )
            if created:
                summary.visits += 1
                summary.flags[visit.flag or "planned"] += 1
    return summary
