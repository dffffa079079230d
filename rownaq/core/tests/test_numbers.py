"""Numbers and money shown as Persian readers expect: Persian digits, ٬ for thousands, rials."""

from __future__ import annotations

from decimal import Decimal
from unittest.mock import patch

import pytest
from django.template import Context, Template
from django.utils.translation import gettext, override

from rownaq.core.numbers import format_billion_rial, format_money, format_number, format_rial

RIALS_WORDS = ("ریال", "rials")  # Persian once the catalogue has it, English until then


class TestFormatNumber:
    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            (0, "۰"),
            (7, "۷"),
            (999, "۹۹۹"),
            (1000, "۱٬۰۰۰"),
            (1234567, "۱٬۲۳۴٬۵۶۷"),
            (11_165_000_000_000, "۱۱٬۱۶۵٬۰۰۰٬۰۰۰٬۰۰۰"),
            (-2500, "-۲٬۵۰۰"),
            (2.6, "۳"),  # no decimals asked: rounded
        ],
    )
    def test_thousands_and_persian_digits(self, value: int | float, shown: str) -> None:
        assert format_number(value) == shown

    def test_decimals_use_persian_decimal_point(self) -> None:
        assert format_number(12345.6, decimals=1) == "۱۲٬۳۴۵٫۶"
        assert format_number(Decimal("0.25"), decimals=2) == "۰٫۲۵"

    def test_empty(self) -> None:
        assert format_number(None) == ""

    def test_no_latin_digits_or_commas_left(self) -> None:
        text = format_number(9_876_543_210)
        assert not any(char in text for char in "0123456789,")


class TestMoney:
    def test_billion_rials_of_a_provincial_total(self) -> None:
        text = format_billion_rial(11_165_000_000_000)
        assert text.startswith("۱۱٬۱۶۵ ")
        assert any(word in text for word in RIALS_WORDS)
        assert "میلیارد" in text or "billion" in text

    def test_billion_rials_small_amounts_keep_one_decimal(self) -> None:
        assert format_billion_rial(2_500_000_000).startswith("۲٫۵ ")
        assert format_billion_rial(12_345_000_000).startswith("۱۲٫۳ ")
        assert format_billion_rial(3_000_000_000).startswith("۳ ")

    def test_billion_rials_large_amounts_are_whole(self) -> None:
        assert format_billion_rial(123_456_000_000).startswith("۱۲۳ ")

    def test_rials(self) -> None:
        text = format_rial(1_500_000)
        assert text.startswith("۱٬۵۰۰٬۰۰۰ ")
        assert any(word in text for word in RIALS_WORDS)

    def test_empty(self) -> None:
        assert format_billion_rial(None) == ""
        assert format_rial(None) == ""

    def test_unit_follows_the_active_language(self) -> None:
        """With the Persian catalogue in place the unit reads «میلیارد ریال»; English always reads "billion rials"."""
        with override("en"):
            assert format_billion_rial(11_165_000_000_000) == "۱۱٬۱۶۵ billion rials"
        with override("fa"):
            persian = format_billion_rial(11_165_000_000_000)
            if gettext("%(amount)s billion rials") != "%(amount)s billion rials":
                assert persian == "۱۱٬۱۶۵ میلیارد ریال"


class TestMoneyInBillionRials:
    """Every page shows money one way: billion rials, the exact rials on hover (the ``money`` filter)."""

    @pytest.mark.parametrize(
        ("rials", "shown"),
        [
            (4_000_000_000_000, "۴٬۰۰۰"),
            (623_400_000_000, "۶۲۳"),  # from ۱۰۰ billion up: whole billions
            (62_340_000_000, "۶۲٫۳"),  # from ۱۰: one decimal
            (2_500_000_000, "۲٫۵"),  # from one: up to two decimals, trailing zeros dropped
            (1_234_000_000, "۱٫۲۳"),
            (500_000_000, "۰٫۵"),  # under one billion: up to three decimals
            (25_000_000, "۰٫۰۲۵"),
            (1_234_567, "۰٫۰۰۱"),
            (500_000, "۰٫۰۰۱"),  # rounded half up
            (0, "۰"),
        ],
    )
    def test_amounts_in_billion_rials(self, rials: int, shown: str) -> None:
        with override("fa"):
            assert format_billion_rial(rials) == f"{shown} میلیارد ریال"

    def test_an_amount_that_would_read_as_zero_is_shown_in_rials(self) -> None:
        with override("fa"):
            assert format_billion_rial(499_999) == "۴۹۹٬۹۹۹ ریال"

    def test_the_filter_shows_billions_with_the_exact_rials_on_hover(self) -> None:
        with override("fa"):
            html = Template("{{ amount|money }}").render(Context({"amount": 4_000_000_000_000}))
        assert html == '<span class="money" title="۴٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال">۴٬۰۰۰ میلیارد ریال</span>'

    def test_the_filter_escapes_the_words_it_is_given(self) -> None:
        """Only the span is marked safe: a translation's text is escaped inside it."""
        with override("en"):
            html = format_money(2_500_000_000)
        assert html == '<span class="money" title="۲٬۵۰۰٬۰۰۰٬۰۰۰ rials">۲٫۵ billion rials</span>'
        with patch("rownaq.core.numbers._", lambda text: "<b>" + text):
            html = format_money(2_500_000_000)
        assert "<b>" not in html
        assert "&lt;b&gt;" in html

    def test_nothing_for_no_amount(self) -> None:
        assert Template("{{ amount|money }}").render(Context({"amount": None})) == ""
