"""Persian text normalisation: the one place every stored name and every search query goes through.

``normalise_text`` is for storage: it keeps Persian orthography (the zero-width non-joiner stays
where it belongs) and removes what only differs by keyboard or encoding: Arabic ي/ك, Arabic and
Persian digits, presentation forms, diacritics, tatweel, stray direction marks and odd spaces.

``search_key`` folds further for matching: hamza forms, ة/ۀ, and the ZWNJ itself become plain
letters and spaces, so «كاشي سازي» and «کاشی‌سازی» have the same key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from django.db import models
from persiantools import characters as pt_characters

ZWNJ = "\u200c"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"


def _replacer(table: dict[str, str]) -> Callable[[str], str]:
    """Replace single characters by ``table``: ``str.translate`` with a mapping looks up every character
    of the text (slow for Persian text, where few characters change); a regular expression finds only
    those that do."""
    pattern = re.compile("[" + "".join(re.escape(ch) for ch in table) + "]")

    def replace(text: str) -> str:
        return pattern.sub(lambda match: table[match.group()], text)

    return replace


_to_latin_digits = _replacer(dict(zip(PERSIAN_DIGITS + ARABIC_DIGITS, LATIN_DIGITS * 2, strict=True)))
_to_persian_digits = _replacer(dict(zip(LATIN_DIGITS + ARABIC_DIGITS, PERSIAN_DIGITS * 2, strict=True)))

# Letters that Arabic keyboards and old systems produce in place of the Persian ones.
_letters = _replacer(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ئ",
        "ك": "ک",
        "ڪ": "ک",
        "ە": "ه",
        "ھ": "ه",
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
        "\u2009": " ",  # thin space
        "\u3000": " ",
        "\t": " ",
        "\r": " ",
        "\n": " ",
        "\u200d": "",  # zero-width joiner
        "\u200b": ZWNJ,  # zero-width space, typed in place of the ZWNJ by some keyboards
        "\u200e": "",  # left-to-right mark
        "\u200f": "",  # right-to-left mark
        "\u202a": "",
        "\u202b": "",
        "\u202c": "",
        "\u202d": "",
        "\u202e": "",
        "\ufeff": "",  # byte-order mark
        "\u00ad": "",  # soft hyphen
        "\u0640": "",  # tatweel (kashida)
    }
)
# Short vowels and other marks that Persian writers add or omit freely.
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r" {2,}")
_ZWNJ_RUNS = re.compile(ZWNJ + "{2,}")
_ZWNJ_BY_SPACE = re.compile(f" ?{ZWNJ} ?")
# Letters that never join to the left: a ZWNJ after them is meaningless.
_NON_JOINERS = "اآأإدذرزژوؤۀة"
_USELESS_ZWNJ = re.compile(f"(?<=[{_NON_JOINERS}]){ZWNJ}|(?<![\u0600-\u06ff]){ZWNJ}|{ZWNJ}(?![\u0600-\u06ff])")


def to_latin_digits(text: str) -> str:
    return _to_latin_digits(text)


def to_persian_digits(text: str) -> str:
    return _to_persian_digits(text)


def normalise_text(text: str | None) -> str:
    """Normalise Persian text for storage; ``None`` becomes ``""``."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = pt_characters.ar_to_fa(text)
    text = _letters(text)
    text = _DIACRITICS.sub("", text)
    text = to_latin_digits(text)
    text = _ZWNJ_RUNS.sub(ZWNJ, text)
    text = _ZWNJ_BY_SPACE.sub(lambda m: " " if " " in m.group(0) else ZWNJ, text)
    text = _USELESS_ZWNJ.sub("", text)
    text = _SPACES.sub(" ", text)
    return text.strip()


_fold = _replacer(
    {
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ی",
        "ة": "ه",
        "ۀ": "ه",
        "ء": "",
        "\u0654": "",  # hamza above (هٔ)
        ZWNJ: " ",
        "-": " ",
        "_": " ",
        "،": " ",
        ",": " ",
        ".": " ",
        "/": " ",
        "(": " ",
        ")": " ",
        "«": " ",
        "»": " ",
        '"': " ",
        "'": " ",
    }
)


