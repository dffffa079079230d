"""When and where B2B meetings are held: the exhibition's days and slot grid, a meeting's booth, schedules.

Reads only; booking and cancelling a meeting are in ``rownaq.exhibitions.services``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import Organisation
from rownaq.core.jalali import format_jalali_long
from rownaq.core.normalise import to_persian_digits
from rownaq.exhibitions.models import B2BMeeting, Booth, Exhibition
from rownaq.needs.models import Capability, Need

# -- the slot grid ----------------------------------------------------------------------------------


def exhibition_days(exhibition: Exhibition) -> list[dt.date]:
    days = (exhibition.ends_on - exhibition.starts_on).days + 1
    return [exhibition.starts_on + dt.timedelta(days=n) for n in range(days)]


def slot_times(exhibition: Exhibition) -> list[dt.time]:
    """The start of every meeting slot in a day, from opening to the last one that ends by closing."""
    step = dt.timedelta(minutes=exhibition.meeting_minutes)
    day = dt.date(2000, 1, 1)
    start, close = dt.datetime.combine(day, exhibition.opens_at), dt.datetime.combine(day, exhibition.closes_at)
    times = []
    while start + step <= close:
        times.append(start.time())
        start += step
    return times


def slot_start(exhibition: Exhibition, day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def check_slot(exhibition: Exhibition, starts_at: dt.datetime) -> None:
    """A slot of the grid on a day of the exhibition, not yet passed; else a ``ValidationError``."""
    local = timezone.localtime(starts_at)
    if not exhibition.starts_on <= local.date() <= exhibition.ends_on:
        raise ValidationError({"day": _("The exhibition is not open on that day.")})
    if local.time().replace(second=0, microsecond=0) not in slot_times(exhibition) or local.second or local.microsecond:
        raise ValidationError(
            {
                "time": _("Choose a slot of %(minutes)s minutes between %(opens)s and %(closes)s.")
                % {
                    "minutes": to_persian_digits(str(exhibition.meeting_minutes)),
                    "opens": to_persian_digits(exhibition.opens_at.strftime("%H:%M")),
                    "closes": to_persian_digits(exhibition.closes_at.strftime("%H:%M")),
                }
            }
        )
    if starts_at <= timezone.now():
        raise ValidationError({"time": _("This slot has already passed.")})


# -- meetings ---------------------------------------------------------------------------------------


def meeting_booth(
    exhibition: Exhibition, *, need: Need, capability: Capability, prefer_need_side: bool
) -> Booth | None:
    """The booth of the exhibitor on the preferred side, else of the other side; ``None`` if neither has one."""
    organisations = [need.unit.owner_id, capability.owner_id]
    if not prefer_need_side:
        organisations.reverse()
    for organisation_id in filter(None, organisations):
        booth = Booth.objects.filter(
            exhibitor__exhibition=exhibition, exhibitor__organisation_id=organisation_id
        ).first()
        if booth is not None:
            return booth
    return None


def active_meetings() -> QuerySet[B2BMeeting]:
    return B2BMeeting.objects.filter(cancelled_at__isnull=True)


def meeting_when(meeting: B2BMeeting) -> str:
    """``۲ شهریور ۱۴۰۴، ۱۷:۳۰ تا ۱۸:۰۰``."""
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return _("%(day)s, %(starts)s to %(ends)s") % {
        "day": format_jalali_long(starts.date()),
        "starts": to_persian_digits(starts.strftime("%H:%M")),
        "ends": to_persian_digits(ends.strftime("%H:%M")),
    }


# -- schedules --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleEntry:
    meeting: B2BMeeting
    day: str  # «۲ شهریور ۱۴۰۴»
    time: str  # «۱۷:۳۰ تا ۱۸:۰۰»
    other_side: str
    my_item: str
    their_item: str
    booth: str
    hall: str

    @property
    def text(self) -> str:
        return f"{self.day}، {self.time}"


def schedule_for(organisation: Organisation, exhibition: Exhibition) -> list[ScheduleEntry]:
    """The organisation's meetings at the exhibition in time order, with Jalali days and times."""
    meetings = (
        active_meetings()
        .filter(exhibition=exhibition)
        .filter(Q(need__unit__owner=organisation) | Q(capability__owner=organisation))
        .select_related("need__unit__owner", "capability__owner", "booth__hall")
        .order_by("starts_at", "pk")
    )
    entries = []
    for meeting in meetings:
        starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        on_need_side = meeting.need.unit.owner_id == organisation.pk
        other = meeting.capability.owner if on_need_side else meeting.need.unit.owner
        entries.append(
            ScheduleEntry(
                meeting=meeting,
                day=format_jalali_long(starts.date()),
                time=_("%(starts)s to %(ends)s")
                % {
                    "starts": to_persian_digits(starts.strftime("%H:%M")),
                    "ends": to_persian_digits(ends.strftime("%H:%M")),
                },
                other_side=str(other),
                my_item=meeting.need.title if on_need_side else meeting.capability.title,
                their_item=meeting.capability.title if on_need_side else meeting.need.title,
                booth=meeting.booth.code,
                hall=meeting.booth.hall.name,
            )
        )
    return entries
