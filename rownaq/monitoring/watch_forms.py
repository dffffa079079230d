"""The watch list's filter (estate, county, sector: one FilterSet on the core's bounded filters) and the form
that plans a preventive action."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rownaq.accounts.models import User
from rownaq.core.filters import FilterSet
from rownaq.core.forms import JalaliDateField, PersianCharField
from rownaq.core.normalise import to_latin_digits
from rownaq.geography.models import County, IndustrialEstate, Province
from rownaq.monitoring.filters import StyledForm
from rownaq.monitoring.models import ActionKind, RiskScore


class WatchFilter(FilterSet):
    county = django_filters.ModelChoiceFilter(
        label=_("County"), field_name="unit__county", queryset=County.objects.none()
    )
    estate = django_filters.ModelChoiceFilter(
        label=_("Industrial estate"), field_name="unit__estate", queryset=IndustrialEstate.objects.none()
    )
    sector = django_filters.CharFilter(
        label=_("Sector (ISIC code)"), method="in_sector", help_text=_("A division, group or class: 23, 239, 2393.")
    )

    class Meta:
        model = RiskScore
        fields = ["county", "estate", "sector"]
        form = StyledForm

    def __init__(self, *args: Any, province: Province, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["county"].queryset = County.objects.filter(province=province).order_by("name")
        self.filters["estate"].queryset = IndustrialEstate.objects.filter(county__province=province).order_by("name")

    def in_sector(self, scores: QuerySet[RiskScore], name: str, value: str) -> QuerySet[RiskScore]:
        code = to_latin_digits(value.strip())
        if not code.isdigit():
            return scores.none()
        return scores.filter(unit__sector__code__startswith=code)


def _owner_label(user: User) -> str:
    return user.get_full_name() or user.username


class PreventiveActionForm(StyledForm):
    kind = forms.ChoiceField(label=_("Action"), choices=ActionKind.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due = JalaliDateField(label=_("Due date"))
    note = PersianCharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners
        field.label_from_instance = _owner_label  # type: ignore[method-assign,assignment]
