"""HQ fixtures: the obstacles fixtures the HQ's tests build on (the finance category, cases in any state;
Bank Mellat and its liaison are in the root conftest); see ``rownaq/obstacles/tests/conftest.py``.
Nothing here is autouse."""

from __future__ import annotations

from rownaq.obstacles.tests.conftest import finance, make_case

__all__ = ["finance", "make_case"]
