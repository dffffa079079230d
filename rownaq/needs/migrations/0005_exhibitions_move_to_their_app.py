"""The exhibition models move to the ``exhibitions`` app (its 0001): removed from this app's state only.

Their tables (``needs_exhibition``, ``needs_hall``, ``needs_booth``, ``needs_exhibitor`` with its two
many-to-many tables, ``needs_visitorregistration``, ``needs_b2bmeeting``) stay as they are: the
``exhibitions`` models keep these names (``Meta.db_table``), so no data moves.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('needs', '0004_vocabulary_group_names'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='booth',
                    name='exhibitor',
                ),
                migrations.RemoveField(
                    model_name='booth',
                    name='hall',
                ),
                migrations.RemoveField(
                    model_name='exhibition',
                    name='province',
                ),
                migrations.RemoveField(
                    model_name='visitorregistration',
                    name='exhibition',
                ),
                migrations.RemoveField(
                    model_name='exhibitor',
                    name='exhibition',
                ),
                migrations.RemoveField(
                    model_name='hall',
                    name='exhibition',
                ),
                migrations.RemoveField(
                    model_name='exhibitor',
                    name='capabilities',
                ),
                migrations.RemoveField(
                    model_name='exhibitor',
                    name='needs',
                ),
                migrations.RemoveField(
                    model_name='exhibitor',
                    name='organisation',
                ),
                migrations.DeleteModel(
                    name='B2BMeeting',
                ),
                migrations.DeleteModel(
                    name='Booth',
                ),
                migrations.DeleteModel(
                    name='VisitorRegistration',
                ),
                migrations.DeleteModel(
                    name='Exhibition',
                ),
                migrations.DeleteModel(
                    name='Hall',
                ),
                migrations.DeleteModel(
                    name='Exhibitor',
                ),
            ],
            database_operations=[],
        ),
    ]
