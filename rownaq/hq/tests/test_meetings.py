"""A meeting's life (planned → held → minutes final, ``hq.workflow.MEETING_STATES``): resolutions drafted before
a meeting are adopted when it is held, and only then bind; the secretariat moves a meeting from its page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import login
from rownaq.core.jalali import format_jalali
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.hq import access, scoreboard, services
from rownaq.hq import workflow as meetings
from rownaq.hq.models import Meeting, MeetingState, Party, Resolution
from rownaq.notifications.models import Notification
from rownaq.obstacles.models import Case, CaseState
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db
M = MeetingState


def today() -> dt.date:
    return timezone.localdate()


def draft(meeting: Meeting, deputy: User, bank: Organisation, *, case: Case | None = None) -> Resolution:
    """A resolution binding the bank (and, with a case, the unit's company), deadlines 30 days after the meeting."""
    deadline = meeting.held_on + dt.timedelta(days=30)
    commitments: list[services.CommitmentSpec] = [
        {"party": Party.AGENCY, "owner": bank, "text": "استمهال بدهی", "deadline": deadline}
    ]
    if case is not None:
        assert case.unit.owner is not None
        commitments.append({"party": Party.UNIT, "owner": case.unit.owner, "text": "پرداخت", "deadline": deadline})
    return services.resolution_issue(
        meeting=meeting, text="بانک بدهی را استمهال کند.", case=case, commitments=commitments, by=deputy
    )


@pytest.fixture
def on_agenda(make_case: Callable[..., Case]) -> Case:
    return make_case(CaseState.ON_AGENDA)


@pytest.fixture
def next_month(qom: Province, deputy: User) -> Meeting:
    """Meeting 13, planned for a month from now."""
    return services.meeting_create(province=qom, held_on=today() + dt.timedelta(days=30), number=13, by=deputy)


def test_a_resolution_drafted_for_a_later_meeting_is_carried_out_once_the_meeting_is_held(
    next_month: Meeting, deputy: User, bank: Organisation, bank_liaison: User, on_agenda: Case
) -> None:
    resolution = draft(next_month, deputy, bank, case=on_agenda)
    commitment = resolution.commitments.get(party=Party.AGENCY)
    on_agenda.refresh_from_db()
    assert on_agenda.state == CaseState.ON_AGENDA  # a draft decides nothing
    assert not Notification.objects.filter(recipient=bank_liaison).exists()  # nor binds anyone yet
    with pytest.raises(services.HQError, match="پیش‌نویس"):
        services.commitment_carry_out(commitment=commitment, by=bank_liaison, note="انجام شد")

    meetings.act(meeting=next_month, action="hold", by=deputy)  # held today, earlier than planned

    next_month.refresh_from_db()
    assert (next_month.state, next_month.held_on) == (M.HELD, today())
    resolution.refresh_from_db()
    assert resolution.is_adopted
    assert resolution.objection_until == today() + dt.timedelta(days=15)
    on_agenda.refresh_from_db()
    assert on_agenda.state == CaseState.DECIDED
    assert Notification.objects.filter(recipient=bank_liaison, text__contains="13/1").count() == 1
    done = services.commitment_carry_out(commitment=commitment, by=bank_liaison, note="استمهال انجام شد")
    assert done.done_on == today()


def test_only_the_secretariat_moves_a_meeting_and_only_along_the_table(
    next_month: Meeting, deputy: User, expert: User, bank_liaison: User, manager: User
) -> None:
    for outsider in (bank_liaison, manager):
        with pytest.raises(PermissionDenied):
            meetings.act(meeting=next_month, action="hold", by=outsider)
    with pytest.raises(services.HQError):  # planned: the minutes are not there to be final
        meetings.act(meeting=next_month, action="finalise", by=deputy)
    with pytest.raises(services.HQError, match="روزی که هنوز نرسیده"):
        meetings.act(meeting=next_month, action="hold", by=deputy, data={"held_on": today() + dt.timedelta(days=1)})
    with pytest.raises(meetings.NoSuchAction):
        meetings.act(meeting=next_month, action="plan", by=deputy)

    meetings.act(meeting=next_month, action="hold", by=expert, data={"held_on": today() - dt.timedelta(days=1)})
    with pytest.raises(services.HQError):
        meetings.act(meeting=next_month, action="hold", by=deputy)
    meetings.act(meeting=next_month, action="finalise", by=deputy, data={"comment": "امضا شد"})

    assert next_month.state == M.MINUTES_FINAL
    assert next_month.held_on == today() - dt.timedelta(days=1)
    steps = meetings.meeting_steps(next_month)
    assert [s.action for s in steps] == ["plan", "hold", "finalise"]
    assert meetings.MEETING_STATES.path_errors(steps, final=next_month.state) == []
    assert list(next_month.events.values_list("by__username", flat=True)) == ["deputy", "expert", "deputy"]


def test_once_the_minutes_are_final_the_agenda_and_resolutions_no_longer_change(
    next_month: Meeting, deputy: User, bank: Organisation, bank_liaison: User, on_agenda: Case
) -> None:
    resolution = draft(next_month, deputy, bank)
    meetings.act(meeting=next_month, action="hold", by=deputy)
    meetings.act(meeting=next_month, action="finalise", by=deputy)
    with pytest.raises(services.HQError, match="نهایی"):
        services.meeting_add_cases(meeting=next_month, cases=[on_agenda], by=deputy)
    with pytest.raises(services.HQError, match="نهایی"):
        services.meeting_add_item(meeting=next_month, title="گزارش", by=deputy)
    with pytest.raises(services.HQError, match="نهایی"):
        draft(next_month, deputy, bank)
    # the follow-up goes on
    commitment = resolution.commitments.get()
    services.commitment_carry_out(commitment=commitment, by=bank_liaison, note="انجام شد")
    services.objection_file(resolution=resolution, by=bank_liaison, text="اعتراض")


def test_a_draft_is_the_secretariats_alone_until_the_meeting_is_held(
    next_month: Meeting, deputy: User, bank: Organisation, bank_liaison: User, manager: User, on_agenda: Case
) -> None:
    resolution = draft(next_month, deputy, bank, case=on_agenda)
    qom = next_month.province
    assert list(access.resolutions_visible_to(deputy, qom)) == [resolution]
    for side in (bank_liaison, manager):
        assert not access.resolutions_visible_to(side, qom).exists()
        assert not access.resolutions_for(side).exists()
    with pytest.raises(services.HQError):
        services.objection_file(resolution=resolution, by=bank_liaison, text="اعتراض")
    assert scoreboard.resolution_status(resolution) == scoreboard.ResolutionStatus.DRAFT

    meetings.act(meeting=next_month, action="hold", by=deputy)
    for side in (bank_liaison, manager):
        assert list(access.resolutions_visible_to(side, qom)) == [resolution]


def test_only_a_draft_is_withdrawn_and_a_deadline_before_the_day_held_is_refused(
    qom: Province, deputy: User, bank: Organisation
) -> None:
    meeting = services.meeting_create(province=qom, held_on=today() - dt.timedelta(days=40), by=deputy)
    early = draft(meeting, deputy, bank)  # deadline: 10 days ago
    with pytest.raises(services.HQError, match="پیش از روز برگزاری"):
        meetings.act(meeting=meeting, action="hold", by=deputy, data={"held_on": today()})
    services.resolution_withdraw(resolution=early, by=deputy)
    assert not Resolution.objects.exists()
    meetings.act(meeting=meeting, action="hold", by=deputy)  # on the day it was planned for
    assert meeting.held_on == today() - dt.timedelta(days=40)
    adopted = draft(meeting, deputy, bank)
    assert adopted.is_adopted
    with pytest.raises(services.HQError):
        services.resolution_withdraw(resolution=adopted, by=deputy)


def test_the_scoreboard_counts_no_draft(
    qom: Province, deputy: User, bank: Organisation, make_case: Callable[..., Case]
) -> None:
    past = services.meeting_create(province=qom, held_on=today() - dt.timedelta(days=60), by=deputy)
    draft(past, deputy, bank)  # its deadline has passed, but the meeting was never recorded as held
    make_case(CaseState.REFERRED)
    (row,) = scoreboard.agency_scoreboard(Places.province(qom))
    assert row.resolutions_judged == 0
    assert scoreboard.on_time_share(past.resolutions.all()).judged == 0
    assert scoreboard.meeting_shares(qom) == []
    meetings.act(meeting=past, action="hold", by=deputy)
    (row,) = scoreboard.agency_scoreboard(Places.province(qom))
    assert row.resolutions_judged == 1  # overdue now that it binds


def test_the_secretariat_moves_the_meeting_from_its_page(
    client: Client, next_month: Meeting, deputy: User, bank_liaison: User, bank: Organisation, unit: Unit
) -> None:
    login(client, deputy)
    url = reverse("hq-meeting-detail", args=[next_month.pk])
    page = client.get(url)
    assert [a["name"] for a in page.context["actions"]] == ["hold"]
    assert 'id="meeting-hold"' in page.content.decode()

    hold = reverse("hq-meeting-action", args=[next_month.pk, "hold"])
    tomorrow = format_jalali(today() + dt.timedelta(days=1))
    response = client.post(hold, {"meeting-hold-held_on": tomorrow, "meeting-hold-comment": "جلسه زودتر تشکیل شد"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "روزی که هنوز نرسیده" in html
    assert "جلسه زودتر تشکیل شد" in html  # the form keeps what was typed
    next_month.refresh_from_db()
    assert next_month.state == M.PLANNED

    assert client.post(hold, {"meeting-hold-held_on": format_jalali(today())}).status_code == 302
    next_month.refresh_from_db()
    assert next_month.state == M.HELD
    page = client.get(url)
    assert [a["name"] for a in page.context["actions"]] == ["finalise"]
    finalise = reverse("hq-meeting-action", args=[next_month.pk, "finalise"])
    assert client.post(finalise, {}).status_code == 302
    page = client.get(url)
    html = page.content.decode()
    assert page.context["actions"] == []
    assert 'id="resolution-form"' not in html
    assert 'id="agenda-form"' not in html
    assert "صورتجلسه نهایی" in html
    assert client.post(reverse("hq-meeting-action", args=[next_month.pk, "plan"]), {}).status_code == 404

    login(client, bank_liaison)
    assert client.post(finalise, {}).status_code == 403


def test_a_draft_is_withdrawn_from_the_meeting_page(
    client: Client, next_month: Meeting, deputy: User, bank: Organisation
) -> None:
    resolution = draft(next_month, deputy, bank)
    login(client, deputy)
    html = client.get(reverse("hq-meeting-detail", args=[next_month.pk])).content.decode()
    withdraw = reverse("hq-resolution-withdraw", args=[resolution.pk])
    assert f'action="{withdraw}"' in html
    assert "ثبت پیش‌نویس" in html
    assert client.post(withdraw).status_code == 302
    assert not Resolution.objects.exists()
