"""The validation rules of a monthly report, evaluated: each rule's metric computed from the report and the
unit's own approved history, compared with the rule's threshold. Small and pure: no query here (the services
load the rules and the history)."""

from __future__ import annotations

import operator as op
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rownaq.core.numbers import format_billion_rial, format_number
from rownaq.monitoring.models import FIGURE_FIELDS, MONEY_FIELDS, Metric, Severity, ValidationRule

# A robust z-score needs this many approved months before it means anything.
HISTORY_MIN_MONTHS = 6
HISTORY_MONTHS = 12
# The series the distance from the unit's own history is measured on.
HISTORY_SERIES = ("utilisation", "sales", "employees", "electricity_kwh", "gas_m3")
MAD_SCALE = Decimal("0.6745")
# How a warning names each of those series (its value, shown with its unit, follows).
HISTORY_LABELS = {
    "utilisation": gettext_lazy("Capacity utilisation"),
    "sales": gettext_lazy("Sales"),
    "employees": gettext_lazy("Employees"),
    "electricity_kwh": gettext_lazy("Electricity use"),
    "gas_m3": gettext_lazy("Gas use"),
}

COMPARE: dict[str, Callable[[Decimal, Decimal], bool]] = {"gt": op.gt, "ge": op.ge, "lt": op.lt, "le": op.le}


@dataclass(frozen=True)
class Figures:
    """What the rules read of one month: its figures, its product lines' output and utilisation, and the
    overall utilisation."""

    figures: Mapping[str, int]
    quantities: Sequence[Decimal] = ()
    line_utilisations: Sequence[Decimal | None] = ()
    utilisation: Decimal | None = None

    def value(self, name: str) -> Decimal | None:
        if name == "utilisation":
            return self.utilisation
        raw = self.figures.get(name)
        return None if raw is None else Decimal(raw)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    value: Decimal = field(default=Decimal(0))

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message, "value": str(self.value)}


def _percent_change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    if now is None or before is None or before <= 0:
        return None
    return (now - before) * 100 / before


def negative_count(month: Figures) -> Decimal:
    values = [month.figures.get(name, 0) for name in FIGURE_FIELDS] + list(month.quantities)
    return Decimal(sum(1 for value in values if value < 0))


def highest_utilisation(month: Figures) -> Decimal | None:
    values = [u for u in (*month.line_utilisations, month.utilisation) if u is not None]
    return max(values) if values else None


def employees_change(month: Figures, previous: Figures | None) -> Decimal | None:
    change = _percent_change(month.value("employees"), previous.value("employees") if previous else None)
    return None if change is None else abs(change)


def energy_up_output_down(month: Figures, previous: Figures | None) -> Decimal | None:
    """The rise of energy use (the larger of electricity's and gas's, in %) when output (overall utilisation)
    fell since the previous approved month; 0 when output did not fall or energy did not rise."""
    if previous is None or month.utilisation is None or previous.utilisation is None:
        return None
    if month.utilisation >= previous.utilisation:
        return Decimal(0)
    rises = [
        change
        for name in ("electricity_kwh", "gas_m3")
        if (change := _percent_change(month.value(name), previous.value(name))) is not None
    ]
    return max([Decimal(0), *rises])


@dataclass(frozen=True)
class HistoryScore:
    """How far one figure of the month is from the unit's own history: its value, the history's median and the
    robust z-score."""

    name: str
    value: Decimal
    median: Decimal
    score: Decimal


def history_scores(month: Figures, history: Sequence[Figures]) -> list[HistoryScore]:
    """The robust z-score (0.6745 × distance from the median ÷ the median absolute deviation) of each of the
    month's figures against the unit's last 12 approved months; none with fewer than six of them."""
    recent = list(history)[-HISTORY_MONTHS:]
    if len(recent) < HISTORY_MIN_MONTHS:
        return []
    scores: list[HistoryScore] = []
    for name in HISTORY_SERIES:
        now = month.value(name)
        past = [v for v in (m.value(name) for m in recent) if v is not None]
        if now is None or len(past) < HISTORY_MIN_MONTHS:
            continue
        middle = Decimal(median(past))
        spread = Decimal(median([abs(v - middle) for v in past]))
        if spread == 0:
            continue  # a constant history gives no scale to measure a distance with
        scores.append(HistoryScore(name, now, middle, abs(MAD_SCALE * (now - middle) / spread)))
    return scores


