"""The state-machine shape every app's table takes (cases, proposals, import batches)."""

from __future__ import annotations

from rownaq.core.workflow import StateMachine, Step, Transition


def _owner(person: str, row: dict[str, str]) -> bool:
    return person == row["owner"]


MACHINE: StateMachine[dict[str, str]] = StateMachine(
    {
        "file": Transition("File", frozenset(), "open"),
        "close": Transition("Close", frozenset({"open"}), "closed", (_owner,), needs_comment=True),
        "note": Transition("Note", frozenset({"open", "closed"}), None, (_owner,)),
        "expire": Transition("Expire", frozenset({"open"}), "closed"),
    },
    initial="open",
    births=frozenset({"file"}),
)
ROW = {"owner": "maryam"}


def test_an_action_starts_only_from_its_states_and_leads_to_its_target() -> None:
    assert MACHINE.can("close", "open")
    assert not MACHINE.can("close", "closed")
    assert not MACHINE.can("no-such-action", "open")
    assert MACHINE.target("close", "open") == "closed"
    assert MACHINE.target("note", "closed") == "closed"  # no target: the state stays


def test_only_the_parts_of_an_action_may_take_it_and_the_system_always_may() -> None:
    assert MACHINE.may("close", "maryam", ROW)
    assert not MACHINE.may("close", "ali", ROW)
    assert MACHINE.may("close", None, ROW)
    assert MACHINE.may("expire", "ali", ROW)  # an action with no part is the system's
    assert MACHINE.allowed("open", "maryam", ROW) == ["close", "note"]
    assert MACHINE.allowed("open", "ali", ROW) == []


def test_a_recorded_history_is_checked_step_by_step() -> None:
    good = [Step("file", "", "open"), Step("note", "open", "open"), Step("close", "open", "closed")]
    assert MACHINE.path_errors(good, final="closed") == []
    assert MACHINE.path_errors(good, final="open") == ["the history ends at 'closed' but the row is 'open'"]
    skipped = [Step("file", "", "open"), Step("close", "closed", "closed")]
    assert "starts from 'closed', the row was 'open'" in MACHINE.path_errors(skipped)[0]
    wrong_target = [Step("close", "open", "open")]
    assert "leads to 'closed', not 'open'" in MACHINE.path_errors(wrong_target)[0]
    assert "unknown action 'reopen'" in MACHINE.path_errors([Step("reopen", "open", "open")])[0]
    not_allowed = [Step("close", "open", "closed"), Step("expire", "closed", "closed")]
    assert "not allowed from 'closed'" in MACHINE.path_errors(not_allowed)[0]
