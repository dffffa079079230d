"""The revival of idle and closed units: the table of a revival case's stages (``REVIVAL_STAGES``, the shape
of ``rownaq.core.workflow``), the services that open a case, keep its plan of steps and move it, and ``act``,
the one door through which the pages and the tests move a case by the action's name.

identified → diagnosed → plan agreed → in progress → restarted; any open stage → abandoned (with a reason).
Every move writes a ``RevivalEvent`` (who, when, from which stage to which, why). A restart records the jobs
restored (employees back) and the share of nominal capacity restored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rownaq.accounts.models import User
from rownaq.core.normalise import normalise_paragraphs, normalise_text
from rownaq.core.versions import lock_for_edit
from rownaq.core.workflow import StateMachine, Step, Transition
from rownaq.monitoring import access
from rownaq.monitoring.models import OPEN_STAGES, RevivalCase, RevivalEvent, RevivalStage, RevivalStep
from rownaq.monitoring.status import status_after_restart
from rownaq.registry.models import Unit

S = RevivalStage
STALE = gettext_lazy("Someone changed this revival case while you were working on it. Open it again and repeat.")


class RevivalError(Exception):
    """A move or an entry the rules refuse; the message says why, in Persian."""


def _acts(person: Any, case: RevivalCase) -> bool:
    return access.can_act_on_revival(person, case.unit)


REVIVAL_STAGES: StateMachine[RevivalCase] = StateMachine(
    {
        "diagnose": Transition(gettext_lazy("Record the diagnosis"), frozenset({S.IDENTIFIED}), S.DIAGNOSED, (_acts,)),
        "agree_plan": Transition(gettext_lazy("Plan agreed"), frozenset({S.DIAGNOSED}), S.PLAN_AGREED, (_acts,)),
        "start": Transition(gettext_lazy("Start the work"), frozenset({S.PLAN_AGREED}), S.IN_PROGRESS, (_acts,)),
        "restart": Transition(gettext_lazy("The unit restarted"), frozenset({S.IN_PROGRESS}), S.RESTARTED, (_acts,)),
        "abandon": Transition(
            gettext_lazy("Abandon the case"), frozenset(OPEN_STAGES), S.ABANDONED, (_acts,), needs_comment=True
        ),
    },
    initial=S.IDENTIFIED,
    births=frozenset({"open"}),
)
ACTIONS = tuple(REVIVAL_STAGES.transitions)


def case_steps(case: RevivalCase) -> list[Step]:
    """The case's recorded history as steps of ``REVIVAL_STAGES`` (check it with ``path_errors``)."""
    return [Step(e.action, e.from_state, e.to_state) for e in case.events.all()]


def allowed_actions(case: RevivalCase, person: User) -> list[str]:
    return REVIVAL_STAGES.allowed(case.stage, person, case)


@transaction.atomic
def revival_open(
    *,
    unit: Unit,
    cause: str,
    by: User,
    diagnosis: str = "",
    support_needed: str = "",
    related_cases: str = "",
) -> RevivalCase:
    """Open a revival case for an idle or closed unit (at most one open case per unit)."""
    if not access.can_act_on_revival(by, unit):
        raise PermissionDenied(_("You cannot open a revival case for this unit."))
    unit = Unit.objects.select_for_update().select_related("county").get(pk=unit.pk)
    if unit.status not in access.REVIVABLE_STATUSES:
        raise RevivalError(
            _("A revival case is opened only for an idle or closed unit; this unit is “%(status)s”.")
            % {"status": unit.get_status_display()}
        )
    if RevivalCase.objects.filter(unit=unit, stage__in=OPEN_STAGES).exists():
        raise RevivalError(_("This unit already has an open revival case."))
    try:
        with transaction.atomic():
            case = RevivalCase.objects.create(
                unit=unit,
                cause=cause,
                diagnosis=normalise_paragraphs(diagnosis),
                support_needed=normalise_paragraphs(support_needed),
                related_cases=normalise_text(related_cases),
                opened_by=by,
            )
    except IntegrityError:
        raise RevivalError(_("This unit already has an open revival case.")) from None
    RevivalEvent.objects.create(case=case, action="open", from_state="", to_state=case.stage, by=by)
    return case


