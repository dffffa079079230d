"""The exhibition models moved from ``needs`` to this app without moving data: rows written before the
move are found through this app's models after it, and the content types (so the permissions) go along."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.exhibitions.models import B2BMeeting, Booth, Exhibition, Exhibitor, Hall, VisitorRegistration
from rownaq.geography.models import Province
from rownaq.needs.models import Capability, Need, NeedKind, SupplySource
from rownaq.registry.models import Unit

LAST_BEFORE_THE_MOVE = ("needs", "0004_vocabulary_group_names")
BEFORE_THE_MOVE: list[tuple[str, str | None]] = [LAST_BEFORE_THE_MOVE, ("exhibitions", None)]
MOVED = ["exhibition", "hall", "exhibitor", "booth", "visitorregistration", "b2bmeeting"]


def _migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()


def _latest() -> list[tuple[str, str | None]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _content_type_ids(app_label: str) -> dict[str, int]:
    rows = ContentType.objects.filter(app_label=app_label, model__in=MOVED).values_list("model", "pk")
    return dict(rows)


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_found_after_it(
    qom: Province,
    unit: Unit,
    manager: User,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> None:
    lab = make_org("آزمایشگاه قالب‌سازی دانشگاه قم", OrganisationKind.UNIVERSITY)
    lab_member = make_user("lab_member", Role.KNOWLEDGE_MEMBER, lab)
    need = Need.objects.create(
        unit=unit,
        posted_by=manager,
        title="قالب تزریق پلاستیک",
        description="قالب دو کویته",
        kind=NeedKind.PART,
        supplied_from=SupplySource.IMPORTED,
    )
    capability = Capability.objects.create(
        owner=lab, posted_by=lab_member, title="ساخت قالب تزریق", description="فرز پنج محور", province=qom
    )
    assert unit.owner_id is not None
    content_types = _content_type_ids("exhibitions")
    assert sorted(content_types) == sorted(MOVED)
    latest = _latest()
    try:
        _migrate(BEFORE_THE_MOVE)
        assert _content_type_ids("needs") == content_types  # the same rows, under the old label
        assert _content_type_ids("exhibitions") == {}

        old = MigrationExecutor(connection).loader.project_state([LAST_BEFORE_THE_MOVE]).apps
        first = dt.date(2030, 3, 1)
        exhibition = old.get_model("needs", "Exhibition").objects.create(
            province_id=qom.pk,
            title="نمایشگاه میز نیاز صنعت",
            slug="needs-desk-before-the-move",
            kind="needs_desk",
            starts_on=first,
            ends_on=first + dt.timedelta(days=2),
            opens_at=dt.time(10),
            closes_at=dt.time(18),
            venue="خانه صنعت قم",
        )
        hall = old.get_model("needs", "Hall").objects.create(exhibition_id=exhibition.pk, name="سالن ۱")
        exhibitors = old.get_model("needs", "Exhibitor").objects
        need_side = exhibitors.create(exhibition_id=exhibition.pk, organisation_id=unit.owner_id)
        need_side.needs.add(need.pk)
        capability_side = exhibitors.create(exhibition_id=exhibition.pk, organisation_id=lab.pk)
        capability_side.capabilities.add(capability.pk)
        booths = old.get_model("needs", "Booth").objects
        booth = booths.create(hall_id=hall.pk, code="A1", exhibitor_id=need_side.pk)
        free_booth = booths.create(hall_id=hall.pk, code="A2")
        visitor = old.get_model("needs", "VisitorRegistration").objects.create(
            exhibition_id=exhibition.pk, name="زهرا کریمی", phone="09121234567", visit_on=first
        )
        starts_at = timezone.make_aware(dt.datetime.combine(first, dt.time(10)))
        meeting = old.get_model("needs", "B2BMeeting").objects.create(
            exhibition_id=exhibition.pk,
            need_id=need.pk,
            capability_id=capability.pk,
            booth_id=booth.pk,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=30),
            booked_by_id=manager.pk,
        )

        _migrate(latest)
    finally:
        _migrate(_latest())  # whatever happened, the database ends fully migrated

    assert not [table for table in connection.introspection.table_names() if table.startswith("exhibitions_")]
    assert _content_type_ids("exhibitions") == content_types
    assert _content_type_ids("needs") == {}
    assert Permission.objects.filter(content_type_id=content_types["exhibition"], codename="add_exhibition").exists()

    found = Exhibition.objects.get(pk=exhibition.pk)
    assert (found.slug, found.province_id, found.meeting_minutes) == ("needs-desk-before-the-move", qom.pk, 30)
    assert list(Hall.objects.filter(exhibition=found).values_list("pk", flat=True)) == [hall.pk]
    assert Booth.objects.get(pk=booth.pk).exhibitor == Exhibitor.objects.get(pk=need_side.pk)
    assert Booth.objects.get(pk=free_booth.pk).exhibitor is None
    assert list(Exhibitor.objects.get(pk=need_side.pk).needs.all()) == [need]
    assert list(Exhibitor.objects.get(pk=capability_side.pk).capabilities.all()) == [capability]
    assert VisitorRegistration.objects.get(pk=visitor.pk).exhibition == found
    moved_meeting = B2BMeeting.objects.select_related("booth__hall").get(pk=meeting.pk)
    assert (moved_meeting.need, moved_meeting.capability, moved_meeting.booked_by) == (need, capability, manager)
    assert (moved_meeting.booth.code, moved_meeting.booth.hall.exhibition_id) == ("A1", found.pk)
    assert list(found.meetings.all()) == [moved_meeting]
