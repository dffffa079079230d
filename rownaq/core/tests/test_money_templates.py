"""Every template shows money through the one ``money`` filter: no old rial filter left, and no amount of
rials printed as a bare number."""

from __future__ import annotations

import re
from pathlib import Path

import rownaq

ROOT = Path(rownaq.__file__).parent
TEMPLATES = sorted(p for p in ROOT.glob("*/templates/**/*") if p.is_file() and p.suffix in (".html", ".txt"))

OLD_FILTERS = re.compile(r"\|\s*(rial|billion_rial)\b")
# The model fields and figures that hold rials, as templates reach them (an attribute of a row or figure;
# ``agreement.value``: an agreement's).
MONEY = re.compile(
    r"{{\s*([\w.]*\.(amount|money_released|yearly_value|price|import_value_replaced|agreements_value|"
    r"domestic_value|domestic\.target|money_unlocked)|agreement\.value)\b(?P<filters>[^}]*)}}"
)


def test_the_templates_are_found() -> None:
    assert len(TEMPLATES) > 50


def test_no_old_money_filter_is_left() -> None:
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in TEMPLATES for m in OLD_FILTERS.finditer(p.read_text())]
    assert found == []


def test_every_amount_of_rials_goes_through_the_money_filter() -> None:
    shown = [(p, m) for p in TEMPLATES for m in MONEY.finditer(p.read_text())]
    assert len(shown) >= 10  # the case, the answers, the need, the proposal, the agreement, the dashboards
    bare = [  # a share of one amount in another (``|percent``) is not money
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p, m in shown
        if not re.search(r"\|\s*(money|percent)\b", m.group("filters"))
    ]
    assert bare == []
