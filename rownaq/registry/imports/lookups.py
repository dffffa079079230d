"""The reference data a row is checked against: ISIC classes, counties and industrial estates.

An industrial estate that is not known in the row's county is new: the commit creates it (the
admin and the import maintain the list; no public list exists). A name known only in another
county of the same province is more likely a wrong county, and is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.core.normalise import normalise_text, search_key
from rownaq.geography.models import County, EstateKind, IndustrialEstate
from rownaq.registry.models import Sector, SectorLevel
from rownaq.registry.spreadsheet import CellError, check_length

# What a new estate's name starts with decides its kind; anything else is an industrial estate.
_KIND_BY_PREFIX: tuple[tuple[str, EstateKind], ...] = (
    (search_key("ناحیه صنعتی"), EstateKind.ZONE),
    (search_key("منطقه ویژه"), EstateKind.SPECIAL_ZONE),
)

ESTATE_NAME_MAX = 150  # IndustrialEstate.name

EstateKey = tuple[int, str]
"""A county's primary key and the ``search_key`` of an estate's name: the same key is the same estate."""


def province_scope(user: User) -> int | None:
    """The province whose units ``user`` may import, or ``None`` for all of them."""
    return None if user.is_superuser else user.province_id


def estate_kind_for_name(name: str) -> EstateKind:
    """The kind of a new estate, read from its name: «ناحیه صنعتی …» is a zone, «منطقه ویژه …» a special zone."""
    key = search_key(name)
    for prefix, kind in _KIND_BY_PREFIX:
        if key == prefix or key.startswith(prefix + " "):
            return kind
    return EstateKind.ESTATE


@dataclass(frozen=True)
class NewEstate:
    """An estate named in the file that is not in the list yet: the commit creates it."""

    county: County
    name: str  # normalised for storage

    @property
    def key(self) -> EstateKey:
        return (self.county.pk, search_key(self.name))

    @property
    def kind(self) -> EstateKind:
        return estate_kind_for_name(self.name)


class Lookups:
    """The reference data a row is checked against, loaded once per file."""

    def __init__(self, user: User) -> None:
        self.province_id = province_scope(user)
        self.sectors: dict[str, int] = dict(Sector.objects.filter(level=SectorLevel.CLASS).values_list("code", "pk"))
        self.counties: dict[str, list[County]] = {}
        for county in County.objects.select_related("province"):
            self.counties.setdefault(search_key(county.name), []).append(county)
        self.estates: dict[EstateKey, int] = {}
        # For each province and estate name, the counties of the province that have an estate of that name.
        self.estate_counties: dict[tuple[int, str], list[str]] = {}
        estates = IndustrialEstate.objects.values_list("pk", "county_id", "county__province_id", "county__name", "name")
        for pk, county_id, province_id, county_name, name in estates.order_by("county__name", "pk"):
            key = search_key(name)
            self.estates[(county_id, key)] = pk
            self.estate_counties.setdefault((province_id, key), []).append(county_name)

    def county(self, name: str) -> County:
        candidates = self.counties.get(search_key(name), [])
        if self.province_id is not None:
            mine = [county for county in candidates if county.province_id == self.province_id]
            if not mine and candidates:
                raise CellError(_("This county is not in your province."))
            candidates = mine
        if not candidates:
            raise CellError(_("There is no county with this name."))
        if len(candidates) > 1:
            raise CellError(
                _("Counties with this name exist in more than one province; ask an expert of the province.")
            )
        return candidates[0]

    def estate(self, name: str, county: County) -> int | NewEstate:
        """The estate's primary key, or a ``NewEstate`` if the county has no estate of this name."""
        key = search_key(name)
        pk = self.estates.get((county.pk, key))
        if pk is not None:
            return pk
        elsewhere = self.estate_counties.get((county.province_id, key))
        if elsewhere:
            raise CellError(
                _("This industrial estate is in the county %(estate_county)s, not in the county %(county)s.")
                % {"estate_county": "، ".join(dict.fromkeys(elsewhere)), "county": county.name}
            )
        return NewEstate(county=county, name=check_length(normalise_text(name), ESTATE_NAME_MAX))
