"""Pages of monitoring: the staff's dashboard, a unit manager's months, the report form, the report page
with its versions and actions, the list of reports and the completeness of reporting.

Every report is fetched through ``rownaq.monitoring.access``; every change goes through
``rownaq.monitoring.services`` (entry) and ``rownaq.monitoring.workflow`` (moves, by ``act``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.core.collation import persian_order
from rownaq.core.periods import Period, PeriodError
from rownaq.core.versions import StaleEditError
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.monitoring import access, charts, figures, services, workflow
from rownaq.monitoring.filters import ReportFilter
from rownaq.monitoring.forms import SHOWN_LABELS, ActionForm, ReportForm, ReturnForm
from rownaq.monitoring.models import FIGURE_FIELDS, MONEY_FIELDS, MonthlyReport, ReportState, RevivalStage
from rownaq.registry.access import get_unit_for_user, page_province
from rownaq.registry.models import Unit

PAGE_SIZE = 50
MONTHS_SHOWN = 6  # a unit manager's page: the last six months of each unit
LISTED = 20


def _monitoring_user(request: AuthenticatedRequest) -> None:
    if not access.sees_monitoring(request.user):
        raise PermissionDenied


WHOLE_NATION = "all"  # the dashboard's ``?province=`` for every province at once (national staff)

# -- the dashboard, or a unit manager's months ------------------------------------------------------------


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    _monitoring_user(request)
    if not access.sees_dashboard(request.user):
        return my_months(request)
    code = request.GET.get("province")
    national = request.user.province_id is None
    province: Province | None
    if national and code == WHOLE_NATION:  # national staff: every province at once
        province, places = None, Places.whole_nation()
    else:
        province = page_province(request.user, code)
        places = Places.province(province)
    month = services.last_reportable_month()
    reviews = (
        access.reports_visible_to(request.user)
        .filter(places.q("unit__county"))
        .filter(state=ReportState.SUBMITTED)
        .select_related("unit", "entered_by")
        .order_by("submitted_at", "pk")[:LISTED]
    )
    at_risk = figures.units_missing_months(places, least=min(figures.NEAR_SUSPENSION))[:LISTED]
    revival_cases = access.revival_cases_visible_to(request.user).filter(places.q("unit__county"))
    context = {
        "province": province,
        "provinces": Province.objects.order_by(persian_order("name")) if national else [],
        "whole_nation": WHOLE_NATION,
        "counts": figures.month_counts(places, month),
        "reviews": reviews,
        "at_risk": at_risk,
        "due": services.due_date(month),
        "revival": [
            (value, label, count)
            for (value, label), count in zip(
                RevivalStage.choices,
                figures.revival_stage_counts(revival_cases).values(),
                strict=True,
            )
        ],
        "charts": charts.dashboard_charts(places, revival_cases),
    }
    return render(request, "monitoring/dashboard.html", context)


def my_months(request: AuthenticatedRequest) -> HttpResponse:
    """The units the person reports for, each with its last months and their reports' states."""
    units = list(access.reporting_units(request.user).select_related("county").order_by("name_sort", "pk")[:200])
    months = [services.last_reportable_month()]
    while len(months) < MONTHS_SHOWN:
        months.append(services.previous_month(months[-1]))
    reports = {
        (r.unit_id, r.year, r.month): r
        for r in MonthlyReport.objects.filter(unit__in=units).filter(year__gte=months[-1].year)
    }
    missed = figures.missed_in_a_row(units)
    rows = [
        {
            "unit": unit,
            "missed": missed[unit.pk],
            "near_suspension": missed[unit.pk] in figures.NEAR_SUSPENSION,
            "months": [(m, reports.get((unit.pk, m.year, m.number))) for m in months],
        }
        for unit in units
    ]
    return render(request, "monitoring/my_months.html", {"rows": rows, "months": months})


# -- the report form ------------------------------------------------------------------------------------


def _period_from(year: int, month: int) -> Period:
    try:
        return Period.month(year, month)
    except PeriodError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def report_fill(request: AuthenticatedRequest, unit_id: int, year: int, month: int) -> HttpResponse:
    """Fill (or correct) a unit's report of one month; «save» keeps a draft, «submit» sends it for review."""
    _monitoring_user(request)
    unit = get_unit_for_user(request.user, unit_id)
    if not access.can_enter(request.user, unit):
        raise PermissionDenied
    period = _period_from(year, month)
    report = MonthlyReport.objects.filter(unit=unit, year=year, month=month).first()
    if report is not None and report.state not in services.EDITABLE_STATES:
        return redirect("monitoring-report-detail", pk=report.pk)
    products = list(unit.products.order_by("pk"))
    if request.method != "POST":
        form = ReportForm(products=products, report=report)
        return _form_page(request, unit, period, report, form)
    form = ReportForm(request.POST, products=products, report=report)
    if not form.is_valid():
        messages.error(request, _("The report was not saved. Correct the fields marked below."))
        return _form_page(request, unit, period, report, form, status=400)
    try:
        report = services.report_save(
            unit=unit,
            period=period,
            figures=form.figures(),
            quantities=form.quantities(),
            by=request.user,
            expected_version=form.cleaned_data["version"] if report is not None else None,
        )
    except StaleEditError as exc:
        form.add_error(None, str(exc))  # what the person typed stays in the form
        return _form_page(request, unit, period, report, form, status=409)
    except services.ReportError as exc:
        form.add_error(None, str(exc))
        return _form_page(request, unit, period, report, form, status=400)
    if "submit" not in request.POST:
        messages.success(request, _("The report was saved as a draft."))
        return redirect("monitoring-report-fill", unit_id=unit.pk, year=year, month=month)
    try:
        workflow.act(
            report=report,
            action="submit",
            by=request.user,
            confirm=form.cleaned_data["confirm"],
            explanation=form.cleaned_data["explanation"],
        )
    except workflow.ReportWarnings as exc:
        return _form_page(request, unit, period, report, _saved(form, report), warnings=exc.findings, status=400)
    except (services.ReportError, PermissionDenied) as exc:
        kept = _saved(form, report)
        kept.add_error(None, str(exc))
        return _form_page(request, unit, period, report, kept, status=400)
    messages.success(request, _("The report was submitted for review."))
    return redirect("monitoring-report-detail", pk=report.pk)


