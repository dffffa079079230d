"""The watch list page: the province's units at highest risk in the latest scored month with their reasons,
filtered by county, estate or sector, paginated; the count per county; the latest scoring run's progress;
and the preventive actions planned for each unit (plan one, mark it done). Province staff only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.monitoring import access, watch
from rownaq.monitoring.models import RiskRun
from rownaq.monitoring.risk_reasons import reason_texts
from rownaq.monitoring.watch_forms import PreventiveActionForm, WatchFilter
from rownaq.registry.access import page_province

PAGE_SIZE = 50


def _staff(request: AuthenticatedRequest) -> None:
    if not access.sees_watch_list(request.user):
        raise PermissionDenied


@login_required
def watch_list(request: AuthenticatedRequest) -> HttpResponse:
    _staff(request)
    province = page_province(request.user, request.GET.get("province"))
    scores = access.risk_scores_visible_to(request.user).filter(unit__county__province=province)
    month = watch.latest_month(scores)
    month_scores = scores.filter(year=month.year, month=month.number) if month else scores.none()
    actions = access.actions_visible_to(request.user).filter(unit__county__province=province)
    filters = WatchFilter(request.GET or None, queryset=month_scores, province=province, request=request)
    page = Paginator(watch.watch_rows(filters.qs), PAGE_SIZE).get_page(request.GET.get("page"))
    planned = watch.open_actions_by_unit(actions, [score.unit_id for score in page])
    rows = [(score, reason_texts(score.reasons), planned.get(score.unit_id, [])) for score in page]
    context = {
        "province": province,
        "month": month,
        "form": filters.form,
        "page": page,
        "rows": rows,
        "counties": watch.county_counts(month_scores, actions),
        "high_risk": watch.HIGH_RISK,
        "run": RiskRun.objects.filter(province=province).order_by("-year", "-month", "-started_at").first(),
    }
    return render(request, "monitoring/watch_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_plan(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    _staff(request)
    unit = get_object_or_404(access.watch_units(request.user).select_related("county"), pk=unit_id)
    owners = access.action_owners(request.user, unit.county.province_id)
    form = PreventiveActionForm(request.POST or None, owners=owners, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            watch.action_plan(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, _("The preventive action was planned."))
            return redirect("monitoring-watch-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "monitoring/watch_action.html", {"unit": unit, "form": form}, status=status)


@login_required
@require_POST
def action_done(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _staff(request)
    action = access.get_action_for_user(request.user, pk)
    watch.action_mark_done(action=action, by=request.user)
    messages.success(request, _("The action was marked done."))
    return redirect("monitoring-watch-list")
