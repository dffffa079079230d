"""Pages of the Excel import: upload, the list of imports, the preview with its problems, and the commit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rownaq.accounts.models import User
from rownaq.registry.access import can_import, get_import_batch_for_user, import_batches_visible_to
from rownaq.registry.import_forms import ImportUploadForm
from rownaq.registry.imports import (
    ImportFileError,
    ImportStateError,
    import_batch_confirm,
    import_batch_create,
    import_batch_new_estates,
    import_batch_problems,
)
from rownaq.registry.models import ImportState
from rownaq.registry.spreadsheet import import_template_xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNNING_STATES = (ImportState.PENDING, ImportState.VALIDATING, ImportState.COMMITTING)
PROBLEMS_SHOWN = 500
RECENT_IMPORTS = 50


def _importer(request: HttpRequest) -> User:
    """The signed-in person, if they may import units (SMT experts and system admins); 403 otherwise."""
    user = request.user
    if not isinstance(user, User) or not can_import(user):
        raise PermissionDenied
    return user


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    batches = import_batches_visible_to(_importer(request))
    batches = batches.annotate(bad_rows=F("total_rows") - F("valid_rows"))[:RECENT_IMPORTS]
    return render(request, "registry/imports/list.html", {"batches": batches})


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    user = _importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_batch_create(file=form.cleaned_data["file"], by=user)
        except ImportFileError as exc:
            form.add_error("file", exc)
        else:
            return redirect("registry-import-detail", pk=batch.pk)
    return render(request, "registry/imports/upload.html", {"form": form})


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _importer(request)
    response = HttpResponse(import_template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="rownaq-units-template.xlsx"'
    return response


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_import_batch_for_user(_importer(request), pk)
    all_problems = import_batch_problems(batch)
    problems = all_problems[:PROBLEMS_SHOWN]
    context = {
        "batch": batch,
        "running": batch.state in RUNNING_STATES,
        "bad_rows": batch.total_rows - batch.valid_rows,
        "new_estates": import_batch_new_estates(batch),
        "problems": problems,
        "problems_total": len(all_problems),
        "problems_capped": len(all_problems) > len(problems),
    }
    return render(request, "registry/imports/detail.html", context)


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx while the batch runs; once it has finished, the page reloads."""
    batch = get_import_batch_for_user(_importer(request), pk)
    running = batch.state in RUNNING_STATES
    response = render(request, "registry/imports/_progress.html", {"batch": batch, "running": running})
    if not running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _importer(request)
    batch = get_import_batch_for_user(user, pk)
    try:
        import_batch_confirm(batch=batch, by=user)
    except ImportStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The import has started. This page shows its progress."))
    return redirect("registry-import-detail", pk=batch.pk)
