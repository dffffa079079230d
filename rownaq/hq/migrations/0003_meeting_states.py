# Meetings get their states (planned → held → minutes final, rownaq.hq.workflow.MEETING_STATES). Before
# this, nothing moved a meeting's state: every meeting was "planned" (the demo wrote "held" for its past
# ones). Existing meetings take the state their date and records say they are in:
# - a meeting of a day that has come (today included) was held, and its resolutions are adopted;
# - a meeting of a past day that has resolutions has its minutes (the resolutions are what the minutes
#   record): minutes final;
# - a meeting still to come stays planned, and its resolutions are drafts until it is held.
# A state only moves forward. Each meeting's history gets its birth ("plan", by its creator, when it was
# created) and the moves made here (by the system, saying so).

import datetime as dt

from django.db import migrations
from django.utils import timezone

COMMENT = "وضعیت جلسه هنگام افزوده شدن وضعیت‌ها از روی تاریخ و مصوبه‌های آن تعیین شد."
ORDER = ["planned", "held", "final"]


def state_for(held_on: dt.date, has_resolutions: bool, today: dt.date) -> str:
    if held_on < today and has_resolutions:
        return "final"
    if held_on <= today:
        return "held"
    return "planned"


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    Meeting = apps.get_model("hq", "Meeting")
    MeetingEvent = apps.get_model("hq", "MeetingEvent")
    Resolution = apps.get_model("hq", "Resolution")
    today = timezone.localdate()
    with_resolutions = set(Resolution.objects.values_list("meeting_id", flat=True).distinct())
    now = timezone.now()
    events = []
    for meeting in Meeting.objects.order_by("pk").iterator(chunk_size=500):
        events.append(
            MeetingEvent(
                meeting_id=meeting.pk,
                action="plan",
                from_state="",
                to_state="planned",
                by_id=meeting.created_by_id,
                at=meeting.created_at,
            )
        )
        target = state_for(meeting.held_on, meeting.pk in with_resolutions, today)
        if ORDER.index(target) < ORDER.index(meeting.state):
            target = meeting.state
        steps = [("hold", "planned", "held"), ("finalise", "held", "final")][: ORDER.index(target)]
        for action, from_state, to_state in steps:
            events.append(
                MeetingEvent(
                    meeting_id=meeting.pk,
                    action=action,
                    from_state=from_state,
                    to_state=to_state,
                    by_id=None,
                    at=now,
                    comment=COMMENT,
                )
            )
        if target != meeting.state:
            Meeting.objects.filter(pk=meeting.pk).update(state=target)
    MeetingEvent.objects.bulk_create(events, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("hq", "0002_meeting_history")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
