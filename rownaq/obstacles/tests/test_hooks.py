"""The hook through which apps above obstacles hold a case's outcome back (``obstacles.hooks``): obstacles asks
the registered checks and knows none of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.exceptions import PermissionDenied

from rownaq.accounts.models import User
from rownaq.obstacles import actions, hooks, workflow
from rownaq.obstacles.models import Case, CaseState

pytestmark = pytest.mark.django_db
OUTCOME = {"outcome_kind": "money_released", "outcome_note": "تسهیلات پرداخت شد"}


@pytest.fixture
def held_back(make_case: Callable[..., Case]) -> Iterator[Case]:
    """An answered case that a registered check says still has something open."""
    case = make_case(CaseState.ANSWERED)

    def check(asked: Case) -> list[str]:
        return ["بازدید کارشناس هنوز انجام نشده است."] if asked.pk == case.pk else []

    hooks.register_outcome_check(check)
    hooks.register_outcome_check(check)  # registered once however often
    yield case
    hooks.unregister_outcome_check(check)


def test_a_registered_check_holds_the_outcome_back_until_the_person_says_why(
    held_back: Case, expert: User, manager: User
) -> None:
    assert hooks.open_matters(held_back) == ["بازدید کارشناس هنوز انجام نشده است."]
    with pytest.raises(workflow.CaseError, match="بازدید کارشناس"):
        actions.act(case=held_back, action="resolve", by=expert, data=OUTCOME)
    with pytest.raises(workflow.CaseError, match="بازدید کارشناس"):
        actions.act(case=held_back, action="resolve", by=expert, data={**OUTCOME, "reason": "   "})
    with pytest.raises(PermissionDenied):  # someone who may not resolve learns nothing of what is open
        actions.act(case=held_back, action="resolve", by=manager, data=OUTCOME)
    actions.act(case=held_back, action="resolve", by=expert, data={**OUTCOME, "reason": "بازدید لازم نبود."})
    assert held_back.state == CaseState.RESOLVED
    event = held_back.events.get(action="resolve")
    assert "بازدید لازم نبود." in event.comment
    assert event.data == {"open": ["بازدید کارشناس هنوز انجام نشده است."], "reason": "بازدید لازم نبود."}


def test_with_nothing_open_the_outcome_is_recorded_as_before(make_case: Callable[..., Case], expert: User) -> None:
    case = make_case(CaseState.ANSWERED)
    assert hooks.open_matters(case) == []
    actions.act(case=case, action="resolve", by=expert, data=OUTCOME)
    assert case.events.get(action="resolve").comment == OUTCOME["outcome_note"]
