"""The forms of field visits: plan (and, if made, record) a visit; record a planned one; open a revival case
from a yellow or red visit."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from rownaq.core.forms import JalaliDateField, MultipleFileField, MultipleFileInput, PersianCharField
from rownaq.core.normalise import to_persian_digits
from rownaq.monitoring.filters import StyledForm
from rownaq.monitoring.models import RevivalCause
from rownaq.monitoring.visit_models import ExpansionPlan, Outlook, VisitFlag, VisitObstacle
from rownaq.monitoring.visits import Findings
from rownaq.registry.models import Unit

PHOTO_ACCEPT = ".png,.jpg,.jpeg,image/png,image/jpeg"


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def unit_label(unit: Unit) -> str:
    """A unit as the visit form lists it: its name, its county and its national ID (Persian digits)."""
    return f"{unit.name} ({unit.county.name}) {to_persian_digits(unit.national_id)}".strip()


def unit_search_attrs() -> dict[str, Any]:
    """The unit select gets a search box over it (site.js's ``data-sector-search`` picker; without JavaScript,
    or offline, the plain select stays)."""
    return {
        "data-sector-search": reverse_lazy("monitoring-visit-unit-search"),
        "data-search-label": _("Search units by name or national ID"),
        "data-search-placeholder": _("Part of the name or the national ID"),
        "data-search-empty": _("No unit found"),
    }


class FindingsForm(StyledForm):
    """What a visit found: the day, the questionnaire, notes, photos and the flag."""

    visited_on = JalaliDateField(
        label=_("Visited on"), required=False, help_text=_("Leave empty to only plan the visit.")
    )
    sales_outlook = forms.ChoiceField(label=_("Sales outlook"), choices=_blank(Outlook.choices), required=False)
    employment_outlook = forms.ChoiceField(
        label=_("Employment outlook"), choices=_blank(Outlook.choices), required=False
    )
    main_obstacle = forms.ChoiceField(label=_("Main obstacle"), choices=_blank(VisitObstacle.choices), required=False)
    expansion = forms.ChoiceField(label=_("Expansion plans"), choices=_blank(ExpansionPlan.choices), required=False)
    flag = forms.ChoiceField(label=_("Flag"), choices=_blank(VisitFlag.choices), required=False)
    notes = PersianCharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": PHOTO_ACCEPT}),
        help_text=_("PNG or JPEG, at most six."),
    )

    def findings(self) -> Findings:
        data = self.cleaned_data
        return Findings(
            visited_on=data.get("visited_on"),
            sales_outlook=data.get("sales_outlook", ""),
            employment_outlook=data.get("employment_outlook", ""),
            main_obstacle=data.get("main_obstacle", ""),
            expansion=data.get("expansion", ""),
            notes=data.get("notes", ""),
            flag=data.get("flag", ""),
        )


class VisitForm(FindingsForm):
    """Plan a visit (the unit, the day) and, if it is made, record it at once."""

    uuid = forms.UUIDField(widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    planned_on = JalaliDateField(label=_("Planned for"))
    confirm = forms.BooleanField(
        label=_("I know another agency visits this unit that week; plan it anyway."), required=False
    )

    field_order = ["uuid", "unit", "planned_on", "visited_on"]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("uuid", uuid.uuid4())
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units.select_related("county").order_by("name_sort", "pk")
        field.widget.attrs.update(unit_search_attrs())
        field.label_from_instance = unit_label  # type: ignore[method-assign,assignment]


class RecordForm(FindingsForm):
    """Record what a planned visit found. ``version`` is the visit's version the form was filled against (a
    record sent twice from a phone's queue is stored once)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].required = True
        self.fields["visited_on"].help_text = ""
        self.fields["flag"].required = True


class RevivalFollowUpForm(StyledForm):
    cause = forms.ChoiceField(label=_("Main cause"), choices=RevivalCause.choices)
