"""Pages of obstacle cases: the list, filing, the case page and its actions, and the agencies' deadlines.

Every change goes through ``rownaq.obstacles.workflow``; every case is fetched through ``access``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, OuterRef, Prefetch, Subquery, Value, When, prefetch_related_objects
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.core.normalise import to_persian_digits
from rownaq.obstacles import workflow
from rownaq.obstacles.access import (
    can_file,
    can_file_for,
    case_shown_to,
    get_case_for_user,
    is_referral_liaison,
    may_download,
    referrals_visible_to,
    sees_cases,
    sees_referrals,
    sees_unit_records,
)
from rownaq.obstacles.actions import act
from rownaq.obstacles.attachments import attachments_add
from rownaq.obstacles.filters import CaseFilter, ReferralFilter
from rownaq.obstacles.forms import ACTION_FORMS, AnswerForm, CaseFileForm, agencies_for
from rownaq.obstacles.models import Attachment, Case, CaseEvent, Referral, ReferralState
from rownaq.obstacles.path import case_path
from rownaq.registry.access import unit_from_query, units_visible_to
from rownaq.registry.filters import find_units
from rownaq.workdays.services import days_off_by_province, holidays_between, working_days_between

PAGE_SIZE = 50


def days_left(
    today: dt.date, due: dt.date, holidays: set[dt.date] | None = None, *, days_off: Collection[int] | None = None
) -> int:
    """Working days until ``due``; negative when it is past (``days_off``: the weekly days off of the province)."""
    if due >= today:
        return working_days_between(today, due, holidays, days_off=days_off)
    return -working_days_between(due, today, holidays, days_off=days_off)


def referral_rows(referrals: Iterable[Referral], today: dt.date) -> list[dict[str, Any]]:
    """A referral with its state and the working days left to answer in its case's province (one holiday query
    and one weekly-days-off query for all). The referrals come with ``case__unit__county``."""
    referrals = list(referrals)
    dues = [r.due_on for r in referrals if r.state == ReferralState.OPEN]
    holidays = holidays_between(min([today, *dues]), max([today, *dues])) if dues else set()
    days_off = days_off_by_province({_province_id(r) for r in referrals}) if dues else {}
    return [
        {
            "referral": r,
            "open": r.state == ReferralState.OPEN,
            "days_left": days_left(today, r.due_on, holidays, days_off=days_off[_province_id(r)])
            if r.state == ReferralState.OPEN
            else None,
            "overdue": r.state == ReferralState.OPEN and r.due_on < today,
        }
        for r in referrals
    ]


def _province_id(referral: Referral) -> int:
    return referral.case.unit.county.province_id


# -- the list --------------------------------------------------------------------------------------


@login_required
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not sees_cases(user):
        raise PermissionDenied
    # A filter that does not validate is shown with its error; the valid ones still apply.
    case_filter = CaseFilter(request.GET, queryset=Case.objects.visible_to(user), request=request)
    # The next due date among the referrals the person sees (a liaison: their agency's, never another's).
    next_due = referrals_visible_to(user).filter(case=OuterRef("pk"), state=ReferralState.OPEN).order_by("due_on")
    cases = case_filter.qs.select_related("unit", "category").annotate(next_due=Subquery(next_due.values("due_on")[:1]))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "obstacles/case_list.html",
        {"form": case_filter.form, "page": page, "today": timezone.localdate(), "can_file": can_file(user)},
    )


# -- filing ----------------------------------------------------------------------------------------


def _unit_options(request: AuthenticatedRequest) -> HttpResponse:
    """The units matching what an expert typed, as ``<option>``s of the unit field's datalist (htmx)."""
    query = request.GET.get("unit", "")
    units = find_units(units_visible_to(request.user), query)
    return render(request, "obstacles/_unit_options.html", {"units": units.order_by("name_sort")[:10]})


