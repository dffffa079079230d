"""Scope once: cases and referrals of a county, a province, two provinces or the nation (``in_places``), what a
person sees (``visible_to``, the rule of ``access``), and the obstacle figures of those places."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.core.periods import Period
from rownaq.geography.models import County, Province
from rownaq.geography.places import Places
from rownaq.obstacles.access import cases_visible_to, referrals_visible_to
from rownaq.obstacles.figures import case_figures
from rownaq.obstacles.models import Case, CaseState, Referral
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db
S = CaseState


@pytest.fixture
def spread(
    make_case: Callable[..., Case],
    make_unit: Callable[..., Unit],
    qom: Province,
    qom_county: County,
    far_unit: Unit,
) -> dict[str, Case]:
    """An overdue referred case in Qom county, a submitted one in another county of Qom, one in Isfahan and a
    closed one in a third province."""
    other_county = County.objects.filter(province=qom).exclude(pk=qom_county.pk).order_by("pk").first()
    third = County.objects.exclude(province__in=[qom, far_unit.county.province]).order_by("pk").first()
    assert other_county is not None
    assert third is not None
    cases = {
        "qom": make_case(S.REFERRED),
        "qom_other_county": make_case(unit=make_unit("ریخته‌گری نمونه", county=other_county)),
        "isfahan": make_case(S.ACCEPTED, unit=far_unit),
        "third": make_case(S.CLOSED, unit=make_unit("نساجی نمونه", county=third)),
    }
    Referral.objects.filter(case=cases["qom"]).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    return cases


def places_of(name: str, spread: dict[str, Case], qom: Province, qom_county: County) -> Places:
    return {
        "county": Places.county(qom_county),
        "province": Places.province(qom),
        "two provinces": Places.provinces([qom, spread["isfahan"].unit.county.province_id]),
        "nation": Places.whole_nation(),
    }[name]


EXPECTED = {
    "county": {"qom"},
    "province": {"qom", "qom_other_county"},
    "two provinces": {"qom", "qom_other_county", "isfahan"},
    "nation": {"qom", "qom_other_county", "isfahan", "third"},
}


@pytest.mark.parametrize("where", list(EXPECTED))
def test_cases_and_referrals_in_places(where: str, spread: dict[str, Case], qom: Province, qom_county: County) -> None:
    places = places_of(where, spread, qom, qom_county)
    names = {case.pk: name for name, case in spread.items()}
    assert {names[case.pk] for case in Case.objects.in_places(places)} == EXPECTED[where]
    referred = {names[referral.case_id] for referral in Referral.objects.in_places(places)}
    assert referred == EXPECTED[where] & {"qom"}  # only the referred case has a referral


@pytest.mark.parametrize("persona", ["expert", "far_expert", "admin_user", "manager", "bank_liaison", "investor"])
def test_visible_to_is_the_access_rule(
    persona: str, spread: dict[str, Case], request: pytest.FixtureRequest, qom: Province
) -> None:
    user: User = request.getfixturevalue(persona)
    assert set(Case.objects.visible_to(user)) == set(cases_visible_to(user))
    assert set(Referral.objects.visible_to(user)) == set(referrals_visible_to(user))
    in_qom = Case.objects.in_places(Places.province(qom)).visible_to(user)
    assert set(in_qom) == set(cases_visible_to(user)) & set(Case.objects.in_places(Places.province(qom)))


@pytest.mark.parametrize("where", list(EXPECTED))
def test_case_figures_of_places(where: str, spread: dict[str, Case], qom: Province, qom_county: County) -> None:
    places = places_of(where, spread, qom, qom_county)
    figures = case_figures(places, visible=Case.objects.all())
    assert figures.open_cases == len(EXPECTED[where] - {"third"})  # the third province's case is closed
    assert figures.overdue_referrals == ("qom" in EXPECTED[where])
    assert figures.filed is None


def test_case_figures_of_a_period_and_of_what_a_person_sees(
    spread: dict[str, Case], qom: Province, bank_liaison: User, far_expert: User
) -> None:
    nation = Places.whole_nation()
    this_month = Period.current("month")
    long_ago = timezone.now() - dt.timedelta(days=400)
    Case.objects.filter(pk=spread["qom_other_county"].pk).update(filed_at=long_ago)
    assert case_figures(nation, this_month, visible=Case.objects.all()).filed == 3
    assert (
        case_figures(nation, Period.containing(timezone.localdate(long_ago), "month"), visible=Case.objects.all()).filed
        == 1
    )
    # An agency liaison sees the case referred to their agency only; an Isfahan expert their province's.
    liaison_sees = case_figures(nation, this_month, visible=Case.objects.visible_to(bank_liaison))
    assert (liaison_sees.open_cases, liaison_sees.overdue_referrals, liaison_sees.filed) == (1, 1, 1)
    far_sees = case_figures(Places.province(qom), visible=Case.objects.visible_to(far_expert))
    assert (far_sees.open_cases, far_sees.overdue_referrals) == (0, 0)
