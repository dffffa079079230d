"""The life of a monthly report: the table of its allowed moves (``REPORT_STATES``, the shape of
``rownaq.core.workflow``), the services that make them, and ``act``, the one door through which the pages,
the API and the tests take an action on a report by its name.

draft → submitted → approved; submitted → returned (with a reason) → corrected and submitted again. Every
submission keeps a ``ReportVersion`` (the figures as sent, the warnings shown and the person's explanation);
every move writes a ``ReportEvent`` (who, when, from which state to which, why).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rownaq.accounts.models import Role, User
from rownaq.core.normalise import normalise_paragraphs
from rownaq.core.versions import lock_for_edit
from rownaq.core.workflow import StateMachine, Step, Transition
from rownaq.monitoring import access
from rownaq.monitoring.models import MonthlyReport, ReportEvent, ReportState, ReportVersion, ValidationRule
from rownaq.monitoring.rules import Finding, evaluate
from rownaq.monitoring.services import (
    STALE,
    ReportError,
    approved_history,
    check_month_reportable,
    due_date,
    lines_snapshot,
    report_figures,
)
from rownaq.notifications.services import notify

S = ReportState


def _enters(person: Any, report: MonthlyReport) -> bool:
    return access.can_enter(person, report.unit)


def _reviews(person: Any, report: MonthlyReport) -> bool:
    return access.can_review(person, report)


REPORT_STATES: StateMachine[MonthlyReport] = StateMachine(
    {
        "submit": Transition(
            gettext_lazy("Submit the report"), frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, (_enters,)
        ),
        "approve": Transition(gettext_lazy("Approve"), frozenset({S.SUBMITTED}), S.APPROVED, (_reviews,)),
        "return": Transition(
            gettext_lazy("Return for correction"), frozenset({S.SUBMITTED}), S.RETURNED, (_reviews,), needs_comment=True
        ),
    },
    initial=S.DRAFT,
    births=frozenset({"draft"}),
)
ACTIONS = ("submit", "approve", "return")


class ReportWarnings(Exception):
    """The report raised warnings the person has not confirmed yet; ``findings`` lists them."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(_("Check the warnings below: confirm the figures or explain them, then submit again."))
        self.findings = findings


def report_steps(report: MonthlyReport) -> list[Step]:
    """The report's recorded history as steps of ``REPORT_STATES`` (check it with ``path_errors``)."""
    return [Step(e.action, e.from_state, e.to_state) for e in report.events.all()]


def allowed_actions(report: MonthlyReport, person: User) -> list[str]:
    return REPORT_STATES.allowed(report.state, person, report)


def _move(report: MonthlyReport, action: str, by: User, expected_version: int | None) -> tuple[MonthlyReport, str]:
    """The report locked, after checking the action is allowed now and to this person; and its state before."""
    locked = lock_for_edit(MonthlyReport, pk=report.pk, expected_version=expected_version, message=STALE)
    if not REPORT_STATES.may(action, by, locked):
        raise PermissionDenied(_("You cannot do this with this report."))
    if not REPORT_STATES.can(action, locked.state):
        raise ReportError(
            _("This cannot be done while the report is “%(state)s”.") % {"state": locked.get_state_display()}
        )
    return locked, locked.state


def _record(report: MonthlyReport, action: str, before: str, by: User | None, comment: str = "") -> None:
    report.state = REPORT_STATES.target(action, before)
    report.version += 1
    report.save()
    ReportEvent.objects.create(
        report=report, action=action, from_state=before, to_state=report.state, by=by, comment=comment
    )


@transaction.atomic
def report_submit(
    *,
    report: MonthlyReport,
    by: User,
    confirm: bool = False,
    explanation: str = "",
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> list[Finding]:
    """Submit the report (or its correction) for review. The validation rules run first: an error refuses it
    (``ReportError`` with the rules' messages); warnings refuse it until the person confirms them
    (``confirm``), and the warnings and the person's ``explanation`` are kept with the submitted version.
    A month's first submission after the 10th of the next month is marked late. Returns the warnings."""
    locked, before = _move(report, "submit", by, expected_version)
    moment = timezone.now()
    check_month_reportable(locked.period, today)
    findings = evaluate(ValidationRule.objects.filter(active=True), report_figures(locked), approved_history(locked))
    errors = [f.message for f in findings if f.is_error]
    if errors:
        raise ReportError(" ".join(errors))
    warnings = [f for f in findings if not f.is_error]
    explanation = normalise_paragraphs(explanation)
    if warnings and not confirm:
        raise ReportWarnings(warnings)
    if locked.submitted_at is None:
        locked.submitted_at = moment
        locked.is_late = (today or timezone.localdate()) > due_date(locked.period)
    on_behalf = access.enters_on_behalf(by, locked.unit)
    ReportVersion.objects.create(
        report=locked,
        number=locked.versions.count() + 1,
        figures=locked.figures(),
        lines=lines_snapshot(locked.lines.all()),
        utilisation=locked.utilisation,
        warnings=[w.as_dict() for w in warnings],
        explanation=explanation,
        submitted_by=by,
        on_behalf=on_behalf,
        submitted_at=moment,
    )
    locked.return_reason = ""
    _record(locked, "submit", before, by, explanation)
    report.refresh_from_db()
    return warnings


@transaction.atomic
def report_approve(*, report: MonthlyReport, by: User, expected_version: int | None = None) -> MonthlyReport:
    """The expert accepts the submitted figures."""
    locked, before = _move(report, "approve", by, expected_version)
    _record(locked, "approve", before, by)
    _tell_managers(locked, _("The monthly report of %(unit)s for %(month)s was approved."))
    report.refresh_from_db()
    return locked


@transaction.atomic
def report_return(
    *, report: MonthlyReport, by: User, reason: str, expected_version: int | None = None
) -> MonthlyReport:
    """The expert returns the submitted report to the unit for correction, saying why."""
    reason = normalise_paragraphs(reason)
    if not reason:
        raise ValidationError({"reason": [_("Say why the report is returned, so that the unit can correct it.")]})
    locked, before = _move(report, "return", by, expected_version)
    locked.return_reason = reason
    _record(locked, "return", before, by, reason)
    _tell_managers(locked, _("The monthly report of %(unit)s for %(month)s was returned for correction."))
    report.refresh_from_db()
    return locked


def _tell_managers(report: MonthlyReport, template: str) -> None:
    if report.unit.owner_id is None:
        return
    managers = User.objects.filter(
        organisation_id=report.unit.owner_id, role=Role.UNIT_MANAGER, is_active=True
    ).order_by("pk")
    text = template % {"unit": report.unit.name, "month": report.period}
    notify(users=managers, text=text, link=reverse("monitoring-report-detail", args=[report.pk]))


def act(
    *,
    report: MonthlyReport,
    action: str,
    by: User,
    reason: str = "",
    confirm: bool = False,
    explanation: str = "",
    expected_version: int | None = None,
) -> list[Finding]:
    """Take ``action`` (one of ``ACTIONS``) on the report; returns the warnings confirmed with a submission.
    Refusals: ``PermissionDenied`` (the wrong person), ``ReportError`` (the wrong state, or an error rule),
    ``ReportWarnings`` (warnings to confirm), ``ValidationError`` (a missing reason), ``StaleEditError``."""
    match action:
        case "submit":
            return report_submit(
                report=report, by=by, confirm=confirm, explanation=explanation, expected_version=expected_version
            )
        case "approve":
            report_approve(report=report, by=by, expected_version=expected_version)
        case "return":
            report_return(report=report, by=by, reason=reason, expected_version=expected_version)
        case _:
            raise LookupError(action)
    return []
