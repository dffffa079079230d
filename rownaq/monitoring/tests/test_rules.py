"""The validation rules, rule by rule, on the pure evaluation (no database but the seeded rules)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rownaq.monitoring.models import Metric, Severity, ValidationRule
from rownaq.monitoring.reference import FAR_FROM_HISTORY_MESSAGE
from rownaq.monitoring.rules import Figures, evaluate, metric_value
from rownaq.monitoring.tests.conftest import FIGURES


def month(utilisation: str | None = "80", lines: tuple[str, ...] = ("80",), **changes: int) -> Figures:
    return Figures(
        figures={**FIGURES, **changes},
        quantities=[Decimal(1)] * len(lines),
        line_utilisations=[Decimal(v) for v in lines],
        utilisation=None if utilisation is None else Decimal(utilisation),
    )


def rule(metric: str, threshold: str, severity: str = Severity.WARNING, operator: str = "gt") -> ValidationRule:
    return ValidationRule(
        code=metric,
        metric=metric,
        operator=operator,
        threshold=Decimal(threshold),
        severity=severity,
        message="{value} > {threshold}",
    )


def test_negative_figures_count_and_error() -> None:
    bad = Figures(figures={**FIGURES, "sales": -5, "employees": -1}, quantities=[Decimal(-3)])
    assert metric_value(Metric.NEGATIVE, bad, []) == 3
    findings = evaluate([rule(Metric.NEGATIVE, "0", Severity.ERROR)], bad, [])
    assert [f.is_error for f in findings] == [True]
    assert findings[0].message == "۳ > ۰"
    assert evaluate([rule(Metric.NEGATIVE, "0", Severity.ERROR)], month(), []) == []


def test_utilisation_is_the_highest_of_products_and_overall() -> None:
    assert metric_value(Metric.UTILISATION, month("90", ("60", "130")), []) == Decimal(130)
    assert metric_value(Metric.UTILISATION, month(None, ()), []) is None
    assert evaluate([rule(Metric.UTILISATION, "120")], month("90", ("60", "130")), [])
    assert not evaluate([rule(Metric.UTILISATION, "120")], month("90", ("60", "120")), [])


def test_employees_change_either_way_against_the_previous_approved_month() -> None:
    previous = month(employees=40)
    assert metric_value(Metric.EMPLOYEES_CHANGE, month(employees=10), [previous]) == Decimal(75)
    assert metric_value(Metric.EMPLOYEES_CHANGE, month(employees=70), [previous]) == Decimal(75)
    assert metric_value(Metric.EMPLOYEES_CHANGE, month(employees=10), []) is None
    assert not evaluate([rule(Metric.EMPLOYEES_CHANGE, "50")], month(employees=55), [previous])
    assert evaluate([rule(Metric.EMPLOYEES_CHANGE, "50")], month(employees=61), [previous])


def test_energy_up_while_output_down() -> None:
    previous = month("80", electricity_kwh=100_000, gas_m3=10_000)
    falling_more_energy = month("60", electricity_kwh=120_000, gas_m3=10_000)
    assert metric_value(Metric.ENERGY_UP_OUTPUT_DOWN, falling_more_energy, [previous]) == Decimal(20)
    rising_more_energy = month("90", electricity_kwh=120_000)
    assert metric_value(Metric.ENERGY_UP_OUTPUT_DOWN, rising_more_energy, [previous]) == 0
    falling_less_energy = month("60", electricity_kwh=90_000, gas_m3=9_000)
    assert metric_value(Metric.ENERGY_UP_OUTPUT_DOWN, falling_less_energy, [previous]) == 0
    assert evaluate([rule(Metric.ENERGY_UP_OUTPUT_DOWN, "0")], falling_more_energy, [previous])


def test_distance_from_the_units_own_history() -> None:
    history = [month("80", sales=1_000 + 10 * i, employees=40 + i % 2) for i in range(12)]
    near = metric_value(Metric.HISTORY_DISTANCE, month("80", sales=1_050, employees=40), history)
    assert near is not None
    assert near < Decimal("3.5")
    far = metric_value(Metric.HISTORY_DISTANCE, month("80", sales=9_000, employees=40), history)
    assert far is not None
    assert far > Decimal(100)
    assert metric_value(Metric.HISTORY_DISTANCE, month(sales=9_000), history[:5]) is None  # too little history
    assert evaluate([rule(Metric.HISTORY_DISTANCE, "3.5")], month("80", sales=9_000, employees=40), history)


def test_operators_inactive_rules_and_a_mistyped_template() -> None:
    low = month("30", ("30",))
    assert evaluate([rule(Metric.UTILISATION, "40", operator="lt")], low, [])
    assert not evaluate([rule(Metric.UTILISATION, "30", operator="lt")], low, [])
    assert evaluate([rule(Metric.UTILISATION, "30", operator="le")], low, [])
    inactive = rule(Metric.UTILISATION, "10")
    inactive.active = False
    assert not evaluate([inactive], low, [])
    broken = rule(Metric.UTILISATION, "10")
    broken.message = "utilisation {oops}"
    assert evaluate([broken], low, [])[0].message == "utilisation {oops}"


@pytest.mark.django_db
def test_the_default_rules_are_seeded() -> None:
    rules = {r.code: r for r in ValidationRule.objects.all()}
    assert rules["negative-figures"].severity == Severity.ERROR
    assert rules["utilisation-above-120"].threshold == 120
    assert rules["employees-changed-half"].threshold == 50
    assert {r.severity for code, r in rules.items() if code != "negative-figures"} == {Severity.WARNING}
    assert rules["far-from-history"].metric == Metric.HISTORY_DISTANCE


@pytest.mark.django_db
def test_the_admin_edits_rules_and_refuses_a_broken_message(admin_user: Any) -> None:
    from rownaq.accounts.testing import browser_for

    client = browser_for(admin_user)
    rule = ValidationRule.objects.get(code="utilisation-above-120")
    fields = {
        "code": rule.code,
        "metric": rule.metric,
        "operator": "gt",
        "threshold": "130",
        "severity": "warning",
        "message": "بهره‌برداری {value}",
        "active": "on",
    }
    url = f"/admin/monitoring/validationrule/{rule.pk}/change/"
    assert client.post(url, fields).status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == 130
    broken = client.post(url, {**fields, "message": "بهره‌برداری {oops}"})
    assert broken.status_code == 200
    assert "errorlist" in broken.content.decode()
    assert client.get("/admin/monitoring/monthlyreport/").status_code == 200


def test_load_reference_data_restores_missing_default_rules_and_keeps_the_admins_edits(db: None) -> None:
    # A transactional test empties every table; the rules of the data migration come back with the reference data.
    from django.core.management import call_command

    from rownaq.monitoring.models import ValidationRule
    from rownaq.monitoring.reference import DEFAULT_RULES

    ValidationRule.objects.filter(code="utilisation-above-120").update(threshold=Decimal(130))
    ValidationRule.objects.exclude(code="utilisation-above-120").delete()
    call_command("load_reference_data", verbosity=0)
    assert set(ValidationRule.objects.values_list("code", flat=True)) == {rule[0] for rule in DEFAULT_RULES}
    assert ValidationRule.objects.get(code="utilisation-above-120").threshold == Decimal(130)


def test_far_from_history_names_the_far_figures_with_their_median() -> None:
    history = [month("80", sales=20_000_000_000 + 100_000_000 * i, employees=40 + i % 2) for i in range(12)]
    far = rule(Metric.HISTORY_DISTANCE, "3.5")
    far.message = FAR_FROM_HISTORY_MESSAGE
    [finding] = evaluate([far], month("80", sales=75_000_000_000, employees=40), history)
    assert finding.message == (
        "فروش این ماه (۷۵ میلیارد ریال، در برابر میانهٔ ۲۰٫۶ میلیارد ریال) با سابقهٔ دوازده ماه گذشتهٔ واحد"
        " فاصلهٔ زیادی دارد."
    )
    assert "امتیاز" not in finding.message
    assert finding.value > Decimal("3.5")  # the threshold still applies to the robust z-score
    both = month("80", sales=75_000_000_000, employees=400)
    message = evaluate([far], both, history)[0].message
    assert "فروش این ماه" in message
    assert "تعداد کارکنان این ماه (۴۰۰، در برابر میانهٔ ۴۰٫۵)" in message
    assert not evaluate([far], month("80", sales=20_500_000_000, employees=40), history)


@pytest.mark.django_db
def test_the_seeded_far_from_history_rule_names_the_figures() -> None:
    assert ValidationRule.objects.get(code="far-from-history").message == FAR_FROM_HISTORY_MESSAGE
