"""Computing a province's risk scores for a month: retrain the model on the province's history, score every unit
that is not idle or closed, store the scores with their reasons, and record the run's progress (``RiskRun``)
so staff see it. Idempotent per province and month: a month already scored is left alone."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from rownaq.core.periods import Period
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.monitoring.figures import month_index, month_of
from rownaq.monitoring.models import MonthlyReport, RiskRun, RiskRunState, RiskScore
from rownaq.monitoring.risk import (
    MODEL_KIND,
    TRAIN_CUTOFFS,
    NotEnoughHistory,
    contributions,
    fit,
    outcomes,
    predict,
    reasons_for,
    training_cutoffs,
)
from rownaq.monitoring.risk_features import HORIZON, History, features_at, load_history
from rownaq.registry.models import Unit

logger = logging.getLogger(__name__)
HISTORY_MONTHS = TRAIN_CUTOFFS + HORIZON + 12  # months read before the scored month


def province_history(province: Province, cutoff: Period, *, months: int = HISTORY_MONTHS) -> History:
    """The history of the province's units up to ``cutoff``, from their first report (at most ``months`` back)."""
    units = Unit.objects.in_places(Places.province(province.pk))
    earliest = month_index(cutoff) - months
    first = MonthlyReport.objects.filter(unit__in=units).aggregate(year=Min("year"))["year"]
    if first is not None:
        first_month = (
            MonthlyReport.objects.filter(unit__in=units, year=first).aggregate(month=Min("month"))["month"] or 1
        )
        earliest = max(earliest, month_index(Period.month(first, first_month)))
    return load_history(units, month_of(min(earliest, month_index(cutoff))), cutoff)


def _progress(run: RiskRun, step: str, **fields: object) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    run.step = step
    run.save(update_fields=["step", *fields])


def risk_score_province(*, province: Province, period: Period, again: bool = False) -> RiskRun:
    """Retrain and score the province's units for ``period`` (a month); returns the month's run (an existing
    finished or running run is returned untouched: the task may be enqueued twice; a failed one is retried).
    ``again``: score a finished month once more, because new figures came in (an agency's feed)."""
    try:
        with transaction.atomic():
            run = RiskRun.objects.create(province=province, year=period.year, month=period.number)
    except IntegrityError:
        # a month already scored (or being scored) is left alone; a failed one is tried again
        retried = RiskRun.objects.filter(
            province=province,
            year=period.year,
            month=period.number,
            state__in=[RiskRunState.FAILED, RiskRunState.DONE] if again else [RiskRunState.FAILED],
        ).update(state=RiskRunState.RUNNING, message="", started_at=timezone.now(), finished_at=None)
        run = RiskRun.objects.get(province=province, year=period.year, month=period.number)
        if not retried:
            return run
    try:
        _progress(run, "reading the history")
        history = province_history(province, period)
        cutoff = month_index(period)
        cutoffs = training_cutoffs(cutoff, history.first)  # the outcome windows that closed by ``period``
        _progress(run, "training", total_units=len(history.unit_ids))
        model = fit(history, cutoffs, kind=MODEL_KIND)
        _progress(run, "scoring", model_version=model.version)
        table = features_at(history, cutoff)
        scored = outcomes(history, cutoff).scored
        scores = predict(model, table)
        pushes = contributions(model, table)
        now = timezone.now()
        rows = [
            RiskScore(
                unit_id=int(table.unit_ids[i]),
                year=period.year,
                month=period.number,
                score=float(scores[i]),
                reasons=reasons_for(table, pushes, i),
                computed_at=now,
                model_version=model.version,
            )
            for i in range(len(table.unit_ids))
            if scored[i]
        ]
        with transaction.atomic():
            RiskScore.objects.filter(
                unit_id__in=[int(pk) for pk in history.unit_ids], year=period.year, month=period.number
            ).delete()
            RiskScore.objects.bulk_create(rows, batch_size=2000)
        _progress(run, "", state=RiskRunState.DONE, scored_units=len(rows), finished_at=timezone.now())
    except NotEnoughHistory as exc:
        _progress(run, "", state=RiskRunState.FAILED, message=str(exc), finished_at=timezone.now())
    except Exception as exc:
        logger.exception("Risk scoring of province %s for %s failed", province.pk, period)
        _progress(run, "", state=RiskRunState.FAILED, message=str(exc), finished_at=timezone.now())
    return run
