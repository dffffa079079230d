"""The default validation rules of monthly reports (the admin edits them afterwards)."""

from django.db import migrations

from rownaq.monitoring.reference import default_rules


def add_rules(apps, schema_editor):
    rule = apps.get_model("monitoring", "ValidationRule")
    for code, fields in default_rules():
        rule.objects.update_or_create(code=code, defaults=fields)


def remove_rules(apps, schema_editor):
    codes = [code for code, _fields in default_rules()]
    apps.get_model("monitoring", "ValidationRule").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_monthly_reports")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
