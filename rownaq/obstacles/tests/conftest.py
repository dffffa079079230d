"""Obstacle fixtures: categories, and cases in any state (the agencies and their liaisons, ``bank_liaison``
and ``tax_liaison``, are shared in the root conftest).

Nothing here is autouse. Personas added to the shared ones: ``far_expert`` and ``far_deputy`` (province
staff of Isfahan, not Qom). The shared ``liaison`` is a bank that answers no category: a liaison of an
agency not referred to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from rownaq.accounts.models import AgencyCode, Organisation, OrganisationKind, Role, User
from rownaq.geography.models import County, Province
from rownaq.obstacles.models import (
    Case,
    CaseState,
    ObstacleCategory,
    OutcomeKind,
    Referral,
    ReferralState,
)
from rownaq.obstacles.tests.kit import Kit
from rownaq.registry.models import Unit


@pytest.fixture
def finance(db: Any) -> ObstacleCategory:
    """Access to finance: referred to the banks."""
    return ObstacleCategory.objects.create(
        code="t-finance", name="دسترسی به تأمین مالی", name_en="Access to finance", agency_codes=[AgencyCode.BANK]
    )


@pytest.fixture
def tax(db: Any) -> ObstacleCategory:
    """Tax administration: referred to the tax office."""
    return ObstacleCategory.objects.create(
        code="t-tax", name="مالیات", name_en="Tax administration", agency_codes=[AgencyCode.TAX]
    )


@pytest.fixture
def isfahan(db: Any) -> Province:
    return Province.objects.get(code="10")


@pytest.fixture
def far_expert(make_user: Callable[..., User], make_org: Callable[..., Organisation], isfahan: Province) -> User:
    smt = make_org("سازمان صنعت، معدن و تجارت استان اصفهان", OrganisationKind.SMT, isfahan)
    return make_user("far_expert", Role.SMT_EXPERT, smt)


@pytest.fixture
def far_deputy(make_user: Callable[..., User], make_org: Callable[..., Organisation], isfahan: Province) -> User:
    governorate = make_org("استانداری اصفهان", OrganisationKind.GOVERNORATE, isfahan)
    return make_user("far_deputy", Role.GOVERNORATE_DEPUTY, governorate)


@pytest.fixture
def far_unit(make_unit: Callable[..., Unit], make_org: Callable[..., Organisation], isfahan: Province) -> Unit:
    county = County.objects.filter(province=isfahan).order_by("pk").first()
    assert county is not None
    return make_unit("فولاد نمونه اصفهان", county=county, owner=make_org("شرکت فولاد نمونه", province=isfahan))


REFERRAL_BY_STATE: dict[str, str] = {
    CaseState.REFERRED: ReferralState.OPEN,
    CaseState.ON_AGENDA: ReferralState.OPEN,
    CaseState.DECIDED: ReferralState.OPEN,
    CaseState.ANSWERED: ReferralState.ANSWERED,
}


@pytest.fixture
def make_case(unit: Unit, finance: ObstacleCategory, manager: User, bank: Organisation) -> Callable[..., Case]:
    """A case put straight into ``state`` (fixtures only; the tests move it through the services).

    A case that has been referred gets an open referral to ``bank`` (an answered one when the state
    is ``answered``); a resolved or closed case has its outcome recorded.
    """

    def make(state: str = CaseState.SUBMITTED, *, referral: str | None = None, **fields: Any) -> Case:
        """``referral``: the state of the referral to ``bank`` to create, ``""`` for none; by default by ``state``."""
        defaults: dict[str, Any] = {
            "unit": unit,
            "category": finance,
            "title": "تأخیر در پرداخت تسهیلات سرمایه در گردش",
            "description": "بانک پس از شش ماه هنوز پاسخی نداده است.",
            "filed_by": manager,
            "amount": 5_000_000_000,
            "state": state,
        }
        if state in (CaseState.RESOLVED, CaseState.CLOSED):
            defaults.update(outcome_kind=OutcomeKind.MONEY_RELEASED, outcome_note="تسهیلات پرداخت شد.")
        defaults.update(fields)
        case = Case.objects.create(**defaults)
        case.agencies_concerned.add(bank)  # the manager names the bank the finance obstacle is with
        if referral is None:
            referral = REFERRAL_BY_STATE.get(state, "")
        if referral:
            Referral.objects.create(
                case=case,
                agency=bank,
                referred_by=manager,
                working_days=10,
                due_on=timezone.localdate(case.filed_at),
                state=referral,
                answer="پاسخ بانک" if referral == ReferralState.ANSWERED else "",
            )
        return case

    return make


@pytest.fixture
def kit(
    make_case: Callable[..., Case], bank: Organisation, tax_office: Organisation, bank_liaison: User, tax_liaison: User
) -> Kit:
    """A merge target, Qom's bank and tax office (with their liaisons), and a second finance category."""
    finance_too = ObstacleCategory.objects.create(
        code="t-guarantee", name="ضمانت‌نامه بانکی", name_en="Bank guarantees", agency_codes=[AgencyCode.BANK]
    )
    target = make_case(CaseState.ACCEPTED, title="پرونده تکراری")
    return Kit(make_case, target, bank, tax_office, finance_too)
