"""Exhibitions of the Industry Needs Desk: setting one up, its exhibitors, visitors and B2B meetings.

Every change is a keyword-only service wrapped in a transaction; pages call these. Who may do what is
asked of ``rownaq.exhibitions.access``; the slot grid and schedules are in ``rownaq.exhibitions.scheduling``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import Organisation, Role, User
from rownaq.core.jalali import format_jalali_long
from rownaq.core.normalise import normalise_digits_only, normalise_text
from rownaq.exhibitions import access, scheduling
from rownaq.exhibitions.models import B2BMeeting, Booth, Exhibition, Exhibitor, Hall, VisitorRegistration
from rownaq.geography.models import Province
from rownaq.needs.models import Capability, Need, NeedState
from rownaq.notifications.services import notify

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
    access.require_manager(by, province)
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
    access.require_manager(by, exhibition)
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
    access.require_manager(by, exhibition)
    name = normalise_text(name)
    if exhibition.halls.filter(name=name).exists():
        raise ValidationError({"name": _("This exhibition already has a hall of this name.")})
    return Hall.objects.create(exhibition=exhibition, name=name)


@transaction.atomic
def booths_add(*, hall: Hall, codes: Sequence[str], by: User) -> list[Booth]:
    """Booths with the given codes (``A1``, ``۱۲``); codes the hall already has are refused."""
    access.require_manager(by, hall.exhibition)
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
    access.require_manager(by, exhibition)
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
    access.require_manager(by, exhibition)
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
    if not access.registration_open(exhibition):
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
    if access.owns_need(by, need):
        if need.state == NeedState.CLOSED:
            raise ValidationError({"need": _("This need is closed.")})
        if not access.is_shown(exhibition, capability=capability):
            raise ValidationError({"capability": _("This capability is not shown at this exhibition.")})
    elif access.owns_capability(by, capability):
        if not access.is_shown(exhibition, need=need):
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
    scheduling.check_slot(exhibition, starts_at)
    if booth is None:
        booth = scheduling.meeting_booth(
            exhibition, need=need, capability=capability, prefer_need_side=not access.owns_need(by, need)
        )
    if booth is None:
        raise ValidationError(_("Neither side has a booth at this exhibition."))
    if booth.hall.exhibition_id != exhibition.pk or booth.exhibitor_id is None:
        raise ValidationError({"booth": _("Meetings are held at an exhibitor's booth of this exhibition.")})

    ends_at = starts_at + dt.timedelta(minutes=exhibition.meeting_minutes)
    overlapping = scheduling.active_meetings().filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
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
    other_side = _side_people(capability=capability) if access.owns_need(by, need) else _side_people(need=need)
    notify(
        users=other_side,
        text=_("A B2B meeting at %(exhibition)s on %(when)s, booth %(booth)s: «%(need)s» × «%(capability)s».")
        % {
            "exhibition": exhibition.title,
            "when": scheduling.meeting_when(meeting),
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


@transaction.atomic
def b2b_cancel(*, meeting: B2BMeeting, by: User) -> B2BMeeting:
    meeting = (
        B2BMeeting.objects.select_for_update()
        .select_related("need__unit", "capability", "exhibition")
        .get(pk=meeting.pk)
    )
    if not access.can_cancel_meeting(by, meeting):
        raise PermissionDenied
    on_need_side, on_capability_side = (
        access.owns_need(by, meeting.need),
        access.owns_capability(by, meeting.capability),
    )
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
        % {"exhibition": meeting.exhibition.title, "when": scheduling.meeting_when(meeting)},
        link=reverse("exhibitions-schedule", args=[meeting.exhibition.slug]),
    )
    return meeting
