"""What every list's filter set shares: the text search, and ids and numbers bounded before they reach a
query (a number beyond 64 bits makes the database fail, not find nothing)."""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from rownaq.core.forms import LatinDigitsIntegerField


class IdField(LatinDigitsIntegerField):
    """A record's id: a whole number from 1 to the largest a database column holds."""

    default_error_messages = {
        "invalid": _("An id is a whole number, such as 12."),
        "min_value": _("An id is a whole number, such as 12."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("error_messages", {"max_value": _("There is no record with this id.")})
        super().__init__(**kwargs)


class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number typed in any digits, no larger than a database column holds."""

    field_class = LatinDigitsIntegerField


class IdFilter(django_filters.NumberFilter):
    """``?unit=12``, ``?case=7``: a record's id, with an error for anything that cannot be one."""

    field_class = IdField


_INTEGER_FIELDS = (
    models.SmallIntegerField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
)


class FilterSet(django_filters.FilterSet):
    """A filter set whose filters made from integer columns (``filterset_fields = ["number"]``) are bounded."""

    FILTER_DEFAULTS: ClassVar[dict[Any, dict[str, Any]]] = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.AutoField: {"filter_class": IdFilter},
        models.BigAutoField: {"filter_class": IdFilter},
        **{field: {"filter_class": WholeNumberFilter} for field in _INTEGER_FIELDS},
    }


class FilterBackend(DjangoFilterBackend):
    """The API's filter backend: the filter sets it makes from ``filterset_fields`` are ours."""

    filterset_base = FilterSet


class SearchFilterSet(FilterSet):
    """A filter set whose text search is ``q``, also read from ``search`` (the name API clients expect from
    Django REST framework); ``q`` wins when both are given. The search itself is capped in
    ``rownaq.core.normalise.search_terms`` (the first twenty terms)."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and data.get("search") and not data.get("q"):
            data = data.copy()
            data["q"] = data["search"]
        super().__init__(data, *args, **kwargs)
