"""The demo's field visits: planned and made, by the SMT expert and the bank's liaison, some flagged, saved
once per seed; a red visit to an idle unit offers the expert a revival case."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for
from rownaq.demo.province import demo_province_build
from rownaq.demo.revival import demo_revival_build
from rownaq.demo.visits import demo_visits_build
from rownaq.geography.models import Province
from rownaq.monitoring import visits
from rownaq.monitoring.access import REVIVABLE_STATUSES
from rownaq.monitoring.visit_models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(qom: Province) -> Province:
    today = timezone.localdate()
    demo_province_build(province=qom, units=150, seed=7, today=today)
    demo_revival_build(province=qom, seed=7, today=today)
    summary = demo_visits_build(province=qom, seed=7, today=today)
    assert summary.visits == 7
    assert demo_visits_build(province=qom, seed=7, today=today).visits == 0  # once
    return qom


def test_the_demo_has_planned_and_made_visits_by_the_expert_and_an_agency_some_flagged(demo: Province) -> None:
    expert = User.objects.get(username="expert")
    bank = User.objects.get(username="bank")
    all_visits = list(Visit.objects.select_related("unit__county"))
    assert {v.agency_id for v in all_visits} == {expert.organisation_id, bank.organisation_id}
    assert all(v.unit.county.province_id == demo.pk for v in all_visits)
    made = [v for v in all_visits if v.is_done]
    planned = [v for v in all_visits if not v.is_done]
    assert len(made) == 4
    assert len(planned) == 3
    assert {v.flag for v in made} == {"green", "yellow", "red"}
    assert all(v.notes for v in made)
    assert all(v.planned_on > timezone.localdate() and not v.flag for v in planned)
    red_idle = [v for v in made if v.flag == "red" and v.unit.status in REVIVABLE_STATUSES]
    assert red_idle
    assert visits.may_open_revival(expert, red_idle[0])
    page = browser_for(bank).get("/monitoring/visits/").content.decode()
    assert 'id="my-planned-visits"' in page  # the liaison's own planned visit, kept for recording offline
