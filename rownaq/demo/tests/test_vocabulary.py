"""The demo's texts are data: the files read cleanly, refer to each other correctly, and no Python module of the
demo app holds a Persian text of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rownaq.demo import vocabulary
from rownaq.demo.vocabulary import DATA_DIR
from rownaq.exhibitions.models import ExhibitionKind
from rownaq.hq.models import RegulationKind
from rownaq.needs.models import DeclineReason, NeedKind, ProposalState
from rownaq.obstacles.models import ObstacleCategory, OutcomeKind
from rownaq.registry.models import UnitStatus

APP_DIR = Path(vocabulary.__file__).resolve().parent
PERSIAN = re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]")


def modules() -> list[Path]:
    return sorted(path for path in APP_DIR.rglob("*.py") if "tests" not in path.relative_to(APP_DIR).parts)


def test_no_python_module_holds_a_persian_text() -> None:
    found = [
        f"{path.relative_to(APP_DIR)}:{number}"
        for path in modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PERSIAN.search(line)
    ]
    assert found == []


def test_every_data_file_is_read() -> None:
    files = {path.relative_to(DATA_DIR).as_posix() for path in DATA_DIR.rglob("*") if path.is_file()}
    source = (APP_DIR / "vocabulary.py").read_text(encoding="utf-8")
    unread = [
        name
        for name in sorted(files - {"README.md"})
        if Path(name).stem not in source and not name.endswith("phrases.csv")
    ]
    assert unread == []
    for name in files:
        text = (DATA_DIR / name).read_text(encoding="utf-8")
        assert text.endswith("\n"), name
        assert "\r" not in text, name


def test_every_phrase_the_code_uses_exists() -> None:
    phrases = {
        "units": vocabulary.units().phrases,
        "desk": vocabulary.desk().phrases,
        "cases": vocabulary.cases().phrases,
    }
    known = set().union(*phrases.values())
    used = {key for path in modules() for key in re.findall(r'phrases\["(\w+)"\]', path.read_text(encoding="utf-8"))}
    assert used
    assert used <= known
    for texts in phrases.values():
        assert all(texts.values())


def test_units_vocabulary_is_consistent() -> None:
    words = vocabulary.units()
    assert set(words.qom_sector_weights) <= set(words.sectors)
    assert set(words.national_sector_weights) <= set(words.sectors)
    assert {sector for boosts in words.province_sector_boosts.values() for sector in boosts} <= set(words.sectors)
    assert set(words.province_sector_boosts) <= set(words.provinces) == set(words.province_units)
    assert sum(words.province_units.values()) == 90_000
    for spec in words.sectors.values():
        assert spec.types
        assert spec.cores
        assert spec.products
        assert all(0 < p.capacity[0] <= p.capacity[1] for p in spec.products)
        assert all(p.hs_code == "" or (len(p.hs_code) == 6 and p.hs_code.isdigit()) for p in spec.products)
    assert set(words.status_notes) == {UnitStatus.SEMI_ACTIVE, UnitStatus.IDLE, UnitStatus.CLOSED, "revived"}
    assert [user.username for user in words.users] == list(dict.fromkeys(user.username for user in words.users))
    assert {showcase.sector for showcase in words.showcase} <= set(words.sectors)
    assert len(words.showcase) == 2
    assert all(len(template.split("{p}")) == 2 for template in (*words.knowledge_firms, *words.investors))


def test_desk_vocabulary_is_consistent() -> None:
    words = vocabulary.desk()
    assert words.needs.keys() == words.capabilities.keys() == words.posters.keys()
    assert all(need.kind in NeedKind.values for needs in words.needs.values() for need in needs)
    assert set(words.decline_notes) == set(DeclineReason.values)
    assert set(words.halls) == {ExhibitionKind.NEEDS_DESK, ExhibitionKind.SMALL_INDUSTRIES}
    owners = {f"org:{key}" for key in words.organisations} | {f"uni:{key}" for key in words.universities}
    owners |= {f"know:{index}" for index in range(len(vocabulary.units().knowledge_firms))}
    owners |= {"park", "unit", "uni:tvu", "uni:jahad"}
    assert {c.owner for capabilities in words.capabilities.values() for c in capabilities} <= owners
    titles = {c.title for capabilities in words.capabilities.values() for c in capabilities}
    for need in words.manager_needs:
        assert 0 <= need.index < len(words.needs[need.group])
        assert all(title in titles and state in ProposalState.values for title, state in need.proposals)
    assert "" in words.visitor_organisations  # some visitors come on their own


@pytest.mark.django_db
def test_cases_vocabulary_is_consistent() -> None:
    words = vocabulary.cases()
    assert set(words.stories) <= set(ObstacleCategory.objects.values_list("code", flat=True))
    for story in words.stories.values():
        assert story.weight > 0
        assert all((story.titles, story.answers, story.outcome_notes, story.resolutions))
        assert story.outcome in OutcomeKind.values
        assert story.amount is None or 0 < story.amount[0] <= story.amount[1]
        assert all("{agency}" in agency for agency, _ in story.resolutions)
    assert all(r.kind in RegulationKind.values and set(r.codes) <= set(words.stories) for r in words.regulations)
