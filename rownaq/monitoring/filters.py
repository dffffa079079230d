"""Filtering the list of monthly reports: one filter set for the page and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rownaq.core.filters import IdFilter, SearchFilterSet, WholeNumberFilter
from rownaq.core.forms import style_widgets
from rownaq.core.normalise import search_terms
from rownaq.core.periods import Period, PeriodError
from rownaq.monitoring.models import (
    REPORTED_STATES,
    MonthlyReport,
    ReportState,
    RevivalCase,
    RevivalCause,
    RevivalStage,
)


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ReportFilter(SearchFilterSet):
    q = django_filters.CharFilter(label=_("Unit name or national ID"), method="search")
    state = django_filters.ChoiceFilter(label=_("State"), choices=ReportState.choices)
    period = django_filters.CharFilter(
        label=_("Month, season or year"), method="in_period", help_text=_("As 1405/07, 1405q3 or 1405.")
    )
    unit = IdFilter(label=_("Unit"), field_name="unit_id")
    late = django_filters.BooleanFilter(label=_("Late"), field_name="is_late")
    reported = django_filters.BooleanFilter(label=_("Reported (not a draft)"), method="only_reported")
    util_from = WholeNumberFilter(label=_("Utilisation from (%)"), field_name="utilisation", lookup_expr="gte")
    util_to = WholeNumberFilter(label=_("Utilisation below (%)"), field_name="utilisation", lookup_expr="lt")
    no_utilisation = django_filters.BooleanFilter(
        label=_("Without a utilisation"), field_name="utilisation", lookup_expr="isnull"
    )

    class Meta:
        model = MonthlyReport
        fields = ["q", "state", "period", "unit", "late", "reported", "util_from", "util_to", "no_utilisation"]
        form = StyledForm

    def only_reported(self, reports: QuerySet[MonthlyReport], name: str, value: bool) -> QuerySet[MonthlyReport]:
        return reports.filter(state__in=REPORTED_STATES) if value else reports

    def search(self, reports: QuerySet[MonthlyReport], name: str, value: str) -> QuerySet[MonthlyReport]:
        for term in search_terms(value):
            reports = reports.filter(unit__search_text__contains=term)
        return reports

    def in_period(self, reports: QuerySet[MonthlyReport], name: str, value: str) -> QuerySet[MonthlyReport]:
        try:
            period = Period.parse(value)
        except PeriodError:
            return reports.none()
        return reports.for_period(period)  # type: ignore[attr-defined,no-any-return]


class RevivalFilter(django_filters.FilterSet):
    """The API's list of revival cases: by stage, cause or unit."""

    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=RevivalStage.choices)
    cause = django_filters.ChoiceFilter(label=_("Main cause"), choices=RevivalCause.choices)
    unit = IdFilter(label=_("Unit"), field_name="unit_id")

    class Meta:
        model = RevivalCase
        fields = ["stage", "cause", "unit"]
