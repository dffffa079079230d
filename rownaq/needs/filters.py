"""Filtering the desk's lists: one set of filters per list (needs, capabilities, proposals), for the pages
and the API alike (the API documents each one as a query parameter).

A need's details are filtered only where the person sees them (``access.needs_with_details_visible_to``):
filtering by how a need is supplied today, or by a word of its description, must not tell an outsider
what an owner keeps confidential. Elsewhere the search reads the title only.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rownaq.accounts.models import User
from rownaq.core.filters import FilterSet, IdFilter, SearchFilterSet
from rownaq.core.forms import style_widgets
from rownaq.core.normalise import search_key, search_terms
from rownaq.needs import access
from rownaq.needs.models import Capability, Need, NeedKind, Proposal, ProposalState, SupplySource
from rownaq.registry.models import Sector, SectorLevel


class StyledForm(forms.Form):
    """The filters' form on a page, with the site's widget classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


def _person(filterset: django_filters.FilterSet) -> User | AnonymousUser:
    user = getattr(filterset.request, "user", None)
    return user if isinstance(user, User) else AnonymousUser()


# -- needs -------------------------------------------------------------------------------------------


def division_choices() -> list[tuple[str, str]]:
    """The ISIC divisions, for the page's sector list (a callable: read when the form is built)."""
    divisions = Sector.objects.filter(level=SectorLevel.DIVISION).order_by("code")
    return [(d.code, d.choice_label) for d in divisions]


def _title_matches(needs: QuerySet[Need], terms: list[str]) -> list[int]:
    """The needs of ``needs`` whose title alone has every term (for needs whose details are hidden)."""
    return [pk for pk, title in needs.values_list("pk", "title") if all(t in search_key(title) for t in terms)]


def search_needs(needs: QuerySet[Need], user: User | AnonymousUser, query: str) -> QuerySet[Need]:
    """The needs of ``needs`` that have every folded term of ``query``: in the title and description where
    the person sees the need's details, in the title only elsewhere."""
    terms = search_terms(query)
    if not terms:
        return needs
    detailed = access.needs_with_details_visible_to(user)
    by_text = detailed.filter(pk__in=needs.values("pk"))
    for term in terms:
        by_text = by_text.filter(search_text__contains=term)
    hidden = needs.exclude(pk__in=detailed.values("pk"))
    return needs.filter(Q(pk__in=by_text.values("pk")) | Q(pk__in=_title_matches(hidden, terms)))


class NeedFilter(SearchFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=NeedKind.choices, empty_label=_("All"))
    division = django_filters.ChoiceFilter(
        label=_("Sector"), choices=division_choices, empty_label=_("All"), method="filter_sector"
    )
    sector = django_filters.CharFilter(
        label=_("ISIC code or its beginning (division, group, class)"), method="filter_sector"
    )
    supplied_from = django_filters.ChoiceFilter(
        label=_("Supplied today"), choices=SupplySource.choices, empty_label=_("All"), method="filter_supplied_from"
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")  # last: it reads the titles of what is left

    class Meta:
        model = Need
        fields = ["kind", "division", "sector", "supplied_from", "q"]
        form = StyledForm

    def filter_sector(self, queryset: QuerySet[Need], name: str, value: str) -> QuerySet[Need]:
        """``division`` (the page's list) or ``sector`` (any code): the need's class code starts with it."""
        code = value.strip()
        return queryset.filter(sector__code__startswith=code) if code else queryset

    def filter_supplied_from(self, queryset: QuerySet[Need], name: str, value: str) -> QuerySet[Need]:
        # How a need is supplied today is one of its details: filter only among the needs whose details
        # the person sees, or the filter would tell an outsider what the owner keeps confidential.
        detailed = access.needs_with_details_visible_to(_person(self))
        return queryset.filter(supplied_from=value, pk__in=detailed.values("pk"))

    def filter_q(self, queryset: QuerySet[Need], name: str, value: str) -> QuerySet[Need]:
        return search_needs(queryset, _person(self), value)


# -- capabilities ------------------------------------------------------------------------------------


class CapabilityFilter(SearchFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    owner = IdFilter(label=_("Owner (organisation ID)"), field_name="owner_id")

    class Meta:
        model = Capability
        fields = ["q", "owner"]
        form = StyledForm

    def filter_q(self, queryset: QuerySet[Capability], name: str, value: str) -> QuerySet[Capability]:
        for term in search_terms(value):
            queryset = queryset.filter(search_text__contains=term)
        return queryset


# -- proposals ---------------------------------------------------------------------------------------


class ProposalFilter(FilterSet):
    need = IdFilter(label=_("Need (ID)"), field_name="need_id")
    state = django_filters.MultipleChoiceFilter(label=_("State"), choices=ProposalState.choices)

    class Meta:
        model = Proposal
        fields = ["need", "state"]
        form = StyledForm
