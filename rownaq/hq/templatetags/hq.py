"""Template tags of the HQ for pages composed above it (``front``): the HQ's part of a case's page."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Prefetch
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.hq import access, scoreboard
from rownaq.hq.forms import STATUS_LABELS
from rownaq.hq.models import AgendaItem, Commitment, Meeting, Objection
from rownaq.obstacles.models import Case

register = template.Library()


@register.inclusion_tag("hq/_case_hq.html", takes_context=True)
def case_hq(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """A card on the case page: the HQ meetings the case was on, and the resolutions on it the person sees at
    the HQ (all, drafts too, for the secretariat; those that bind them for the bound sides) with their
    commitments and objections."""
    user = context["request"].user
    if not isinstance(user, User):
        return {"shown": False}
    today = timezone.localdate()
    province = case.unit.county.province
    secretariat = access.is_hq_secretariat(user, province)
    meeting_ids = AgendaItem.objects.filter(case=case).values("meeting_id")
    meetings = list(Meeting.objects.filter(pk__in=meeting_ids).order_by("held_on", "number"))
    resolutions = (
        access.resolutions_of_case(user, case)
        .select_related("meeting")
        .prefetch_related(
            Prefetch("commitments", queryset=Commitment.objects.select_related("owner").order_by("party", "deadline")),
            Prefetch("objections", queryset=Objection.objects.select_related("agency")),
        )
        .order_by("meeting__held_on", "meeting__number", "number")
    )
    rows = []
    for resolution in resolutions:
        status = scoreboard.resolution_status(resolution, today)
        rows.append(
            {
                "resolution": resolution,
                "status": status,
                "status_label": STATUS_LABELS.get(status, status),
                "adopted": resolution.is_adopted,
                "commitments": [
                    {"commitment": c, "overdue": resolution.is_adopted and c.is_overdue(today), "on_time": c.on_time()}
                    for c in resolution.commitments.all()
                ],
                "objections": list(resolution.objections.all()),
            }
        )
    return {
        "shown": bool(meetings or rows),
        "case": case,
        "meetings": meetings,
        "rows": rows,
        "secretariat": secretariat,
    }
