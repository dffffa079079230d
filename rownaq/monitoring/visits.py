"""Field visits: plan one, record what was found (answers, notes, photos, flag), open its follow-ups, and the
readers of the calendar's week and of a unit's visits.

A visit is saved through ``visit_save`` with the UUID its form generated: a second delivery of the same UUID
(a phone that was offline sends again) returns the stored visit and changes nothing. Another agency's visit
to the same unit in the same (Saturday to Friday) week is a *clash*: the pages warn before planning one.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.core.files import attachment_content_type
from rownaq.core.normalise import normalise_paragraphs
from rownaq.monitoring import access, revival
from rownaq.monitoring.models import RevivalCase
from rownaq.monitoring.visit_models import FollowUpKind, Visit, VisitFollowUp, VisitObstacle, VisitPhoto
from rownaq.registry.access import acts_for_unit
from rownaq.registry.filters import find_units
from rownaq.registry.models import Unit

ANSWER_FIELDS = ("sales_outlook", "employment_outlook", "main_obstacle", "expansion")
PHOTO_TYPES = frozenset({"image/png", "image/jpeg"})
MAX_PHOTOS = 6
SATURDAY = 5  # ``date.weekday()`` of the first day of the Iranian week

# The revival case's cause a visit's main obstacle suggests (the person may choose another).
REVIVAL_CAUSE = {
    VisitObstacle.WORKING_CAPITAL: "working_capital",
    VisitObstacle.RAW_MATERIAL: "raw_material",
    VisitObstacle.MARKET: "market",
    VisitObstacle.ENERGY: "energy",
    VisitObstacle.LICENCE: "licence_or_land",
    VisitObstacle.STAFF: "management",
}


def week_start(day: dt.date) -> dt.date:
    """The Saturday that begins ``day``'s week."""
    return day - dt.timedelta(days=(day.weekday() - SATURDAY) % 7)


def week_days(day: dt.date) -> list[dt.date]:
    first = week_start(day)
    return [first + dt.timedelta(days=n) for n in range(7)]


def on_days(first: dt.date, last: dt.date) -> Q:
    """Visits shown between ``first`` and ``last``: made on one of those days, or planned for one and not made."""
    return Q(visited_on__range=(first, last)) | Q(visited_on__isnull=True, planned_on__range=(first, last))


def visit_clashes(*, unit: Unit, day: dt.date, agency_id: int, exclude: int | None = None) -> list[Visit]:
    """Other agencies' visits to ``unit`` (made or planned) in ``day``'s week."""
    first = week_start(day)
    last = first + dt.timedelta(days=6)
    visits = (
        Visit.objects.filter(unit=unit)
        .exclude(agency_id=agency_id)
        .select_related("agency")
        .order_by("planned_on", "pk")
    )
    if exclude is not None:
        visits = visits.exclude(pk=exclude)
    return list(visits.filter(on_days(first, last)))


def check_photos(files: Iterable[UploadedFile]) -> list[UploadedFile]:
    """PNG or JPEG photos within the size limit, at most ``MAX_PHOTOS``; else a Persian error."""
    files = list(files)
    if len(files) > MAX_PHOTOS:
        raise ValidationError(_("Attach at most %(count)s photos to a visit.") % {"count": MAX_PHOTOS})
    errors = []
    for upload in files:
        try:
            if attachment_content_type(upload) not in PHOTO_TYPES:
                errors.append(_("“%(name)s” is not a photo: only PNG and JPEG images.") % {"name": upload.name})
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return files


def _add_photos(visit: Visit, files: Iterable[UploadedFile]) -> None:
    for upload in check_photos(files):
        VisitPhoto.objects.create(
            visit=visit,
            file=upload,
            name=(upload.name or "photo")[:200],
            content_type=attachment_content_type(upload),
            size=upload.size or 0,
        )


def _check_findings(
    *, planned_on: dt.date, visited_on: dt.date | None, answers: Mapping[str, str], notes: str, flag: str, photos: bool
) -> None:
    if visited_on is None:
        if any(answers.get(name) for name in ANSWER_FIELDS) or notes or flag or photos:
            raise ValidationError(_("Give the day of the visit to record what was found."))
        return
    if visited_on > timezone.localdate():
        raise ValidationError(_("The day of the visit cannot be in the future."))
    if not flag:
        raise ValidationError(_("Choose the visit's flag: green, yellow or red."))


