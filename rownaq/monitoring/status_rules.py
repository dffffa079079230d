"""The status rules of units, as plain values: which status a unit's recent months call for, and the note that
explains it with the figures. ``status.status_evaluate`` applies them to the database; the demo's distress
simulation applies the same function month by month to its simulated history.

A rule moves a unit to its target status when, in each of its last ``months`` months, the unit's capacity
utilisation (from its report) compares to ``threshold`` by ``operator``; for a month without a reported
utilisation, the unit's electricity use as a share of its usual (the highest month of the twelve before it,
from the agencies' signals) is compared to ``electricity_threshold`` instead, when the rule has one. A month
with neither breaks the run. Which statuses a rule may move a unit from is fixed by its target
(``APPLIES_TO``); rules are tried idle first, then semi-active, then active. Closed is never set by a rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from rownaq.core.normalise import to_persian_digits
from rownaq.core.numbers import format_number
from rownaq.core.periods import Period
from rownaq.registry.models import UnitStatus as US

# The statuses a rule may move a unit from, by the rule's target; the order rules are tried in.
APPLIES_TO: dict[str, frozenset[str]] = {
    US.IDLE: frozenset({US.ACTIVE, US.SEMI_ACTIVE}),
    US.SEMI_ACTIVE: frozenset({US.ACTIVE}),
    US.ACTIVE: frozenset({US.SEMI_ACTIVE, US.IDLE}),
}
ORDER: tuple[str, ...] = (US.IDLE, US.SEMI_ACTIVE, US.ACTIVE)
USUAL_MONTHS = 12  # the months before one whose highest electricity use is the unit's usual


@dataclass(frozen=True)
class RuleSpec:
    code: str
    to_status: str
    operator: str  # "lt", "le", "ge", "gt"
    threshold: Decimal  # capacity utilisation (%)
    months: int
    electricity_threshold: Decimal | None  # electricity use as % of the usual, for months without utilisation
    message: str  # "{threshold}", "{months}" and "{values}" are replaced


@dataclass(frozen=True)
class MonthActivity:
    """What is known of one month of a unit: its reported utilisation and its electricity share (either None)."""

    period: Period
    utilisation: Decimal | None
    electricity_share: Decimal | None


def compare(value: Decimal, operator: str, threshold: Decimal) -> bool:
    if operator == "lt":
        return value < threshold
    if operator == "le":
        return value <= threshold
    if operator == "ge":
        return value >= threshold
    return value > threshold


def electricity_share(value: int | None, before: Sequence[int | None]) -> Decimal | None:
    """A month's electricity use as % of the highest of the months before it (None if either is unknown)."""
    usual = max((v for v in before[-USUAL_MONTHS:] if v is not None), default=None)
    if value is None or not usual:
        return None
    return (Decimal(value) * 100 / Decimal(usual)).quantize(Decimal("0.1"))


def _holds(rule: RuleSpec, month: MonthActivity) -> bool:
    if month.utilisation is not None:
        return compare(month.utilisation, rule.operator, rule.threshold)
    if rule.electricity_threshold is not None and month.electricity_share is not None:
        return compare(month.electricity_share, rule.operator, rule.electricity_threshold)
    return False


def status_decide(
    *, status: str, months: Sequence[MonthActivity], rules: Sequence[RuleSpec]
) -> tuple[RuleSpec, list[MonthActivity]] | None:
    """The first rule (idle, semi-active, active) that moves a unit of this status, with the months that hold it;
    ``months`` ends with the month evaluated (oldest first, consecutive). None: the status stays."""
    ordered = sorted(rules, key=lambda rule: ORDER.index(rule.to_status) if rule.to_status in ORDER else len(ORDER))
    for rule in ordered:
        if status not in APPLIES_TO.get(rule.to_status, frozenset()) or rule.months < 1:
            continue
        run = list(months[-rule.months :])
        if len(run) == rule.months and all(_holds(rule, month) for month in run):
            return rule, run
    return None


def _figure(value: Decimal) -> str:
    """A percentage as shown: whole when it is whole, else to one decimal (49.6 is not shown as 50)."""
    return format_number(value, decimals=0 if value == value.to_integral_value() else 1)


def status_note(rule: RuleSpec, run: Sequence[MonthActivity]) -> str:
    """The rule's message with its figures, in the active language's digits (at most 300 characters)."""
    values = []
    for month in run:
        if month.utilisation is not None:
            values.append(_("%(value)s%%") % {"value": _figure(month.utilisation)})
        else:
            share = _figure(month.electricity_share or Decimal(0))
            values.append(_("electricity %(value)s%% of usual") % {"value": share})
    try:
        text = rule.message.format(
            threshold=format_number(rule.threshold, decimals=0),
            months=to_persian_digits(str(rule.months)),
            values=_(", ").join(values),
        )
    except (KeyError, IndexError, ValueError):  # a message the admin mistyped: shown as written, with the figures
        text = f"{rule.message} ({_(', ').join(values)})"
    return text[:300]
