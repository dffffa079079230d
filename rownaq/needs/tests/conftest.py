"""Fixtures of the needs desk's tests (the shared personas are in the project's ``conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rownaq.accounts.models import Organisation, User
from rownaq.needs.tests.desk import Desk, make_desk


@pytest.fixture
def desk(make_org: Callable[..., Organisation], make_user: Callable[..., User]) -> Desk:
    """A university lab and a knowledge-based firm, each with a capability."""
    return make_desk(make_org, make_user)
