"""Persian industrial text to index terms: the core normaliser first, then tokens, a light stemmer,
Latin technical terms, spelled-out Latin letters (سی‌ان‌سی → cnc) and compounds (تراش‌کاری).

Everything here is deterministic and table-driven; synonyms are applied on top (``synonyms.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rownaq.core.normalise import normalise_text, search_key

# Persian letters, Latin letters and digits; everything else separates tokens (the core
# normaliser's ``search_key`` has already turned the ZWNJ, hyphens and slashes into spaces).
_TOKEN = re.compile(r"[\u0620-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u0622]+|[a-z]+[0-9]*[a-z0-9]*|[0-9]+[a-z]*")

# How Persian writers spell Latin letters: a run of two or more of these is an acronym.
# (After folding: «آر» is «ار», «آی» is «ای».)
LETTER_NAMES: dict[str, str] = {
    "بی": "b",
    "سی": "c",
    "دی": "d",
    "اف": "f",
    "جی": "g",
    "اچ": "h",
    "ای": "i",
    "کی": "k",
    "ال": "l",
    "ام": "m",
    "ان": "n",
    "او": "o",
    "پی": "p",
    "کیو": "q",
    "ار": "r",
    "اس": "s",
    "تی": "t",
    "یو": "u",
    "وی": "v",
    "دبلیو": "w",
    "ایکس": "x",
    "وای": "y",
    "زد": "z",
}

# Pieces that the ZWNJ (or a space) separates from the word they belong to: dropped, since the
# stem carries the meaning («قالب‌های» → «قالب»; «می‌سازیم» → «سازیم»).
AFFIX_TOKENS = frozenset(
    {"ها", "های", "هایی", "ای", "ی", "تر", "ترین", "می", "نمی", "ام", "ات", "اش", "اند", "ایم", "اید", "هاش", "شان"}
)

# Second halves of compounds, written joined, with a ZWNJ or with a space: «تراشکاری»,
# «تراش‌کاری», «تراش کاری» all give the compound, and its head too when the head is what the compound
# is about (قالب‌ریزی → قالب, خشک‌کن → خشک, عیب‌یابی → عیب). Longer tails first.
HEAD_TAILS = (
    *("کاری", "گری", "سازی", "ساز", "کار", "گر", "خانه", "گاه", "الات", "بندی", "ریزی"),
    *("کننده", "دهنده", "شونده", "کن", "سنجی", "سنج", "گیری", "گیر", "زدایی", "پذیر", "دهی", "یابی"),
)
# Compounds whose head means something else alone (نرم‌افزار is no «نرم», لباسشویی no «لباس»): joined
# forms meet, the head is not added.
COMPOUND_TAILS = (*HEAD_TAILS, "شویی", "بری", "افزار")
# Words that end like a compound but whose first part is another word (ارزیابی is no «ارز» currency,
# بازیابی no «باز» open).
_NOT_COMPOUNDS_TEXT = "ارزیابی ارزیاب بازیابی دستیابی فراگیر درگیر پیشگیری"

_STOPWORDS_TEXT = """
و در به از که این آن با را برای تا یا هم نیز اما ولی اگر چه چون بر است هست هستند بود بودن باشد باشند
شود شوند شد شده شدن کند کنند کرد کرده کردن کنیم میکنیم دارد دارند داریم داشته یک هر همه خود ما شما
آنها ایشان او وی بین روی زیر پس پیش بعد قبل نه بله چی چرا کجا کدام چگونه چطور چیست کیست آیا مورد جهت
طریق توسط همچنین ها های تر ترین دیگر بسیار خیلی فقط حتی اینکه آنکه نیست نمی می باید بتوان توان توانم
توانیم ای ی ام اند
"""
# How needs are asked for, not what is needed: «نیاز داریم»، «فعلاً وارد می‌شود»، «سالانه ۲۰۰ عدد»،
# «از استان دیگر» (the province is a field of its own).
_REQUEST_WORDS = """
نیاز نیازمند داریم خواهیم میخواهیم درخواست فعلا حاضر حال حدود تعداد عدد سالانه ماهانه لطفا وارد واردات
وارداتی خرید خریدار تامین لازم احتیاج استان
"""
# Folded like the text, so that both sides meet.
STOPWORDS = frozenset(search_key(w) for w in _STOPWORDS_TEXT.split() + _REQUEST_WORDS.split())

_SKIP = AFFIX_TOKENS | STOPWORDS

# Words every industrial text uses: they match, but weigh less (see the engine's GENERIC_WEIGHT).
_GENERIC_TEXT = """
دستگاه سیستم سامانه ساخت تولید کارخانه شرکت صنعتی صنعت صنایع قطعه قطعات خط انواع ماشین مجموعه واحد
خدمات کار انجام طراحی اجرا امکان محصول محصولات کیفیت نوع روش مواد
"""

_SUFFIXES = (
    # longest first; (suffix, minimum length of what remains)
    ("هایی", 2),
    ("های", 2),
    ("ها", 2),
    ("ترین", 3),
    ("ندگان", 3),  # تولیدکنندگان → تولیدکننده (the «ه» is restored below)
    ("یان", 3),
    ("گان", 3),
    ("ان", 4),
    ("ات", 3),
    ("ی", 3),
)


# Arabic broken plurals common in Persian technical and business writing, plural → singular: no
# suffix rule reaches them (مخازن / مخزن, عیوب / عیب). Pairs whose plural means something else in
# Persian are left out (اشکال "shapes" / "faults"; مصالح "building materials").
_BROKEN_PLURALS_TEXT = """
مخازن مخزن  معادن معدن  صنایع صنعت  کارخانجات کارخانه  مراکز مرکز  ابعاد بعد  اجزا جزء  اجزاء جزء
عناصر عنصر  منابع منبع  ظروف ظرف  انواع نوع  مراحل مرحله  مسائل مسئله  اجناس جنس  اقلام قلم
مواد ماده  اسناد سند  آلات آلت  قوالب قالب  اوراق ورق  عوامل عامل  مشاغل شغل  مزارع مزرعه
مصارف مصرف  مقادیر مقدار  معایب عیب  عیوب عیب  مراجع مرجع  مناطق منطقه  مدارک مدرک  اجسام جسم
اشیا شیء  اشیاء شیء  حروف حرف  خطوط خط  طرق طریق  علائم علامت  فنون فن  قوانین قانون  مجاری مجرا
موانع مانع  نتایج نتیجه  نقاط نقطه  وسایل وسیله  وسائل وسیله  اوزان وزن  احجام حجم  ارقام رقم
اصول اصل  اطراف طرف  اعضا عضو  اعضاء عضو  اماکن مکان  بنادر بندر  جداول جدول  حدود حد  دلایل دلیل
سطوح سطح  شرایط شرط  شرکا شریک  ضوابط ضابطه  عناوین عنوان  فواصل فاصله  قواعد قاعده  مدارات مدار
مفاصل مفصل  مقاطع مقطع  منافذ منفذ  نواحی ناحیه  نواقص نقص  وظایف وظیفه  کتب کتاب  ذرات ذره
ادوات ادات  اسلاف سلف  معابر معبر  مخاطرات مخاطره  محاسبات محاسبه  ملزومات ملزوم  تاسیسات تاسیس
فلزات فلز  قطعات قطعه  محصولات محصول  تجهیزات تجهیز  مشتقات مشتق  ترکیبات ترکیب  مشخصات مشخصه
اغذیه غذا  ادویه دوا  اطعمه طعام  البسه لباس  ابنیه بنا  اراضی زمین  اسامی اسم  ادارات اداره
مصنوعات مصنوع  مخازنی مخزن  معادنی معدن  ماشینآلات ماشین  ابزارآلات ابزار  لوازم لازمه
"""
_PAIRS = _BROKEN_PLURALS_TEXT.split()
BROKEN_PLURALS = {search_key(_PAIRS[i]): search_key(_PAIRS[i + 1]) for i in range(0, len(_PAIRS), 2)}
NOT_COMPOUNDS = frozenset(search_key(w) for w in _NOT_COMPOUNDS_TEXT.split())


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """A light Persian stemmer: plurals (broken ones from a table), the ezafe/adjective «ی»,
    superlatives; Latin and digits untouched."""
    if not token or not ("\u0600" <= token[0] <= "\u06ff"):
        return token
    word = BROKEN_PLURALS.get(token, token)
    for _ in range(2):
        for suffix, keep in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= keep:
                word = word[: -len(suffix)]
                if suffix in ("ندگان", "گان"):
                    word += "ه" if suffix == "گان" else "نده"
                word = BROKEN_PLURALS.get(word, word)  # اجزای → اجزا → جزء
                break
        else:
            break
    # A final «ه» comes and goes with suffixes (قطعه / قطعات): drop it when enough is left.
    if word.endswith("ه") and len(word) >= 4:
        word = word[:-1]
    return word


class Token(NamedTuple):
    key: str  # what is indexed
    surface: str  # as it appears in the (normalised) text, for people
    head: str = ""  # for a compound, its first part's key (also indexed)


@lru_cache(maxsize=200_000)
def _word(folded: str) -> tuple[str, str]:
    """A word's key and, for a joined compound (تراشکاری), its head's key."""
    head = ""
    if not folded.isascii() and folded not in NOT_COMPOUNDS:
        for tail in COMPOUND_TAILS:
            if folded.endswith(tail) and len(folded) - len(tail) >= 3:
                head = stem(folded[: -len(tail)]) if tail in HEAD_TAILS else ""
                break
    return stem(folded), head


def _raw_tokens(text: str, surfaces: bool) -> list[tuple[str, str]]:
    """(folded token, surface) pairs. The surface is the normalised word as written, ZWNJ kept;
    without ``surfaces`` (indexing: faster) it is the folded token."""
    if not surfaces:
        return [(p, p) for p in _TOKEN.findall(search_key(text))]
    pairs: list[tuple[str, str]] = []
    for word in normalise_text(text).split():
        pieces = _TOKEN.findall(search_key(word))
        # Every piece of a word (قالب‌های → قالب, های) shows as the whole word.
        surface = word.strip("«»()[]،,.:;؛!?؟\"'") if len(pieces) == 1 or "\u200c" in word else ""
        pairs.extend((p, surface or p) for p in pieces)
    return pairs


def _join(surfaces: list[str]) -> str:
    """Surfaces of consecutive pieces; the pieces of one written word share its surface."""
    kept = [s for n, s in enumerate(surfaces) if n == 0 or s != surfaces[n - 1]]
    return "\u200c".join(kept)


def _acronyms(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs of two to five spelled Latin letters (سی ان سی) become the Latin acronym (cnc)."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and j - i < 5 and pairs[j][0] in LETTER_NAMES:
            j += 1
        if j - i >= 2:
            acronym = "".join(LETTER_NAMES[p[0]] for p in pairs[i:j])
            out.append((acronym, _join([p[1] for p in pairs[i:j]])))
            i = j
        else:
            out.append(pairs[i])
            i += 1
    return out


def tokens(text: str, surfaces: bool = True) -> list[Token]:
    """The document's terms in order; stop words and detached affixes are left out."""
    pairs = _acronyms(_raw_tokens(text, surfaces))
    out: list[Token] = []
    i = 0
    while i < len(pairs):
        folded, surface = pairs[i]
        if folded in _SKIP or (folded.isdigit() and len(folded) < 3):  # «۲ عدد», «3٫2»: noise
            i += 1
            continue
        # A compound written with a space or ZWNJ: «تراش کاری».
        if i + 1 < len(pairs) and pairs[i + 1][0] in COMPOUND_TAILS and len(folded) >= 2:
            tail, tail_surface = pairs[i + 1]
            head = stem(folded) if tail in HEAD_TAILS else ""
            out.append(Token(stem(folded + tail), _join([surface, tail_surface]), head))
            i += 2
            continue
        key, head = _word(folded)
        out.append(Token(key, surface, head))
        i += 1
    return out


