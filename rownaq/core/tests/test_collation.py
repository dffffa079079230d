"""Persian alphabetical order, in the database (SQLite and PostgreSQL) and in Python."""

from __future__ import annotations

import random

import pytest

from rownaq.core.collation import persian_order, persian_sort_key
from rownaq.geography.models import County, Province

# In Persian alphabetical order. A byte-wise or C-locale sort puts پ چ ژ گ after ی instead.
IN_ORDER = [
    "آبادان",
    "بابل",
    "پاوه",
    "تبریز",
    "جهرم",
    "چالوس",
    "خوی",
    "زنجان",
    "ژاوه",
    "سمنان",
    "کرج",
    "گرگان",
    "لار",
    "یزد",
]


def test_python_sort_key_orders_persian_letters() -> None:
    shuffled = IN_ORDER[:]
    random.Random(1403).shuffle(shuffled)
    assert sorted(shuffled, key=persian_sort_key) == IN_ORDER


@pytest.mark.parametrize(("before", "after"), [("ب", "پ"), ("ج", "چ"), ("ز", "ژ"), ("ک", "گ"), ("گ", "ی")])
def test_python_sort_key_letter_pairs(before: str, after: str) -> None:
    assert persian_sort_key(before) < persian_sort_key(after)


def test_python_sort_key_folds_arabic_spellings() -> None:
    assert persian_sort_key("كرج") == persian_sort_key("کرج")
    assert persian_sort_key("پارس") < persian_sort_key("تهران")


def test_shorter_word_first() -> None:
    assert sorted(["کاشی سازی", "کاشی", "کاشیکاری"], key=persian_sort_key)[0] == "کاشی"


@pytest.mark.django_db
def test_database_orders_persian_letters(qom: Province) -> None:
    shuffled = IN_ORDER[:]
    random.Random(25).shuffle(shuffled)
    for name in shuffled:
        County.objects.create(province=qom, name=name)

    names = list(
        County.objects.filter(province=qom, name__in=IN_ORDER)
        .order_by(persian_order("name"))
        .values_list("name", flat=True)
    )

    assert names == IN_ORDER
    for before, after in [("بابل", "پاوه"), ("جهرم", "چالوس"), ("زنجان", "ژاوه"), ("کرج", "گرگان")]:
        assert names.index(before) < names.index(after)


@pytest.mark.django_db
def test_database_descending_order(qom: Province) -> None:
    for name in ["گرگان", "کرج", "پاوه", "بابل"]:
        County.objects.create(province=qom, name=name)
    names = list(
        County.objects.filter(province=qom, name__in=IN_ORDER)
        .order_by(persian_order("name", descending=True))
        .values_list("name", flat=True)
    )
    assert names == ["گرگان", "کرج", "پاوه", "بابل"]


@pytest.mark.django_db
def test_database_agrees_with_python_key(qom: Province) -> None:
    """Whatever the database does with the real counties, it matches the Python sort key."""
    in_db = list(County.objects.filter(province=qom).order_by(persian_order("name")).values_list("name", flat=True))
    assert in_db, "the reference data should have Qom's counties"
    assert in_db == sorted(in_db, key=persian_sort_key)
