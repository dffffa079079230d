from django.db import migrations

from rownaq.core.collation import persian_sort_string


def fill_name_sort(apps, schema_editor):  # type: ignore[no-untyped-def]
    Unit = apps.get_model("registry", "Unit")
    batch = []
    for unit in Unit.objects.only("pk", "name").iterator(chunk_size=2000):
        unit.name_sort = persian_sort_string(unit.name)
        batch.append(unit)
        if len(batch) >= 2000:
            Unit.objects.bulk_update(batch, ["name_sort"])
            batch = []
    Unit.objects.bulk_update(batch, ["name_sort"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_unit_name_sort")]
    operations = [migrations.RunPython(fill_name_sort, migrations.RunPython.noop)]
