"""Units' status by the rules the admin edits (``StatusRule``, applied by ``status_rules``) and by experts'
overrides; every change goes through the registry's ``unit_update`` and so writes a ``StatusChange`` whose note
explains it (the rule's figures, the expert's reason, the revival case)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.core.normalise import normalise_paragraphs, to_persian_digits
from rownaq.core.periods import Period
from rownaq.geography.models import Province
from rownaq.monitoring import access
from rownaq.monitoring.models import REPORTED_STATES, MonthlyReport, Signal, SignalKind
from rownaq.monitoring.services import due_date, last_reportable_month, previous_month
from rownaq.monitoring.status_models import StatusEvaluation, StatusOverride, StatusRule
from rownaq.monitoring.status_rules import (
    USUAL_MONTHS,
    MonthActivity,
    RuleSpec,
    electricity_share,
    status_decide,
    status_note,
)
from rownaq.registry.models import StatusChange, Unit, UnitStatus
from rownaq.registry.services import unit_update


def status_rule_specs() -> list[RuleSpec]:
    """The active status rules, as values."""
    return [
        RuleSpec(r.code, r.to_status, r.operator, r.threshold, r.months, r.electricity_threshold, r.message)
        for r in StatusRule.objects.filter(active=True).order_by("code")
    ]


def _months_back(period: Period, count: int) -> list[Period]:
    months = [period]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return list(reversed(months))


def _month_q(months: list[Period]) -> Q:
    q = Q(pk__in=[])
    for period in months:
        q |= Q(year=period.year, month=period.number)
    return q


def unit_activity(units: list[Unit], period: Period, span: int) -> dict[int, list[MonthActivity]]:
    """The last ``span`` months up to ``period`` of each unit: reported utilisation and electricity share (from
    the newest feed of each month)."""
    months = _months_back(period, span)
    wider = _months_back(period, span + USUAL_MONTHS)
    ids = [unit.pk for unit in units]
    utilisation: dict[tuple[int, int, int], Decimal | None] = {}
    for unit_id, year, month, figure in MonthlyReport.objects.filter(
        _month_q(months), unit__in=ids, state__in=REPORTED_STATES
    ).values_list("unit_id", "year", "month", "utilisation"):
        utilisation[unit_id, year, month] = figure
    electricity: dict[tuple[int, int, int], int] = {}
    for unit_id, year, month, use in (
        Signal.objects.filter(_month_q(wider), unit__in=ids, kind=SignalKind.ELECTRICITY_KWH)
        .order_by("feed__created_at", "feed_id")
        .values_list("unit_id", "year", "month", "value")
    ):
        electricity[unit_id, year, month] = use  # the newest feed's row wins
    result: dict[int, list[MonthActivity]] = defaultdict(list)
    for unit_id in ids:
        uses = [electricity.get((unit_id, p.year, p.number)) for p in wider]
        offset = len(wider) - len(months)
        for index, p in enumerate(months):
            share = electricity_share(uses[offset + index], uses[: offset + index])
            result[unit_id].append(MonthActivity(p, utilisation.get((unit_id, p.year, p.number)), share))
    return result


def overridden_units(unit_ids: Iterable[int], day: dt.date) -> set[int]:
    holding = StatusOverride.objects.filter(unit__in=list(unit_ids), lifted_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gte=day)
    )
    return set(holding.values_list("unit_id", flat=True))


def status_evaluate(
    *, units: Iterable[Unit], period: Period, by: User | None = None, today: dt.date | None = None
) -> list[StatusChange]:
    """Apply the active rules to ``units`` as of ``period`` (a month); returns the changes written. Closed units,
    units an expert's override holds, and units whose status was set at or after the month's end are left
    alone (so evaluating a month twice changes nothing more)."""
    today = today or timezone.localdate()
    rules = status_rule_specs()
    if not rules:
        return []
    end = period.last_day
    candidates = [
        unit
        for unit in units
        if unit.status != UnitStatus.CLOSED and not (unit.status_since and unit.status_since >= end)
    ]
    held = overridden_units((unit.pk for unit in candidates), today)
    candidates = [unit for unit in candidates if unit.pk not in held]
    activity = unit_activity(candidates, period, max(rule.months for rule in rules))
    changes: list[StatusChange] = []
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        for unit in candidates:
            decision = status_decide(status=unit.status, months=activity[unit.pk], rules=rules)
            if decision is None:
                continue
            rule, run = decision
            unit_update(unit=unit, by=by, status=rule.to_status, status_since=end, status_note=status_note(rule, run))
            changes.append(unit.status_changes.order_by("-recorded_at", "-pk").first())  # type: ignore[arg-type]
    return changes


def status_evaluate_due(*, today: dt.date | None = None) -> int:
    """The monthly run: after last month's due day, evaluate each province's units once; returns the changes."""
    today = today or timezone.localdate()
    period = last_reportable_month(today)
    if today <= due_date(period):
        return 0
    total = 0
    provinces = Province.objects.filter(pk__in=Unit.objects.values("county__province")).order_by("code")
    for province in provinces:
        with transaction.atomic():
            evaluation, created = StatusEvaluation.objects.select_for_update().get_or_create(
                province=province, year=period.year, month=period.number
            )
            if not created:
                continue
            units = Unit.objects.filter(county__province=province).order_by("pk")
            evaluation.changes = len(status_evaluate(units=units, period=period, today=today))
            evaluation.save(update_fields=["changes"])
            total += evaluation.changes
    return total


def holding_override(unit: Unit, day: dt.date | None = None) -> StatusOverride | None:
    override = StatusOverride.objects.filter(unit=unit, lifted_at__isnull=True).select_related("by").first()
    return override if override is not None and override.holds(day) else None


@transaction.atomic
def status_override_set(
    *, unit: Unit, status: str, reason: str, by: User, until: dt.date | None = None
) -> StatusOverride:
    """An expert sets the unit's status with a reason; the rules leave it alone until lifted or ``until``."""
    if not access.can_override_status(by, unit):
        raise PermissionDenied
    today = timezone.localdate()
    reason = normalise_paragraphs(reason)
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why the status is set by hand.")]
    if status not in UnitStatus.values:
        errors["status"] = [_("Choose a status.")]
    if until is not None and until < today:
        errors["until"] = [_("The date the decision holds until cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    StatusOverride.objects.filter(unit=unit, lifted_at__isnull=True).update(lifted_at=timezone.now(), lifted_by=by)
    override = StatusOverride.objects.create(unit=unit, status=status, reason=reason, until=until, by=by)
    note = (_("Set by an expert: %(reason)s") % {"reason": reason})[:300]
    if unit.status != status:
        unit_update(unit=unit, by=by, status=status, status_since=today, status_note=note)
    else:
        StatusChange.objects.create(
            unit=unit, old_status=status, new_status=status, effective_on=today, note=note, recorded_by=by
        )
    return override


@transaction.atomic
def status_override_lift(*, unit: Unit, by: User | None, note: str = "") -> bool:
    """Lift the expert's decision on the unit: the rules apply again (recorded in the history)."""
    if by is not None and not access.can_override_status(by, unit):
        raise PermissionDenied
    lifted = StatusOverride.objects.filter(unit=unit, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=by
    )
    if lifted:
        StatusChange.objects.create(
            unit=unit,
            old_status=unit.status,
            new_status=unit.status,
            effective_on=timezone.localdate(),
            note=(note or _("The expert's decision on the status was lifted; the rules apply again."))[:300],
            recorded_by=by,
        )
    return bool(lifted)


def status_after_restart(*, unit: Unit, case_number: int, by: User) -> None:
    """A revival case restarted the unit: it is active again, with a note naming the case."""
    note = _("Restarted through revival case no. %(number)s") % {"number": to_persian_digits(str(case_number))}
    StatusOverride.objects.filter(unit=unit, lifted_at__isnull=True).update(lifted_at=timezone.now(), lifted_by=by)
    if unit.status != UnitStatus.ACTIVE:
        unit_update(unit=unit, by=by, status=UnitStatus.ACTIVE, status_since=timezone.localdate(), status_note=note)
