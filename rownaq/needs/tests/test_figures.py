"""The desk's figures for a county, a province, two provinces and the nation, for a period and a person; and
the QuerySets' ``in_places`` and ``visible_to`` they are built on.

Three units: the factory in Qom's county of Qom, one in another county of Qom, one in another province.
Each posts a need answered by the lab (Qom); two agreements are delivered this year, one last year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.core.jalali import jalali_today
from rownaq.core.periods import Period
from rownaq.geography.models import County, Province
from rownaq.geography.places import Places
from rownaq.needs import figures, services
from rownaq.needs.models import Capability, DomesticTarget, Need, NeedState, Proposal, ProposalState
from rownaq.needs.tests.desk import Desk, post_need
from rownaq.needs.workflow import act, agreement_deliver, proposal_message, proposal_submit
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

THIS_YEAR = Period.whole_year(jalali_today().year)
LAST_YEAR = Period.whole_year(jalali_today().year - 1)


@dataclass
class Scene:
    qom: Province
    county: County  # the county of Qom
    other_county: County  # another county of Qom
    far: Province
    needs: dict[str, Need]
    proposals: dict[str, Proposal]
    far_capability: Capability


@pytest.fixture
def scene(
    qom: Province,
    qom_county: County,
    unit: Unit,
    manager: User,
    desk: Desk,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    make_unit: Callable[..., Unit],
) -> Scene:
    other_county = County.objects.filter(province=qom).exclude(pk=qom_county.pk).order_by("pk").first()
    far = Province.objects.exclude(pk=qom.pk).order_by("code").first()
    assert other_county is not None
    assert far is not None
    far_county = County.objects.filter(province=far).order_by("pk").first()
    near_org, far_org = make_org("شرکت نزدیک"), make_org("شرکت دور", province=far)
    near_manager = make_user("near_manager", Role.UNIT_MANAGER, near_org)
    far_manager = make_user("far_manager", Role.UNIT_MANAGER, far_org)
    near_unit = make_unit("واحد نزدیک", county=other_county, owner=near_org)
    far_unit = make_unit("واحد دور", county=far_county, owner=far_org)
    far_lab = make_user("far_lab", Role.KNOWLEDGE_MEMBER, make_org("دانشگاه دور", OrganisationKind.UNIVERSITY, far))
    far_capability = services.capability_post(by=far_lab, title="ریخته‌گری دقیق", description="ریخته‌گری قطعات")

    needs = {
        "here": post_need(unit, manager, title="قالب تزریق"),
        "here_open": post_need(unit, manager, title="یاتاقان"),
        "near": post_need(near_unit, near_manager, title="بلبرینگ"),
        "far": post_need(far_unit, far_manager, title="قالب دور"),
    }
    sides = {"here": manager, "here_open": manager, "near": near_manager, "far": far_manager}
    proposals = {
        name: proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
        for name, need in needs.items()
    }
    # The factory answered after ten days; the others on the day.
    Proposal.objects.filter(pk=proposals["here"].pk).update(submitted_at=timezone.now() - dt.timedelta(days=10))
    for name, proposal in proposals.items():
        proposal_message(proposal=proposal, by=sides[name], text="دریافت شد")
    today = timezone.localdate()
    for name, value, replaced, delivered in (
        ("here", 1_000, 4_000, today),
        ("near", 2_000, None, today),
        ("far", 8_000, None, LAST_YEAR.last_day),
    ):
        accepted = act(proposal=proposals[name], action="accept", by=sides[name], value=value, signed_on=today)
        agreement_deliver(
            agreement=accepted.agreement,
            by=sides[name],
            delivered_on=delivered,
            import_value_replaced=replaced,
            currency_saved_usd=Decimal("10"),
        )
    act(proposal=proposals["here_open"], action="shortlist", by=manager)
    DomesticTarget.objects.create(province=qom, year=THIS_YEAR.year, value=60_000)
    DomesticTarget.objects.create(province=far, year=THIS_YEAR.year, value=40_000)
    return Scene(qom, qom_county, other_county, far, needs, proposals, far_capability)


def states(activity: figures.Activity) -> dict[str, int]:
    labels = dict(ProposalState.choices)
    return {value: dict(activity.proposal_states)[labels[value]] for value in ProposalState.values}


def test_in_places_scopes_needs_proposals_and_capabilities(scene: Scene, desk: Desk) -> None:
    county, province = Places.county(scene.county), Places.province(scene.qom)
    both, nation = Places.provinces([scene.qom, scene.far]), Places.whole_nation()
    here = {scene.needs["here"].pk, scene.needs["here_open"].pk}
    assert set(Need.objects.in_places(county).values_list("pk", flat=True)) == here
    assert set(Need.objects.in_places(province).values_list("pk", flat=True)) == here | {scene.needs["near"].pk}
    assert Need.objects.in_places(both).count() == Need.objects.in_places(nation).count() == 4
    assert Proposal.objects.in_places(Places.county(scene.other_county)).get() == scene.proposals["near"]
    assert Proposal.objects.in_places(Places.province(scene.far)).get() == scene.proposals["far"]
    # A capability has a province only: a county's places hold the capabilities of its province.
    qom_capabilities = {desk.capability.pk, desk.firm_capability.pk}
    assert set(Capability.objects.in_places(county).values_list("pk", flat=True)) == qom_capabilities
    assert set(Capability.objects.in_places(province).values_list("pk", flat=True)) == qom_capabilities
    assert Capability.objects.in_places(Places.province(scene.far)).get() == scene.far_capability
    assert Capability.objects.in_places(nation).count() == 3


def test_visible_to_delegates_to_the_access_rules(scene: Scene, desk: Desk, manager: User, investor: User) -> None:
    assert Need.objects.visible_to(investor).count() == 4  # every logged-in person finds every need
    assert set(Proposal.objects.visible_to(manager)) == {scene.proposals["here"], scene.proposals["here_open"]}
    assert Proposal.objects.visible_to(desk.lab).count() == 4
    assert not Proposal.objects.visible_to(investor).exists()
    Capability.objects.filter(pk=desk.firm_capability.pk).update(is_public=False)
    assert desk.firm_capability not in Capability.objects.visible_to(investor)
    assert desk.firm_capability in Capability.objects.visible_to(desk.firm)


def counts(activity: figures.Activity) -> tuple[int, int, int, int]:
    return activity.open_needs, activity.capabilities, activity.agreements, activity.agreements_value


def test_the_figures_of_a_county(scene: Scene) -> None:
    places = Places.county(scene.county)
    activity = figures.activity(places)
    assert counts(activity) == (1, 2, 1, 1_000)
    assert states(activity)[ProposalState.SHORTLISTED] == 1
    domestic = figures.domestic_manufacture(places, THIS_YEAR)
    assert (domestic.delivered, domestic.domestic_value) == (1, 4_000)
    assert (domestic.target, domestic.target_share) == (None, None)  # a county has no target of its own
    county_proposals = Proposal.objects.filter(need__unit__county=scene.county)
    assert figures.reply_times(places) == figures.median_reply_days(county_proposals)
    assert figures.reply_times(places) > 0  # type: ignore[operator]  # the factory took ten days once


def test_the_figures_of_a_province(scene: Scene) -> None:
    places = Places.province(scene.qom)
    assert counts(figures.activity(places)) == (1, 2, 2, 3_000)
    domestic = figures.domestic_manufacture(places, THIS_YEAR)
    # The imports replaced, or the agreement's value when none is given; against the province's target.
    assert (domestic.delivered, domestic.domestic_value, domestic.currency_saved) == (2, 6_000, Decimal("20"))
    assert (domestic.target, domestic.target_share) == (60_000, 0.1)
    assert figures.domestic_manufacture(places, LAST_YEAR).delivered == 0
    assert figures.domestic_manufacture(places).delivered == 2  # ever


def test_the_figures_of_two_provinces_and_of_the_nation(scene: Scene) -> None:
    for places in (Places.provinces([scene.qom, scene.far]), Places.whole_nation()):
        activity = figures.activity(places)
        assert (activity.open_needs, activity.capabilities, activity.agreements) == (1, 3, 3)
        assert states(activity) == {
            ProposalState.SUBMITTED: 0,
            ProposalState.SHORTLISTED: 1,
            ProposalState.ACCEPTED: 3,
            ProposalState.DECLINED: 0,
            ProposalState.WITHDRAWN: 0,
        }
        this_year = figures.domestic_manufacture(places, THIS_YEAR)
        assert (this_year.delivered, this_year.domestic_value, this_year.target) == (2, 6_000, 100_000)
        last_year = figures.domestic_manufacture(places, LAST_YEAR)
        assert (last_year.delivered, last_year.domestic_value, last_year.target) == (1, 8_000, None)
        assert figures.reply_times(places) == figures.median_reply_days(Proposal.objects.all())
    assert figures.reply_times(Places.province(scene.far)) == 0


def test_the_figures_a_person_may_see_and_of_a_period(scene: Scene, desk: Desk, manager: User) -> None:
    nation = Places.whole_nation()
    mine = figures.activity(nation, visible=manager)
    assert (mine.agreements, states(mine)[ProposalState.SHORTLISTED]) == (1, 1)
    assert figures.domestic_manufacture(nation, THIS_YEAR, visible=manager).domestic_value == 4_000
    assert figures.activity(nation, LAST_YEAR).agreements == 0  # signed this year
    assert figures.activity(nation, THIS_YEAR).agreements == 3
    shown = figures.desk_figures(Places.province(scene.qom))
    assert shown.period == THIS_YEAR
    assert (shown.activity.open_needs, shown.domestic.domestic_value, shown.domestic.target) == (1, 6_000, 60_000)
    assert shown.median_reply_days == figures.reply_times(Places.province(scene.qom))
    assert Need.objects.get(pk=scene.needs["here"].pk).state == NeedState.AGREED
