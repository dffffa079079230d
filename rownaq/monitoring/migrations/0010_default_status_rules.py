"""The default status rules of units (the admin edits them afterwards)."""

from django.db import migrations

from rownaq.monitoring.reference import DEFAULT_STATUS_RULES


def add_rules(apps, schema_editor):
    rule = apps.get_model("monitoring", "StatusRule")
    for code, to_status, operator, threshold, months, electricity, message in DEFAULT_STATUS_RULES:
        rule.objects.update_or_create(
            code=code,
            defaults={
                "to_status": to_status,
                "operator": operator,
                "threshold": threshold,
                "months": months,
                "electricity_threshold": electricity,
                "message": message,
            },
        )


def remove_rules(apps, schema_editor):
    codes = [row[0] for row in DEFAULT_STATUS_RULES]
    apps.get_model("monitoring", "StatusRule").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0009_unit_status_rules")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
