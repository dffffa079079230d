"""The HQ's scoreboard page: how each agency answers, obstacle counts, and what was unlocked this year."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.geography.models import Province
from rownaq.obstacles import scoreboard
from rownaq.obstacles.hq import on_time_share
from rownaq.obstacles.models import Meeting
from rownaq.registry.access import page_province


def _province(request: AuthenticatedRequest) -> Province:
    if not request.user.is_province_staff:
        raise PermissionDenied
    return page_province(request.user, request.GET.get("province"))


@login_required
def scoreboard_page(request: AuthenticatedRequest) -> HttpResponse:
    province = _province(request)
    rows = scoreboard.agency_scoreboard(province)
    meetings = list(
        Meeting.objects.filter(province=province).prefetch_related("resolutions__commitments").order_by("-held_on")[:12]
    )
    meeting_shares = [(meeting, on_time_share(meeting.resolutions.all())) for meeting in meetings]
    return render(
        request,
        "obstacles/scoreboard.html",
        {
            "province": province,
            "rows": rows,
            "minimum": settings.ROWNAQ_SCOREBOARD_MIN_CASES,
            "counts": scoreboard.obstacle_counts(province),
            "meeting_shares": meeting_shares,
        },
    )


@login_required
def agency_page(request: AuthenticatedRequest, agency_id: int) -> HttpResponse:
    province = _province(request)
    months = scoreboard.agency_months(province, agency_id)
    rows = [row for row in scoreboard.agency_scoreboard(province) if row.agency_id == agency_id]
    return render(
        request,
        "obstacles/scoreboard_agency.html",
        {"province": province, "months": months, "row": rows[0] if rows else None, "agency_id": agency_id},
    )
