# The facilitation HQ leaves obstacles for an app of its own. Its models keep their tables (each sets
# Meta.db_table to the old name), so this migration only creates them in the migration state; the
# database is not touched. obstacles 0003 removes them from obstacles' state, likewise without touching
# the database. The content types are renamed so that admin permissions and log entries follow.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ['meeting', 'agendaitem', 'resolution', 'commitment', 'objection', 'disruptiveregulation']


def rename_content_types(apps, schema_editor, old='obstacles', new='hq'):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    for model in MOVED:
        if ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            continue  # already there (a content type is created when a model is first used)
        ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)
    ContentType.objects.clear_cache()


def rename_content_types_back(apps, schema_editor):
    rename_content_types(apps, schema_editor, old='hq', new='obstacles')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_organisation_agency_code'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('geography', '0001_initial'),
        ('obstacles', '0002_hq_meetings_resolutions_regulations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='DisruptiveRegulation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=300, verbose_name='title')),
                        ('kind', models.CharField(choices=[('law', 'Law'), ('bylaw', 'By-law'), ('circular', 'Circular or directive'), ('practice', 'Administrative practice')], max_length=10, verbose_name='kind')),
                        ('article', models.CharField(blank=True, max_length=100, verbose_name='article or clause')),
                        ('issuing_body', models.CharField(max_length=200, verbose_name='issuing body')),
                        ('issued_on', models.DateField(blank=True, null=True, verbose_name='issued on')),
                        ('problem', models.TextField(verbose_name='how it blocks production')),
                        ('proposal', models.TextField(blank=True, verbose_name="the HQ's proposal")),
                        ('national_status', models.CharField(choices=[('identified', 'Identified in the province'), ('proposed', 'HQ proposal approved'), ('sent', 'Sent to the national level'), ('under_review', 'Under review nationally'), ('amended', 'Amended or repealed'), ('rejected', 'Proposal not accepted')], default='identified', max_length=15, verbose_name='status at the national level')),
                        ('sent_on', models.DateField(blank=True, null=True, verbose_name='sent on')),
                        ('sent_to', models.CharField(blank=True, max_length=200, verbose_name='sent to')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('cases', models.ManyToManyField(blank=True, related_name='+', to='obstacles.case', verbose_name='cases it blocks')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('province', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geography.province')),
                    ],
                    options={
                        'verbose_name': 'disruptive regulation',
                        'verbose_name_plural': 'disruptive regulations',
                        'db_table': 'obstacles_disruptiveregulation',
                        'ordering': ['-updated_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Meeting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField(help_text="The HQ's running meeting number, e.g. 13.", verbose_name='number')),
                        ('held_on', models.DateField(verbose_name='date')),
                        ('venue', models.CharField(blank=True, max_length=200, verbose_name='venue')),
                        ('chair', models.CharField(blank=True, max_length=200, verbose_name='chaired by')),
                        ('attendees', models.TextField(blank=True, help_text='One person or agency per line.', verbose_name='attendees')),
                        ('state', models.CharField(choices=[('planned', 'Planned'), ('held', 'Held'), ('final', 'Minutes final')], default='planned', max_length=10, verbose_name='state')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('province', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='hq_meetings', to='geography.province', verbose_name='province')),
                    ],
                    options={
                        'verbose_name': 'HQ meeting',
                        'verbose_name_plural': 'HQ meetings',
                        'db_table': 'obstacles_meeting',
                        'ordering': ['-held_on', '-number'],
                    },
                ),
                migrations.CreateModel(
                    name='AgendaItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('title', models.CharField(max_length=300, verbose_name='item')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='obstacles.case', verbose_name='case')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agenda', to='hq.meeting')),
                    ],
                    options={
                        'verbose_name': 'agenda item',
                        'verbose_name_plural': 'agenda items',
                        'db_table': 'obstacles_agendaitem',
                        'ordering': ['order', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Resolution',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(verbose_name='number')),
                        ('text', models.TextField(verbose_name='resolution')),
                        ('objection_until', models.DateField(verbose_name='objections accepted until')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='resolutions', to='obstacles.case', verbose_name='case')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='resolutions', to='hq.meeting')),
                    ],
                    options={
                        'verbose_name': 'resolution',
                        'verbose_name_plural': 'resolutions',
                        'db_table': 'obstacles_resolution',
                        'ordering': ['meeting', 'number'],
                    },
                ),
                migrations.CreateModel(
                    name='Objection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(verbose_name='objection')),
                        ('filed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('state', models.CharField(choices=[('pending', 'Awaiting the HQ'), ('upheld', 'Upheld: the resolution is revised'), ('dismissed', 'Dismissed: the resolution stands')], default='pending', max_length=10, verbose_name='state')),
                        ('decision_note', models.TextField(blank=True, verbose_name="the HQ's answer")),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation')),
                        ('filed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('resolution', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objections', to='hq.resolution')),
                    ],
                    options={
                        'verbose_name': 'objection',
                        'verbose_name_plural': 'objections',
                        'db_table': 'obstacles_objection',
                        'ordering': ['filed_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Commitment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('party', models.CharField(choices=[('agency', 'Agency'), ('unit', 'Unit')], max_length=10, verbose_name='side')),
                        ('text', models.TextField(verbose_name='commitment')),
                        ('deadline', models.DateField(verbose_name='deadline')),
                        ('done_on', models.DateField(blank=True, null=True, verbose_name='carried out on')),
                        ('done_note', models.TextField(blank=True, verbose_name='how it was carried out')),
                        ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commitments', to='accounts.organisation', verbose_name='owner')),
                        ('resolution', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='commitments', to='hq.resolution')),
                    ],
                    options={
                        'verbose_name': 'commitment',
                        'verbose_name_plural': 'commitments',
                        'db_table': 'obstacles_commitment',
                        'ordering': ['deadline', 'pk'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='meeting',
                    constraint=models.UniqueConstraint(fields=('province', 'number'), name='obstacles_meeting_number'),
                ),
                migrations.AddConstraint(
                    model_name='agendaitem',
                    constraint=models.UniqueConstraint(condition=models.Q(('case__isnull', False)), fields=('meeting', 'case'), name='obstacles_agenda_case_once'),
                ),
                migrations.AddConstraint(
                    model_name='resolution',
                    constraint=models.UniqueConstraint(fields=('meeting', 'number'), name='obstacles_resolution_number'),
                ),
                migrations.AddIndex(
                    model_name='commitment',
                    index=models.Index(fields=['done_on', 'deadline'], name='obstacles_commitment_due'),
                ),
            ],
        ),
        migrations.RunPython(rename_content_types, rename_content_types_back),
    ]
