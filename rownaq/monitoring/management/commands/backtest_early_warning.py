"""``manage.py backtest_early_warning [--cutoff 1405/02] [--province CODE]``: the honest test of the early-warning
model. It trains on earlier cutoffs whose six-month outcome was known by the test cutoff, scores every unit
that is not idle or closed at the cutoff, and checks who went idle or closed in the six months after it —
for the model and for the officials' rule (last month's utilisation below 40%), side by side. Its last line
is ``precision@50 model=0.62 rule=0.41`` (the real figures)."""

from __future__ import annotations

import platform
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rownaq.core.periods import Period, PeriodError
from rownaq.geography.models import Province
from rownaq.monitoring.figures import month_index, month_of
from rownaq.monitoring.risk import MODEL_KIND, RULE_THRESHOLD, Backtest, NotEnoughHistory, backtest, choose_kind
from rownaq.monitoring.risk_features import HORIZON
from rownaq.monitoring.risk_scoring import province_history
from rownaq.monitoring.services import last_reportable_month

KS = (50, 100)


def _month(index: int) -> str:
    period = month_of(index)
    return f"{period.year}/{period.number:02d}"


def last_line(result: Backtest) -> str:
    return f"precision@50 model={result.model.precision[50]:.2f} rule={result.rule.precision[50]:.2f}"


class Command(BaseCommand):
    help = "Backtest the early-warning model against the rule 'last month's utilisation below 40%'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cutoff",
            help="The Jalali month scored, as 1405/02 (default: the latest month whose six-month outcome is known).",
        )
        parser.add_argument(
            "--province", help=f"The province's two-digit code (default: {settings.ROWNAQ_DEFAULT_PROVINCE})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["province"] or settings.ROWNAQ_DEFAULT_PROVINCE
        province = Province.objects.filter(code=code).first()
        if province is None:
            raise CommandError(f"No province has the code {code!r}.")
        if options["cutoff"]:
            try:
                cutoff_period = Period.parse(options["cutoff"])
            except PeriodError as exc:
                raise CommandError(f"The cutoff must be a Jalali month such as 1405/02 ({exc}).") from exc
            if cutoff_period.kind != "month":
                raise CommandError("The cutoff must be one Jalali month, such as 1405/02.")
        else:
            cutoff_period = month_of(month_index(last_reportable_month()) - HORIZON)
        cutoff = month_index(cutoff_period)
        history = province_history(province, cutoff_period)  # nothing after the cutoff but the outcomes
        try:
            result = backtest(history, cutoff, kind=MODEL_KIND, ks=KS)
        except NotEnoughHistory as exc:
            raise CommandError(f"Cannot backtest at {_month(cutoff)}: {exc}") from exc
        choice = choose_kind(history, cutoff)
        out = self.stdout.write
        out(f"Early warning backtest: province {province.name} ({province.code}), cutoff {_month(cutoff)}")
        machine = f"{platform.node()} ({platform.machine()}, Python {platform.python_version()})"
        out(f"Run {timezone.now():%Y-%m-%d %H:%M} UTC on {machine}")
        first, last = result.train_cutoffs[0], result.train_cutoffs[-1]
        out(
            f"Trained on {len(result.train_cutoffs)} cutoffs {_month(first)}..{_month(last)}"
            f" ({result.train_rows} unit-months);"
            f" every training label's {HORIZON}-month window closed by the cutoff. Model: {MODEL_KIND} (fixed)."
        )
        figures = ", ".join(f"{kind} {'n/a' if value is None else f'{value:.2f}'}" for kind, value in choice.items())
        out(
            "Model choice on the training cutoffs only (units split in two halves, each ranked by a model of the"
            f" other half; mean precision@25 per half and cutoff): {figures}"
        )
        out(
            f"Scored units (not idle or closed at the cutoff): {result.scored}; "
            f"went idle or closed within {HORIZON} months: {result.positives}"
        )
        out(
            f"Rule: last month's utilisation below {RULE_THRESHOLD:.0f}% flags {result.flagged} units, ranked lowest "
            "utilisation first. Convention: when a method names fewer than k units, precision@k still divides "
            "by k (the empty places count as misses)."
        )
        out(f"{'':14}{'model':>8}{'rule':>8}")
        for k in KS:
            out(f"{f'precision@{k}':14}{result.model.precision[k]:8.2f}{result.rule.precision[k]:8.2f}")
        for k in KS:
            out(f"{f'recall@{k}':14}{result.model.recall[k]:8.2f}{result.rule.recall[k]:8.2f}")
        out(last_line(result))
