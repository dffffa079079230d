"""The demo's revival cases: about ten, in several stages, every history a valid path of the revival table,
the same units for the same seed, and on the demo expert's pipeline page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for
from rownaq.demo.province import demo_province_build
from rownaq.demo.revival import demo_revival_build, demo_revival_cases
from rownaq.geography.models import Province
from rownaq.monitoring.models import RevivalStage
from rownaq.monitoring.revival import REVIVAL_STAGES, case_steps
from rownaq.registry.models import Unit, UnitStatus

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def demo(qom: Province) -> Province:
    demo_province_build(province=qom, units=150, seed=7, today=TODAY)
    summary = demo_revival_build(province=qom, seed=7, today=TODAY)
    assert 8 <= summary.cases <= 12
    assert demo_revival_build(province=qom, seed=7, today=TODAY).cases == 0  # once
    return qom


def test_the_demo_has_cases_in_several_stages_on_valid_paths(demo: Province) -> None:
    cases = list(demo_revival_cases(province=demo).prefetch_related("events", "steps"))
    stages = {case.stage for case in cases}
    assert stages == set(RevivalStage.values)
    for case in cases:
        assert REVIVAL_STAGES.path_errors(case_steps(case), final=case.stage) == [], case.pk
        assert case.diagnosis or case.stage == RevivalStage.IDENTIFIED
    restarted = [case for case in cases if case.stage == RevivalStage.RESTARTED]
    assert len(restarted) >= 2
    this_year = timezone.localdate().year
    for case in restarted:
        assert case.jobs_restored
        assert case.capacity_restored is not None
        assert case.restarted_on is not None
        assert case.restarted_on.year == this_year
        assert all(step.done for step in case.steps.all())
    abandoned = [case for case in cases if case.stage == RevivalStage.ABANDONED]
    assert all(case.abandon_reason for case in abandoned)


def test_the_same_seed_picks_the_same_units(demo: Province) -> None:
    first = sorted(demo_revival_cases(province=demo).values_list("unit__national_id", "stage"))
    # A restart made its unit active (with a status change): undo that, as before the first build.
    for case in demo_revival_cases(province=demo).filter(stage=RevivalStage.RESTARTED).select_related("unit"):
        change = case.unit.status_changes.order_by("-recorded_at", "-pk").first()
        assert change is not None
        assert change.new_status == UnitStatus.ACTIVE
        Unit.objects.filter(pk=case.unit_id).update(status=change.old_status)
        change.delete()
    demo_revival_cases(province=demo).delete()
    demo_revival_build(province=demo, seed=7, today=TODAY)
    assert sorted(demo_revival_cases(province=demo).values_list("unit__national_id", "stage")) == first


def test_the_demo_experts_pipeline_shows_the_cases(demo: Province) -> None:
    expert = User.objects.get(username="expert")
    page = browser_for(expert).get("/monitoring/revival/")
    assert page.status_code == 200
    html = page.content.decode()
    for case in demo_revival_cases(province=demo).select_related("unit"):
        assert f"/monitoring/revival/{case.pk}/" in html
        assert case.unit.name in html
