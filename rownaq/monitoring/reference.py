"""The monitoring app's reference data: the default validation rules of monthly reports, loaded by a data
migration and again by ``load_reference_data`` where they are missing (the admin's edits are kept)."""

from __future__ import annotations

from decimal import Decimal

from rownaq.monitoring.models import ValidationRule

DEFAULT_RULES: list[tuple[str, str, str, Decimal, str, str]] = [
    (
        "negative-figures",
        "negative",
        "gt",
        Decimal(0),
        "error",
        "گزارش نباید رقم منفی داشته باشد ({value} رقم منفی است).",
    ),
    (
        "utilisation-above-120",
        "utilisation",
        "gt",
        Decimal(120),
        "warning",
        "بهره‌برداری از ظرفیت {value} درصد است، بیش از {threshold} درصد ظرفیت اسمی.",
    ),
    (
        "employees-changed-half",
        "employees_change",
        "gt",
        Decimal(50),
        "warning",
        "شمار کارکنان نسبت به آخرین ماه تأییدشده {value} درصد تغییر کرده است.",
    ),
    (
        "energy-up-output-down",
        "energy_up_output_down",
        "gt",
        Decimal(0),
        "warning",
        "مصرف انرژی {value} درصد بالا رفته در حالی که تولید کم شده است.",
    ),
    (
        "far-from-history",
        "history_distance",
        "gt",
        Decimal("3.5"),
        "warning",
        "رقمی از این گزارش با سابقهٔ دوازده ماه گذشتهٔ واحد بسیار فاصله دارد (امتیاز {value}).",
    ),
]


def default_rules_load() -> int:
    """Create the default rules that are missing; return how many were created."""
    created = 0
    for code, metric, operator, threshold, severity, message in DEFAULT_RULES:
        _rule, new = ValidationRule.objects.get_or_create(
            code=code,
            defaults={
                "metric": metric,
                "operator": operator,
                "threshold": threshold,
                "severity": severity,
                "message": message,
            },
        )
        created += new
    return created
