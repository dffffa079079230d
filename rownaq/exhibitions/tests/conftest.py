"""Fixtures of the exhibition tests (the shared personas are in the project's ``conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rownaq.accounts.models import Organisation, User
from rownaq.exhibitions.tests.expo import Expo, build_expo
from rownaq.geography.models import Province
from rownaq.registry.models import Unit


@pytest.fixture
def expo(
    qom: Province,
    unit: Unit,
    manager: User,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> Expo:
    return build_expo(province=qom, unit=unit, manager=manager, make_org=make_org, make_user=make_user)
