"""Filtering the unit list: one set of filters for the page, the exports and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rownaq.core.filters import SearchFilterSet
from rownaq.core.normalise import is_digits, normalise_digits_only, search_terms
from rownaq.core.numbers import format_number
from rownaq.geography.models import County, IndustrialEstate
from rownaq.registry.models import Licence, LicenceKind, Sector, Unit, UnitStatus

EXPIRING_DAYS = 90


def search_units(queryset: QuerySet[Unit], query: str) -> QuerySet[Unit]:
    """Every folded term of the query must appear in the unit's name or national ID."""
    for term in search_terms(query):
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def find_units(queryset: QuerySet[Unit], query: str) -> QuerySet[Unit]:
    """The units a unit picker offers for what was typed: those whose national ID starts with the digits typed
    (in any digits), or else whose name and ID have every word typed; none for an empty query."""
    digits = normalise_digits_only(query)
    if is_digits(digits):
        return queryset.filter(national_id__startswith=digits)
    if not search_terms(query):
        return queryset.none()
    return search_units(queryset, query)


class UnitFilter(SearchFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=UnitStatus.choices)
    sector = django_filters.CharFilter(label=_("Sector (ISIC code)"), method="filter_sector")
    county = django_filters.ModelChoiceFilter(label=_("County"), queryset=County.objects.all())
    estate = django_filters.ModelChoiceFilter(label=_("Industrial estate"), queryset=IndustrialEstate.objects.all())
    licence = django_filters.ChoiceFilter(
        label=_("Operating licence"),
        method="filter_licence",
        choices=[
            ("expired", _("Expired")),
            ("expiring", format_lazy(_("Expires within {days} days"), days=format_number(EXPIRING_DAYS))),
            ("valid", _("Valid")),
            ("missing", _("No licence recorded")),
        ],
    )
    exporter = django_filters.BooleanFilter(field_name="is_exporter", label=_("Exporter"))
    knowledge_based = django_filters.BooleanFilter(field_name="is_knowledge_based", label=_("Knowledge-based"))

    class Meta:
        model = Unit
        fields = ["q", "status", "sector", "county", "estate", "licence", "exporter", "knowledge_based"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        province_id = getattr(user, "province_id", None) if user is not None and user.is_authenticated else None
        if province_id is not None:
            self.filters["county"].queryset = County.objects.filter(province_id=province_id)
            self.filters["estate"].queryset = IndustrialEstate.objects.filter(county__province_id=province_id)

    def filter_search(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return search_units(queryset, value)

    def filter_sector(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        """A section letter, division, group or class: the unit's class code starts with it."""
        code = value.strip().upper()
        if not code:
            return queryset
        if code.isalpha():
            divisions = Sector.objects.filter(parent__code=code).values_list("code", flat=True)
            query = Q()
            for division in divisions:
                query |= Q(sector__code__startswith=division)
            return queryset.filter(query) if divisions else queryset.none()
        return queryset.filter(sector__code__startswith=code)

    def filter_licence(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        """Units by the state of their operating licence (subqueries, so no unit is listed twice)."""
        today = timezone.localdate()
        operating = Licence.objects.filter(unit=OuterRef("pk"), kind=LicenceKind.OPERATING)
        if value == "expired":
            return queryset.filter(Exists(operating.filter(expires_on__lt=today)))
        if value == "expiring":
            soon = today + dt.timedelta(days=EXPIRING_DAYS)
            return queryset.filter(Exists(operating.filter(expires_on__gte=today, expires_on__lte=soon)))
        if value == "valid":
            return queryset.filter(Exists(operating.filter(expires_on__gte=today)))
        if value == "missing":
            return queryset.filter(~Exists(operating))
        return queryset
