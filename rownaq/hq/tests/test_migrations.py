"""The HQ's move out of obstacles: rows written before it are found through the hq models after it,
and the content types (with their permissions) follow the models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from rownaq.accounts.models import Organisation, User
from rownaq.geography.models import Province
from rownaq.hq.models import AgendaItem, Commitment, DisruptiveRegulation, Meeting, Objection, Party, Resolution
from rownaq.obstacles.models import Case, CaseState

LAST_BEFORE_THE_MOVE = ("obstacles", "0002_hq_meetings_resolutions_regulations")
BEFORE_THE_MOVE: list[tuple[str, str | None]] = [LAST_BEFORE_THE_MOVE, ("hq", None)]


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection)  # a fresh loader: the graph as applied now


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_found_through_the_hq_models(
    qom: Province,
    deputy: User,
    bank: Organisation,
    bank_liaison: User,
    make_case: Callable[..., Case],
) -> None:
    case = make_case(CaseState.DECIDED)  # cases stay in obstacles: the same table before and after
    executor = migrate(BEFORE_THE_MOVE)
    try:
        old = executor.loader.project_state(LAST_BEFORE_THE_MOVE).apps
        old_type = ContentType.objects.get(app_label="obstacles", model="meeting")
        permission = Permission.objects.get(content_type_id=old_type.pk, codename="add_meeting")

        held_on = dt.date(2025, 5, 10)
        meeting = old.get_model("obstacles", "Meeting").objects.create(
            province_id=qom.pk, number=13, held_on=held_on, venue="استانداری قم", created_by_id=deputy.pk
        )
        item = old.get_model("obstacles", "AgendaItem").objects.create(
            meeting=meeting, order=1, case_id=case.pk, title="پرونده بانک ملت"
        )
        resolution = old.get_model("obstacles", "Resolution").objects.create(
            meeting=meeting, number=1, text="بانک بدهی را استمهال کند.", case_id=case.pk, objection_until=held_on
        )
        commitment = old.get_model("obstacles", "Commitment").objects.create(
            resolution=resolution, party=Party.AGENCY, owner_id=bank.pk, text="استمهال", deadline=held_on
        )
        objection = old.get_model("obstacles", "Objection").objects.create(
            resolution=resolution, agency_id=bank.pk, text="وثیقه کافی نیست.", filed_by_id=bank_liaison.pk
        )
        regulation = old.get_model("obstacles", "DisruptiveRegulation").objects.create(
            province_id=qom.pk,
            title="بخشنامه وثیقه ملکی",
            kind="circular",
            issuing_body="بانک مرکزی",
            problem="واحدها وثیقه ملکی ندارند.",
            created_by_id=deputy.pk,
        )
        regulation.cases.add(case.pk)
    finally:
        executor = migrate(executor.loader.graph.leaf_nodes())

    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []  # fully migrated again
    found = Meeting.objects.get(pk=meeting.pk)
    assert (found.province, found.number, found.venue, found.created_by) == (qom, 13, "استانداری قم", deputy)
    assert AgendaItem.objects.get(pk=item.pk).case == case
    assert list(found.agenda.all()) == [AgendaItem.objects.get(pk=item.pk)]
    moved = Resolution.objects.get(pk=resolution.pk)
    assert (moved.meeting, moved.case, moved.text) == (found, case, "بانک بدهی را استمهال کند.")
    assert list(Resolution.objects.filter(case=case)) == [moved]
    assert Commitment.objects.get(pk=commitment.pk).resolution == moved
    assert list(moved.commitments.values_list("owner", flat=True)) == [bank.pk]
    assert Objection.objects.get(pk=objection.pk).filed_by == bank_liaison
    assert list(DisruptiveRegulation.objects.get(pk=regulation.pk).cases.all()) == [case]

    new_type = ContentType.objects.get_for_model(Meeting)
    assert new_type.pk == old_type.pk  # renamed, not created anew
    assert not ContentType.objects.filter(app_label="obstacles", model="meeting").exists()
    assert Permission.objects.get(pk=permission.pk).content_type == new_type
