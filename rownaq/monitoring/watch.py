"""The watch list: the units at highest risk in the latest scored month, the count per county, and the
preventive actions (a visit, a referral, a call) experts plan for them and mark done."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.core.normalise import normalise_text
from rownaq.core.periods import Period
from rownaq.monitoring import access
from rownaq.monitoring.models import PreventiveAction, RiskScore
from rownaq.registry.models import Unit

HIGH_RISK = 0.3  # a score from which a unit counts as at high risk in the counts per county


def latest_month(scores: QuerySet[RiskScore]) -> Period | None:
    """The latest month ``scores`` hold a score of."""
    latest = scores.order_by("-year", "-month").values_list("year", "month").first()
    return None if latest is None else Period.month(*latest)


@dataclass
class CountyCount:
    county: str
    high: int
    open_actions: int


def county_counts(scores: QuerySet[RiskScore], actions: QuerySet[PreventiveAction]) -> list[CountyCount]:
    """Per county: the units at high risk among ``scores`` (one month's) and the preventive actions still open."""
    high = dict(
        scores.filter(score__gte=HIGH_RISK)
        .values_list("unit__county__name")
        .annotate(n=Count("pk"))
        .values_list("unit__county__name", "n")
    )
    open_actions = dict(
        actions.filter(done=False)
        .values_list("unit__county__name")
        .annotate(n=Count("pk"))
        .values_list("unit__county__name", "n")
    )
    names = sorted(set(high) | set(open_actions), key=lambda name: (-high.get(name, 0), name))
    return [CountyCount(name, high.get(name, 0), open_actions.get(name, 0)) for name in names]


def watch_rows(scores: QuerySet[RiskScore]) -> QuerySet[RiskScore]:
    """One month's scores, highest first, with what the rows show (no query per row)."""
    return scores.select_related("unit", "unit__county", "unit__estate", "unit__sector").order_by(
        F("score").desc(), "unit_id"
    )


def open_actions_by_unit(actions: QuerySet[PreventiveAction], unit_ids: list[int]) -> dict[int, list[PreventiveAction]]:
    found: dict[int, list[PreventiveAction]] = {}
    for action in actions.filter(unit_id__in=unit_ids).filter(Q(done=False)).select_related("owner"):
        found.setdefault(action.unit_id, []).append(action)
    return found


@transaction.atomic
def action_plan(*, unit: Unit, kind: str, owner: User, due: dt.date, note: str = "", by: User) -> PreventiveAction:
    """Plan a preventive action for ``unit`` with its owner (a user of the unit's province) and due date."""
    province_id = unit.county.province_id
    if not (access.sees_watch_list(by) and by.serves_province(province_id)):
        raise PermissionDenied
    if not access.action_owners(by, province_id).filter(pk=owner.pk).exists():
        raise ValidationError(_("The owner must be a person of the unit's province."))
    if due < timezone.localdate():
        raise ValidationError(_("The due date cannot be in the past."))
    return PreventiveAction.objects.create(
        unit=unit, kind=kind, owner=owner, due=due, note=normalise_text(note), created_by=by
    )


@transaction.atomic
def action_mark_done(*, action: PreventiveAction, by: User) -> PreventiveAction:
    """Mark the action done (once: a second time changes nothing)."""
    if not (access.sees_watch_list(by) and by.serves_province(action.unit.county.province_id)):
        raise PermissionDenied
    if not action.done:
        action.done, action.done_at = True, timezone.now()
        action.save(update_fields=["done", "done_at"])
    return action
