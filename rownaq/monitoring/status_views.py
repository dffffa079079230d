"""The page of a unit's status: its history (the rules' notes, the experts' reasons), and an expert's override
of the rules with a reason, or its lifting. Only the SMT experts and admins of the unit's province reach it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.monitoring import access, status
from rownaq.monitoring.forms import StatusOverrideForm
from rownaq.registry.models import Unit


@login_required
@require_http_methods(["GET", "POST"])
def unit_status(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("county__province"), pk=unit_id)
    if not access.can_override_status(request.user, unit):
        raise PermissionDenied
    form = StatusOverrideForm(initial={"status": unit.status})
    if request.method == "POST":
        if request.POST.get("action") == "lift":
            if status.status_override_lift(unit=unit, by=request.user):
                messages.success(request, _("The decision was lifted; the status rules apply to the unit again."))
            return redirect("monitoring-unit-status", unit_id=unit.pk)
        form = StatusOverrideForm(request.POST)
        if form.is_valid():
            try:
                status.status_override_set(
                    unit=unit,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                    until=form.cleaned_data["until"],
                    by=request.user,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The unit's status was set; the status rules leave it alone."))
                return redirect("monitoring-unit-status", unit_id=unit.pk)
    history = unit.status_changes.select_related("recorded_by").order_by("-effective_on", "-recorded_at", "-pk")
    return render(
        request,
        "monitoring/unit_status.html",
        {"unit": unit, "form": form, "override": status.holding_override(unit), "history": history[:50]},
    )
