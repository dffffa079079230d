"""The exhibition models, moved here from the ``needs`` app (its 0005): added to this app's state only.

Their tables keep the names they had in ``needs`` (``Meta.db_table``), so no data moves. The content
types of the moved models are relabelled ``needs`` -> ``exhibitions``, so their permissions (and
whatever else points to a content type) go with them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ['exhibition', 'hall', 'exhibitor', 'booth', 'visitorregistration', 'b2bmeeting']


def _relabel(apps, schema_editor, old_label, new_label):
    """The content types of the moved models from ``old_label`` to ``new_label``; one that already exists
    under ``new_label`` (made by a ``migrate`` run in between) is left as it is, as Django's own
    ``RenameContentType`` does: ``remove_stale_contenttypes`` then asks what to do with the old one."""
    ContentType = apps.get_model('contenttypes', 'ContentType')
    rows = ContentType.objects.using(schema_editor.connection.alias)
    taken = set(rows.filter(app_label=new_label, model__in=MOVED_MODELS).values_list('model', flat=True))
    rows.filter(app_label=old_label, model__in=set(MOVED_MODELS) - taken).update(app_label=new_label)
    ContentType.objects.clear_cache()


def content_types_forward(apps, schema_editor):
    _relabel(apps, schema_editor, 'needs', 'exhibitions')


def content_types_backward(apps, schema_editor):
    _relabel(apps, schema_editor, 'exhibitions', 'needs')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0002_organisation_agency_code'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('geography', '0001_initial'),
        ('needs', '0004_vocabulary_group_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Exhibition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('slug', models.SlugField(max_length=80, unique=True, verbose_name='address name')),
                        ('kind', models.CharField(choices=[('needs_desk', 'Industry Needs Desk exhibition'), ('small_industries', "Small industries' capabilities"), ('other', 'Other')], max_length=20, verbose_name='kind')),
                        ('starts_on', models.DateField(verbose_name='first day')),
                        ('ends_on', models.DateField(verbose_name='last day')),
                        ('opens_at', models.TimeField(verbose_name='opens at')),
                        ('closes_at', models.TimeField(verbose_name='closes at')),
                        ('venue', models.CharField(max_length=200, verbose_name='venue')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('is_published', models.BooleanField(default=True, verbose_name='published')),
                        ('meeting_minutes', models.PositiveSmallIntegerField(default=30, verbose_name='length of a B2B meeting (minutes)')),
                        ('province', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geography.province')),
                    ],
                    options={
                        'verbose_name': 'exhibition',
                        'verbose_name_plural': 'exhibitions',
                        'db_table': 'needs_exhibition',
                        'ordering': ['-starts_on'],
                    },
                ),
                migrations.CreateModel(
                    name='Exhibitor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('capabilities', models.ManyToManyField(blank=True, related_name='+', to='needs.capability', verbose_name='capabilities on show')),
                        ('exhibition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exhibitors', to='exhibitions.exhibition')),
                        ('needs', models.ManyToManyField(blank=True, related_name='+', to='needs.need', verbose_name='needs on show')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation')),
                    ],
                    options={
                        'verbose_name': 'exhibitor',
                        'verbose_name_plural': 'exhibitors',
                        'db_table': 'needs_exhibitor',
                    },
                ),
                migrations.CreateModel(
                    name='Hall',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('exhibition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='halls', to='exhibitions.exhibition')),
                    ],
                    options={
                        'verbose_name': 'hall',
                        'verbose_name_plural': 'halls',
                        'db_table': 'needs_hall',
                    },
                ),
                migrations.CreateModel(
                    name='Booth',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=20, verbose_name='booth')),
                        ('exhibitor', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='booth', to='exhibitions.exhibitor', verbose_name='exhibitor')),
                        ('hall', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='booths', to='exhibitions.hall')),
                    ],
                    options={
                        'verbose_name': 'booth',
                        'verbose_name_plural': 'booths',
                        'db_table': 'needs_booth',
                    },
                ),
                migrations.CreateModel(
                    name='VisitorRegistration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('organisation', models.CharField(blank=True, max_length=200, verbose_name='organisation')),
                        ('phone', models.CharField(max_length=20, verbose_name='mobile')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                        ('visit_on', models.DateField(blank=True, null=True, verbose_name='day of visit')),
                        ('registered_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('exhibition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='visitors', to='exhibitions.exhibition')),
                    ],
                    options={
                        'verbose_name': 'visitor registration',
                        'verbose_name_plural': 'visitor registrations',
                        'db_table': 'needs_visitorregistration',
                    },
                ),
                migrations.CreateModel(
                    name='B2BMeeting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('starts_at', models.DateTimeField(verbose_name='starts at')),
                        ('ends_at', models.DateTimeField(verbose_name='ends at')),
                        ('booked_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                        ('booked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('capability', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='needs.capability')),
                        ('need', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='needs.need')),
                        ('booth', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='exhibitions.booth', verbose_name='booth')),
                        ('exhibition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='exhibitions.exhibition')),
                    ],
                    options={
                        'verbose_name': 'B2B meeting',
                        'verbose_name_plural': 'B2B meetings',
                        'db_table': 'needs_b2bmeeting',
                        'ordering': ['starts_at'],
                        'indexes': [models.Index(fields=['exhibition', 'starts_at'], name='needs_b2b_time')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='exhibitor',
                    constraint=models.UniqueConstraint(fields=('exhibition', 'organisation'), name='needs_exhibitor_once'),
                ),
                migrations.AddConstraint(
                    model_name='hall',
                    constraint=models.UniqueConstraint(fields=('exhibition', 'name'), name='needs_hall_name'),
                ),
                migrations.AddConstraint(
                    model_name='booth',
                    constraint=models.UniqueConstraint(fields=('hall', 'code'), name='needs_booth_code'),
                ),
                migrations.AddConstraint(
                    model_name='visitorregistration',
                    constraint=models.UniqueConstraint(fields=('exhibition', 'phone'), name='needs_visitor_once'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
