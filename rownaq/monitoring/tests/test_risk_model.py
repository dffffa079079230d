"""The early-warning model: its reasons in Persian with the figures, the monthly scoring of a province (stored,
idempotent, progress recorded), and the backtest command's output."""

from __future__ import annotations

import re
from collections.abc import Callable
from io import StringIO
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from rownaq.core.periods import Period
from rownaq.core.testing import run_worker
from rownaq.geography.models import Province
from rownaq.monitoring.figures import month_index, month_of
from rownaq.monitoring.models import RiskRun, RiskRunState, RiskScore
from rownaq.monitoring.risk import COLUMNS, at_k, reasons_for, rule_order
from rownaq.monitoring.risk_features import FEATURES, FeatureTable
from rownaq.monitoring.risk_reasons import reason_text, reason_texts
from rownaq.monitoring.risk_scoring import risk_score_province
from rownaq.monitoring.services import last_reportable_month
from rownaq.monitoring.tests.risk_history import build_province
from rownaq.registry.models import Unit

LAST_LINE = re.compile(r"^precision@50 model=\d\.\d\d rule=\d\.\d\d$")


def _table(**values: float) -> FeatureTable:
    row = np.full((1, len(FEATURES)), np.nan)
    for name, value in values.items():
        row[0, FEATURES.index(name)] = value
    facts: dict[str, Any] = {
        "utilisation_now": 38.0,
        "utilisation_3": 55.0,
        "utilisation_6": 71.0,
        "employees_now": 30.0,
        "employees_6": 40.0,
        "insurance_debt": 0.0,
        "signal_insurance_debt": np.nan,
        "tax_arrears": np.nan,
        "overdue_instalments": np.nan,
        "cheques_since": float(month_index(Period.month(1403, 2))),
        "licence_days": 40.0,
        "last_month_utilisation": 38.0,
    }
    return FeatureTable(
        unit_ids=np.array([1]),
        cutoff=month_index(Period.month(1403, 7)),
        values=row,
        division=np.array(["23"], dtype=object),
        facts={name: np.array([value]) for name, value in facts.items()},
    )


def test_reasons_come_from_the_features_that_raised_the_score_with_their_figures() -> None:
    table = _table(
        utilisation_change_6=-33, returned_cheques_6=3, signal_returned_cheques_6=1, licence_expiring=1, size=3.4
    )
    pushes = np.zeros((1, len(COLUMNS)))
    pushes[0, COLUMNS.index("utilisation_change_6")] = 1.2
    pushes[0, COLUMNS.index("returned_cheques_6")] = 0.8
    pushes[0, COLUMNS.index("licence_expiring")] = 0.3
    pushes[0, COLUMNS.index("size")] = 0.9  # not something a person acts on: no reason
    pushes[0, COLUMNS.index("sales_change")] = -2.0  # lowered the risk: no reason
    reasons = reasons_for(table, pushes, 0)
    assert [r["code"] for r in reasons] == ["utilisation_fell", "returned_cheques", "licence_expiring"]
    assert reasons[0]["params"] == {"months": 6, "from": 71, "to": 38}
    assert reasons[1]["params"] == {"count": 3, "year": 1403, "month": 2}
    with translation.override("fa"):
        assert reason_texts(reasons) == [
            "بهره‌برداری در ۶ ماه از ۷۱٪ به ۳۸٪ رسید",
            "۳ چک برگشتی از ۱۴۰۳/۰۲",
            "پروانه بهره‌برداری ۴۰ روز دیگر منقضی می‌شود",
        ]


def test_reason_texts_in_persian() -> None:
    with translation.override("fa"):
        assert reason_text({"code": "insured_fell", "params": {"percent": 30, "year": 1404, "month": 1}}) == (
            "بیمه‌شدگان ۳۰٪ کمتر از ۱۴۰۴/۰۱"
        )
        assert reason_text({"code": "insurance_debt", "params": {"amount": 2_500_000_000}}) == (
            "بدهی بیمه ۲٫۵ میلیارد ریال"
        )
        assert reason_text({"code": "missed_reports", "params": {"months": 4}}) == "۴ ماه پیاپی بدون گزارش ماهانه"
        assert reason_text({"code": "no_such_reason", "params": {}}) == ""
        assert reason_text({"code": "utilisation_fell", "params": {}}) == ""  # figures missing: skipped, no error


def test_precision_over_k_counts_the_empty_places_of_a_short_list_as_misses() -> None:
    label = np.array([True, False, True, False, False])
    ranked = at_k(np.array([0, 1]), label, (2, 4))
    assert ranked.precision == {2: 0.5, 4: 0.25}
    assert ranked.recall == {2: 0.5, 4: 0.5}


