"""The default status rules of units (the admin edits them afterwards)."""

from django.db import migrations

from rownaq.monitoring.reference import default_status_rules


def add_rules(apps, schema_editor):
    rule = apps.get_model("monitoring", "StatusRule")
    for code, fields in default_status_rules():
        rule.objects.update_or_create(code=code, defaults=fields)


def remove_rules(apps, schema_editor):
    codes = [code for code, _fields in default_status_rules()]
    apps.get_model("monitoring", "StatusRule").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0009_unit_status_rules")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
