"""Changing the registry: every page, API call, import and command goes through these functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rownaq.accounts.models import Organisation, OrganisationKind, User
from rownaq.core.normalise import normalise_text
from rownaq.core.versions import StaleEditError as StaleEditError  # the pages and the API catch it from here
from rownaq.core.versions import lock_for_edit
from rownaq.registry.models import StatusChange, Unit

STALE_EDIT_MESSAGE = _("Someone else changed this unit while you were editing it. Review their change and try again.")


UNIT_EDITABLE_FIELDS = (
    "name",
    "national_id",
    "owner",
    "sector",
    "county",
    "estate",
    "address",
    "postal_code",
    "latitude",
    "longitude",
    "employees",
    "is_exporter",
    "is_knowledge_based",
)


def _record_status(*, unit: Unit, old_status: str, effective_on: dt.date, note: str, by: User | None) -> None:
    StatusChange.objects.create(
        unit=unit,
        old_status=old_status,
        new_status=unit.status,
        effective_on=effective_on,
        note=note,
        recorded_by=by,
    )


@transaction.atomic
def unit_create(*, by: User | None, status_note: str = "", **fields: Any) -> Unit:
    unit = Unit(**fields)
    unit.full_clean()
    unit.save()
    _record_status(unit=unit, old_status="", effective_on=unit.status_since, note=status_note, by=by)
    return unit


@transaction.atomic
def unit_update(
    *, unit: Unit, by: User | None, expected_version: int | None = None, status_note: str = "", **fields: Any
) -> Unit:
    """Change a unit. With ``expected_version``, refuse if someone saved it since that version was read."""
    locked = lock_for_edit(Unit, pk=unit.pk, expected_version=expected_version, message=STALE_EDIT_MESSAGE)
    old_status = locked.status
    for name, value in fields.items():
        setattr(unit, name, value)
    status_changed = unit.status != old_status
    if status_changed and "status_since" not in fields:
        unit.status_since = timezone.localdate()
    unit.full_clean()
    unit.version = locked.version + 1
    unit.save()
    if status_changed:
        _record_status(unit=unit, old_status=old_status, effective_on=unit.status_since, note=status_note, by=by)
    return unit


def unit_bump_version(*, unit: Unit) -> None:
    """Mark a unit changed when only its licences, products or contacts changed."""
    Unit.objects.filter(pk=unit.pk).update(version=F("version") + 1, updated_at=timezone.now())


def unit_set_licence(
    *, unit: Unit, kind: str, number: str, issued_on: dt.date | None, expires_on: dt.date | None
) -> None:
    """Record the unit's licence of ``kind``; an empty number removes it."""
    from rownaq.registry.models import Licence

    licence = Licence.objects.filter(unit=unit, kind=kind).first()
    if not number:
        if licence is not None:
            licence.delete()
        return
    if licence is None:
        Licence.objects.create(unit=unit, kind=kind, number=number, issued_on=issued_on, expires_on=expires_on)
        return
    if (licence.number, licence.issued_on, licence.expires_on) != (number, issued_on, expires_on):
        licence.number, licence.issued_on, licence.expires_on = number, issued_on, expires_on
        licence.save(update_fields=["number", "issued_on", "expires_on"])


def owner_company_for(*, name: str, province_id: int | None) -> Organisation | None:
    """The production-unit company called ``name`` in the province, created on first use."""
    name = normalise_text(name)
    if not name:
        return None
    company, _created = Organisation.objects.get_or_create(
        name=name, kind=OrganisationKind.UNIT_COMPANY, province_id=province_id
    )
    return company


class UnitRows(Protocol):
    """Rows that belong to a unit and are saved with it (the product and contact formsets of the form)."""

    instance: Unit

    def save(self, commit: bool = True) -> Any: ...


def unit_save(
    *,
    unit: Unit | None,
    by: User,
    fields: dict[str, Any],
    licences: Mapping[str, Mapping[str, Any]],
    rows: Sequence[UnitRows] = (),
    owner_name: str | None = None,
    expected_version: int | None = None,
    status_note: str = "",
) -> Unit:
    """Create (``unit=None``) or change a unit with its licences (by kind) and the rows saved with it, in one
    transaction. Province staff name the owner company (``owner_name``), created on first use; with
    ``expected_version``, refuse (``StaleEditError``) if someone saved the unit since that version was read."""
    fields = dict(fields)
    if owner_name is not None:
        fields["owner"] = owner_company_for(name=owner_name, province_id=fields["county"].province_id)
    with transaction.atomic():
        if unit is None:
            unit = unit_create(by=by, status_note=status_note, **fields)
        else:
            unit = unit_update(unit=unit, by=by, expected_version=expected_version, status_note=status_note, **fields)
        for kind, licence in licences.items():
            unit_set_licence(unit=unit, kind=kind, **licence)
        for related in rows:
            related.instance = unit
            related.save()
    return unit
