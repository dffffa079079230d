"""HQ fixtures: the obstacles fixtures the HQ's tests build on (the finance category, Bank Mellat and its
liaison, cases in any state); see ``rownaq/obstacles/tests/conftest.py``. Nothing here is autouse."""

from __future__ import annotations

from rownaq.obstacles.tests.conftest import bank, bank_liaison, finance, make_agency, make_case

__all__ = ["bank", "bank_liaison", "finance", "make_agency", "make_case"]
