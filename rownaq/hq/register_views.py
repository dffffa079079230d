"""Pages of the HQ's standing records, read by the province's staff: the register of disruptive regulations
(edited by the secretariat, exported as Excel for sending upward) and the agency scoreboard.

Who may see what is ``rownaq.hq.access``; every change goes through ``rownaq.hq.services``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.accounts.models import User
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import normalise_text
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.hq import access, regulations, scoreboard, services
from rownaq.hq.forms import RegulationFilterForm, RegulationForm
from rownaq.hq.models import DisruptiveRegulation
from rownaq.registry.access import page_province

PAGE_SIZE = 50


# -- the register of disruptive regulations --------------------------------------------------------


def _register_province(user: User, code: str | None) -> Province:
    """Province staff read the register of their province; only the secretariat changes it."""
    province = page_province(user, code)
    if not access.may_read_register(user, province.pk):
        raise PermissionDenied
    return province


def _filtered_regulations(request: AuthenticatedRequest, province: Province) -> tuple[RegulationFilterForm, Any]:
    form = RegulationFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    found = DisruptiveRegulation.objects.filter(province=province)
    if data.get("national_status"):
        found = found.filter(national_status=data["national_status"])
    if data.get("kind"):
        found = found.filter(kind=data["kind"])
    if data.get("q"):
        found = found.filter(title__icontains=normalise_text(data["q"]))
    return form, found.order_by("-updated_at", "-pk")


@login_required
def regulation_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    province = _register_province(user, request.GET.get("province"))
    form, found = _filtered_regulations(request, province)
    page = Paginator(regulations.regulations_with_cases(found), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"regulation": r, "units": regulations.units_affected(r)} for r in page]
    return render(
        request,
        "hq/regulation_list.html",
        {"form": form, "page": page, "rows": rows, "can_edit": access.is_hq_secretariat(user, province)},
    )


def _regulation_form_page(
    request: AuthenticatedRequest, province: Province, regulation: DisruptiveRegulation | None
) -> HttpResponse:
    user = request.user
    access.require_secretariat(user, province)
    form = RegulationForm(request.POST or None, instance=regulation, province=province)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "cases"}
        cases = list(form.cleaned_data["cases"])
        if regulation is None:
            regulation = services.regulation_create(province=province, by=user, cases=cases, **fields)
        else:
            regulation = services.regulation_update(regulation=regulation, by=user, cases=cases, **fields)
        messages.success(request, _("The regulation was saved."))
        return redirect("hq-regulation-edit", pk=regulation.pk)
    if request.method == "POST":
        messages.error(request, _("The regulation was not saved. Correct the fields marked below."))
    units = regulations.units_affected(regulation) if regulation is not None else []
    return render(request, "hq/regulation_form.html", {"form": form, "regulation": regulation, "units": units})


@login_required
@require_http_methods(["GET", "POST"])
def regulation_create(request: AuthenticatedRequest) -> HttpResponse:
    province = _register_province(request.user, request.GET.get("province"))
    return _regulation_form_page(request, province, None)


@login_required
@require_http_methods(["GET", "POST"])
def regulation_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    regulation = get_object_or_404(
        regulations.regulations_with_cases(DisruptiveRegulation.objects.select_related("province")), pk=pk
    )
    if not access.may_read_register(user, regulation.province_id):
        raise PermissionDenied
    if not access.is_hq_secretariat(user, regulation.province):
        units = regulations.units_affected(regulation)
        return render(request, "hq/regulation_detail.html", {"regulation": regulation, "units": units})
    return _regulation_form_page(request, regulation.province, regulation)


@login_required
def regulation_export(request: AuthenticatedRequest) -> HttpResponse:
    province = _register_province(request.user, request.GET.get("province"))
    _form, found = _filtered_regulations(request, province)
    response = HttpResponse(
        regulations.regulations_export_xlsx(found),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = format_jalali(timezone.localdate(), persian_digits=False).replace("/", "-")
    response["Content-Disposition"] = content_disposition_header(True, f"قوانین-مزاحم-{stamp}.xlsx") or ""
    return response


# -- the scoreboard: how each agency answers, obstacle counts, and what was unlocked this year ----


def _scoreboard_province(request: AuthenticatedRequest) -> Province:
    access.require_province_staff(request.user)
    return page_province(request.user, request.GET.get("province"))


@login_required
def scoreboard_page(request: AuthenticatedRequest) -> HttpResponse:
    province = _scoreboard_province(request)
    places = Places.province(province)
    rows = scoreboard.agency_scoreboard(places)
    meeting_shares = scoreboard.meeting_shares(province)
    return render(
        request,
        "hq/scoreboard.html",
        {
            "province": province,
            "rows": rows,
            "minimum": settings.ROWNAQ_SCOREBOARD_MIN_CASES,
            "counts": scoreboard.obstacle_counts(places),
            "meeting_shares": meeting_shares,
        },
    )


@login_required
def scoreboard_agency(request: AuthenticatedRequest, agency_id: int) -> HttpResponse:
    province = _scoreboard_province(request)
    places = Places.province(province)
    months = scoreboard.agency_months(places, agency_id)
    rows = [row for row in scoreboard.agency_scoreboard(places) if row.agency_id == agency_id]
    return render(
        request,
        "hq/scoreboard_agency.html",
        {"province": province, "months": months, "row": rows[0] if rows else None, "agency_id": agency_id},
    )
