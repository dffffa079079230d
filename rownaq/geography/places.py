"""The places a figure or a list is about: one county, one province, several provinces, or the nation.

Every figure function takes ``places`` (and a period, ``rownaq.core.periods``), so one call serves a county
page, a province page and the national roll-up; every QuerySet scopes itself with ``in_places`` built on
``Places.q(path)``, where ``path`` is the lookup from the model to its ``County`` (``"county"`` for a unit,
``"unit__county"`` for a case, ``"need__unit__county"`` for a proposal...).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from rownaq.geography.models import County, Province


@dataclass(frozen=True)
class Places:
    """A set of places. ``province_ids``/``county_ids`` empty and ``nation`` true: the whole country."""

    province_ids: frozenset[int] = frozenset()
    county_ids: frozenset[int] = frozenset()
    nation: bool = False

    @classmethod
    def whole_nation(cls) -> Places:
        return cls(nation=True)

    @classmethod
    def province(cls, province: Province | int) -> Places:
        return cls(province_ids=frozenset({province if isinstance(province, int) else province.pk}))

    @classmethod
    def provinces(cls, provinces: Iterable[Province | int]) -> Places:
        return cls(province_ids=frozenset(p if isinstance(p, int) else p.pk for p in provinces))

    @classmethod
    def county(cls, county: County | int) -> Places:
        return cls(county_ids=frozenset({county if isinstance(county, int) else county.pk}))

    def q(self, path: str = "county") -> Q:
        """The filter that keeps the rows whose county (reached by ``path``) is in these places."""
        if self.nation:
            return Q()
        condition = Q(pk__in=[])
        if self.province_ids:
            condition |= Q(**{f"{path}__province_id__in": sorted(self.province_ids)})
        if self.county_ids:
            condition |= Q(**{f"{path}__in": sorted(self.county_ids)})
        return condition

    @property
    def single_province_id(self) -> int | None:
        """The province these places are, when they are exactly one province."""
        if not self.nation and not self.county_ids and len(self.province_ids) == 1:
            return next(iter(self.province_ids))
        return None
