"""Persian normalisation: what is stored, and what a search matches."""

from __future__ import annotations

import pytest

from rownaq.accounts.models import User
from rownaq.core.normalise import (
    ZWNJ,
    normalise_digits_only,
    normalise_paragraphs,
    normalise_text,
    search_key,
    search_terms,
    to_latin_digits,
    to_persian_digits,
)
from rownaq.registry.models import Unit


class TestNormaliseText:
    @pytest.mark.parametrize(
        ("typed", "stored"),
        [
            ("كاشي", "کاشی"),  # Arabic kaf and yeh
            ("على", "علی"),  # alef maksura
            ("ڪارخانه", "کارخانه"),  # swash kaf
        ],
    )
    def test_arabic_letters_become_persian(self, typed: str, stored: str) -> None:
        assert normalise_text(typed) == stored

    @pytest.mark.parametrize(
        ("typed", "stored"),
        [
            ("پلاک ۱۲۳۴", "پلاک 1234"),
            ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
            ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
            ("واحد ۱2٣", "واحد 123"),  # mixed keyboards in one number
        ],
    )
    def test_digits_are_stored_latin(self, typed: str, stored: str) -> None:
        assert normalise_text(typed) == stored

    def test_zwnj_kept_where_it_belongs(self) -> None:
        assert normalise_text("کاشی\u200cسازی") == "کاشی\u200cسازی"
        assert normalise_text("می\u200cروم") == "می\u200cروم"

    def test_double_zwnj_collapses(self) -> None:
        assert normalise_text(f"می{ZWNJ}{ZWNJ}{ZWNJ}روم") == f"می{ZWNJ}روم"

    @pytest.mark.parametrize("typed", [f"می {ZWNJ}روم", f"می{ZWNJ} روم", f"می {ZWNJ} روم"])
    def test_zwnj_beside_a_space_becomes_the_space(self, typed: str) -> None:
        assert normalise_text(typed) == "می روم"

    @pytest.mark.parametrize(
        ("typed", "stored"),
        [
            (f"دارو{ZWNJ}خانه", "داروخانه"),  # و never joins to the left
            (f"کارگاه{ZWNJ}ها", f"کارگاه{ZWNJ}ها"),  # ه does: kept
            (f"آذر{ZWNJ}ماه", "آذرماه"),
            (f"ژاله{ZWNJ}", "ژاله"),  # at the end of the text
            (f"{ZWNJ}شرکت", "شرکت"),  # at the start
            (f"abc{ZWNJ}def", "abcdef"),  # between Latin letters
        ],
    )
    def test_useless_zwnj_removed(self, typed: str, stored: str) -> None:
        assert normalise_text(typed) == stored

    def test_zero_width_space_typed_for_zwnj(self) -> None:
        assert normalise_text("کاشی\u200bسازی") == f"کاشی{ZWNJ}سازی"

    def test_zero_width_joiner_removed(self) -> None:
        assert normalise_text("کاشی\u200dسازی") == "کاشیسازی"

    @pytest.mark.parametrize(
        ("typed", "stored"),
        [
            ("کاشی\u00a0سازی", "کاشی سازی"),  # no-break space
            ("کاشی\u202fسازی", "کاشی سازی"),  # narrow no-break space
            ("کاشی \t\n سازی", "کاشی سازی"),
            ("  کاشی   سازی  ", "کاشی سازی"),
            ("كـــاشي", "کاشی"),  # tatweel
            ("کَاشِی", "کاشی"),  # fatha and kasra
            ("محمّد", "محمد"),  # shadda
            ("\u200fکاشی\u200e", "کاشی"),  # RLM and LRM
            ("\u202bکاشی\u202c", "کاشی"),  # embedding marks
            ("\ufeffکاشی", "کاشی"),  # byte-order mark
        ],
    )
    def test_invisible_and_decorative_marks_removed(self, typed: str, stored: str) -> None:
        assert normalise_text(typed) == stored

    def test_presentation_forms_become_letters(self) -> None:
        # «کاشی» as typed from an old PDF: Arabic presentation forms (U+FExx).
        assert normalise_text("\ufedb\ufe8e\ufeb7\ufef2") == "کاشی"
        assert normalise_text("\ufefb") == "لا"  # lam-alef ligature

    def test_empty_and_none(self) -> None:
        assert normalise_text(None) == ""
        assert normalise_text("") == ""
        assert normalise_text(" \u200c\u200f ") == ""

    def test_idempotent(self) -> None:
        samples = ["كاشي سازي  ۱۲", f"می {ZWNJ} روم", "فرآورده‌های  نفتی", "\ufedb\ufe8e\ufeb7\ufef2"]
        for text in samples:
            once = normalise_text(text)
            assert normalise_text(once) == once


