"""Pages of the revival of idle units: the pipeline of cases by stage (with the figures officials report),
the form that opens a case for an idle or closed unit, and the case page with its plan, history and moves.

Every case is fetched through ``rownaq.monitoring.access``; every change goes through
``rownaq.monitoring.revival`` (its services, and ``act`` for the moves between stages).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.core.periods import Period
from rownaq.core.versions import StaleEditError
from rownaq.geography.places import Places
from rownaq.monitoring import access, figures, revival
from rownaq.monitoring.forms import RevivalActionForm, RevivalFilterForm, RevivalOpenForm, RevivalStepForm
from rownaq.monitoring.models import RevivalCase, RevivalStage, RevivalStep
from rownaq.registry.access import page_province

PER_STAGE = 50  # cases listed under each stage of the pipeline


def _staff(request: AuthenticatedRequest) -> None:
    if not access.sees_revival(request.user):
        raise PermissionDenied


@login_required
def revival_pipeline(request: AuthenticatedRequest) -> HttpResponse:
    """The province's revival cases by stage, filtered by county, estate or sector, and this year's figures."""
    _staff(request)
    province = page_province(request.user)
    form = RevivalFilterForm(request.GET or None, province=province)
    cases = form.apply(access.revival_cases_visible_to(request.user).filter(unit__county__province=province))
    counts = figures.revival_stage_counts(cases)
    listed = cases.select_related("unit", "unit__county").order_by("-updated_at", "-pk")
    only = request.GET.get("stage")  # ?stage=: the dashboard's chart opens the cases of one stage
    stages = [
        (value, label, counts[value], list(listed.filter(stage=value)[:PER_STAGE]))
        for value, label in RevivalStage.choices
        if only not in RevivalStage.values or value == only
    ]
    grouping = form.cleaned_data.get("group") if form.is_bound and form.is_valid() else ""
    year = Period.current("year")
    context = {
        "province": province,
        "form": form,
        "stages": stages,
        "year": year,
        "figures": figures.revival_figures(Places.province(province), year, grouping=grouping or "county"),  # type: ignore[arg-type]
    }
    return render(request, "monitoring/revival_pipeline.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def revival_open(request: AuthenticatedRequest) -> HttpResponse:
    """Open a revival case for one of the province's idle or closed units."""
    _staff(request)
    units = access.revivable_units(request.user)
    if request.method != "POST":
        form = RevivalOpenForm(initial={"unit": request.GET.get("unit")}, units=units)
        return render(request, "monitoring/revival_open.html", {"form": form})
    form = RevivalOpenForm(request.POST, units=units)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = revival.revival_open(
                unit=data["unit"],
                cause=data["cause"],
                diagnosis=data["diagnosis"],
                support_needed=data["support_needed"],
                related_cases=data["related_cases"],
                by=request.user,
            )
        except (revival.RevivalError, PermissionDenied) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The revival case was opened."))
            return redirect("monitoring-revival-detail", pk=case.pk)
    return render(request, "monitoring/revival_open.html", {"form": form}, status=400)


@login_required
def revival_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not access.sees_monitoring(request.user):  # staff, and a unit's managers (read-only, their own unit)
        raise PermissionDenied
    case = access.get_revival_case_for_user(request.user, pk)
    return _case_page(request, case)


def _case_page(
    request: AuthenticatedRequest,
    case: RevivalCase,
    *,
    action_form: RevivalActionForm | None = None,
    step_form: RevivalStepForm | None = None,
    status: int = 200,
) -> HttpResponse:
    allowed = revival.allowed_actions(case, request.user)
    today = timezone.localdate()
    steps = list(case.steps.all())
    context = {
        "case": case,
        "steps": [(step, step.is_overdue(today)) for step in steps],
        "overdue": sum(step.is_overdue(today) for step in steps),
        "events": case.events.select_related("by"),
        "actions": [(name, revival.REVIVAL_STAGES[name].label) for name in allowed],
        "can_plan": case.is_open and access.can_act_on_revival(request.user, case.unit),
        "action_form": action_form or RevivalActionForm(initial={"version": case.version, "diagnosis": case.diagnosis}),
        "step_form": step_form or RevivalStepForm(),
    }
    return render(request, "monitoring/revival_detail.html", context, status=status)


@login_required
@require_POST
def revival_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    _staff(request)
    case = access.get_revival_case_for_user(request.user, pk)
    if action not in revival.ACTIONS:
        raise Http404
    form = RevivalActionForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, action_form=form, status=400)
    data = form.cleaned_data
    try:
        revival.act(
            case=case,
            action=action,
            by=request.user,
            reason=data["reason"],
            diagnosis=data["diagnosis"] or None,
            jobs_restored=data["jobs_restored"],
            capacity_restored=data["capacity_restored"],
            expected_version=data["version"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _case_page(request, case, action_form=form, status=400)
    except (StaleEditError, revival.RevivalError) as exc:
        form.add_error(None, str(exc))
        return _case_page(request, case, action_form=form, status=409 if isinstance(exc, StaleEditError) else 400)
    messages.success(request, _("The revival case is now “%(stage)s”.") % {"stage": case.get_stage_display()})
    return redirect("monitoring-revival-detail", pk=case.pk)


@login_required
@require_POST
def revival_step_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _staff(request)
    case = access.get_revival_case_for_user(request.user, pk)
    form = RevivalStepForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, step_form=form, status=400)
    try:
        revival.revival_step_add(case=case, by=request.user, **form.cleaned_data)
    except (ValidationError, revival.RevivalError) as exc:
        form.add_error(None, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return _case_page(request, case, step_form=form, status=400)
    messages.success(request, _("The step was added to the plan."))
    return redirect("monitoring-revival-detail", pk=case.pk)


@login_required
@require_POST
def revival_step_done(request: AuthenticatedRequest, pk: int, step_id: int) -> HttpResponse:
    _staff(request)
    case = access.get_revival_case_for_user(request.user, pk)
    step = get_object_or_404(RevivalStep, pk=step_id, case=case)
    try:
        revival.revival_step_set_done(step=step, done=request.POST.get("done") == "1", by=request.user)
    except revival.RevivalError as exc:
        messages.error(request, str(exc))
    return redirect("monitoring-revival-detail", pk=case.pk)
