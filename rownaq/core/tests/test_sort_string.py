"""The stored Persian sort key orders names as the Persian alphabet does, in any database collation."""

from __future__ import annotations

from rownaq.core.collation import persian_sort_key, persian_sort_string

NAMES = [
    "گچ سفید",
    "کاغذ",
    "پلاستیک",
    "بسته‌بندی",
    "بسته بندی ۲",
    "چرم",
    "جوراب",
    "ژلاتین",
    "زعفران",
    "آجر",
    "ابزار",
    "یاتاقان",
    "CNC پارس",
    "۱۲ فروردین",
    "كاشي",
]


def test_sort_string_orders_like_the_persian_alphabet() -> None:
    by_string = sorted(NAMES, key=persian_sort_string)
    assert by_string == sorted(NAMES, key=persian_sort_key)
    assert by_string.index("بسته‌بندی") < by_string.index("پلاستیک") < by_string.index("جوراب")
    assert by_string.index("جوراب") < by_string.index("چرم") < by_string.index("زعفران") < by_string.index("ژلاتین")
    assert by_string.index("كاشي") < by_string.index("گچ سفید")  # Arabic ك sorts as ک
    assert by_string[0] == "۱۲ فروردین"  # digits first, then Latin, then Persian


def test_sort_string_is_plain_hex() -> None:
    assert set(persian_sort_string("کاشی‌سازی البرز ۱۴۰۳ CNC")) <= set("0123456789abcdef")