def index_terms(toks: list[Token]) -> list[str]:
    """The terms to index for a token list: each key, plus each compound's head."""
    terms: list[str] = []
    for t in toks:
        terms.append(t.key)
        if t.head and t.head != t.key:
            terms.append(t.head)
    return terms


GENERIC_KEYS = frozenset(stem(search_key(w)) for w in _GENERIC_TEXT.split())

# A need's sentence that asks for something («… لازم داریم»، «دنبال … هستیم»، «جایگزین داخلی
# می‌خواهیم») says what is needed; the others often describe the factory itself (its product, its
# line), which is what hard negatives share. Words that start such a sentence's words mark it.
_ASKING_TEXT = "لازم نیاز میخوایم میخواهیم خواهیم دنبال جایگزین تامین احتیاج درخواست بخریم سازنده"
ASKING_CUES = tuple(search_key(w) for w in _ASKING_TEXT.split())
_SENTENCE = re.compile(r"[.؛;!?؟\n]+")


def asking_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that ask for something (see ``ASKING_CUES``)."""
    return [
        sentence
        for sentence in _SENTENCE.split(text)
        if any(word.startswith(ASKING_CUES) for word in search_key(sentence).split())
    ]


# A capability whose title offers trade (a shop, an importer, an agent) rather than making or doing.
_TRADE_TEXT = "فروش فروشگاه واردات واردکننده نمایندگی عاملیت بازرگانی عمده پخش"
TRADE_KEYS = frozenset(stem(search_key(w)) for w in _TRADE_TEXT.split())


# Cross-script skeletons: a loanword written in Latin and in Persian letters (gearbox / گیربکس,
# sensor / سنسور, hydraulic / هیدرولیک) reduces to the same consonants. Vowels go, letters that
# Persian writes alike meet (s/z/ص/ز/ذ/ظ/ژ; k/c/q/ک/ق; t/ط), doubled letters collapse.
_LATIN_DIGRAPHS = (("ph", "f"), ("ch", "ch"), ("sh", "sh"), ("kh", "kh"), ("ck", "k"), ("x", "ks"), ("qu", "k"))
_LATIN_LETTERS = str.maketrans(
    {"c": "k", "q": "k", "w": "v", "z": "s", "a": "", "e": "", "i": "", "o": "", "u": "", "y": ""}
)
_PERSIAN_LETTERS = {
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ط": "t",
    "ث": "s",
    "س": "s",
    "ص": "s",
    "ز": "s",
    "ذ": "s",
    "ض": "s",
    "ظ": "s",
    "ژ": "s",
    "ج": "j",
    "چ": "ch",
    "ح": "h",
    "ه": "h",
    "خ": "kh",
    "د": "d",
    "ر": "r",
    "ش": "sh",
    "ف": "f",
    "ک": "k",
    "ق": "k",
    "گ": "g",
    "غ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "و": "v",
}


def _collapse(letters: str) -> str:
    return "".join(ch for n, ch in enumerate(letters) if n == 0 or ch != letters[n - 1])


@lru_cache(maxsize=200_000)
def skeleton(term: str) -> str:
    """The consonant skeleton of a term in either script ("" for digits and symbols)."""
    if not term or term.startswith("≡"):
        return ""
    if term.isascii():
        if not term.isalpha():
            return ""
        word = term.lower()
        for digraph, sound in _LATIN_DIGRAPHS:
            word = word.replace(digraph, sound.upper())
        return _collapse(word.translate(_LATIN_LETTERS).lower())
    out = []
    for n, ch in enumerate(term):
        if ch == "و" and n > 0:
            continue  # a vowel inside the word; «و» starting a word is «v»
        if ch == "ه" and n == len(term) - 1:
            continue  # the silent final «ه»
        out.append(_PERSIAN_LETTERS.get(ch, ""))
    return _collapse("".join(out))
