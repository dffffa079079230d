"""Exhibitions of the Industry Needs Desk: setting one up, its exhibitors, visitors and B2B meetings.

Every change is a keyword-only service wrapped in a transaction; pages and the admin call these.

Public visibility (to be unified with ``rownaq.needs.access`` once it lands): a need's details are
public only if ``visibility == "public"`` and it is not closed; a capability only if ``is_public``.
A need or capability that is not public is never listed on a public page, whatever an exhibitor chose.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import Organisation, Role, User
from rownaq.core.jalali import format_jalali_long
from rownaq.core.normalise import normalise_digits_only, normalise_text, to_persian_digits
from rownaq.geography.models import Province
from rownaq.needs.models import (
    B2BMeeting,
    Booth,
    Capability,
    Exhibition,
    Exhibitor,
    Hall,
    Need,
    NeedState,
    Visibility,
    VisitorRegistration,
)
from rownaq.notifications.services import notify

# -- who sees and who may change what ---------------------------------------------------------------


def public_needs() -> QuerySet[Need]:
    return Need.objects.filter(visibility=Visibility.PUBLIC).exclude(state=NeedState.CLOSED)


def public_capabilities() -> QuerySet[Capability]:
    return Capability.objects.filter(is_public=True)


def need_is_public(need: Need) -> bool:
    return need.visibility == Visibility.PUBLIC and need.state != NeedState.CLOSED


def capability_is_public(capability: Capability) -> bool:
    return capability.is_public


def can_manage_exhibitions(user: User, province_id: int | None) -> bool:
    """SMT experts and system admins of the province (national ones of every province)."""
    return user.is_expert and user.serves_province(province_id)


def _require_manager(user: User, exhibition_or_province: Exhibition | Province) -> None:
    province_id = (
        exhibition_or_province.province_id
        if isinstance(exhibition_or_province, Exhibition)
        else exhibition_or_province.pk
    )
    if not can_manage_exhibitions(user, province_id):
        raise PermissionDenied


def owns_need(user: User, need: Need) -> bool:
    """A manager of the company that owns the need's unit."""
    return (
        user.is_active
        and user.role == Role.UNIT_MANAGER
        and user.organisation_id is not None
        and user.organisation_id == need.unit.owner_id
    )


def owns_capability(user: User, capability: Capability) -> bool:
    """A member of the organisation that offers the capability."""
    return user.is_active and user.organisation_id is not None and user.organisation_id == capability.owner_id


def shown_needs(exhibition: Exhibition) -> QuerySet[Need]:
    """Public needs on show at the exhibition."""
    return public_needs().filter(
        pk__in=Exhibitor.needs.through.objects.filter(exhibitor__exhibition=exhibition).values("need_id")
    )


def shown_capabilities(exhibition: Exhibition) -> QuerySet[Capability]:
    """Public capabilities on show at the exhibition."""
    through = Exhibitor.capabilities.through.objects.filter(exhibitor__exhibition=exhibition)
    return public_capabilities().filter(pk__in=through.values("capability_id"))


# -- setting an exhibition up -----------------------------------------------------------------------


def _check_exhibition(
    *, starts_on: dt.date, ends_on: dt.date, opens_at: dt.time, closes_at: dt.time, meeting_minutes: int
) -> None:
    errors: dict[str, str] = {}
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    if closes_at <= opens_at:
        errors["closes_at"] = _("The closing time must be after the opening time.")
    if meeting_minutes < 5:
        errors["meeting_minutes"] = _("A meeting lasts at least 5 minutes.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def exhibition_create(
    *,
    by: User,
    province: Province,
    title: str,
    slug: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    opens_at: dt.time,
    closes_at: dt.time,
    venue: str,
    description: str = "",
    meeting_minutes: int = 30,
    is_published: bool = True,
) -> Exhibition:
    _require_manager(by, province)
    _check_exhibition(
        starts_on=starts_on, ends_on=ends_on, opens_at=opens_at, closes_at=closes_at, meeting_minutes=meeting_minutes
    )
    if Exhibition.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Another exhibition already has this address name.")})
    return Exhibition.objects.create(
        province=province,
        title=title,
        slug=slug,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        opens_at=opens_at,
        closes_at=closes_at,
        venue=venue,
        description=description,
        meeting_minutes=meeting_minutes,
        is_published=is_published,
    )


# In the order the exhibition form shows them.
EDITABLE_FIELDS = (
    "title",
    "slug",
    "kind",
    "starts_on",
    "ends_on",
    "opens_at",
    "closes_at",
    "venue",
    "description",
    "meeting_minutes",
    "is_published",
)


