"""Pages that combine products: each role's start page, the province overview (registry figures beside
the cases'), the unit page (the registry's record with what other apps hold about the unit) and the case
page (the obstacles' case with its HQ meetings, resolutions, commitments and objections)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.core.collation import persian_order
from rownaq.core.normalise import to_persian_digits
from rownaq.front.queues import queues_for
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.obstacles.access import get_case_for_user
from rownaq.obstacles.views import case_page_context
from rownaq.registry import access as registry_access
from rownaq.registry.figures import unit_figures
from rownaq.registry.filters import EXPIRING_DAYS
from rownaq.registry.models import UnitStatus
from rownaq.registry.views import unit_page_context


def _province_for(request: AuthenticatedRequest) -> Province | None:
    """The province a page is about: the person's own, or for national staff the one asked for."""
    user = request.user
    if user.province_id is not None:
        return Province.objects.get(pk=user.province_id)
    code = request.GET.get("province") or settings.ROWNAQ_DEFAULT_PROVINCE
    return Province.objects.filter(code=code).first()


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The start page: for province staff the province overview with what waits for them; for everyone
    else their work queue (a liaison's referrals, a unit manager's cases and proposals, a university's
    matched needs)."""
    queues = queues_for(request.user)
    if not request.user.is_province_staff:
        return render(request, "front/home.html", {"queues": queues})
    province = _province_for(request)
    places = Places.province(province) if province is not None else Places.whole_nation()
    figures = unit_figures(places, visible=registry_access.units_visible_to(request.user))
    chart_data = {
        "status": [{"name": row["label"], "value": row["count"], "key": row["status"]} for row in figures.by_status],
        "divisions": [
            {"name": to_persian_digits(row["title"]), "value": row["count"], "code": row["code"]}
            for row in figures.by_division[:12]
        ],
        "estates": [
            {"name": to_persian_digits(row["name"]), "value": row["count"], "id": row["id"]}
            for row in figures.by_estate[:12]
        ],
        "counties": [{"name": row["name"], "value": row["count"], "id": row["id"]} for row in figures.by_county],
    }
    return render(
        request,
        "front/overview.html",
        {
            "province": province,
            "provinces": Province.objects.order_by(persian_order("name")) if request.user.province_id is None else [],
            "figures": figures,
            "chart_data": chart_data,
            "statuses": UnitStatus,
            "expiring_days": EXPIRING_DAYS,
            "queues": queues,
        },
    )


@login_required
def unit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The unit's page: the registry's record, and the unit's cases the person may see."""
    return render(request, "front/unit_detail.html", unit_page_context(request, pk))


@login_required
def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The case's page: the obstacles' case, and what the HQ decided on it that the person may see."""
    case = get_case_for_user(request.user, pk)
    return render(request, "front/case_detail.html", case_page_context(request, case))


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on their own; the pages link the SVG icon, this sends them to it."""
    return redirect(static("rownaq/favicon.svg"), permanent=True)
