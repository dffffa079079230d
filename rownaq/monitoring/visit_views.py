"""Pages of field visits: the province's calendar (one week, every agency's visits), the form that plans a
visit and records it (it works offline: ``monitoring/visits.js`` and the service worker ``visit_worker``), the
visit's page with its follow-ups, the recording of a planned visit, and its photos.

Every visit is fetched through ``rownaq.monitoring.access``; every change goes through
``rownaq.monitoring.visits``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.monitoring import access, revival, visits
from rownaq.monitoring.visit_forms import RecordForm, RevivalFollowUpForm, VisitForm, unit_label
from rownaq.monitoring.visit_models import Visit, VisitPhoto


def _week(text: str | None) -> dt.date:
    """The day whose week the calendar shows (``?week=2026-12-05``); today if missing or wrong."""
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        return timezone.localdate()
    return day if dt.date(1950, 1, 1) <= day <= dt.date(2100, 1, 1) else timezone.localdate()


@login_required
@never_cache
def visit_calendar(request: AuthenticatedRequest) -> HttpResponse:
    """One week (Saturday to Friday) of the visits the person sees, and the person's own planned visits (their
    record forms are kept on the device by the service worker, to be recorded offline)."""
    if not access.sees_visits(request.user):
        raise PermissionDenied
    day = _week(request.GET.get("week"))
    start = visits.week_start(day)
    planned = visits.planned_to_record(request.user)
    context = {
        "days": visits.calendar_week(request.user, start),
        "today": timezone.localdate(),
        "previous": start - dt.timedelta(days=7),
        "next": start + dt.timedelta(days=7),
        "can_plan": access.plans_visits(request.user),
        "planned": planned,
        "keep": [reverse("monitoring-visit-record", args=[visit.pk]) for visit in planned],
    }
    return render(request, "monitoring/visit_calendar.html", context)


@login_required
def visit_unit_search(request: AuthenticatedRequest) -> JsonResponse:
    """The visit form's unit search (``select[data-sector-search]`` in site.js): units by name or national ID."""
    if not access.plans_visits(request.user):
        raise PermissionDenied
    found = visits.units_matching(request.user, request.GET.get("q", "")[:100])
    return JsonResponse({"results": [{"id": unit.pk, "label": unit_label(unit)} for unit in found]})


