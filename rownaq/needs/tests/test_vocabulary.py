"""The desk's matching vocabulary: the engine's data files merged with the experts' groups from the admin."""

from __future__ import annotations

import pytest

from rownaq.matching import Document
from rownaq.needs.models import SynonymGroup, SynonymKind
from rownaq.needs.vocabulary import desk_engine


@pytest.mark.django_db
def test_synonym_groups_from_the_admin_are_merged() -> None:
    SynonymGroup.objects.create(terms="لنت\nپد ترمز")
    SynonymGroup.objects.create(terms="کلاچ\nصفحه دیسک", is_active=False)
    e = desk_engine()
    e.build([Document("pad", "تولید پد ترمز", ""), Document("clutch", "تولید صفحه دیسک", "")])
    assert [h.id for h in e.rank(Document("q", "لنت", ""))] == ["pad"]
    assert e.rank(Document("q", "کلاچ", "")) == []


@pytest.mark.django_db
def test_related_groups_from_the_admin_are_used() -> None:
    SynonymGroup.objects.create(terms="ترک‌خوردگی\nتست غیرمخرب", kind=SynonymKind.RELATED)
    e = desk_engine()
    e.build([Document("ndt", "بازرسی جوش", "تست غیرمخرب به روش التراسونیک"), Document("x", "فروش ورق", "")])
    assert [h.id for h in e.rank(Document("q", "ترک‌خوردگی مخزن", ""))] == ["ndt"]
    # A related group is not an equivalence: the words are not merged.
    assert not {t.key for t in e.analyse("ترک‌خوردگی")} & {t.key for t in e.analyse("تست غیرمخرب")}


@pytest.mark.django_db
def test_the_vocabulary_is_compiled_once_until_an_expert_changes_it() -> None:
    first = desk_engine()
    assert desk_engine().synonyms is first.synonyms  # not compiled again for the next search
    group = SynonymGroup.objects.create(terms="لنت\nپد ترمز")
    assert desk_engine().synonyms is not first.synonyms
    e = desk_engine()
    e.build([Document("pad", "تولید پد ترمز", "")])
    assert [h.id for h in e.rank(Document("q", "لنت", ""))] == ["pad"]
    group.is_active = False
    group.save()
    e = desk_engine()
    e.build([Document("pad", "تولید پد ترمز", "")])
    assert all(not hit.terms for hit in e.rank(Document("q", "لنت", "")))  # no longer the same word
    group.delete()
    assert desk_engine().synonyms is not e.synonyms