def history_distance(month: Figures, history: Sequence[Figures]) -> Decimal | None:
    """The largest robust z-score of the month's figures against the unit's last 12 approved months
    (``history_scores``); ``None`` with fewer than six of them."""
    scores = history_scores(month, history)
    return max(s.score for s in scores).quantize(Decimal("0.1")) if scores else None


def _shown(value: Decimal) -> str:
    return format_number(value, decimals=0 if value == value.to_integral() else 1)


def _figure_shown(name: str, value: Decimal) -> str:
    """A figure (or a history's median, which may fall between two whole values) with its unit."""
    if name in MONEY_FIELDS:
        return format_billion_rial(int(value))
    if name == "utilisation":
        return format_number(value, decimals=1) + "٪"
    amount = _shown(value.quantize(Decimal("0.1")))
    if name == "electricity_kwh":
        return _("%(amount)s kWh") % {"amount": amount}
    if name == "gas_m3":
        return _("%(amount)s m³") % {"amount": amount}
    return amount


def far_figures_text(
    scores: Sequence[HistoryScore], compare: Callable[[Decimal, Decimal], bool], threshold: Decimal
) -> str:
    """The figures that are far from the unit's history (those whose own score meets the rule; the farthest one
    when none does alone), named with this month's value and the history's median, for ``{figures}``."""
    chosen = [s for s in scores if compare(s.score.quantize(Decimal("0.1")), threshold)] or sorted(
        scores, key=lambda s: -s.score
    )[:1]
    return _(" and ").join(
        _("%(figure)s this month (%(value)s, against a median of %(median)s)")
        % {
            "figure": HISTORY_LABELS[s.name],
            "value": _figure_shown(s.name, s.value),
            "median": _figure_shown(s.name, s.median),
        }
        for s in chosen
    )


def metric_value(metric: str, month: Figures, history: Sequence[Figures]) -> Decimal | None:
    """The value of ``metric`` for ``month``, given the unit's approved months before it (oldest first);
    ``None`` when it cannot be computed (no previous month, no capacity...), and the rule then does not apply."""
    previous = history[-1] if history else None
    match metric:
        case Metric.NEGATIVE:
            return negative_count(month)
        case Metric.UTILISATION:
            return highest_utilisation(month)
        case Metric.EMPLOYEES_CHANGE:
            return employees_change(month, previous)
        case Metric.ENERGY_UP_OUTPUT_DOWN:
            return energy_up_output_down(month, previous)
        case Metric.HISTORY_DISTANCE:
            return history_distance(month, history)
    return None


def evaluate(rules: Iterable[ValidationRule], month: Figures, history: Sequence[Figures]) -> list[Finding]:
    """The findings of the active ``rules`` on ``month`` (errors first), each with its message filled in."""
    findings = []
    for rule in rules:
        if not rule.active:
            continue
        value = metric_value(rule.metric, month, history)
        compare = COMPARE.get(rule.operator)
        if value is None or compare is None or not compare(value, rule.threshold):
            continue
        shown = {"value": _shown(value.quantize(Decimal("0.1"))), "threshold": _shown(rule.threshold), "figures": ""}
        if rule.metric == Metric.HISTORY_DISTANCE:
            shown["figures"] = far_figures_text(history_scores(month, history), compare, rule.threshold)
        try:
            message = rule.message.format_map(shown)
        except (KeyError, ValueError, IndexError):
            message = rule.message  # a template the admin mistyped is shown as written
        findings.append(Finding(rule.code, rule.severity, message, value))
    return sorted(findings, key=lambda f: (not f.is_error, f.code))
