"""Where the apps above obstacles take part in a case's life without obstacles importing them.

Before a case's outcome is recorded (``workflow.case_resolve``), every registered outcome check is asked what
is still open on the case (the HQ: its resolutions' commitments not carried out yet). Each answers with
sentences for the person; when any does, the outcome is recorded only if the person says why, and the reason
goes into the case's history. An app registers its check in its ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable

from rownaq.obstacles.models import Case

# A check: what is still open on the case, as sentences for the person (none: nothing holds the outcome back).
OutcomeCheck = Callable[[Case], list[str]]

_OUTCOME_CHECKS: list[OutcomeCheck] = []


def register_outcome_check(check: OutcomeCheck) -> None:
    """Ask ``check`` before any case's outcome is recorded (once, however often it is registered)."""
    if check not in _OUTCOME_CHECKS:
        _OUTCOME_CHECKS.append(check)


def unregister_outcome_check(check: OutcomeCheck) -> None:
    if check in _OUTCOME_CHECKS:
        _OUTCOME_CHECKS.remove(check)


def open_matters(case: Case) -> list[str]:
    """What the registered checks say is still open on the case, in the order they were registered."""
    return [sentence for check in _OUTCOME_CHECKS for sentence in check(case)]