def _wants_json(request: AuthenticatedRequest) -> bool:
    """The offline queue of ``visits.js`` sends a stored visit and asks for a JSON answer."""
    return "application/json" in request.headers.get("Accept", "")


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def visit_new(request: AuthenticatedRequest) -> HttpResponse:
    """Plan a visit (and record it if it was made). Another agency's visit to the unit in the same week is
    shown as a warning to confirm; a visit sent from the offline queue is stored without asking."""
    if not access.plans_visits(request.user):
        raise PermissionDenied
    units = access.visit_units(request.user)
    if request.method != "POST":
        initial = {"unit": request.GET.get("unit"), "planned_on": _week(request.GET.get("day"))}
        form = VisitForm(initial=initial, units=units)
        return render(request, "monitoring/visit_form.html", {"form": form})
    form = VisitForm(request.POST, request.FILES, units=units)
    clashes: list[Visit] = []
    if form.is_valid():
        data = form.cleaned_data
        findings = form.findings()
        day = findings.visited_on or data["planned_on"]
        if not data["confirm"] and not _wants_json(request):
            clashes = visits.visit_clashes(unit=data["unit"], day=day, agency_id=request.user.organisation_id or 0)
        if not clashes:
            try:
                visit, created = visits.visit_save(
                    key=data["uuid"],
                    unit=data["unit"],
                    planned_on=data["planned_on"],
                    findings=findings,
                    photos=data["photos"],
                    by=request.user,
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
            else:
                if _wants_json(request):
                    return JsonResponse({"id": visit.pk, "created": created}, status=201 if created else 200)
                messages.success(request, _("The visit was saved."))
                return redirect("monitoring-visit-detail", pk=visit.pk)
    if _wants_json(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    status = 200 if clashes else 400
    return render(request, "monitoring/visit_form.html", {"form": form, "clashes": clashes}, status=status)


@login_required
def visit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not access.sees_visits(request.user):
        raise PermissionDenied
    visit = access.get_visit_for_user(request.user, pk)
    return _visit_page(request, visit)


def _visit_page(
    request: AuthenticatedRequest, visit: Visit, *, revival_form: RevivalFollowUpForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    cause = visits.REVIVAL_CAUSE.get(visit.main_obstacle, "")  # type: ignore[call-overload]
    context = {
        "visit": visit,
        "photos": list(visit.photos.all()),
        "follow_ups": visit.follow_ups.select_related("revival_case", "by"),
        "clashes": visits.visit_clashes(unit=visit.unit, day=visit.day, agency_id=visit.agency_id, exclude=visit.pk),
        "can_record": access.can_record_visit(user, visit),
        "may_open_revival": visits.may_open_revival(user, visit),
        "may_file_obstacle": visits.may_file_obstacle(user, visit),
        "revival_needs_status": visits.revival_needs_status(visit),
        "sets_status": access.can_override_status(user, visit.unit),
        "revival_form": revival_form or RevivalFollowUpForm(initial={"cause": cause}),
    }
    return render(request, "monitoring/visit_detail.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def visit_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record what a planned visit found (the visiting agency's people). The page is kept by the service worker
    for use offline; a record sent from the offline queue of ``visits.js`` gets a JSON answer, and the same
    record sent twice is stored once (``visits.visit_record``'s ``version``)."""
    visit = access.get_visit_for_user(request.user, pk)
    if not access.can_record_visit(request.user, visit):
        raise PermissionDenied
    if request.method != "POST":
        initial = {
            "visited_on": visit.visited_on or min(visit.planned_on, timezone.localdate()),
            "notes": visit.notes,
            "flag": visit.flag,
            "version": visits.visit_version(visit),
            **visits.visit_answers(visit),
        }
        return render(request, "monitoring/visit_record.html", {"visit": visit, "form": RecordForm(initial=initial)})
    form = RecordForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            visit, changed = visits.visit_record(
                visit=visit,
                findings=form.findings(),
                photos=form.cleaned_data["photos"],
                version=form.cleaned_data["version"] or None,
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if _wants_json(request):
                return JsonResponse({"id": visit.pk, "changed": changed})
            if changed:
                messages.success(request, _("The visit was recorded."))
            else:
                messages.info(request, _("This record of the visit was already stored."))
            return redirect("monitoring-visit-detail", pk=visit.pk)
    if _wants_json(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return render(request, "monitoring/visit_record.html", {"visit": visit, "form": form}, status=400)


@login_required
def visit_photo(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """A visit's photo, to those who see the visit's details only (404 to everyone else)."""
    photo = get_object_or_404(VisitPhoto.objects.select_related("visit__unit__county"), pk=pk)
    if not access.sees_visit_details(request.user, photo.visit):
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def visit_follow_up_revival(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Open a revival case for the unit of a yellow or red visit."""
    visit = access.get_visit_for_user(request.user, pk)
    if not visits.may_open_revival(request.user, visit):
        raise PermissionDenied
    form = RevivalFollowUpForm(request.POST)
    if form.is_valid():
        try:
            case = visits.follow_up_revival(visit=visit, cause=form.cleaned_data["cause"], by=request.user)
        except (revival.RevivalError, ValidationError) as exc:
            form.add_error(None, str(exc) if isinstance(exc, revival.RevivalError) else exc)
        else:
            messages.success(request, _("The revival case was opened."))
            return redirect("monitoring-revival-detail", pk=case.pk)
    return _visit_page(request, visit, revival_form=form, status=400)


@login_required
@require_POST
def visit_follow_up_obstacle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record the follow-up and open the obstacle case form with the unit chosen."""
    visit = access.get_visit_for_user(request.user, pk)
    if not visits.may_file_obstacle(request.user, visit):
        raise PermissionDenied
    visits.follow_up_obstacle(visit=visit, by=request.user)
    return redirect(f"{reverse('obstacles-case-file')}?unit={visit.unit_id}")


def visit_worker(request: AuthenticatedRequest) -> HttpResponse:
    """The service worker of the visit pages, served under /monitoring/visits/ so that its scope covers the
    form: it keeps the form page and the static files it needs for use without a connection."""
    response = render(request, "monitoring/visits_sw.js", content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
