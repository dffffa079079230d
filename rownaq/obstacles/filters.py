"""Filtering the case list and the referral list: one set of filters each, for the pages and the API.

The parameters are the ones the pages' forms and links (the HQ scoreboard's numbers) and the API have always
taken. Where the page and the API wrote a parameter differently, both ways are read: ``state`` and
``urgency`` once (the page's select) or repeated (the API), ``state=open`` for every open state, ``category``
by id (the page) or by code (the API), ``overdue`` as the page's checkbox or the API's ``true``/``false``.

An agency liaison sees a unit's name, sector and county only: no filter or search may reveal more
(``access.sees_unit_records``): digits never match a unit's national ID, and neither ``estate`` nor
``unit`` filters for them.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from rownaq.accounts.models import Organisation
from rownaq.core.filters import FilterSet, IdFilter, SearchFilterSet
from rownaq.core.forms import style_widgets
from rownaq.core.jalali import jalali_month_bounds, jalali_today, jalali_year_bounds
from rownaq.core.normalise import is_digits, search_terms
from rownaq.geography.models import IndustrialEstate
from rownaq.obstacles import access
from rownaq.obstacles.forms import agencies_for
from rownaq.obstacles.models import Case, CaseState, ObstacleCategory, Referral, ReferralState, Urgency
from rownaq.obstacles.models.cases import OPEN_STATES

OPEN = "open"  # the state filter's "every open state"
SORTS = {"-filed": ["-filed_at", "-pk"], "filed": ["filed_at", "pk"]}


# -- fields that read the page's way and the API's way -------------------------------------------------


class OneOrMoreSelect(forms.Select):
    """One select on the page; the API may repeat the parameter (``state=a&state=b``)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if isinstance(data, MultiValueDict) else data.get(name)
        if not isinstance(values, list | tuple):
            values = [] if values is None else [values]
        return [str(value) for value in values if value != ""]

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]
        return super().format_value(value) or [""]  # nothing chosen: the "All" option is the selected one


class OneOrMoreChoiceField(forms.MultipleChoiceField):
    widget = OneOrMoreSelect


class OneOrMoreChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = OneOrMoreChoiceField


class CheckOrBoolean(forms.CheckboxInput):
    """A checkbox on the page (``on``), ``true``/``false`` (or ``1``/``0``) in the API and the links; ``None``
    when the parameter is not given."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool | None:
        value = data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.lower() in ("false", "0"):
            return False
        return bool(value)


def _check_filter(label: Any = None, *, method: str) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(label=label, method=method, widget=CheckOrBoolean)


class CategoryChoiceField(django_filters.fields.ModelChoiceField):
    """A category by its id (the page's select: an unknown id is an error) or by its code (the API: an unknown
    code finds no case)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values or is_digits(str(value)):
            return super().to_python(value)
        return str(value)


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


class JalaliMonthField(forms.RegexField):
    """A Jalali month written «1404/03», as the scoreboard's links write it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(regex=r"^\d{4}/\d{2}$", **kwargs)

    def clean(self, value: Any) -> str:
        month: str = super().clean(value)
        if month:
            try:
                jalali_month_bounds(month)
            except ValueError:
                raise forms.ValidationError(_("No such month."), code="invalid") from None
        return month


class JalaliMonthFilter(django_filters.CharFilter):
    field_class = JalaliMonthField


class StyledForm(forms.Form):
    """The form of a filter set, with the Bootstrap classes of the platform's forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


def _viewer(filterset: django_filters.FilterSet) -> Any:
    return getattr(filterset.request, "user", None)


def _overdue_referrals() -> QuerySet[Referral]:
    return Referral.objects.filter(state=ReferralState.OPEN, due_on__lt=timezone.localdate())


# -- cases ----------------------------------------------------------------------------------------------


