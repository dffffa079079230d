"""The need page rates each ranked capability against the best one and folds the weak tail away."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for
from rownaq.needs import services
from rownaq.needs.match_strength import Rated, Strength, rate_match, split_by_strength
from rownaq.needs.models import Match
from rownaq.needs.tests.desk import Desk, post_need
from rownaq.registry.models import Unit

WORDS = {"terms": ["قالب"]}


@pytest.mark.parametrize(
    ("score", "rated"),
    [
        (10.0, Rated(100, Strength.STRONG)),
        (6.0, Rated(60, Strength.STRONG)),
        (5.9, Rated(59, Strength.FAIR)),
        (3.5, Rated(35, Strength.FAIR)),
        (3.4, Rated(34, Strength.WEAK)),
        (0.0, Rated(0, Strength.WEAK)),
    ],
)
def test_a_match_is_rated_by_its_share_of_the_best_score(score: float, rated: Rated) -> None:
    assert rate_match(score, 10.0, WORDS) == rated


def test_a_match_sharing_no_word_is_weak_whatever_its_score() -> None:
    """Only a shared code or the same province: a lead, not an answer."""
    assert rate_match(10.0, 10.0, {"codes": ["848071"], "same_province": True}).strength is Strength.WEAK
    assert rate_match(10.0, 10.0, {"related": ["عملیات حرارتی"]}).strength is Strength.STRONG


def test_the_weak_tail_starts_after_the_last_strong_or_fair_match() -> None:
    rated, lead = split_by_strength([(8.0, WORDS), (4.0, WORDS), (2.0, WORDS), (1.0, WORDS)])
    assert [r.strength for r in rated] == [Strength.STRONG, Strength.FAIR, Strength.WEAK, Strength.WEAK]
    assert lead == 2
    assert split_by_strength([]) == ([], 0)
    assert split_by_strength([(1.0, {})])[1] == 0  # nothing in common: all weak


@pytest.mark.django_db
def test_the_need_page_shows_strength_and_folds_the_weak_tail(unit: Unit, manager: User, desk: Desk) -> None:
    need = post_need(unit, manager)
    extra = [
        services.capability_post(by=desk.lab, title=f"توانمندی {n}", description="ساخت قطعه صنعتی")
        for n in ("الف", "ب")
    ]
    capabilities = [desk.capability, desk.firm_capability, *extra]
    Match.objects.filter(need=need).delete()
    for rank, (capability, score) in enumerate(zip(capabilities, (9.0, 6.3, 3.6, 1.2), strict=True), start=1):
        Match.objects.create(need=need, capability=capability, score=score, rank=rank, reasons=WORDS)

    html = browser_for(manager).get(reverse("needs-need-detail", args=[need.pk])).content.decode()
    leading, tail = html.split('id="weak-matches"')
    assert re.findall(r"strength-label\">([^<]+)<", leading) == ["تطابق قوی", "تطابق قوی", "تطابق متوسط"]
    assert "۷۰٪ امتیاز بهترین تطابق" in leading  # 6.3 of 9, in Persian digits
    assert '<meter class="match-meter" min="0" max="100" value="70"' in leading
    assert "تطابق‌های ضعیف‌تر (۱)" in tail
    assert re.findall(r"strength-label\">([^<]+)<", tail) == ["تطابق ضعیف"]
    assert 'class="mb-0 mt-2 match-list list-persian" start="4"' in tail  # numbering goes on: ۴
    assert "توانمندی ب" in tail
    assert "توانمندی ب" not in leading


def test_a_matchs_title_shows_persian_digits_with_its_shared_terms_marked() -> None:
    from rownaq.needs.views import highlight

    shown = str(highlight("ظرفیت خالی بافت فرش ماشینی 1200 شانه <b>", ["بافت", "1200"]))
    assert "<mark>بافت</mark>" in shown
    assert "<mark>۱۲۰۰</mark>" in shown
    assert "1200" not in shown
    assert "&lt;b&gt;" in shown
    assert "۷۰۰" in str(highlight("فرش 700 شانه", []))
