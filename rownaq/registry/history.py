"""A unit's change history as its page shows it: who changed which field, from what to what, when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import parse_int, to_persian_digits
from rownaq.registry.models import Contact, Licence, Product, Unit

# auditlog's own names of its actions are English words without a Persian catalogue.
_ACTIONS = {
    LogEntry.Action.CREATE: gettext_lazy("Created"),
    LogEntry.Action.UPDATE: gettext_lazy("Edited"),
    LogEntry.Action.DELETE: gettext_lazy("Deleted"),
    LogEntry.Action.ACCESS: gettext_lazy("Viewed"),
}
_HIDDEN_FIELDS = {"id", "unit", "search_text", "version", "created_at", "updated_at"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    actor: str
    action: str
    subject: str
    changes: list[FieldChange]


def _display(model: type[Model], field_name: str, raw: Any, fk_names: dict[tuple[str, str], str]) -> str:
    if raw in (None, "None", ""):
        return "—"
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return str(raw)
    if not isinstance(field, Field):
        return str(raw)
    if field.choices:
        return str(dict(field.choices).get(raw, raw))  # type: ignore[arg-type]
    if field.get_internal_type() == "DateField":
        try:
            return format_jalali(dt.date.fromisoformat(str(raw)))
        except ValueError:
            return str(raw)
    if field.get_internal_type() == "BooleanField":
        return _("Yes") if str(raw) == "True" else _("No")
    if field.is_relation:
        return fk_names.get((field_name, str(raw)), str(raw))
    return to_persian_digits(str(raw))


def unit_history(unit: Unit, *, limit: int = 100) -> list[HistoryEntry]:
    models: dict[int, type[Model]] = {
        ContentType.objects.get_for_model(model).pk: model for model in (Unit, Licence, Product, Contact)
    }
    unit_type = next(pk for pk, model in models.items() if model is Unit)
    entries = (
        LogEntry.objects.filter(
            Q(content_type_id=unit_type, object_id=unit.pk)
            | Q(content_type_id__in=list(models), additional_data__unit_id=unit.pk)
        )
        .select_related("actor")
        .order_by("-timestamp")[:limit]
    )
    fk_names = _related_names(list(entries))
    result = []
    for entry in entries:
        model = models[entry.content_type_id]
        changes = [
            FieldChange(
                label=_field_label(model, name),
                old=_display(model, name, values[0], fk_names),
                new=_display(model, name, values[1], fk_names),
            )
            for name, values in (entry.changes_dict or {}).items()
            if name not in _HIDDEN_FIELDS and _field_label(model, name)
        ]
        if entry.action == LogEntry.Action.UPDATE and not changes:
            continue
        subject = (
            ""
            if model is Unit
            else _("%(kind)s: %(name)s")
            % {"kind": model._meta.verbose_name, "name": to_persian_digits(entry.object_repr)}
        )
        result.append(
            HistoryEntry(
                when=entry.timestamp,
                actor=str(entry.actor) if entry.actor else _("System"),
                action=str(_ACTIONS.get(entry.action, "")),
                subject=subject,
                changes=changes if entry.action != LogEntry.Action.CREATE or model is not Unit else [],
            )
        )
    return result


def _field_label(model: type[Model], name: str) -> str:
    """The field's name as people read it; empty for what is not a plain field of the model."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    return str(getattr(field, "verbose_name", "")) if getattr(field, "concrete", False) else ""


def _related_names(entries: list[LogEntry]) -> dict[tuple[str, str], str]:
    """Names of the sectors, counties, estates and owners that the entries refer to by id, in one query each."""
    from rownaq.accounts.models import Organisation
    from rownaq.geography.models import County, IndustrialEstate
    from rownaq.registry.models import Sector

    wanted: dict[str, set[str]] = {"sector": set(), "county": set(), "estate": set(), "owner": set()}
    for entry in entries:
        for name, values in (entry.changes_dict or {}).items():
            if name in wanted:
                wanted[name].update(str(v) for v in values if v not in (None, "None", ""))
    names: dict[tuple[str, str], str] = {}
    for field_name, model in (
        ("sector", Sector),
        ("county", County),
        ("estate", IndustrialEstate),
        ("owner", Organisation),
    ):
        ids = [number for v in wanted[field_name] if (number := parse_int(v)) is not None]
        for obj in model.objects.filter(pk__in=ids):  # type: ignore[attr-defined]
            names[(field_name, str(obj.pk))] = obj.choice_label if isinstance(obj, Sector) else str(obj)
    return names
