"""Pages of a month's reports imported from Excel: the upload (with the month and the columns explained), the
template, the check's result with its problems and warnings, its progress, and the confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.accounts.models import User
from rownaq.core.normalise import to_persian_digits
from rownaq.core.periods import Period, PeriodError
from rownaq.geography.places import Places
from rownaq.monitoring import access, figures, services
from rownaq.monitoring.import_forms import ReportImportForm
from rownaq.monitoring.report_imports import report_import_confirm, report_import_create
from rownaq.monitoring.report_sheet import COLUMNS, report_template_xlsx, template_units
from rownaq.registry.access import page_province
from rownaq.registry.import_views import XLSX_CONTENT_TYPE
from rownaq.registry.imports import ImportFileError, ImportStateError
from rownaq.registry.models import ImportState

RUNNING_STATES = (ImportState.PENDING, ImportState.VALIDATING, ImportState.COMMITTING)
RECENT_IMPORTS = 30
PROBLEMS_SHOWN = 500


def _importer(request: AuthenticatedRequest) -> User:
    """The signed-in person, if they import reports (SMT experts and system admins); 403 otherwise."""
    if not access.can_import_reports(request.user):
        raise PermissionDenied
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def report_import_upload(request: AuthenticatedRequest) -> HttpResponse:
    user = _importer(request)
    last_month = to_persian_digits(services.last_reportable_month().code)
    form = ReportImportForm(request.POST or None, request.FILES or None, initial={"month": last_month})
    if request.method == "POST" and form.is_valid():
        try:
            batch = report_import_create(file=form.cleaned_data["file"], period=form.cleaned_data["month"], by=user)
        except ImportFileError as exc:
            form.add_error("file", exc)
        except services.ReportError as exc:
            form.add_error("month", str(exc))
        else:
            return redirect("monitoring-import-detail", pk=batch.pk)
    context = {
        "form": form,
        "columns": COLUMNS,
        "template_month": last_month,
        "imports": access.report_imports_visible_to(user).select_related("uploaded_by")[:RECENT_IMPORTS],
    }
    return render(request, "monitoring/imports/upload.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def report_import_template(request: AuthenticatedRequest) -> HttpResponse:
    """The template of a month (``?month=1404/05``, last month by default), prefilled with the province's units
    expected to report and their products."""
    user = _importer(request)
    try:
        period = Period.parse(request.GET["month"]) if request.GET.get("month") else services.last_reportable_month()
    except PeriodError:
        period = services.last_reportable_month()
    if period.kind != "month":
        period = services.last_reportable_month()
    units = figures.reporting_units(Places.province(page_province(user)))
    response = HttpResponse(report_template_xlsx(template_units(units), period), content_type=XLSX_CONTENT_TYPE)
    name = f"rownaq-reports-{period.year}-{period.number:02d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def report_import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = access.get_report_import_for_user(_importer(request), pk)
    problems = batch.problems[:PROBLEMS_SHOWN]
    context = {
        "batch": batch,
        "running": batch.state in RUNNING_STATES,
        "problems": problems,
        "problems_total": len(batch.problems),
        "problems_capped": len(batch.problems) > len(problems),
        "bad_rows": len({problem["row"] for problem in batch.problems}),
    }
    return render(request, "monitoring/imports/detail.html", context)


@login_required
@require_GET
def report_import_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx while the import runs; once it has finished, the page reloads."""
    batch = access.get_report_import_for_user(_importer(request), pk)
    running = batch.state in RUNNING_STATES
    response = render(request, "monitoring/imports/_progress.html", {"batch": batch, "running": running})
    if not running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def report_import_commit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = _importer(request)
    batch = access.get_report_import_for_user(user, pk)
    try:
        report_import_confirm(batch=batch, by=user)
    except ImportStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The import has started. This page shows its progress."))
    return redirect("monitoring-import-detail", pk=batch.pk)