@dataclass(frozen=True)
class Findings:
    """What a visit found; empty when only planned."""

    visited_on: dt.date | None = None
    sales_outlook: str = ""
    employment_outlook: str = ""
    main_obstacle: str = ""
    expansion: str = ""
    notes: str = ""
    flag: str = ""

    def answers(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in ANSWER_FIELDS}


@transaction.atomic
def visit_save(
    *,
    key: uuid_module.UUID,
    unit: Unit,
    planned_on: dt.date,
    by: User,
    findings: Findings = Findings(),
    photos: Iterable[UploadedFile] = (),
) -> tuple[Visit, bool]:
    """Plan a visit of ``by``'s agency to ``unit`` (and, with ``findings.visited_on``, record it). Returns the
    visit and whether it was created: a visit already stored with ``key`` is returned unchanged."""
    existing = Visit.objects.filter(uuid=key).first()
    if existing is not None:
        if existing.agency_id != by.organisation_id:
            raise PermissionDenied(_("This visit key belongs to another agency's visit."))
        return existing, False
    agency_id = by.organisation_id
    if agency_id is None or not access.plans_visits(by) or not access.visit_units(by).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("You cannot plan a visit to this unit."))
    photos = list(photos)
    notes = normalise_paragraphs(findings.notes)
    _check_findings(
        planned_on=planned_on,
        visited_on=findings.visited_on,
        answers=findings.answers(),
        notes=notes,
        flag=findings.flag,
        photos=bool(photos),
    )
    check_photos(photos)
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                uuid=key,
                unit=unit,
                agency_id=agency_id,
                visitor=by,
                planned_on=planned_on,
                visited_on=findings.visited_on,
                notes=notes,
                flag=findings.flag,
                **findings.answers(),
            )
    except IntegrityError:  # the same key sent twice at once: the first one stored it
        visit = Visit.objects.get(uuid=key)
        return visit, False
    _add_photos(visit, photos)
    return visit, True


def visit_version(visit: Visit) -> str:
    """The version of ``visit`` a record form was filled against (its last change), sent back with the form."""
    return visit.updated_at.isoformat()


def _same_findings(visit: Visit, findings: Findings, notes: str) -> bool:
    stored = Findings(visited_on=visit.visited_on, notes=visit.notes, flag=visit.flag, **visit_answers(visit))
    return stored == replace(findings, notes=notes)


def visit_answers(visit: Visit) -> dict[str, str]:
    return {name: getattr(visit, name) for name in ANSWER_FIELDS}


@transaction.atomic
def visit_record(
    *,
    visit: Visit,
    findings: Findings,
    by: User,
    photos: Iterable[UploadedFile] = (),
    version: str | None = None,
) -> tuple[Visit, bool]:
    """Record what a planned (or already recorded) visit found: answers, notes, flag and more photos. Returns
    the visit and whether it changed.

    ``version`` is the ``visit_version`` the form was filled against. If the visit changed since (a phone's
    queue sent the same record twice, or someone else recorded it meanwhile), the same findings are taken as
    already stored (nothing changes, no photo is added twice) and different ones are refused with a message."""
    if not access.can_record_visit(by, visit):
        raise PermissionDenied(_("Only the visiting agency records this visit."))
    if findings.visited_on is None:
        raise ValidationError(_("Give the day of the visit to record what was found."))
    photos = list(photos)
    notes = normalise_paragraphs(findings.notes)
    visit = Visit.objects.select_for_update().select_related("unit", "agency").get(pk=visit.pk)
    if version and version != visit_version(visit):
        if _same_findings(visit, findings, notes):
            return visit, False
        raise ValidationError(
            _(
                "This visit was recorded meanwhile (perhaps from another device or a second send). "
                "Open it again to see what was stored, and correct the record there if needed."
            )
        )
    _check_findings(
        planned_on=visit.planned_on,
        visited_on=findings.visited_on,
        answers=findings.answers(),
        notes=notes,
        flag=findings.flag,
        photos=bool(photos),
    )
    if visit.photos.count() + len(photos) > MAX_PHOTOS:
        raise ValidationError(_("Attach at most %(count)s photos to a visit.") % {"count": MAX_PHOTOS})
    check_photos(photos)
    visit.visited_on = findings.visited_on
    visit.notes = notes
    visit.flag = findings.flag
    for name, value in findings.answers().items():
        setattr(visit, name, value)
    visit.save(update_fields=["visited_on", "notes", "flag", *ANSWER_FIELDS, "updated_at"])
    _add_photos(visit, photos)
    return visit, True