class CaseFilter(SearchFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    state = OneOrMoreChoiceFilter(
        label=_("State"),
        choices=[("", _("All")), (OPEN, _("All open cases")), *CaseState.choices],
        method="filter_state",
    )
    category = CategoryFilter(
        label=_("Category"), queryset=ObstacleCategory.objects.order_by("order", "code"), method="filter_category"
    )
    urgency = OneOrMoreChoiceFilter(
        label=_("Urgency"), choices=[("", _("All")), *Urgency.choices], method="filter_urgency"
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Referred to"), queryset=agencies_for(None), method="filter_agency"
    )
    overdue = _check_filter(_("Overdue referrals only"), method="filter_overdue")
    # Reached from the scoreboard's numbers; not shown as fields of the page's filter form.
    estate = django_filters.ModelChoiceFilter(
        queryset=IndustrialEstate.objects.all(), widget=forms.HiddenInput, method="filter_estate"
    )
    sector = django_filters.CharFilter(max_length=4, widget=forms.HiddenInput, method="filter_sector")
    resolved_this_year = _check_filter(method="filter_resolved_this_year")
    month = JalaliMonthFilter(widget=forms.HiddenInput, method="filter_month")
    sort = django_filters.ChoiceFilter(
        choices=[("-filed", _("Newest first")), ("filed", _("Oldest first"))],
        empty_label=None,
        initial="-filed",
        method="filter_sort",
    )
    # The API's: for those who see units' registry records only.
    unit = IdFilter(label=_("Production unit (ID)"), method="filter_unit")

    class Meta:
        model = Case
        form = StyledForm
        fields = [
            "q",
            "state",
            "category",
            "urgency",
            "agency",
            "overdue",
            "estate",
            "sector",
            "resolved_this_year",
            "month",
            "sort",
            "unit",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _viewer(self)
        province_id = getattr(user, "province_id", None) if user is not None and user.is_authenticated else None
        self.filters["agency"].queryset = agencies_for(province_id)

    def filter_queryset(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        return super().filter_queryset(queryset.order_by(*SORTS["-filed"]))  # newest first unless ``sort`` says

    def filter_search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        """Every folded term in the case's title or description, or the unit's name or national ID."""
        sees_units = access.sees_unit_records(_viewer(self))
        for term in search_terms(value):
            if sees_units or not is_digits(term):
                queryset = queryset.filter(Q(search_text__contains=term) | Q(unit__search_text__contains=term))
            else:  # digits would match the unit's national ID, which a liaison does not see
                queryset = queryset.filter(search_text__contains=term)
        return queryset

    def filter_state(self, queryset: QuerySet[Case], name: str, value: list[str]) -> QuerySet[Case]:
        states: set[str] = set()
        for state in value:
            states |= OPEN_STATES if state == OPEN else {state}
        return queryset.filter(state__in=states)

    def filter_category(self, queryset: QuerySet[Case], name: str, value: ObstacleCategory | str) -> QuerySet[Case]:
        if isinstance(value, str):
            return queryset.filter(category__code=value)
        return queryset.filter(category=value)

    def filter_urgency(self, queryset: QuerySet[Case], name: str, value: list[str]) -> QuerySet[Case]:
        return queryset.filter(urgency__in=value)

    @extend_schema_field(OpenApiTypes.INT)
    def filter_agency(self, queryset: QuerySet[Case], name: str, value: Organisation) -> QuerySet[Case]:
        return self._referred(queryset)

    @extend_schema_field(OpenApiTypes.STR)
    def filter_month(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if self.form.cleaned_data.get("agency"):
            return queryset  # the agency's filter reads the month too
        return self._referred(queryset)

    def _referred(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        """Cases with a (not withdrawn) referral to ``agency`` made in ``month``: with both, one referral must
        be both (the scoreboard counts an agency's referrals per month)."""
        chosen = self.form.cleaned_data
        # Only the referrals the person sees: a liaison cannot learn which of their cases another agency has.
        referred = access.referrals_visible_to(_viewer(self)).filter(case=OuterRef("pk"))
        referred = referred.exclude(state=ReferralState.WITHDRAWN)
        if chosen.get("agency"):
            referred = referred.filter(agency=chosen["agency"])
        if chosen.get("month"):
            first, last = jalali_month_bounds(chosen["month"])
            referred = referred.filter(referred_at__date__gte=first, referred_at__date__lte=last)
        return queryset.filter(Exists(referred))

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        """Cases with a referral past its due date (``false``: cases without one), of the referrals the person
        sees (a liaison: their agency's)."""
        seen = access.referrals_visible_to(_viewer(self)).values("pk")
        overdue = Exists(_overdue_referrals().filter(case=OuterRef("pk"), pk__in=seen))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    @extend_schema_field(OpenApiTypes.INT)
    def filter_estate(self, queryset: QuerySet[Case], name: str, value: IndustrialEstate) -> QuerySet[Case]:
        if not access.sees_unit_records(_viewer(self)):
            return queryset
        return queryset.filter(unit__estate=value)

    def filter_sector(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(unit__sector__code__startswith=value)

    def filter_resolved_this_year(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        if not value:
            return queryset
        year_start, year_end = jalali_year_bounds(jalali_today().year)
        return queryset.filter(
            state__in=[CaseState.RESOLVED, CaseState.CLOSED],
            events__action="resolve",
            events__at__date__gte=year_start,
            events__at__date__lte=year_end,
        ).distinct()

    def filter_sort(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        """The page's order (the API orders with ``ordering``)."""
        return queryset.order_by(*SORTS[value])

    def filter_unit(self, queryset: QuerySet[Case], name: str, value: int) -> QuerySet[Case]:
        """Only for people who see units' registry records: for a liaison the unit's id stays hidden."""
        if not access.sees_unit_records(_viewer(self)):
            return queryset.none()
        return queryset.filter(unit_id=value)


# -- referrals ------------------------------------------------------------------------------------------


class ReferralFilter(FilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("State"), choices=ReferralState.choices)
    agency = IdFilter(label=_("Agency (ID)"), field_name="agency_id")
    case = IdFilter(label=_("Case (ID)"), field_name="case_id")
    overdue = _check_filter(_("Past its due date"), method="filter_overdue")

    class Meta:
        model = Referral
        form = StyledForm
        fields = ["state", "agency", "case", "overdue"]

    def filter_overdue(self, queryset: QuerySet[Referral], name: str, value: bool) -> QuerySet[Referral]:
        overdue = _overdue_referrals().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)
