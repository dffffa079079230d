"""The resolution list's status filter (in the database) says what ``scoreboard.resolution_status`` says of each
resolution."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rownaq.accounts.models import Organisation, User
from rownaq.geography.models import Province
from rownaq.hq import scoreboard, services
from rownaq.hq import workflow as meetings
from rownaq.hq.filters import status_q
from rownaq.hq.models import Meeting, Party, Resolution
from rownaq.hq.scoreboard import ResolutionStatus

pytestmark = pytest.mark.django_db


def test_the_status_filter_agrees_with_each_resolutions_status(
    qom: Province, deputy: User, bank: Organisation, bank_liaison: User
) -> None:
    today = timezone.localdate()
    held_on = today - dt.timedelta(days=40)
    held = services.meeting_create(province=qom, held_on=held_on, by=deputy)
    meetings.act(meeting=held, action="hold", by=deputy)
    ahead = services.meeting_create(province=qom, held_on=today + dt.timedelta(days=9), by=deputy)

    def issue(meeting: Meeting, *deadlines: int) -> Resolution:
        return services.resolution_issue(
            meeting=meeting,
            text="مصوبه",
            commitments=[
                {"party": Party.AGENCY, "owner": bank, "text": "اقدام", "deadline": held_on + dt.timedelta(days)}
                for days in deadlines
            ],
            by=deputy,
        )

    def carry_out(resolution: Resolution, *days: int) -> None:
        for commitment, day in zip(resolution.commitments.order_by("pk"), days, strict=False):
            services.commitment_carry_out(
                commitment=commitment, by=bank_liaison, note="انجام شد", done_on=held_on + dt.timedelta(day)
            )

    on_time, late, overdue, in_progress, half_done = (
        issue(held, 20),
        issue(held, 10),
        issue(held, 30),
        issue(held, 60),
        issue(held, 5, 60),
    )
    carry_out(on_time, 15)
    carry_out(late, 25)
    carry_out(half_done, 30)  # late for the first; the second still within its time
    draft = services.resolution_issue(
        meeting=ahead,
        text="پیش‌نویس",
        commitments=[{"party": Party.AGENCY, "owner": bank, "text": "اقدام", "deadline": ahead.held_on}],
        by=deputy,
    )
    expected = {
        ResolutionStatus.CARRIED_OUT_ON_TIME: {on_time.pk},
        ResolutionStatus.CARRIED_OUT_LATE: {late.pk},
        ResolutionStatus.OVERDUE: {overdue.pk},
        ResolutionStatus.IN_PROGRESS: {in_progress.pk, half_done.pk},
        ResolutionStatus.DRAFT: {draft.pk},
    }
    for status, pks in expected.items():
        assert set(Resolution.objects.filter(status_q(status)).values_list("pk", flat=True)) == pks, status
        assert {r.pk for r in Resolution.objects.all() if scoreboard.resolution_status(r) == status} == pks, status
