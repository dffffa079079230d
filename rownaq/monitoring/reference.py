"""The monitoring app's reference data: the default validation rules of monthly reports and status rules of
units, loaded by data migrations and again by ``load_reference_data`` where they are missing (the admin's edits
are kept)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rownaq.monitoring.models import StatusRule, ValidationRule

# {figures} names the figures far from the history, each with this month's value and the history's median.
FAR_FROM_HISTORY_MESSAGE = "{figures} با سابقهٔ دوازده ماه گذشتهٔ واحد فاصلهٔ زیادی دارد."
# The message the rule was first seeded with, a bare score (replaced by a migration where never edited).
FAR_FROM_HISTORY_OLD_MESSAGE = "رقمی از این گزارش با سابقهٔ دوازده ماه گذشتهٔ واحد بسیار فاصله دارد (امتیاز {value})."

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
        FAR_FROM_HISTORY_MESSAGE,
    ),
]


def default_rules() -> list[tuple[str, dict[str, Any]]]:
    """The default validation rules as (code, fields): what the data migration and ``load_reference_data``
    write."""
    fields = ("metric", "operator", "threshold", "severity", "message")
    return [(row[0], dict(zip(fields, row[1:], strict=True))) for row in DEFAULT_RULES]


def default_rules_load() -> int:
    """Create the default rules that are missing; return how many were created."""
    return sum(ValidationRule.objects.get_or_create(code=code, defaults=d)[1] for code, d in default_rules())


# The default status rules: (code, target status, operator, utilisation threshold (%), months, electricity
# threshold (% of the usual use, for months without a reported utilisation; None: such months break the run),
# message with {threshold}, {months} and {values}).
DEFAULT_STATUS_RULES: list[tuple[str, str, str, Decimal, int, Decimal | None, str]] = [
    (
        "idle-no-output",
        "idle",
        "le",
        Decimal(0),
        3,
        Decimal(10),
        "بدون تولید در {months} ماه پیاپی: {values}",
    ),
    (
        "semi-active-below-half",
        "semi_active",
        "lt",
        Decimal(50),
        3,
        None,
        "بهره‌برداری زیر {threshold}٪ در {months} ماه: {values}",
    ),
    (
        "active-back-above-half",
        "active",
        "ge",
        Decimal(50),
        2,
        None,
        "بازگشت بهره‌برداری به {threshold}٪ یا بیشتر در {months} ماه: {values}",
    ),
]


def default_status_rules() -> list[tuple[str, dict[str, Any]]]:
    """The default status rules as (code, fields): what the data migration and ``load_reference_data`` write."""
    fields = ("to_status", "operator", "threshold", "months", "electricity_threshold", "message")
    return [(row[0], dict(zip(fields, row[1:], strict=True))) for row in DEFAULT_STATUS_RULES]


def default_status_rules_load() -> int:
    """Create the default status rules that are missing; return how many were created."""
    return sum(StatusRule.objects.get_or_create(code=code, defaults=d)[1] for code, d in default_status_rules())
