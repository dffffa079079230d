"""Stored matches: computed in the background after a change, public capabilities only, idempotent."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from rownaq.accounts.models import Organisation, User
from rownaq.core.testing import run_worker
from rownaq.needs import services
from rownaq.needs.matching_jobs import recompute_all, recompute_capability, recompute_need
from rownaq.needs.models import Capability, Match, Need
from rownaq.needs.tests.desk import Desk, make_desk, post_need
from rownaq.registry.models import Unit


def stored(need: Need) -> list[tuple[int, int, float, dict[str, Any]]]:
    return [(m.capability_id, m.rank, m.score, m.reasons) for m in Match.objects.filter(need=need).order_by("rank")]


@pytest.mark.django_db
def test_recomputing_twice_stores_the_same_rows(unit: Unit, manager: User, desk: Desk) -> None:
    need = post_need(unit, manager)
    assert recompute_need(need.pk) >= 1
    first = stored(need)
    assert first[0][0] == desk.capability.pk
    assert set(first[0][3]) == {"terms", "codes", "same_province", "related"}
    assert recompute_need(need.pk) == len(first)
    assert stored(need) == first
    assert recompute_need(987654) == 0  # a need that no longer exists


@pytest.mark.django_db
def test_only_public_capabilities_are_matched_and_at_most_the_setting(
    unit: Unit, manager: User, desk: Desk, settings: Any
) -> None:
    for i in range(4):
        services.capability_post(
            by=desk.firm, title=f"قالب تزریق پلاستیک نوع {i}", description="ساخت قالب تزریق پلاستیک"
        )
    hidden = services.capability_post(
        by=manager, title="قالب تزریق پلاستیک درپوش", description="قالب تزریق پلاستیک درپوش", is_public=False
    )
    settings.ROWNAQ_MATCHES_PER_NEED = 3
    other = post_need(unit, manager)
    recompute_need(other.pk)
    rows = stored(other)
    assert [rank for _c, rank, _s, _r in rows] == [1, 2, 3]
    assert hidden.pk not in [c for c, *_ in rows]


@pytest.mark.django_db
def test_a_capability_leaving_the_catalogue_leaves_the_matches(unit: Unit, manager: User, desk: Desk) -> None:
    need = post_need(unit, manager)
    recompute_need(need.pk)
    assert desk.capability.pk in [c for c, *_ in stored(need)]
    services.capability_update(capability=desk.capability, by=desk.lab, is_public=False)
    recompute_capability(desk.capability.pk)
    assert desk.capability.pk not in [c for c, *_ in stored(need)]
    services.capability_update(capability=desk.capability, by=desk.lab, is_public=True)
    recompute_capability(desk.capability.pk)
    assert desk.capability.pk in [c for c, *_ in stored(need)]


@pytest.mark.django_db
def test_a_capability_of_another_province_joins_the_matches_when_it_changes(
    unit: Unit, manager: User, desk: Desk
) -> None:
    from rownaq.geography.models import Province

    need = post_need(unit, manager)
    recompute_need(need.pk)
    tehran = Province.objects.exclude(pk=unit.county.province_id).first()
    assert tehran is not None
    elsewhere = services.capability_post(
        by=desk.firm, title="قالب تزریق پلاستیک درپوش", description="ساخت قالب تزریق پلاستیک برای درپوش"
    )
    Capability.objects.filter(pk=elsewhere.pk).update(province=tehran)
    recompute_capability(elsewhere.pk)  # the need itself did not change
    assert elsewhere.pk in [c for c, *_ in stored(need)]


@pytest.mark.django_db
def test_the_command_recomputes_every_need(unit: Unit, manager: User, desk: Desk) -> None:
    needs = [post_need(unit, manager), post_need(unit, manager, title="قالب تزریق پلاستیک سبد")]
    out = io.StringIO()
    call_command("recompute_matches", stdout=out)
    assert all(Match.objects.filter(need=n).exists() for n in needs)
    assert "matches" in out.getvalue()
    count = Match.objects.count()
    assert recompute_all() == count


@pytest.mark.django_db(transaction=True)
def test_saving_enqueues_the_matching_after_commit(
    unit: Unit, manager: User, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    desk = make_desk(make_org, make_user)  # two capabilities: two tasks
    need = post_need(unit, manager)
    assert DBTaskResult.objects.count() == 3
    run_worker()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert Match.objects.filter(need=need, capability=desk.capability, rank=1).exists()

    # A new capability brings itself into the matches of the province's open needs.
    newcomer = services.capability_post(
        by=desk.firm, title="قالب تزریق پلاستیک درپوش بطری", description="ساخت قالب تزریق پلاستیک برای درپوش"
    )
    run_worker()
    assert Match.objects.filter(need=need, capability=newcomer).exists()