def _saved(form: ReportForm, report: MonthlyReport) -> ReportForm:
    """The form as typed, now carrying the version of the draft just saved."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data["version"] = str(report.version)
    kept = ReportForm(data, products=form.products, report=report)
    kept.is_valid()
    return kept


def _form_page(
    request: AuthenticatedRequest,
    unit: Unit,
    period: Period,
    report: MonthlyReport | None,
    form: ReportForm,
    *,
    warnings: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "unit": unit,
        "period": period,
        "report": report,
        "form": form,
        "warnings": warnings or [],
        "due": services.due_date(period),
        "on_behalf": access.enters_on_behalf(request.user, unit),
        "lines": list(report.lines.all()) if report is not None else [],
    }
    return render(request, "monitoring/report_form.html", context, status=status)


# -- the report page and its actions ------------------------------------------------------------------------


@login_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _monitoring_user(request)
    report = access.get_report_for_user(request.user, pk)
    return _detail_page(request, report)


def figure_rows(values: Mapping[str, int]) -> list[tuple[str, int | None, bool]]:
    """(label, value, whether it is money) of each figure, for the report page and its versions; a money label
    names no unit, the value shown carries it."""
    return [(str(SHOWN_LABELS[name]), values.get(name), name in MONEY_FIELDS) for name in FIGURE_FIELDS]


def _detail_page(
    request: AuthenticatedRequest, report: MonthlyReport, *, return_form: ReturnForm | None = None, status: int = 200
) -> HttpResponse:
    allowed = workflow.allowed_actions(report, request.user)
    versions = list(report.versions.select_related("submitted_by").order_by("-number"))
    for version in versions:
        version.rows = figure_rows(version.figures)  # type: ignore[attr-defined]
    context = {
        "report": report,
        "figure_rows": figure_rows(report.figures()),
        "lines": report.lines.all(),
        "versions": versions,
        "events": report.events.select_related("by"),
        "can_edit": "submit" in allowed,
        "can_approve": "approve" in allowed,
        "can_return": "return" in allowed,
        "return_form": return_form or ReturnForm(initial={"version": report.version}),
        "due": services.due_date(report.period),
        "can_set_status": access.can_override_status(request.user, report.unit),
    }
    return render(request, "monitoring/report_detail.html", context, status=status)


@login_required
@require_POST
def report_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    _monitoring_user(request)
    report = access.get_report_for_user(request.user, pk)
    if action not in ("approve", "return"):
        raise Http404
    form: ActionForm | ReturnForm = ReturnForm(request.POST) if action == "return" else ActionForm(request.POST)
    if not form.is_valid():
        if isinstance(form, ReturnForm):
            return _detail_page(request, report, return_form=form, status=400)
        messages.error(request, _("Open the report again and repeat your action."))
        return redirect("monitoring-report-detail", pk=pk)
    try:
        workflow.act(
            report=report,
            action=action,
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
            expected_version=form.cleaned_data["version"],
        )
    except (StaleEditError, services.ReportError, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("monitoring-report-detail", pk=pk)
    messages.success(request, _("The report was approved.") if action == "approve" else _("The report was returned."))
    return redirect("monitoring-report-detail", pk=pk)


# -- lists ----------------------------------------------------------------------------------------------------


@login_required
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    _monitoring_user(request)
    report_filter = ReportFilter(request.GET, queryset=access.reports_visible_to(request.user), request=request)
    reports = report_filter.qs.select_related("unit", "unit__county", "entered_by").order_by("-year", "-month", "pk")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/report_list.html", {"form": report_filter.form, "page": page})


@login_required
def completeness(request: AuthenticatedRequest) -> HttpResponse:
    if not access.sees_dashboard(request.user):
        raise PermissionDenied
    province = page_province(request.user)
    error = ""
    try:
        period = Period.parse(request.GET["period"]) if request.GET.get("period") else Period.current("year")
    except PeriodError as exc:
        period, error = Period.current("year"), str(exc)
    grouping = request.GET.get("group", "county")
    if grouping not in figures.GROUPINGS:
        grouping = "county"
    shown = figures.completeness(Places.province(province), period, grouping=grouping)  # type: ignore[arg-type]
    missing = Paginator(shown.missing, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "province": province,
        "figures": shown,
        "missing": missing,
        "error": error,
        "groupings": [("county", _("County")), ("estate", _("Industrial estate")), ("sector", _("Sector"))],
        "grouping": grouping,
        "can_fill": request.user.is_expert,  # an expert fills a missing report on the unit's behalf
        "period_code": request.GET.get("period", period.code),
    }
    return render(request, "monitoring/completeness.html", context)
