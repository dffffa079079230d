"""The far-from-history warning names the figures that are far and their history's median, instead of a bare
robust z-score; a message the admin has edited is kept."""

from django.db import migrations

from rownaq.monitoring.reference import FAR_FROM_HISTORY_MESSAGE, FAR_FROM_HISTORY_OLD_MESSAGE


def name_the_figures(apps, schema_editor):
    rules = apps.get_model("monitoring", "ValidationRule").objects.filter(code="far-from-history")
    rules.filter(message=FAR_FROM_HISTORY_OLD_MESSAGE).update(message=FAR_FROM_HISTORY_MESSAGE)


def show_the_score(apps, schema_editor):
    rules = apps.get_model("monitoring", "ValidationRule").objects.filter(code="far-from-history")
    rules.filter(message=FAR_FROM_HISTORY_MESSAGE).update(message=FAR_FROM_HISTORY_OLD_MESSAGE)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0011_early_warning")]

    operations = [migrations.RunPython(name_the_figures, show_the_score)]
