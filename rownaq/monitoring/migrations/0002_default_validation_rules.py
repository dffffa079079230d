"""The default validation rules of monthly reports (the admin edits them afterwards)."""

from decimal import Decimal

from django.db import migrations

DEFAULT_RULES = [
    ("negative-figures", "negative", "gt", Decimal(0), "error", "گزارش نباید رقم منفی داشته باشد ({value} رقم منفی است)."),
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


def add_rules(apps, schema_editor):
    rule = apps.get_model("monitoring", "ValidationRule")
    for code, metric, operator, threshold, severity, message in DEFAULT_RULES:
        rule.objects.update_or_create(
            code=code,
            defaults={
                "metric": metric,
                "operator": operator,
                "threshold": threshold,
                "severity": severity,
                "message": message,
            },
        )


def remove_rules(apps, schema_editor):
    apps.get_model("monitoring", "ValidationRule").objects.filter(code__in=[r[0] for r in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_monthly_reports")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