def test_the_rule_flags_last_months_utilisation_below_40_lowest_first() -> None:
    table = _table()
    table.unit_ids = np.array([1, 2, 3, 4])
    table.facts["last_month_utilisation"] = np.array([39.0, 10.0, np.nan, 40.0])
    assert list(rule_order(table, np.array([True, True, True, True]))) == [1, 0]
    assert list(rule_order(table, np.array([True, False, True, True]))) == [0]


@pytest.fixture
def province_history(make_unit: Callable[..., Unit]) -> Province:
    build_province(make_unit, first=Period.month(1403, 1), months=30)
    return Province.objects.get(code="25")


def test_scoring_a_province_stores_scores_with_reasons_once_per_month(province_history: Province) -> None:
    period = Period.month(1404, 12)
    run = risk_score_province(province=province_history, period=period)
    assert run.state == RiskRunState.DONE, run.message
    scores = RiskScore.objects.filter(year=1404, month=12)
    assert run.scored_units == scores.count() > 100
    assert run.total_units == Unit.objects.count()
    assert all(0 <= s <= 1 for s in scores.values_list("score", flat=True))
    top = scores.order_by("-score").first()
    assert top is not None
    assert top.reasons
    assert top.model_version.startswith("logistic-1404-06")
    # a second run of the month changes nothing
    computed = list(scores.values_list("pk", "computed_at"))
    again = risk_score_province(province=province_history, period=period)
    assert again.pk == run.pk
    assert list(scores.values_list("pk", "computed_at")) == computed
    assert RiskRun.objects.count() == 1


def test_a_province_without_history_fails_its_run_and_is_tried_again(make_unit: Callable[..., Unit]) -> None:
    make_unit()
    province = Province.objects.get(code="25")
    run = risk_score_province(province=province, period=Period.month(1404, 12))
    assert run.state == RiskRunState.FAILED
    assert run.message
    assert not RiskScore.objects.exists()
    retried = risk_score_province(province=province, period=Period.month(1404, 12))
    assert retried.pk == run.pk
    assert retried.state == RiskRunState.FAILED


def test_backtest_prints_both_methods_and_ends_with_the_fixed_line(province_history: Province) -> None:
    out = StringIO()
    call_command("backtest_early_warning", "--cutoff", "1404/12", "--province", "25", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert LAST_LINE.match(lines[-1]), lines[-1]
    assert any(line.startswith("precision@100") for line in lines)
    assert any(line.startswith("recall@50") for line in lines)
    assert any("Convention" in line for line in lines)
    assert "cutoffs 1403/07..1404/06" in out.getvalue()  # the last training cutoff's window closed by 1404/12
    assert re.search(r"training cutoffs only .*: logistic \d\.\d\d, boosting \d\.\d\d", out.getvalue())


def test_the_model_choice_reads_no_label_the_test_cutoff_did_not_know(province_history: Province) -> None:
    from rownaq.monitoring.risk import choose_kind
    from rownaq.monitoring.risk_scoring import province_history as read_history
    from rownaq.registry.models import StatusChange

    test = month_index(Period.month(1404, 12))
    before = choose_kind(read_history(province_history, Period.month(1404, 12)), test)
    assert all(value is not None and 0 <= value <= 1 for value in before.values())
    # units going idle after the test cutoff's knowledge (1405/01 on) change nothing in the choice
    for unit in Unit.objects.order_by("pk")[:40]:
        StatusChange.objects.create(unit=unit, new_status="idle", effective_on=Period.month(1405, 1).first_day)
    assert choose_kind(read_history(province_history, Period.month(1404, 12)), test) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cutoff", "1404"], "one Jalali month"),
        (["--cutoff", "14/99"], "Jalali month"),
        (["--province", "99"], "No province"),
    ],
)
def test_backtest_refuses_bad_arguments(db: Any, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("backtest_early_warning", *args, stdout=StringIO())


@pytest.mark.django_db(transaction=True)  # the worker commits and closes its connection, as in production
def test_the_monthly_task_scores_last_month_through_the_worker_once(make_unit: Callable[..., Unit]) -> None:
    from rownaq.core.management.commands.run_scheduler import periodic_tasks
    from rownaq.monitoring.tasks import score_risk_monthly

    assert score_risk_monthly in periodic_tasks()
    last = last_reportable_month()
    build_province(make_unit, first=month_of(month_index(last) - 29), months=30, units=80)
    score_risk_monthly.enqueue()
    score_risk_monthly.enqueue()  # a second tick while the first is queued
    run_worker()
    run = RiskRun.objects.get()
    assert (run.year, run.month, run.state) == (last.year, last.number, RiskRunState.DONE)
    assert RiskScore.objects.filter(year=last.year, month=last.number).count() == run.scored_units > 0
