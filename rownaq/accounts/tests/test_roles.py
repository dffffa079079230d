"""Roles: who counts as province staff, who edits the registry, and which provinces a person's rights reach."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.geography.models import Province

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "staff", "expert"),
    [
        (Role.SYSTEM_ADMIN, True, True),
        (Role.GOVERNORATE_DEPUTY, True, False),
        (Role.SMT_EXPERT, True, True),
        (Role.AGENCY_LIAISON, False, False),
        (Role.UNIT_MANAGER, False, False),
        (Role.KNOWLEDGE_MEMBER, False, False),
        (Role.INVESTOR, False, False),
    ],
)
def test_each_role_is_staff_and_expert_or_not(
    make_user: Callable[..., User], smt_org: Organisation, role: str, staff: bool, expert: bool
) -> None:
    user = make_user(f"user-{role}", role, smt_org)
    assert user.is_province_staff is staff
    assert user.is_expert is expert
    assert user.can_edit_registry is expert


def test_a_deactivated_account_keeps_no_right(expert: User) -> None:
    expert.is_active = False
    assert not expert.is_province_staff
    assert not expert.is_expert


def test_a_superuser_of_any_role_acts_as_staff(make_user: Callable[..., User]) -> None:
    root = make_user("root", Role.INVESTOR, is_superuser=True)
    assert root.is_province_staff
    assert root.is_expert


def test_rights_reach_the_own_province_or_every_province_for_national_staff(
    expert: User, make_user: Callable[..., User], make_org: Callable[..., Organisation], qom: Province
) -> None:
    tehran = Province.objects.get(code="23")
    assert expert.province_id == qom.pk
    assert expert.serves_province(qom.pk)
    assert not expert.serves_province(tehran.pk)
    assert expert.serves_province(None)  # what belongs to no province
    national = make_user("national", Role.SMT_EXPERT, make_org("وزارت صمت", OrganisationKind.SMT, province=None))
    assert national.province_id is None
    assert national.serves_province(tehran.pk)
    assert national.serves_province(qom.pk)
    nobody = make_user("no-org", Role.SMT_EXPERT)
    assert nobody.province_id is None


def test_names_are_stored_normalised(make_org: Callable[..., Organisation]) -> None:
    org = make_org("شركت كاشي يزد")  # Arabic kaf and yeh
    org.refresh_from_db()
    assert org.name == "شرکت کاشی یزد"
