"""The obstacle categories file: loaded with the reference data, safe to load again."""

from __future__ import annotations

import pytest

from rownaq.accounts.models import AgencyCode
from rownaq.obstacles.models import ObstacleCategory
from rownaq.obstacles.reference import categories_load

pytestmark = pytest.mark.django_db


def test_the_world_bank_list_and_the_iranian_specifics_are_loaded() -> None:
    wbes = set(ObstacleCategory.objects.filter(source="wbes").values_list("name_en", flat=True))
    assert {"Access to finance", "Electricity", "Tax administration", "Courts", "Transport"} <= wbes
    assert len(wbes) == 15
    working_capital = ObstacleCategory.objects.get(code="working-capital")
    assert (working_capital.name, working_capital.source) == ("سرمایه در گردش", "iran")
    assert working_capital.parent is not None
    assert working_capital.parent.code == "finance"
    assert ObstacleCategory.objects.get(code="currency-allocation").agency_codes == ["customs", "bank"]
    assert ObstacleCategory.objects.get(code="insurance-debt").agency_codes == ["social_security"]
    for codes in ObstacleCategory.objects.values_list("agency_codes", flat=True):
        assert set(codes) <= set(AgencyCode.values)


def test_loading_again_changes_nothing_but_keeps_the_admins_choice_of_use() -> None:
    before = list(ObstacleCategory.objects.order_by("code").values_list("pk", "code", "parent_id", "name"))
    ObstacleCategory.objects.filter(code="transport").update(is_active=False, name="نام قدیمی")
    assert categories_load() == len(before)
    assert list(ObstacleCategory.objects.order_by("code").values_list("pk", "code", "parent_id", "name")) == before
    assert not ObstacleCategory.objects.get(code="transport").is_active