@login_required
@require_http_methods(["GET", "POST"])
def case_file(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not can_file(user):
        raise PermissionDenied
    if request.method == "GET" and request.headers.get("HX-Request"):
        return _unit_options(request)
    unit = unit_from_query(request.GET, user)
    if unit is not None and not can_file_for(user, unit):
        raise PermissionDenied
    if request.method == "POST":
        form = CaseFileForm(request.POST, request.FILES, user=user, unit=unit)
    else:
        form = CaseFileForm(user=user, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                case = workflow.case_file(
                    unit=data["unit"],
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    amount=data["amount"],
                    urgency=data["urgency"],
                    from_visit=data.get("from_visit", False),
                    agencies=data["agencies"],
                    by=user,
                )
                attachments_add(case=case, files=data["attachments"], by=user)
        except PermissionDenied:
            form.add_error("unit", _("You cannot file a case for this unit."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case %(ref)s was filed.") % {"ref": to_persian_digits(case.reference)})
            return redirect("obstacles-case-detail", pk=case.pk)
    if request.method == "POST":
        messages.error(request, _("The case was not filed. Correct the fields marked below."))
    return render(request, "obstacles/case_form.html", {"form": form, "unit": unit})


# -- the case page and its actions -----------------------------------------------------------------


def _case_page(
    request: AuthenticatedRequest,
    case: Case,
    *,
    bound: tuple[str, Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = case_page_context(request, case, bound=bound, error=error)
    return render(request, "obstacles/case_detail.html", context, status=status)


def case_page_context(
    request: AuthenticatedRequest, case: Case, *, bound: tuple[str, Form] | None = None, error: str = ""
) -> dict[str, Any]:
    """What the case page shows of the obstacles (the page itself is composed in ``front``, which adds what
    other apps hold about the case; an action refused here shows it again without them)."""
    user = request.user
    today = timezone.localdate()
    referrals_in_order = (
        Referral.objects.select_related("agency", "answered_by", "ended_by")
        .prefetch_related("attachments")
        .order_by("due_on", "pk")
    )
    prefetch_related_objects(
        [case],
        Prefetch("referrals", queryset=referrals_in_order),
        Prefetch("events", queryset=CaseEvent.objects.select_related("by")),
        "agencies_concerned",
        "attachments",
    )
    shown = case_shown_to(user, case)
    referrals = shown.referrals
    referral_table = referral_rows(referrals, today)
    bound_name, bound_form = bound if bound else ("", None)
    names = [name for name in workflow.allowed_actions(case, user) if name in ACTION_FORMS]
    if bound_name in ACTION_FORMS and bound_name not in names:
        names.append(bound_name)
    action_forms = [
        {
            "name": name,
            "label": workflow.TRANSITIONS[name].label,
            "danger": name in ("reject", "withdraw_referral", "return_referral"),
            "form": bound_form if name == bound_name else ACTION_FORMS[name](case=case, user=user),
        }
        for name in names
    ]
    answer_forms = [
        {
            "referral": r,
            "form": bound_form if bound_name == f"answer-{r.pk}" else AnswerForm(case=case),
        }
        for r in referrals
        if r.state == ReferralState.OPEN and is_referral_liaison(user, r)
    ]
    context = {
        "case": case,
        "unit": case.unit,
        "show_unit_link": sees_unit_records(user),
        "referrals": referral_table,
        "attachments": shown.attachments,
        "agencies_concerned": shown.agencies_concerned,
        "events": shown.events,
        "path": case_path(case.state, shown.events),
        "action_forms": action_forms,
        "answer_forms": answer_forms,
        "bound_name": bound_name,
        "error": error,
    }
    return context


def _action_data(action: str, cleaned: dict[str, Any]) -> dict[str, Any]:
    """What ``actions.act`` reads, from what the action's form cleaned: the form's comment is the reason of a
    rejection or a reopening and the note of an outcome."""
    data = dict(cleaned)
    comment = data.get("comment", "")
    if action in ("reject", "reopen", "withdraw_referral", "return_referral"):
        data["reason"] = comment
    elif action == "resolve":
        data["outcome_note"] = comment
    return data


@login_required
@require_POST
def case_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, pk)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    if case.state in workflow.TRANSITIONS[action].sources and action not in workflow.allowed_actions(case, user):
        raise PermissionDenied
    form = form_class(request.POST, case=case, user=user)
    if not form.is_valid():
        error = _("The action was not done. Correct the fields marked below.")
        return _case_page(request, case, bound=(action, form), error=error, status=400)
    try:
        act(
            case=case,
            action=action,
            by=user,
            data=_action_data(action, form.cleaned_data),
            expected_version=form.cleaned_data["version"],
        )
    except workflow.StaleCaseError as exc:
        case = get_case_for_user(user, pk)
        return _case_page(request, case, bound=(action, form), error=str(exc), status=409)
    except workflow.CaseError as exc:
        case = get_case_for_user(user, pk)
        return _case_page(request, case, bound=(action, form), error=str(exc), status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": workflow.TRANSITIONS[action].label})
    if not Case.objects.visible_to(user).filter(pk=pk).exists():
        return redirect("obstacles-referral-list")  # a liaison who returned the case no longer sees it
    return redirect("obstacles-case-detail", pk=pk)


@login_required
@require_POST
def referral_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    referral = get_object_or_404(Referral.objects.select_related("agency"), pk=pk)
    case = get_case_for_user(user, referral.case_id)
    if not is_referral_liaison(user, referral):
        raise PermissionDenied
    form = AnswerForm(request.POST, request.FILES, case=case)
    bound_name = f"answer-{referral.pk}"
    if not form.is_valid():
        error = _("The answer was not saved. Correct the fields marked below.")
        return _case_page(request, case, bound=(bound_name, form), error=error, status=400)
    try:
        act(
            case=case,
            action="answer",
            by=user,
            data={
                "referral": referral,
                "answer": form.cleaned_data["answer"],
                "decision": form.cleaned_data["decision"],
                "amount": form.cleaned_data["amount"],
                "files": form.cleaned_data["attachments"],
            },
            expected_version=form.cleaned_data["version"],
        )
    except workflow.StaleCaseError as exc:
        case = get_case_for_user(user, case.pk)
        return _case_page(request, case, bound=(bound_name, form), error=str(exc), status=409)
    except workflow.CaseError as exc:
        case = get_case_for_user(user, case.pk)
        return _case_page(request, case, bound=(bound_name, form), error=str(exc), status=400)
    messages.success(request, _("Your agency's answer was recorded."))
    return redirect("obstacles-case-detail", pk=case.pk)


@login_required
def attachment_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment, pk=pk)
    if not may_download(request.user, attachment):  # the case, or this answer, is not theirs to see
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


# -- deadlines -------------------------------------------------------------------------------------


@login_required
def referral_list(request: AuthenticatedRequest) -> HttpResponse:
    """A liaison's referrals to their agency; for province staff, every open referral of the province."""
    user = request.user
    if not sees_referrals(user):
        raise PermissionDenied
    today = timezone.localdate()
    referrals = Referral.objects.visible_to(user).select_related("case", "case__unit__county", "agency")
    staff = user.is_province_staff
    params = request.GET.copy()
    agencies = agencies_for(user.province_id) if staff else None
    agency_pk = _int_or_none(params.get("agency"))
    agency = agencies.filter(pk=agency_pk).first() if agencies is not None and agency_pk is not None else None
    if agency is None:
        params.pop("agency", None)  # the staff's select offers the province's agencies; a liaison's is theirs
    if staff:
        referrals = referrals.filter(state=ReferralState.OPEN)
    referral_filter = ReferralFilter(params, queryset=referrals, request=request)
    referral_filter.is_valid()  # a filter that does not validate is left out
    referrals = referral_filter.qs.annotate(
        closed=SqlCase(When(state=ReferralState.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("closed", "due_on", "pk")
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = referral_rows(page, today)
    return render(
        request,
        "obstacles/referral_list.html",
        {
            "page": page,
            "rows": rows,
            "agencies": agencies,
            "agency": agency,
            "overdue_only": bool(referral_filter.form.cleaned_data.get("overdue")),
        },
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
