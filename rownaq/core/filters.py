"""What every list's filter set shares."""

from __future__ import annotations

from typing import Any

import django_filters


class SearchFilterSet(django_filters.FilterSet):
    """A filter set whose text search is ``q``, also read from ``search`` (the name API clients expect from
    Django REST framework); ``q`` wins when both are given."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and data.get("search") and not data.get("q"):
            data = data.copy()
            data["q"] = data["search"]
        super().__init__(data, *args, **kwargs)