def _check_open(case: RevivalCase, by: User) -> None:
    if not access.can_act_on_revival(by, case.unit):
        raise PermissionDenied(_("You cannot change this revival case."))
    if not case.is_open:
        raise RevivalError(_("This revival case is closed; its plan cannot change."))


@transaction.atomic
def revival_step_add(*, case: RevivalCase, title: str, owner: str, due: dt.date, by: User) -> RevivalStep:
    """Add a step to the case's plan, with its owner (an agency or a person) and its due date."""
    _check_open(case, by)
    title, owner = normalise_text(title), normalise_text(owner)
    if not title or not owner:
        raise ValidationError(_("Say what the step is and who owns it."))
    return RevivalStep.objects.create(case=case, title=title, owner=owner, due=due)


@transaction.atomic
def revival_step_set_done(*, step: RevivalStep, done: bool, by: User) -> RevivalStep:
    """Mark a step of the plan done (or not done after all)."""
    _check_open(step.case, by)
    step.done = done
    step.done_at = timezone.now() if done else None
    step.save(update_fields=["done", "done_at"])
    return step


def _move(case: RevivalCase, action: str, by: User, expected_version: int | None) -> tuple[RevivalCase, str]:
    """The case locked, after checking the action is allowed now and to this person; and its stage before."""
    locked = lock_for_edit(RevivalCase, pk=case.pk, expected_version=expected_version, message=STALE)
    if not REVIVAL_STAGES.may(action, by, locked):
        raise PermissionDenied(_("You cannot do this with this revival case."))
    if not REVIVAL_STAGES.can(action, locked.stage):
        raise RevivalError(
            _("This cannot be done while the case is “%(stage)s”.") % {"stage": locked.get_stage_display()}
        )
    return locked, locked.stage


def _record(case: RevivalCase, action: str, before: str, by: User | None, comment: str = "") -> None:
    case.stage = REVIVAL_STAGES.target(action, before)
    case.version += 1
    case.save()
    RevivalEvent.objects.create(
        case=case, action=action, from_state=before, to_state=case.stage, by=by, comment=comment
    )


def act(
    *,
    case: RevivalCase,
    action: str,
    by: User,
    reason: str = "",
    diagnosis: str | None = None,
    jobs_restored: int | None = None,
    capacity_restored: Decimal | None = None,
    expected_version: int | None = None,
) -> RevivalCase:
    """Take ``action`` (one of ``ACTIONS``) on the case. Refusals: ``PermissionDenied`` (the wrong person),
    ``RevivalError`` (the wrong stage, or what the move needs is missing), ``ValidationError`` (a missing
    reason or figure), ``StaleEditError``."""
    if action not in REVIVAL_STAGES:
        raise LookupError(action)
    with transaction.atomic():
        locked, before = _move(case, action, by, expected_version)
        comment = normalise_paragraphs(reason)
        match action:
            case "diagnose":
                text = normalise_paragraphs(diagnosis if diagnosis is not None else locked.diagnosis)
                if not text:
                    raise ValidationError({"diagnosis": [_("Write the diagnosis: why the unit stopped.")]})
                locked.diagnosis = text
            case "agree_plan":
                if not locked.steps.exists():
                    raise RevivalError(_("Add at least one step to the plan before it is agreed."))
            case "restart":
                _check_restart(jobs_restored, capacity_restored)
                locked.jobs_restored = jobs_restored
                locked.capacity_restored = capacity_restored
                locked.restarted_on = timezone.localdate()
            case "abandon":
                if not comment:
                    raise ValidationError({"reason": [_("Say why the case is abandoned.")]})
                locked.abandon_reason = comment
        _record(locked, action, before, by, comment)
        if action == "restart":
            status_after_restart(unit=locked.unit, case_number=locked.pk, by=by)
    case.refresh_from_db()
    return case


def _check_restart(jobs: int | None, capacity: Decimal | None) -> None:
    errors: dict[str, list[str]] = {}
    if jobs is None or jobs < 0:
        errors["jobs_restored"] = [_("Enter the number of employees back at work (zero or more).")]
    if capacity is None or not Decimal(0) <= capacity <= Decimal(100):
        errors["capacity_restored"] = [_("Enter the share of capacity restored, between 0 and 100 percent.")]
    if errors:
        raise ValidationError(errors)
