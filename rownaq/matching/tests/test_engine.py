"""The matching engine: Persian text handling, synonyms, ranking with reasons, metrics, benchmark command."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from rownaq.matching import Document, Engine, Vocabulary
from rownaq.matching.baseline import BaselineBM25
from rownaq.matching.evaluation import (
    Result,
    ndcg_at_k,
    parse_lines,
    percentile,
    recall_at_k,
    reciprocal_rank,
    summary_line,
)
from rownaq.matching.synonyms import SynonymTable, read_synonyms_file
from rownaq.matching.text import skeleton, stem, tokens

SYNONYMS = read_synonyms_file()
TABLE = SynonymTable(SYNONYMS)


def keys(text: str) -> list[str]:
    return [t.key for t in TABLE.apply(tokens(text))]


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("كاشي سازي", "کاشی‌سازی"),  # Arabic ي/ك, space vs ZWNJ
        ("کاشی‌سازی", "کاشیسازی"),  # ZWNJ vs joined
        ("قالب‌های", "قالب"),  # plural with ZWNJ
        ("قالبهای", "قالب"),  # plural joined
        ("قالب های", "قالب"),  # plural with a space
        ("یاتاقان‌ها", "یاتاقان"),
        ("قطعات", "قطعه"),
        ("تراش‌کاری", "تراشکاری"),
        ("تراش کاری", "تراشکاری"),
        ("ريخته‌گري", "ریخته گری"),
        ("ماشین‌آلات", "ماشینآلات"),
        ("قالب‌ریزی", "قالبریزی"),  # compounds written joined, with a ZWNJ or with a space
        ("قالب ریزی", "قالبریزی"),
        ("پوشش دهی", "پوششدهی"),
        ("رنگ زدایی", "رنگزدایی"),
        ("انعطاف پذیر", "انعطافپذیر"),
        ("ظرف شویی", "ظرفشویی"),
        ("بزرگ‌ترین", "بزرگ"),
        ("مخازن", "مخزن"),  # Arabic broken plurals
        ("عیوب", "عیب"),
        ("کارخانجات", "کارخانه"),
        ("اجزای", "جزء"),  # a broken plural with the ezafe
        ("مخازني", "مخزن‌ها"),
        ("می‌سازیم", "سازیم"),
        ("۱۲۰۰ ١٢٠٠", "1200 1200"),  # Persian, Arabic and Latin digits
        ("سی‌ان‌سی", "CNC"),
        ("سی ان سی", "cnc"),
        ("سیانسی", "CNC"),
        ("پی‌ال‌سی", "PLC"),
        ("پی وی سی", "pvc"),
        ("بلبرینگ", "یاتاقان"),
        ("رولبرینگ", "بلبرینگ"),
        ("مولد", "قالب"),
        ("ریخته‌گری", "ذوب"),
        ("ماشین‌کاری", "تراشکاری"),
        ("CAD/CAM", "کد کم"),
    ],
)
def test_spellings_meet(one: str, other: str) -> None:
    ones, others = keys(one), keys(other)
    # Equal, or one synonym group's key first (a phrase's own words follow it, and may differ).
    assert ones == others or (ones[0] == others[0] and ones[0].startswith("≡"))


@pytest.mark.parametrize(("one", "other"), [("قالب", "ریخته‌گری"), ("بلبرینگ", "گیربکس"), ("CNC", "PLC")])
def test_different_things_stay_apart(one: str, other: str) -> None:
    assert keys(one) != keys(other)


def test_a_compound_brings_its_head_only_when_the_head_is_what_it_is_about() -> None:
    from rownaq.matching.text import index_terms

    def terms(text: str) -> list[str]:
        return index_terms(tokens(text))

    assert stem("قالب") in terms("قالب‌ریزی")  # casting is about the mould
    assert stem("قالب") in terms("قالب ریزی")
    assert stem("خشک") in terms("خشککن")
    assert stem("عیب") in terms("عیب یابی")
    assert stem("نرم") not in terms("نرم‌افزار")  # software is nothing soft
    assert stem("لباس") not in terms("پودر لباسشویی")
    assert "ارز" not in terms("ارزیابی ریسک")  # evaluation, not currency
    assert "باز" not in terms("بازیابی حرارت")


def test_stemmer_keeps_short_words_and_latin() -> None:
    assert stem("سی") == "سی"
    assert stem("cnc") == "cnc"
    assert stem("کارگران") == "کارگر"
    assert stem("تولیدکنندگان") == stem("تولیدکننده")


def test_stop_words_and_detached_affixes_are_dropped() -> None:
    assert keys("ساخت قالب‌های تزریق برای صنایع و خودرو") == keys("ساخت قالب تزریق صنایع خودرو")
    assert keys("نخ تار از استان دیگر تامین می‌شود") == keys("نخ تار")  # where it comes from is no match


def test_surface_is_the_word_as_written() -> None:
    surfaces = [t.surface for t in tokens("قالب‌های تزريق، سی‌ان‌سی")]
    assert surfaces == ["قالب‌های", "تزریق", "سی‌ان‌سی"]


def test_loanwords_meet_across_scripts() -> None:
    assert skeleton("gearbox") == skeleton(stem("گیربکس"))
    assert skeleton("hydraulic") == skeleton(stem("هیدرولیک"))
    assert skeleton("sensor") != skeleton(stem("گیربکس"))


def test_synonym_groups_from_a_list() -> None:
    table = SynonymTable([["لنت", "لنت ترمز", "brake pad"]])
    lining = [t.key for t in table.apply(tokens("لنت‌های"))]
    assert lining[0].startswith("≡")
    assert [t.key for t in table.apply(tokens("Brake Pad"))] == [*lining, "brake", "pad"]
    assert [t.key for t in table.apply(tokens("لنت ترمز"))] == [*lining, *lining, "ترمز"]


def test_the_words_of_a_phrase_still_count_alone() -> None:
    table = SynonymTable([["جک هیدرولیک", "سیلندر هیدرولیک"]])
    found = [t.key for t in table.apply(tokens("تعمیر جک هیدرولیک"))]
    assert found[1].startswith("≡")  # the phrase, as its group
    assert "جک" in found  # and the jack itself, for a need that says only «جک»


def test_a_compounds_first_part_meets_its_synonyms() -> None:
    table = SynonymTable([["قالب", "مولد", "mold"]])
    mould = table.apply(tokens("مولد"))[0].key
    compound = table.apply(tokens("قالب‌سازی"))[0]
    assert compound.head == mould  # «قالب‌سازی» is indexed under «قالب» too, which is «مولد»
    assert table.apply(tokens("قالب سازی"))[0].head == mould  # written with a space, the same


# --- ranking ---------------------------------------------------------------------------------

CAPABILITIES = [
    Document("mold", "ساخت قالب‌های تزریق پلاستیک", "طراحی و ساخت مولد تزریق با فرز سی‌ان‌سی", ("2229",), "25"),
    Document("cake", "قالب کیک", "قالب‌های سیلیکونی شیرینی‌پزی", ("4649",), "25"),
    Document("bearing", "تولید یاتاقان", "رولبرینگ و یاتاقان‌های صنعتی برای گیربکس", ("2814", "848210"), "10"),
    Document("casting", "ذوب و ریخته گری چدن", "قطعات چدنی و فولادی، کوره القایی", ("2431",), "23"),
    Document("lathe", "کارگاه تراشکاری", "ماشین‌کاری شفت و بوش با CNC", ("2592",), "25"),
    Document("plc", "اتوماسیون صنعتی", "برنامه‌نویسی PLC و ساخت تابلو برق", ("3320",), "23"),
    Document("gear", "gearbox manufacturing", "helical and worm gearboxes", (), "23"),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    e = Engine(SYNONYMS)
    e.build(CAPABILITIES)
    return e


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("نیاز به مولد تزریق پلاستیک", "قالب تزريق درب ظرف", "mold"),
        ("بلبرینگ", "بلبرينگ چرخ واگن وارداتی", "bearing"),
        ("ریخته‌گری", "پوسته پمپ چدنی", "casting"),
        ("تراش کاری شفت", "با دستگاه cnc", "lathe"),
        ("پی ال سی", "اتوماسیون خط بسته‌بندی", "plc"),
        ("گیربکس حلزونی", "", "gear"),  # Latin capability, Persian need
    ],
)
def test_the_right_capability_comes_first(engine: Engine, title: str, text: str, expected: str) -> None:
    hits = engine.rank(Document("q", title, text), k=3)
    assert hits[0].id == expected


def test_reasons_are_readable(engine: Engine) -> None:
    hits = engine.rank(Document("q", "بلبرینگ", "یاتاقان گیربکس", ("848299",), "10"), k=1)
    hit = hits[0]
    assert hit.id == "bearing"
    assert "یاتاقان" in hit.terms  # as written in the capability, not a stem
    assert "گیربکس" in hit.terms
    assert hit.codes == ["848210"]  # the same 4-digit HS heading
    assert hit.same_province is True
    assert hit.reasons() == {"terms": hit.terms, "codes": hit.codes, "same_province": True, "related": hit.related}


def test_codes_and_province_break_ties() -> None:
    twins = [
        Document("a", "تولید فنر صنعتی", "فنر فشاری", (), "10"),
        Document("b", "تولید فنر صنعتی", "فنر فشاری", ("2599",), "25"),
        Document("c", "تولید فنر صنعتی", "فنر فشاری", (), "25"),
    ]
    e = Engine(SYNONYMS)
    e.build(twins)
    ranked = [h.id for h in e.rank(Document("q", "فنر", "", ("2599",), "25"))]
    assert ranked == ["b", "c", "a"]


def test_codes_and_province_do_not_override_a_clear_text_match() -> None:
    e = Engine(SYNONYMS)
    e.build(
        [
            Document("text", "آبکاری کروم سخت", "آبکاری الکتریکی قطعات فولادی با کروم سخت", (), "10"),
            Document("code", "تولید کاشی", "کاشی دیواری و سرامیک", ("2592",), "25"),
        ]
    )
    hits = e.rank(Document("q", "آبکاری کروم", "کروم سخت برای شفت", ("2592",), "25"))
    assert hits[0].id == "text"


def test_empty_index_and_empty_query() -> None:
    e = Engine([])
    assert e.rank(Document("q", "قالب", "")) == []
    e.build(CAPABILITIES)
    assert e.rank(Document("q", "", "")) == []


RELATED = [["نیتراسیون", "عملیات حرارتی", "سختکاری"], ["لرزش", "آنالیز ارتعاشات", "بالانس"]]


def test_a_compiled_vocabulary_ranks_as_its_groups_do() -> None:
    compiled = Vocabulary.compile(SYNONYMS, RELATED)
    shared, plain = Engine(compiled=compiled), Engine(SYNONYMS, RELATED)
    assert Engine(compiled=compiled).synonyms is shared.synonyms  # compiled once, shared between engines
    query = Document("q", "بلبرینگ", "یاتاقان گیربکس و نیتراسیون", ("848299",), "10")
    for e in (shared, plain):
        e.build(CAPABILITIES)
    assert shared.rank(query) == plain.rank(query)
    with pytest.raises(ValueError, match="not both"):
        Engine(SYNONYMS, compiled=compiled)


def test_a_related_concept_finds_what_no_shared_word_would() -> None:
    e = Engine(SYNONYMS, RELATED)
    e.build(
        [
            Document("heat", "عملیات حرارتی پارس", "کوئنچ و تمپر، کوره تحت خلأ"),
            Document("compressor", "کمپرسورسازی", "تولید کمپرسور پیستونی"),
            Document("vibration", "پایش وضعیت", "آنالیز ارتعاش و بالانس دینامیکی در محل"),
        ]
    )
    hits = e.rank(Document("q", "نیتروره کردن", "نیتراسیون میل‌لنگ"))
    assert [h.id for h in hits] == ["heat"]
    assert hits[0].terms == []
    assert hits[0].related == ["عملیات حرارتی"]
    assert hits[0].reasons()["related"] == ["عملیات حرارتی"]
    # Plural, ZWNJ and Arabic letters reach the group like every other word.
    assert [h.id for h in e.rank(Document("q", "لرزش‌های شاسي", ""))] == ["vibration"]


def test_a_related_phrase_that_is_also_a_synonym_reads_once() -> None:
    e = Engine([["مهندسی معکوس", "reverse engineering"]], [["نقشه ندارد", "مهندسی معکوس"]])
    e.build([Document("re", "آزمایشگاه", "مهندسی معکوس قطعات با اسکن سه‌بعدی")])
    hits = e.rank(Document("q", "قطعه", "قطعه نقشه ندارد"))
    assert hits[0].related == ["مهندسی معکوس"]


def test_a_related_term_inside_a_shared_one_is_not_repeated() -> None:
    e = Engine()  # the data files: «نوار نقاله» is an equivalent, «نقاله» a related term
    e.build([Document("conveyor", "ساخت تونل سرد و نوار نقاله بهداشتی", "")])
    hit = e.rank(Document("q", "دستگاه تونل سرد و خنک‌کن نوار نقاله", "تونل سرد برای خنک کردن سوهان"))[0]
    assert "نوار نقاله" in hit.terms
    assert not [r for r in hit.related if any(r in term for term in hit.terms)], (hit.terms, hit.related)


def test_a_maker_ranks_above_a_shop_that_says_the_same() -> None:
    e = Engine(SYNONYMS, [])
    e.build(
        [
            Document("a-shop", "فروش بلبرینگ", "بلبرینگ صنعتی شیار عمیق"),
            Document("b-maker", "تولید بلبرینگ", "بلبرینگ صنعتی شیار عمیق"),
        ]
    )
    assert [h.id for h in e.rank(Document("q", "بلبرینگ شیار عمیق", "بلبرینگ صنعتی"))] == [
        "b-maker",
        "a-shop",
    ]  # not the order of the ids


def test_what_a_need_asks_for_weighs_more_than_how_the_factory_describes_itself() -> None:
    from rownaq.matching.text import asking_sentences

    text = "ما در خط پنیر سفید کار می‌کنیم. ممبرین داخلی لازم داریم؛ فعلا از دانمارک می‌آید"
    assert asking_sentences(text) == [" ممبرین داخلی لازم داریم"]
    assert asking_sentences("دنبال سازنده‌ی گیربکس هستیم")
    assert not asking_sentences("تولید پنیر سفید")
    e = Engine(SYNONYMS, [])
    e.build([Document("a-cheese", "پنیر", ""), Document("b-membrane", "ممبرین", "")])
    # Each shares one word with the need, equally rare: the one asked for comes first (on a tie the
    # ids would put the cheese maker first).
    assert [h.id for h in e.rank(Document("q", "", text))] == ["b-membrane", "a-cheese"]


def test_a_producer_of_the_factorys_own_goods_ranks_below_one_that_meets_what_is_asked() -> None:
    e = Engine(SYNONYMS, [])
    e.build([Document("a-cheese", "پنیر", ""), Document("b-membrane", "ممبرین", "")])
    # The title names the factory's line (a title word weighs more than an asked one), the sentence
    # asks for the part: the cheese maker meets none of what is asked.
    need = Document("q", "خط پنیر", "ممبرین داخلی لازم داریم. ممبرین فعلی از دانمارک می‌آید")
    assert [h.id for h in e.rank(need)] == ["b-membrane", "a-cheese"]
    # Without a sentence that asks, the title decides.
    assert [h.id for h in e.rank(Document("q", "خط پنیر", "ممبرین داخلی. ممبرین فعلی از دانمارک می‌آید"))] == [
        "a-cheese",
        "b-membrane",
    ]


def test_a_near_spelling_of_an_asked_word_meets_it() -> None:
    from rownaq.matching.engine import ASKING_WEIGHT

    e = Engine(SYNONYMS, [])
    e.build(
        [Document("a-cheese", "پنیر", ""), Document("b-plasticiser", "پلاستیسایزور", ""), Document("c", "گرانول", "")]
    )
    asking = {h.id: h.score for h in e.rank(Document("q", "خط پنیر", "گرانول و پلاستیسایزر لازم داریم"))}
    plain = {h.id: h.score for h in e.rank(Document("q", "خط پنیر", "گرانول و پلاستیسایزر"))}
    # «پلاستیسایزور» meets an asked word only as a near-spelling: it gains the asked weight, loses nothing.
    assert asking["b-plasticiser"] == pytest.approx(plain["b-plasticiser"] * ASKING_WEIGHT, rel=1e-3)
    assert asking["a-cheese"] < plain["a-cheese"]


def test_a_related_concept_counts_less_than_a_shared_word() -> None:
    e = Engine(SYNONYMS, RELATED)
    e.build(
        [Document("heat", "عملیات حرارتی", "کوئنچ و تمپر"), Document("nitride", "نیتراسیون پلاسما", "قطعات فولادی")]
    )
    assert [h.id for h in e.rank(Document("q", "نیتراسیون", ""))] == ["nitride", "heat"]
    # Without the related groups there is no way from one to the other.
    plain = Engine(SYNONYMS, [])
    plain.build([Document("heat", "عملیات حرارتی", "کوئنچ و تمپر")])
    assert plain.rank(Document("q", "نیتراسیون", "")) == []


def test_baseline_is_plain_whitespace_bm25() -> None:
    b = BaselineBM25()
    b.build(CAPABILITIES)
    assert [h.id for h in b.rank(Document("q", "رولبرینگ", ""))] == ["bearing"]
    assert b.rank(Document("q", "رولبرینگ‌ها", "")) == []  # no normalisation, no stemming


# --- metrics ---------------------------------------------------------------------------------


def test_ndcg_on_a_known_ranking() -> None:
    relevant = {"a": 2, "b": 1}
    assert ndcg_at_k(["a", "b", "x"], relevant) == pytest.approx(1.0)
    # b first, a second: (1 + 2/log2(3)) / (2 + 1/log2(3))
    assert ndcg_at_k(["b", "a"], relevant) == pytest.approx((1 + 2 / 1.5849625) / (2 + 1 / 1.5849625))
    assert ndcg_at_k(["x", "y"], relevant) == 0.0
    assert ndcg_at_k(["x"] * 10 + ["a"], relevant, k=10) == 0.0
    assert ndcg_at_k(["a"], {}) == 0.0


def test_recall_and_mrr() -> None:
    relevant = {"a": 2, "b": 1, "c": 0}
    assert recall_at_k(["x", "a", "c"], relevant) == 0.5
    assert recall_at_k(["b", "a"], relevant) == 1.0
    assert reciprocal_rank(["x", "c", "b"], relevant) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], relevant) == 0.0


def test_percentile_and_summary_line() -> None:
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([1.0, 2.0], 95) == pytest.approx(1.95)
    e = Result("engine", 0.8123, 0.9, 0.7, 1.0, 1.0, 2.0, 10, 2)
    b = Result("baseline", 0.6011, 0.8, 0.6, 1.0, 1.0, 2.0, 10, 2)
    assert summary_line(e, b) == "nDCG@10 engine=0.812 baseline=0.601 ratio=1.35"


def test_parse_lines_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        parse_lines(['{"kind": "other", "id": "1"}'])


# --- the benchmark command -------------------------------------------------------------------


def _tiny_set(path: Path) -> None:
    rows: list[dict[str, object]] = []
    for c in CAPABILITIES:
        rows.append({"kind": "capability", "id": c.id, "title": c.title, "text": c.text, "codes": list(c.codes)})
        rows[-1]["province"] = c.province
    rows += [
        {"kind": "need", "id": "n1", "title": "مولد", "text": "قالب‌های تزريق", "relevant": {"mold": 2}},
        {"kind": "need", "id": "n2", "title": "بلبرینگ‌ها", "codes": ["848210"], "relevant": {"bearing": 2}},
        {"kind": "need", "id": "n3", "title": "سی ان سی", "text": "تراشکاری", "relevant": {"lathe": 2, "mold": 1}},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")


def test_benchmark_command_end_to_end(tmp_path: Path) -> None:
    data = tmp_path / "tiny.jsonl"
    _tiny_set(data)
    out = StringIO()
    call_command("benchmark_matching", str(data), "--scale", "50", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert "50 capabilities" in lines[0]
    assert re.fullmatch(r"nDCG@10 engine=\d\.\d{3} baseline=\d\.\d{3} ratio=(\d+\.\d{2}|inf)", lines[-1])
    engine_ndcg = float(re.findall(r"engine=(\d\.\d{3})", lines[-1])[0])
    assert engine_ndcg > 0.9
