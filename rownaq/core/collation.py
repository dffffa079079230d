"""Persian alphabetical order on both databases.

PostgreSQL gets an ICU collation named ``persian`` (created by a migration of this app);
SQLite gets a Python collation of the same name on every connection. ``persian_order("name")``
is then an ordering expression that works on either.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.functions import Collate

from rownaq.core.normalise import normalise_text

COLLATION_NAME = "persian"

# Persian alphabetical order; letters not listed sort after these by code point.
PERSIAN_ALPHABET = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_RANK = {letter: index for index, letter in enumerate(PERSIAN_ALPHABET)}
_FOLDS = {"أ": "ا", "إ": "ا", "ؤ": "و", "ئ": "ی", "ة": "ه", "ۀ": "ه"}


def persian_sort_key(text: str | None) -> tuple[tuple[int, int], ...]:
    """A key that orders strings by the Persian alphabet (پ after ب, چ after ج, ژ after ز, گ after ک)."""
    key: list[tuple[int, int]] = []
    for char in normalise_text(text or ""):
        char = _FOLDS.get(char, char)
        if char == "\u200c" or char == " ":
            key.append((0, 0))
        elif char.isdigit():
            key.append((1, ord(char)))
        elif char in _RANK:
            key.append((3, _RANK[char]))
        else:
            key.append((2 if ord(char) < 0x0600 else 4, ord(char)))
    return tuple(key)


SORT_KEY_LENGTH = 200


def persian_sort_string(text: str | None) -> str:
    """A string of hex digits that sorts like ``text`` in Persian alphabetical order, in any collation.

    Stored beside a name (``Unit.name_sort``) it gives an indexed Persian ordering on both databases,
    whatever collation the database itself was created with.
    """
    codes = []
    for major, minor in persian_sort_key((text or "").casefold()):
        if major == 0:  # space and ZWNJ
            code = 0x00
        elif major == 1:  # digits (already Latin after normalisation)
            code = 0x01 + min(max(minor - ord("0"), 0), 9)
        elif major == 2:  # Latin letters and punctuation
            code = 0x10 + min(max(minor - 0x20, 0), 0x5F)
        elif major == 3:  # the Persian alphabet
            code = 0x80 + minor
        else:  # anything else, after the alphabet
            code = 0xF0
        codes.append(f"{code:02x}")
    return "".join(codes)[:SORT_KEY_LENGTH]


def _sqlite_compare(left: str, right: str) -> int:
    a, b = persian_sort_key(left), persian_sort_key(right)
    return (a > b) - (a < b)


def _register(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION_NAME, _sqlite_compare)


def connect_sqlite_collation() -> None:
    connection_created.connect(_register, dispatch_uid="rownaq-persian-collation")


def persian_order(field: str, *, descending: bool = False) -> Any:
    expression = Collate(F(field), COLLATION_NAME)
    return expression.desc() if descending else expression.asc()
