# The facilitation HQ's models moved to the hq app (hq 0001), keeping their tables: this removes them
# from obstacles' migration state only; the database is not touched.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('obstacles', '0002_hq_meetings_resolutions_regulations'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='Commitment'),
                migrations.DeleteModel(name='Objection'),
                migrations.DeleteModel(name='AgendaItem'),
                migrations.DeleteModel(name='Resolution'),
                migrations.DeleteModel(name='Meeting'),
                migrations.DeleteModel(name='DisruptiveRegulation'),
            ],
        ),
    ]