_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_paragraphs(text: str | None) -> str:
    """Normalise text of several lines (a description, an answer, a resolution) line by line: each line
    as ``normalise_text`` does, the line breaks kept, at most one blank line between paragraphs."""
    if not text:
        return ""
    lines = [normalise_text(line) for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def normalise_fields(instance: models.Model, *names: str) -> None:
    """Normalise a model's text fields in place: a ``TextField`` keeps its lines, others become one line."""
    for name in names:
        multiline = isinstance(instance._meta.get_field(name), models.TextField)
        setattr(instance, name, (normalise_paragraphs if multiline else normalise_text)(getattr(instance, name)))


def search_key(text: str | None) -> str:
    """Fold text for matching: the same key for every spelling a user may type."""
    text = normalise_text(text)
    if not text:
        return ""
    text = unicodedata.normalize("NFD", text)
    text = text.replace("\u0653", "")  # madda above: «فرآورده» and «فراورده» are typed alike
    text = _fold(unicodedata.normalize("NFC", text)).lower()
    return _SPACES.sub(" ", text).strip()


# A search looks for at most this many terms, each cut to this many characters: every term is one more
# condition in the query, and a database refuses (SQLite: "Expression tree is too large") a search pasted
# from a whole document. The rest is ignored; no one types twenty words into a search box.
SEARCH_MAX_TERMS = 20
SEARCH_MAX_TERM_LENGTH = 100


def search_terms(query: str | None) -> list[str]:
    """Split a user's query into folded terms, each to be found somewhere in the search key: the first
    ``SEARCH_MAX_TERMS`` distinct ones, each at most ``SEARCH_MAX_TERM_LENGTH`` characters."""
    text = str(query or "")[: SEARCH_MAX_TERMS * (SEARCH_MAX_TERM_LENGTH + 1)]
    terms: list[str] = []
    for term in search_key(text).split(" "):
        term = term[:SEARCH_MAX_TERM_LENGTH]
        if term and term not in terms:
            terms.append(term)
            if len(terms) == SEARCH_MAX_TERMS:
                break
    return terms


def normalise_digits_only(text: str | None) -> str:
    """Codes and identifiers: Latin digits, no spaces, separators or direction marks."""
    if not text:
        return ""
    return re.sub(r"[\s\u200c-\u200f\-_/.]", "", to_latin_digits(str(text)))


_LATIN_DIGITS_ONLY = re.compile(r"[0-9]+")
# The largest whole number a database column holds (a 64-bit integer): every number a person types is
# refused above it, before it reaches a query or a row.
WHOLE_NUMBER_MAX = 2**63 - 1
# The longest free text (a description, an answer, a message) a person may send: ten pages of typing. More
# is a paste by mistake, and would make every page and PDF that shows it slow.
FREE_TEXT_MAX_LENGTH = 10_000


def is_digits(text: str | None) -> bool:
    """True when ``text`` is one or more Persian, Arabic or Latin digits and nothing else.

    ``str.isdigit`` also accepts «²», «①» or Devanagari digits, which ``int()`` then refuses; this does not.
    """
    return bool(text) and _LATIN_DIGITS_ONLY.fullmatch(to_latin_digits(str(text))) is not None


def parse_int(text: object, *, maximum: int = WHOLE_NUMBER_MAX) -> int | None:
    """The whole number ``text`` writes in Persian, Arabic or Latin digits (surrounding spaces allowed), or
    ``None`` when it is anything else or larger than ``maximum`` (a database integer by default)."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if 0 <= text <= maximum else None
    value = to_latin_digits(str(text)).strip() if text is not None else ""
    if not is_digits(value) or len(value) > len(str(maximum)):
        return None
    number = int(value)
    return number if number <= maximum else None