class TestSearchKey:
    def test_arabic_spelling_term_is_found_in_persian_name(self) -> None:
        (term,) = search_terms("كاشي")
        assert term in search_key("کاشی‌سازی")
        assert term in search_key("کاشی‌سازی البرز")

    @pytest.mark.parametrize(
        ("left", "right"),
        [
            ("کاشی سازی", "کاشی‌سازی"),  # space or ZWNJ
            ("كاشي سازي", "کاشی‌سازی"),  # Arabic letters and space
            ("کاشی  سازی", "کاشی\u200bسازی"),
            ("فرآورده", "فراورده"),  # alef with madda or without
            ("مسئول", "مسیول"),  # hamza on yeh
            ("رئیس", "رییس"),
            ("مؤسسه", "موسسه"),  # hamza on waw
            ("أحمد", "احمد"),  # hamza on alef
            ("إسلام", "اسلام"),  # hamza under alef
            ("خانهٔ", "خانه"),  # hamza above heh (ezafe)
            ("خانۀ", "خانه"),  # heh with yeh above
            ("ة", "ه"),  # teh marbuta
            ("Kashi ALBORZ", "kashi alborz"),  # Latin case
            ("صنایع (غذایی)، «نمونه»", "صنایع غذایی نمونه"),  # punctuation
            ("۱۰۳۸۰۲۸۴۷۹۰", "10380284790"),
        ],
    )
    def test_spellings_share_a_key(self, left: str, right: str) -> None:
        assert search_key(left) == search_key(right)

    def test_different_words_differ(self) -> None:
        assert search_key("کاشی") != search_key("گاشی")
        assert search_key("پارس") != search_key("بارس")

    def test_search_terms_split_and_fold(self) -> None:
        assert search_terms("  كاشي‌سازي   البرز ") == ["کاشی", "سازی", "البرز"]
        assert search_terms("") == []
        assert search_terms(None) == []


class TestDigits:
    def test_to_persian_digits(self) -> None:
        assert to_persian_digits("1403/05/12") == "۱۴۰۳/۰۵/۱۲"
        assert to_persian_digits("٤٥٦") == "۴۵۶"  # Arabic-Indic forms become Persian
        assert to_persian_digits("کد 25") == "کد ۲۵"

    def test_to_latin_digits(self) -> None:
        assert to_latin_digits("۱۴۰۳/۰۵/۱۲") == "1403/05/12"
        assert to_latin_digits("٤٥٦") == "456"

    def test_round_trip(self) -> None:
        assert to_latin_digits(to_persian_digits("0123456789")) == "0123456789"

    def test_normalise_digits_only(self) -> None:
        assert normalise_digits_only("۱۰۳-۸۰۲ ۸۴۷/۹۰") == "10380284790"
        assert normalise_digits_only("\u200f۳۷۱۵۶\u200c۸۸۹۱۱") == "3715688911"
        assert normalise_digits_only(None) == ""


def test_paragraphs_keep_their_line_breaks() -> None:
    typed = "بند ١: شير  فلكه\r\nبند ۲\n\n\n\nپایان \n"
    assert normalise_paragraphs(typed) == "بند 1: شیر فلکه\nبند 2\n\nپایان"
    assert normalise_text(typed) == "بند 1: شیر فلکه بند 2 پایان"  # one line, for names and titles


def test_a_textarea_keeps_what_was_typed_on_several_lines() -> None:
    from django import forms

    from rownaq.core.forms import PersianCharField

    assert PersianCharField(widget=forms.Textarea).clean("خط اول\nخط دوم") == "خط اول\nخط دوم"
    assert PersianCharField().clean("خط اول\nخط دوم") == "خط اول خط دوم"


@pytest.mark.django_db
def test_a_models_long_text_keeps_its_lines_and_its_title_one(unit: Unit, manager: User) -> None:
    from rownaq.needs.models import Need, NeedKind

    need = Need.objects.create(
        unit=unit, posted_by=manager, title="قالب\nدرپوش", description="بند ١\nبند ۲", kind=NeedKind.PART
    )
    need.refresh_from_db()
    assert (need.title, need.description) == ("قالب درپوش", "بند 1\nبند 2")
