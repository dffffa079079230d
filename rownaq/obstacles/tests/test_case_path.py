"""The case page shows where the case stands: the main path's steps, done ones dated, the current one marked,
and the detours (at the HQ, reopened) and exits (rejected, merged) that happened."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for
from rownaq.core.jalali import format_jalali
from rownaq.obstacles.models import Case, CaseEvent, CaseState
from rownaq.obstacles.path import PathStep, StepStatus, case_path

S = CaseState
DAY0 = dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)

# (action, from, to) of a case's history, one day apart.
TO_CLOSED = [
    ("file", "", S.SUBMITTED),
    ("accept", S.SUBMITTED, S.ACCEPTED),
    ("refer", S.ACCEPTED, S.REFERRED),
    ("answer", S.REFERRED, S.ANSWERED),
    ("resolve", S.ANSWERED, S.RESOLVED),
    ("confirm", S.RESOLVED, S.CLOSED),
]


def history(*steps: tuple[str, str, str]) -> list[CaseEvent]:
    return [
        CaseEvent(action=a, from_state=f, to_state=t, at=DAY0 + dt.timedelta(days=i))
        for i, (a, f, t) in enumerate(steps)
    ]


def shape(path: list[PathStep]) -> list[tuple[str, str, int | None]]:
    """(state, status, day of the history it is dated by) of each step."""
    return [(s.state, s.status, None if s.at is None else (s.at - DAY0).days) for s in path]


def test_a_new_case_is_filed_and_awaits_everything_else() -> None:
    assert shape(case_path(S.SUBMITTED, history(TO_CLOSED[0]))) == [
        (S.SUBMITTED, StepStatus.CURRENT, 0),
        (S.ACCEPTED, StepStatus.TODO, None),
        (S.REFERRED, StepStatus.TODO, None),
        (S.ANSWERED, StepStatus.TODO, None),
        (S.RESOLVED, StepStatus.TODO, None),
        (S.CLOSED, StepStatus.TODO, None),
    ]


def test_a_referred_case_has_its_done_steps_dated() -> None:
    assert shape(case_path(S.REFERRED, history(*TO_CLOSED[:3]))) == [
        (S.SUBMITTED, StepStatus.DONE, 0),
        (S.ACCEPTED, StepStatus.DONE, 1),
        (S.REFERRED, StepStatus.CURRENT, 2),
        (S.ANSWERED, StepStatus.TODO, None),
        (S.RESOLVED, StepStatus.TODO, None),
        (S.CLOSED, StepStatus.TODO, None),
    ]


def test_a_closed_case_went_the_whole_way() -> None:
    path = case_path(S.CLOSED, history(*TO_CLOSED))
    assert [s.status for s in path] == [StepStatus.DONE] * 5 + [StepStatus.CURRENT]
    assert [s.at for s in path] == [DAY0 + dt.timedelta(days=i) for i in range(6)]


def test_the_hq_is_a_detour_shown_only_when_taken_and_skipped_steps_say_so() -> None:
    events = history(
        *TO_CLOSED[:3],
        ("put_on_agenda", S.REFERRED, S.ON_AGENDA),
        ("decide", S.ON_AGENDA, S.DECIDED),
        ("resolve", S.DECIDED, S.RESOLVED),
    )
    assert shape(case_path(S.RESOLVED, events)) == [
        (S.SUBMITTED, StepStatus.DONE, 0),
        (S.ACCEPTED, StepStatus.DONE, 1),
        (S.REFERRED, StepStatus.DONE, 2),
        (S.ANSWERED, StepStatus.SKIPPED, None),
        (S.ON_AGENDA, StepStatus.DONE, 3),
        (S.DECIDED, StepStatus.DONE, 4),
        (S.RESOLVED, StepStatus.CURRENT, 5),
        (S.CLOSED, StepStatus.TODO, None),
    ]
    assert [s.side for s in case_path(S.ON_AGENDA, events[:4])] == [False] * 4 + [True, False, False]


def test_a_rejected_case_ends_at_its_exit() -> None:
    events = history(TO_CLOSED[0], ("reject", S.SUBMITTED, S.REJECTED))
    assert shape(case_path(S.REJECTED, events)) == [(S.SUBMITTED, StepStatus.DONE, 0), (S.REJECTED, "current", 1)]
    merged = history(*TO_CLOSED[:2], ("merge", S.ACCEPTED, S.MERGED))
    assert [(s.state, s.side) for s in case_path(S.MERGED, merged)] == [
        (S.SUBMITTED, False),
        (S.ACCEPTED, False),
        (S.MERGED, True),
    ]


def test_a_reopened_case_starts_a_new_round() -> None:
    reopened = history(*TO_CLOSED, ("reopen", S.CLOSED, S.REOPENED))
    assert shape(case_path(S.REOPENED, reopened)) == [
        (S.SUBMITTED, StepStatus.DONE, 0),
        (S.ACCEPTED, StepStatus.DONE, 1),
        (S.REOPENED, StepStatus.CURRENT, 6),
        (S.REFERRED, StepStatus.TODO, None),
        (S.ANSWERED, StepStatus.TODO, None),
        (S.RESOLVED, StepStatus.TODO, None),
        (S.CLOSED, StepStatus.TODO, None),
    ]
    referred_again = history(*TO_CLOSED, ("reopen", S.CLOSED, S.REOPENED), ("refer", S.REOPENED, S.REFERRED))
    assert shape(case_path(S.REFERRED, referred_again))[2:4] == [
        (S.REOPENED, StepStatus.DONE, 6),
        (S.REFERRED, StepStatus.CURRENT, 7),  # the new referral, not the first round's
    ]


@pytest.mark.django_db
def test_the_case_page_marks_the_current_step_with_its_jalali_dates(
    make_case: Callable[..., Case], expert: User
) -> None:
    case = make_case(S.REFERRED)
    filed, accepted, referred = (timezone.now() - dt.timedelta(days=d) for d in (20, 15, 3))
    for action, from_state, to_state, at in (
        ("file", "", S.SUBMITTED, filed),
        ("accept", S.SUBMITTED, S.ACCEPTED, accepted),
        ("refer", S.ACCEPTED, S.REFERRED, referred),
    ):
        CaseEvent.objects.create(case=case, action=action, from_state=from_state, to_state=to_state, at=at, by=expert)

    html = browser_for(expert).get(reverse("obstacles-case-detail", args=[case.pk])).content.decode()
    path = html[html.index('id="case-path"') : html.index("</ol>", html.index('id="case-path"'))]
    steps = re.findall(r"<li class=\"case-step ([^\"]+)\" data-state=\"(\w+)\"([^>]*)>", path)
    assert [(state, classes) for classes, state, _ in steps] == [
        ("submitted", "step-done"),
        ("accepted", "step-done"),
        ("referred", "step-current"),
        ("answered", "step-todo"),
        ("resolved", "step-todo"),
        ("closed", "step-todo"),
    ]
    assert [state for _, state, attrs in steps if 'aria-current="step"' in attrs] == ["referred"]
    for at in (filed, accepted, referred):
        assert f'<span class="step-date">{format_jalali(timezone.localdate(at))}</span>' in path  # the day
    assert "اکنون" in path
