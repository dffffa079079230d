"""Places: one county, one province, several provinces or the nation, for lists and figures alike."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rownaq.accounts.models import User
from rownaq.geography.models import County, Province
from rownaq.geography.places import Places
from rownaq.geography.services import county_name_from_osm
from rownaq.registry.figures import unit_figures
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(make_unit: Callable[..., Unit], qom_county: County) -> dict[str, Unit]:
    kahak = County.objects.get(province=qom_county.province, name="کهک")
    tehran = County.objects.filter(province__code="23").first()
    isfahan = County.objects.filter(province__code="10").first()
    assert tehran is not None
    assert isfahan is not None
    return {
        "qom": make_unit("قم یک", county=qom_county),
        "kahak": make_unit("کهک یک", county=kahak),
        "tehran": make_unit("تهران یک", county=tehran),
        "isfahan": make_unit("اصفهان یک", county=isfahan),
    }


def names(units: object) -> set[str]:
    return {unit.name for unit in units}  # type: ignore[attr-defined]


def test_units_of_a_county_a_province_several_provinces_and_the_nation(spread: dict[str, Unit], qom: Province) -> None:
    tehran = Province.objects.get(code="23")
    assert names(Unit.objects.in_places(Places.county(spread["kahak"].county))) == {"کهک یک"}
    assert names(Unit.objects.in_places(Places.province(qom))) == {"قم یک", "کهک یک"}
    assert names(Unit.objects.in_places(Places.provinces([qom, tehran]))) == {"قم یک", "کهک یک", "تهران یک"}
    assert len(Unit.objects.in_places(Places.whole_nation())) == 4
    assert names(Unit.objects.in_places(Places.provinces([]))) == set()
    assert Places.province(qom).single_province_id == qom.pk
    assert Places.whole_nation().single_province_id is None


def test_one_figure_call_serves_a_county_a_province_and_the_nation(
    spread: dict[str, Unit], qom: Province, expert: User
) -> None:
    assert unit_figures(Places.county(spread["qom"].county)).total_units == 1
    assert unit_figures(Places.province(qom)).total_units == 2
    assert unit_figures(Places.whole_nation()).total_units == 4
    # What the person may see bounds the figures: a Qom expert sees none of Tehran's units.
    assert unit_figures(Places.whole_nation(), visible=Unit.objects.visible_to(expert)).total_units == 2


def test_osm_county_names_are_read_as_the_registry_writes_them() -> None:
    assert county_name_from_osm("شهرستان قم") == "قم"
