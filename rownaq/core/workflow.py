"""The one shape of the platform's state machines (cases, proposals, import batches; monthly reports and
loans next): a table of allowed transitions, and the questions every service, page, API and test asks it.

An app writes its table once (``workflow.py``), as ``StateMachine({action: Transition(...)})``, and its
services move a row only through an action of the table, recording who, when, from which state to which
and why in the app's own history rows. A (state, action) pair that is not in the table does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

Row = TypeVar("Row")

# Who may take an action: ``part(person, row) -> bool``. The person is a ``User`` (the foundation's core
# does not import accounts, so it is typed loosely here); an action with no part is taken by the system.
Part = Callable[[Any, Row], bool]


@dataclass(frozen=True)
class Transition(Generic[Row]):
    """One action: the states it may start from, the state it leads to (``None``: the state does not change,
    or the service decides it), who may take it, and whether the person must say why."""

    label: Any
    sources: frozenset[str]
    target: str | None
    parts: tuple[Part[Row], ...] = ()
    needs_comment: bool = False


@dataclass(frozen=True)
class Step:
    """One recorded move of a row's history: the action, and the states before and after it."""

    action: str
    from_state: str
    to_state: str


@dataclass(frozen=True)
class StateMachine(Generic[Row]):
    """The table of allowed transitions of one kind of row, with its initial state (``initial``: the state a
    new row starts in) and the actions that only record a row's birth (``births``: e.g. "file")."""

    transitions: Mapping[str, Transition[Row]]
    initial: str
    births: frozenset[str] = field(default_factory=frozenset)

    def __getitem__(self, action: str) -> Transition[Row]:
        return self.transitions[action]

    def __contains__(self, action: object) -> bool:
        return action in self.transitions

    def can(self, action: str, state: str) -> bool:
        """Whether ``action`` may start from ``state`` (whoever takes it)."""
        rule = self.transitions.get(action)
        return rule is not None and state in rule.sources

    def may(self, action: str, person: Any, row: Row) -> bool:
        """Whether ``person`` plays a part allowed to take ``action`` on ``row`` (the system always may)."""
        rule = self.transitions[action]
        return person is None or not rule.parts or any(part(person, row) for part in rule.parts)

    def target(self, action: str, state: str) -> str:
        """The state ``action`` leads to from ``state``."""
        return self.transitions[action].target or state

    def allowed(self, state: str, person: Any, row: Row) -> list[str]:
        """The actions ``person`` may take on ``row`` now, in table order."""
        return [
            name
            for name, rule in self.transitions.items()
            if state in rule.sources and rule.parts and any(part(person, row) for part in rule.parts)
        ]

    def path_errors(self, steps: Iterable[Step], *, final: str | None = None) -> list[str]:
        """What is wrong with a recorded history (empty when every step is an allowed transition from the state
        the previous one left, starting at ``initial``, and the last one leaves ``final``). The demo's tests
        check every state the demo wrote with it."""
        errors = []
        state = self.initial
        for index, step in enumerate(steps):
            if step.action in self.births and index == 0:
                state = step.to_state
                continue
            rule = self.transitions.get(step.action)
            if rule is None:
                errors.append(f"step {index}: unknown action {step.action!r}")
            elif step.from_state != state:
                errors.append(f"step {index}: {step.action!r} starts from {step.from_state!r}, the row was {state!r}")
            elif step.from_state not in rule.sources:
                errors.append(f"step {index}: {step.action!r} is not allowed from {step.from_state!r}")
            elif rule.target is not None and step.to_state != rule.target:
                errors.append(f"step {index}: {step.action!r} leads to {rule.target!r}, not {step.to_state!r}")
            state = step.to_state
        if final is not None and state != final:
            errors.append(f"the history ends at {state!r} but the row is {final!r}")
        return errors
