"""The default validation rules of monthly reports (the admin edits them afterwards)."""

from django.db import migrations

from rownaq.monitoring.reference import DEFAULT_RULES


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