@transaction.atomic
def exhibition_update(*, exhibition: Exhibition, by: User, changes: dict[str, object]) -> Exhibition:
    """Change some of ``EDITABLE_FIELDS``; meetings already booked stay as they are."""
    _require_manager(by, exhibition)
    unknown = set(changes).difference(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    # Checked before anything is set: a refused change leaves the exhibition as it was.
    merged: dict[str, Any] = {name: changes.get(name, getattr(exhibition, name)) for name in EDITABLE_FIELDS}
    _check_exhibition(
        starts_on=merged["starts_on"],
        ends_on=merged["ends_on"],
        opens_at=merged["opens_at"],
        closes_at=merged["closes_at"],
        meeting_minutes=merged["meeting_minutes"],
    )
    if Exhibition.objects.filter(slug=merged["slug"]).exclude(pk=exhibition.pk).exists():
        raise ValidationError({"slug": _("Another exhibition already has this address name.")})
    for name, value in changes.items():
        setattr(exhibition, name, value)
    exhibition.save(update_fields=sorted(changes))
    return exhibition


@transaction.atomic
def hall_add(*, exhibition: Exhibition, name: str, by: User) -> Hall:
    _require_manager(by, exhibition)
    name = normalise_text(name)
    if exhibition.halls.filter(name=name).exists():
        raise ValidationError({"name": _("This exhibition already has a hall of this name.")})
    return Hall.objects.create(exhibition=exhibition, name=name)


@transaction.atomic
def booths_add(*, hall: Hall, codes: Sequence[str], by: User) -> list[Booth]:
    """Booths with the given codes (``A1``, ``۱۲``); codes the hall already has are refused."""
    _require_manager(by, hall.exhibition)
    cleaned = [normalise_text(code) for code in codes if normalise_text(code)]
    taken = set(hall.booths.filter(code__in=cleaned).values_list("code", flat=True))
    if taken or len(set(cleaned)) != len(cleaned):
        raise ValidationError({"codes": _("A booth code is repeated: %(codes)s") % {"codes": "، ".join(sorted(taken))}})
    return [Booth.objects.create(hall=hall, code=code) for code in cleaned]


def _check_exhibitor_items(
    exhibition: Exhibition,
    organisation: Organisation,
    booth: Booth | None,
    needs: Sequence[Need],
    capabilities: Sequence[Capability],
) -> None:
    errors: dict[str, str] = {}
    if any(need.unit.owner_id != organisation.pk for need in needs):
        errors["needs"] = _("An exhibitor shows only the needs of its own units.")
    if any(capability.owner_id != organisation.pk for capability in capabilities):
        errors["capabilities"] = _("An exhibitor shows only its own capabilities.")
    if booth is not None and booth.hall.exhibition_id != exhibition.pk:
        errors["booth"] = _("This booth is in another exhibition.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def exhibitor_add(
    *,
    exhibition: Exhibition,
    organisation: Organisation,
    by: User,
    booth: Booth | None = None,
    needs: Sequence[Need] = (),
    capabilities: Sequence[Capability] = (),
) -> Exhibitor:
    """An organisation joins the exhibition with the needs and capabilities it chooses to show.

    Only its own items; of these, only the public ones appear on the public pages.
    """
    _require_manager(by, exhibition)
    _check_exhibitor_items(exhibition, organisation, booth, needs, capabilities)
    if Exhibitor.objects.filter(exhibition=exhibition, organisation=organisation).exists():
        raise ValidationError({"organisation": _("This organisation is already an exhibitor here.")})
    exhibitor = Exhibitor.objects.create(exhibition=exhibition, organisation=organisation)
    exhibitor.needs.set(needs)
    exhibitor.capabilities.set(capabilities)
    if booth is not None:
        _assign_booth(exhibitor, booth)
    return exhibitor


@transaction.atomic
def exhibitor_update(
    *,
    exhibitor: Exhibitor,
    by: User,
    booth: Booth | None,
    needs: Sequence[Need],
    capabilities: Sequence[Capability],
) -> Exhibitor:
    exhibition = exhibitor.exhibition
    _require_manager(by, exhibition)
    _check_exhibitor_items(exhibition, exhibitor.organisation, booth, needs, capabilities)
    exhibitor.needs.set(needs)
    exhibitor.capabilities.set(capabilities)
    previous = Booth.objects.filter(exhibitor=exhibitor)
    if booth is not None:
        previous = previous.exclude(pk=booth.pk)
    previous.update(exhibitor=None)
    if booth is not None:
        _assign_booth(exhibitor, booth)
    return exhibitor


def _assign_booth(exhibitor: Exhibitor, booth: Booth) -> None:
    booth = Booth.objects.select_for_update().get(pk=booth.pk)
    if booth.exhibitor_id not in (None, exhibitor.pk):
        raise ValidationError({"booth": _("This booth is already given to another exhibitor.")})
    booth.exhibitor = exhibitor
    booth.save(update_fields=["exhibitor"])


# -- visitors ---------------------------------------------------------------------------------------

_MOBILE = re.compile(r"^09\d{9}$")


def normalise_mobile(text: str) -> str:
    """``۰۹۱۲ ۳۴۵ ۶۷۸۹``, ``+989123456789`` and ``00989123456789`` all become ``09123456789``."""
    digits = normalise_digits_only(text).replace("(", "").replace(")", "")
    if digits.startswith("+98"):
        digits = "0" + digits[3:]
    elif digits.startswith("0098"):
        digits = "0" + digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif digits.startswith("9") and len(digits) == 10:
        digits = "0" + digits
    return digits


def registration_open(exhibition: Exhibition) -> bool:
    return exhibition.is_published and exhibition.ends_on >= timezone.localdate()


@transaction.atomic
def visitor_register(
    *,
    exhibition: Exhibition,
    name: str,
    phone: str,
    organisation: str = "",
    email: str = "",
    visit_on: dt.date | None = None,
) -> VisitorRegistration:
    """A visitor registers (no login); one registration per mobile number per exhibition."""
    if not registration_open(exhibition):
        raise ValidationError(_("Registration for this exhibition is closed."))
    mobile = normalise_mobile(phone)
    errors: dict[str, str] = {}
    if not normalise_text(name):
        errors["name"] = _("Write your name.")
    if not _MOBILE.match(mobile):
        errors["phone"] = _("Write a mobile number of 11 digits starting with 09, like 09121234567.")
    if visit_on is not None and not exhibition.starts_on <= visit_on <= exhibition.ends_on:
        errors["visit_on"] = _("Choose a day between %(first)s and %(last)s.") % {
            "first": format_jalali_long(exhibition.starts_on),
            "last": format_jalali_long(exhibition.ends_on),
        }
    if "phone" not in errors and VisitorRegistration.objects.filter(exhibition=exhibition, phone=mobile).exists():
        errors["phone"] = _("This mobile number has already registered for this exhibition.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return VisitorRegistration.objects.create(
                exhibition=exhibition,
                name=name,
                organisation=organisation,
                phone=mobile,
                email=email.strip(),
                visit_on=visit_on,
            )
    except IntegrityError:  # registered at the same moment from another request
        raise ValidationError({"phone": _("This mobile number has already registered for this exhibition.")}) from None


# -- B2B meetings -----------------------------------------------------------------------------------


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


def _check_slot(exhibition: Exhibition, starts_at: dt.datetime) -> None:
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


def _is_shown(exhibition: Exhibition, need: Need | None = None, capability: Capability | None = None) -> bool:
    exhibitors = Exhibitor.objects.filter(exhibition=exhibition)
    if need is not None:
        return need_is_public(need) and exhibitors.filter(needs=need).exists()
    assert capability is not None
    return capability_is_public(capability) and exhibitors.filter(capabilities=capability).exists()


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


@transaction.atomic
def b2b_book(
    *,
    exhibition: Exhibition,
    need: Need,
    capability: Capability,
    starts_at: dt.datetime,
    by: User,
    booth: Booth | None = None,
) -> B2BMeeting:
    """Book a meeting between a need's owner and a capability's owner at an exhibitor's booth.

    ``by`` owns one side (a manager of the need's company, or a member of the capability's
    organisation); the other side is public and on show at the exhibition. Neither organisation
    nor the booth may have another meeting at an overlapping time: the checks run with the
    exhibition's and both organisations' rows locked, so two bookings at once cannot both pass,
    even at two exhibitions.
    """
    # Lock first: every booking of this exhibition queues here, then sees the others' commits.
    exhibition = Exhibition.objects.select_for_update().get(pk=exhibition.pk)
    need = Need.objects.select_related("unit", "unit__owner").get(pk=need.pk)
    capability = Capability.objects.select_related("owner").get(pk=capability.pk)
    if not exhibition.is_published:
        raise ValidationError(_("This exhibition is not open for meetings."))
    if owns_need(by, need):
        if need.state == NeedState.CLOSED:
            raise ValidationError({"need": _("This need is closed.")})
        if not _is_shown(exhibition, capability=capability):
            raise ValidationError({"capability": _("This capability is not shown at this exhibition.")})
    elif owns_capability(by, capability):
        if not _is_shown(exhibition, need=need):
            raise ValidationError({"need": _("This need is not shown at this exhibition.")})
    else:
        raise PermissionDenied
    if need.unit.owner_id is None or need.unit.owner_id == capability.owner_id:
        raise ValidationError(_("A meeting needs two different organisations."))
    # An organisation may exhibit at two exhibitions at once: its row is locked too (in one order,
    # so two bookings never wait on each other), so that bookings at another exhibition queue here.
    list(
        Organisation.objects.select_for_update().filter(pk__in=[need.unit.owner_id, capability.owner_id]).order_by("pk")
    )
    _check_slot(exhibition, starts_at)
    if booth is None:
        booth = meeting_booth(exhibition, need=need, capability=capability, prefer_need_side=not owns_need(by, need))
    if booth is None:
        raise ValidationError(_("Neither side has a booth at this exhibition."))
    if booth.hall.exhibition_id != exhibition.pk or booth.exhibitor_id is None:
        raise ValidationError({"booth": _("Meetings are held at an exhibitor's booth of this exhibition.")})

    ends_at = starts_at + dt.timedelta(minutes=exhibition.meeting_minutes)
    overlapping = active_meetings().filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if overlapping.filter(booth=booth).exists():
        raise ValidationError(
            {"time": _("Booth %(booth)s already has a meeting at this time.") % {"booth": booth.code}}
        )
    organisations = [need.unit.owner_id, capability.owner_id]
    busy = overlapping.filter(Q(need__unit__owner_id__in=organisations) | Q(capability__owner_id__in=organisations))
    if busy.filter(Q(need__unit__owner_id=need.unit.owner_id) | Q(capability__owner_id=need.unit.owner_id)).exists():
        raise ValidationError({"time": _("%(name)s already has a meeting at this time.") % {"name": need.unit.owner}})
    if busy.exists():
        raise ValidationError({"time": _("%(name)s already has a meeting at this time.") % {"name": capability.owner}})

    meeting = B2BMeeting.objects.create(
        exhibition=exhibition,
        need=need,
        capability=capability,
        booth=booth,
        starts_at=starts_at,
        ends_at=ends_at,
        booked_by=by,
    )
    other_side = _side_people(capability=capability) if owns_need(by, need) else _side_people(need=need)
    notify(
        users=other_side,
        text=_("A B2B meeting at %(exhibition)s on %(when)s, booth %(booth)s: «%(need)s» × «%(capability)s».")
        % {
            "exhibition": exhibition.title,
            "when": meeting_when(meeting),
            "booth": booth.code,
            "need": need.title,
            "capability": capability.title,
        },
        link=reverse("exhibitions-schedule", args=[exhibition.slug]),
    )
    return meeting


def _side_people(*, need: Need | None = None, capability: Capability | None = None) -> list[User]:
    people = User.objects.filter(is_active=True)
    if need is not None:
        if need.unit.owner_id is None:
            return []
        return list(people.filter(organisation_id=need.unit.owner_id, role=Role.UNIT_MANAGER))
    assert capability is not None
    return list(people.filter(organisation_id=capability.owner_id))


def meeting_when(meeting: B2BMeeting) -> str:
    """``۲ شهریور ۱۴۰۴، ۱۷:۳۰ تا ۱۸:۰۰``."""
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return _("%(day)s, %(starts)s to %(ends)s") % {
        "day": format_jalali_long(starts.date()),
        "starts": to_persian_digits(starts.strftime("%H:%M")),
        "ends": to_persian_digits(ends.strftime("%H:%M")),
    }


@transaction.atomic
def b2b_cancel(*, meeting: B2BMeeting, by: User) -> B2BMeeting:
    meeting = (
        B2BMeeting.objects.select_for_update()
        .select_related("need__unit", "capability", "exhibition")
        .get(pk=meeting.pk)
    )
    on_need_side, on_capability_side = owns_need(by, meeting.need), owns_capability(by, meeting.capability)
    if not (on_need_side or on_capability_side or can_manage_exhibitions(by, meeting.exhibition.province_id)):
        raise PermissionDenied
    if meeting.cancelled_at is not None:
        return meeting
    meeting.cancelled_at = timezone.now()
    meeting.save(update_fields=["cancelled_at"])
    people: list[User] = []
    if not on_need_side:
        people += _side_people(need=meeting.need)
    if not on_capability_side:
        people += _side_people(capability=meeting.capability)
    notify(
        users=[person for person in people if person.pk != by.pk],
        text=_("The B2B meeting at %(exhibition)s on %(when)s was cancelled.")
        % {"exhibition": meeting.exhibition.title, "when": meeting_when(meeting)},
        link=reverse("exhibitions-schedule", args=[meeting.exhibition.slug]),
    )
    return meeting


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


def own_items(user: User) -> tuple[list[Need], list[Capability]]:
    """The needs (of a unit manager's company) and capabilities (of the person's organisation) one may book with."""
    if not user.is_active or user.organisation_id is None:
        return [], []
    needs: Iterable[Need] = []
    if user.role == Role.UNIT_MANAGER:
        needs = Need.objects.filter(unit__owner_id=user.organisation_id).exclude(state=NeedState.CLOSED)
    capabilities = Capability.objects.filter(owner_id=user.organisation_id)
    return list(needs), list(capabilities)
