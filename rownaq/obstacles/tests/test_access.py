"""The rules of ``access`` the navigation asks: who has the case pages, who files, who has the referral list."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from rownaq.accounts.models import User
from rownaq.obstacles import access

pytestmark = pytest.mark.django_db

# persona: (sees cases, files cases, sees referrals)
PAGES = {
    "admin_user": (True, True, True),
    "expert": (True, True, True),
    "deputy": (True, False, True),
    "manager": (True, True, False),
    "bank_liaison": (True, False, True),
    "investor": (False, False, False),
}


@pytest.mark.parametrize("persona", list(PAGES))
def test_who_has_which_obstacle_pages(persona: str, request: pytest.FixtureRequest) -> None:
    user: User = request.getfixturevalue(persona)
    assert (access.sees_cases(user), access.can_file(user), access.sees_referrals(user)) == PAGES[persona]
    user.is_active = False
    assert (access.sees_cases(user), access.can_file(user), access.sees_referrals(user)) == (False, False, False)


def test_an_anonymous_visitor_has_none() -> None:
    anonymous = AnonymousUser()
    assert (access.sees_cases(anonymous), access.can_file(anonymous), access.sees_referrals(anonymous)) == (
        False,
        False,
        False,
    )
