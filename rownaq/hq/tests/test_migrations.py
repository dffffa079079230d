"""The HQ's move out of obstacles: rows written before it are found through the hq models after it,
and the content types (with their permissions) follow the models. Meetings written before they had states
take the state their date and resolutions say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from rownaq.accounts.models import Organisation, User
from rownaq.geography.models import Province
from rownaq.hq.models import (
    AgendaItem,
    Commitment,
    DisruptiveRegulation,
    Meeting,
    MeetingState,
    Objection,
    Party,
    Resolution,
)
from rownaq.hq.workflow import MEETING_STATES, meeting_steps
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


LAST_BEFORE_THE_STATES = ("hq", "0002_meeting_history")
BEFORE_THE_STATES: list[tuple[str, str | None]] = [LAST_BEFORE_THE_STATES]


@pytest.mark.django_db(transaction=True)
def test_meetings_before_the_states_are_held_or_final_by_their_date_and_resolutions(
    qom: Province, deputy: User, bank: Organisation
) -> None:
    today = timezone.localdate()
    executor = migrate(BEFORE_THE_STATES)
    try:
        old = executor.loader.project_state(LAST_BEFORE_THE_STATES).apps
        old_meetings = old.get_model("hq", "Meeting").objects
        old_resolutions = old.get_model("hq", "Resolution").objects
        ids = {}
        for number, days, resolutions, state in [
            (10, -60, True, "planned"),  # past, with its minutes: final
            (11, -30, False, "planned"),  # past, nothing decided: held
            (12, 0, False, "planned"),  # today: held
            (13, 20, True, "planned"),  # to come, resolutions written for it: they become drafts
            (14, -5, False, "held"),  # already held (the demo wrote it): stays held
        ]:
            meeting = old_meetings.create(
                province_id=qom.pk,
                number=number,
                held_on=today + dt.timedelta(days=days),
                state=state,
                created_by_id=deputy.pk,
            )
            ids[number] = meeting.pk
            if resolutions:
                old_resolutions.create(meeting=meeting, number=1, text="مصوبه", objection_until=today)
    finally:
        migrate(executor.loader.graph.leaf_nodes())

    states = {n: Meeting.objects.get(pk=pk).state for n, pk in ids.items()}
    assert states == {
        10: MeetingState.MINUTES_FINAL,
        11: MeetingState.HELD,
        12: MeetingState.HELD,
        13: MeetingState.PLANNED,
        14: MeetingState.HELD,
    }
    assert not Resolution.objects.get(meeting_id=ids[13]).is_adopted
    for pk in ids.values():
        meeting = Meeting.objects.get(pk=pk)
        assert MEETING_STATES.path_errors(meeting_steps(meeting), final=meeting.state) == []
        assert meeting.events.first().by == deputy  # type: ignore[union-attr]