# -- follow-ups of a yellow or red visit -------------------------------------------------------------------


def may_open_revival(user: User, visit: Visit) -> bool:
    """A revival case is offered for an idle or closed unit, to staff who open such cases."""
    return (
        visit.offers_follow_ups
        and visit.unit.status in access.REVIVABLE_STATUSES
        and access.can_act_on_revival(user, visit.unit)
    )


def revival_needs_status(visit: Visit) -> bool:
    """A yellow or red visit whose unit is neither idle nor closed: no revival case until its status says so."""
    return visit.offers_follow_ups and visit.unit.status not in access.REVIVABLE_STATUSES


def may_file_obstacle(user: User, visit: Visit) -> bool:
    """The obstacle case form is offered to those who file cases for the unit (its province's experts)."""
    return visit.offers_follow_ups and access.sees_visit_details(user, visit) and acts_for_unit(user, visit.unit)


@transaction.atomic
def follow_up_revival(*, visit: Visit, cause: str, by: User) -> RevivalCase:
    """Open a revival case for the visited unit, with the visit's notes as its diagnosis, and record it."""
    if not visit.offers_follow_ups:
        raise ValidationError(_("Follow-ups are opened from a yellow or red visit."))
    case = revival.revival_open(unit=visit.unit, cause=cause, by=by, diagnosis=visit.notes)
    VisitFollowUp.objects.create(visit=visit, kind=FollowUpKind.REVIVAL_CASE, revival_case=case, by=by)
    return case


@transaction.atomic
def follow_up_obstacle(*, visit: Visit, by: User) -> VisitFollowUp:
    """Record that the obstacle case form was opened for the visited unit (the case is filed there)."""
    if not may_file_obstacle(by, visit):
        raise PermissionDenied(_("You cannot file an obstacle case for this unit."))
    return VisitFollowUp.objects.create(visit=visit, kind=FollowUpKind.OBSTACLE_CASE, by=by)


# -- readers ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownVisit:
    """A visit as one person sees it: its details only if ``details``."""

    visit: Visit
    details: bool


def _shown(visits: Iterable[Visit], user: User) -> list[ShownVisit]:
    return [ShownVisit(v, access.sees_visit_details(user, v)) for v in visits]


def calendar_week(user: User, day: dt.date) -> list[tuple[dt.date, list[ShownVisit]]]:
    """The seven days of ``day``'s week, each with the visits the person sees on it (made, or planned)."""
    days = week_days(day)
    visits = (
        access.visits_visible_to(user)
        .filter(on_days(days[0], days[-1]))
        .select_related("unit", "unit__county", "agency")
        .order_by("planned_on", "pk")
    )
    by_day: dict[dt.date, list[ShownVisit]] = {d: [] for d in days}
    for shown in _shown(visits, user):
        if shown.visit.day in by_day:
            by_day[shown.visit.day].append(shown)
    return list(by_day.items())


def unit_visits(unit: Unit, user: User, *, limit: int = 20) -> list[ShownVisit]:
    """The visits to ``unit`` the person sees, newest first (for the unit's page)."""
    visits = (
        access.visits_visible_to(user)
        .filter(unit=unit)
        .select_related("unit", "unit__county", "agency", "visitor")
        .order_by("-planned_on", "-pk")[:limit]
    )
    return _shown(visits, user)


def planned_to_record(user: User, *, limit: int = 30) -> list[Visit]:
    """The planned visits the person records (their agency's, not yet made, planned from two weeks ago on),
    soonest first: the calendar lists them, and the service worker keeps their record forms for use offline."""
    if not access.plans_visits(user):
        return []
    since = timezone.localdate() - dt.timedelta(days=14)
    planned = (
        access.visits_visible_to(user)
        .filter(agency_id=user.organisation_id, visited_on__isnull=True, planned_on__gte=since)
        .select_related("unit")
        .order_by("planned_on", "pk")
    )
    return list(planned[:limit])


def units_matching(user: User, query: str, *, limit: int = 12) -> list[Unit]:
    """The units the person may plan a visit to whose name has the words typed, or whose national ID starts
    with the digits typed (the visit form's unit search)."""
    units = find_units(access.visit_units(user), query)
    return list(units.select_related("county").order_by("name_sort", "pk")[:limit])
