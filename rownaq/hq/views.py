"""Pages of the facilitation HQ: meetings and their agendas, resolutions and their follow-up, the
minutes PDF, the register of disruptive regulations, and the agency scoreboard.

The secretariat (``access.is_hq_secretariat``) runs the meetings; an agency liaison sees the resolutions
that bind their agency, a unit manager those that bind their company. Who may see what is
``rownaq.hq.access``; every change goes through ``rownaq.hq.services``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.accounts.models import User
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import normalise_text, to_persian_digits
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.hq import access, regulations, scoreboard, services
from rownaq.hq.forms import (
    STATUS_LABELS,
    AgendaForm,
    CommitmentDoneForm,
    MeetingForm,
    ObjectionDecideForm,
    ObjectionForm,
    RegulationFilterForm,
    RegulationForm,
    ResolutionFilterForm,
    ResolutionForm,
)
from rownaq.hq.minutes import meeting_title, minutes_filename, render_minutes_pdf
from rownaq.hq.models import (
    Commitment,
    DisruptiveRegulation,
    Meeting,
    Objection,
    ObjectionState,
    Party,
    Resolution,
)
from rownaq.obstacles.forms import agencies_for
from rownaq.registry.access import page_province

PAGE_SIZE = 50
Bound = dict[str, Form]


def fa(value: object) -> str:
    return to_persian_digits(str(value))


def _get_meeting(user: User, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("province"), pk=pk)
    access.require_secretariat(user, meeting.province)
    return meeting


# -- resolutions as shown on the meeting page and in the list ------------------------------------


def _resolutions(queryset: QuerySet[Resolution]) -> QuerySet[Resolution]:
    return queryset.select_related("meeting", "meeting__province", "case").prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.select_related("owner").order_by("party", "deadline")),
        Prefetch("objections", queryset=Objection.objects.select_related("agency")),
    )


def _resolution_rows(user: User, resolutions: list[Resolution], bound: Bound) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for resolution in resolutions:
        secretariat = access.is_hq_secretariat(user, resolution.meeting.province)
        window_open = services.objection_window_open(resolution, today)
        commitments = list(resolution.commitments.all())
        objections = list(resolution.objections.all())
        binds_agency = access.may_object_among(user, commitments)
        pending_own = any(o.agency_id == user.organisation_id and o.state == ObjectionState.PENDING for o in objections)
        status = scoreboard.resolution_status(resolution, today)
        object_key = f"object-{resolution.pk}"
        rows.append(
            {
                "resolution": resolution,
                "status": status,
                "status_label": STATUS_LABELS.get(status, status),
                "window_open": window_open,
                "commitments": [
                    {
                        "commitment": c,
                        "overdue": c.is_overdue(today),
                        "on_time": c.on_time(),
                        "form": bound.get(f"done-{c.pk}") or CommitmentDoneForm(prefix=f"done-{c.pk}")
                        if c.done_on is None and access.can_carry_out(user, c)
                        else None,
                    }
                    for c in commitments
                ],
                "objections": [
                    {
                        "objection": o,
                        "form": bound.get(f"decide-{o.pk}") or ObjectionDecideForm(prefix=f"decide-{o.pk}")
                        if secretariat and o.state == ObjectionState.PENDING
                        else None,
                    }
                    for o in objections
                ],
                "object_form": bound.get(object_key)
                or (ObjectionForm(prefix=object_key) if binds_agency and window_open and not pending_own else None),
            }
        )
    return rows


# -- meetings --------------------------------------------------------------------------------------


@login_required
def meeting_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    province = page_province(user, request.GET.get("province"))
    if not access.is_hq_secretariat(user, province):
        if access.is_bound_party(user):
            return redirect("hq-resolution-list")
        raise PermissionDenied
    meetings = (
        Meeting.objects.filter(province=province)
        .annotate(
            agenda_count=Count("agenda", distinct=True),
            resolution_count=Count("resolutions", distinct=True),
        )
        .prefetch_related("resolutions__commitments")
        .order_by("-held_on", "-number")
    )
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for meeting in page:
        share = scoreboard.on_time_share(meeting.resolutions.all()).share
        rows.append({"meeting": meeting, "share": None if share is None else share * 100})
    return render(request, "hq/meeting_list.html", {"province": province, "page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    province = page_province(user, request.GET.get("province"))
    access.require_secretariat(user, province)
    if request.method == "POST":
        form = MeetingForm(request.POST)
    else:
        form = MeetingForm(initial={"number": services.next_meeting_number(province)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                province=province,
                held_on=data["held_on"],
                number=data["number"],
                venue=data["venue"],
                chair=data["chair"],
                attendees=data["attendees"],
                by=user,
            )
        except services.HQError as exc:
            form.add_error("number", str(exc))
        else:
            messages.success(request, _("Meeting %(n)s was created.") % {"n": fa(meeting.number)})
            return redirect("hq-meeting-detail", pk=meeting.pk)
    return render(request, "hq/meeting_form.html", {"form": form, "province": province})


def _meeting_page(
    request: AuthenticatedRequest, meeting: Meeting, *, bound: Bound | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    candidates = services.agenda_candidates(meeting.province)
    resolutions = list(_resolutions(meeting.resolutions.all()))
    context = {
        "meeting": meeting,
        "title": meeting_title(meeting),
        "attendees": [line for line in meeting.attendees.splitlines() if line.strip()],
        "agenda": meeting.agenda.select_related("case"),
        "agenda_form": bound.get("agenda") or AgendaForm(candidates=candidates),
        "has_candidates": candidates.exists(),
        "resolution_form": bound.get("resolution") or ResolutionForm(meeting=meeting),
        "rows": _resolution_rows(user, resolutions, bound),
        "share": scoreboard.on_time_share(resolutions),
    }
    return render(request, "hq/meeting_detail.html", context, status=status)


@login_required
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _get_meeting(request.user, pk))


@login_required
@require_POST
def meeting_agenda(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _get_meeting(user, pk)
    form = AgendaForm(request.POST, candidates=services.agenda_candidates(meeting.province))
    if form.is_valid():
        try:
            with transaction.atomic():
                items = services.meeting_add_cases(meeting=meeting, cases=form.cleaned_data["cases"], by=user)
                if form.cleaned_data["item"]:
                    items.append(services.meeting_add_item(meeting=meeting, title=form.cleaned_data["item"], by=user))
        except services.HQError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(n)s items were added to the agenda.") % {"n": fa(len(items))})
            return redirect("hq-meeting-detail", pk=meeting.pk)
    messages.error(request, _("The agenda was not changed. Correct the fields marked below."))
    return _meeting_page(request, meeting, bound={"agenda": form}, status=400)


@login_required
@require_POST
def resolution_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _get_meeting(user, pk)
    form = ResolutionForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        commitments: list[services.CommitmentSpec] = [
            {
                "party": Party.AGENCY,
                "owner": data["agency"],
                "text": data["agency_text"],
                "deadline": data["agency_deadline"],
            }
        ]
        if data.get("unit_owner"):
            commitments.append(
                {
                    "party": Party.UNIT,
                    "owner": data["unit_owner"],
                    "text": data["unit_text"],
                    "deadline": data["unit_deadline"],
                }
            )
        try:
            resolution = services.resolution_issue(
                meeting=meeting, text=data["text"], case=data.get("case"), commitments=commitments, by=user
            )
        except services.HQError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Resolution %(ref)s was issued.") % {"ref": fa(resolution)})
            return redirect("hq-meeting-detail", pk=meeting.pk)
    messages.error(request, _("The resolution was not issued. Correct the fields marked below."))
    return _meeting_page(request, meeting, bound={"resolution": form}, status=400)


@login_required
def meeting_minutes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request.user, pk)
    response = HttpResponse(render_minutes_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, minutes_filename(meeting)) or ""
    return response


# -- the resolutions list: the follow-up -----------------------------------------------------------


def _resolution_page(request: AuthenticatedRequest, *, bound: Bound | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    province = page_province(user, request.GET.get("province"))
    secretariat = access.is_hq_secretariat(user, province)
    visible = access.resolutions_visible_to(user, province)
    form = ResolutionFilterForm(
        request.GET,
        meetings=Meeting.objects.filter(pk__in=visible.values("meeting_id")),
        agencies=agencies_for(province.pk) if secretariat else None,
    )
    data = form.cleaned_data if form.is_valid() else {}
    resolutions = visible
    if data.get("agency"):
        agency_bound = Commitment.objects.filter(party=Party.AGENCY, owner=data["agency"]).values("resolution_id")
        resolutions = resolutions.filter(pk__in=agency_bound)
    if data.get("meeting"):
        resolutions = resolutions.filter(meeting=data["meeting"])
    chosen = list(_resolutions(resolutions).order_by("-meeting__held_on", "-meeting__number", "number"))
    if data.get("status"):
        today = timezone.localdate()
        chosen = [r for r in chosen if scoreboard.resolution_status(r, today) == data["status"]]
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": _resolution_rows(user, list(page), bound or {}),
        "secretariat": secretariat,
        "share": scoreboard.on_time_share(chosen),
    }
    return render(request, "hq/resolution_list.html", context, status=status)


@login_required
def resolution_list(request: AuthenticatedRequest) -> HttpResponse:
    return _resolution_page(request)


def _form_error_page(request: AuthenticatedRequest, meeting: Meeting, key: str, form: Form) -> HttpResponse:
    """Back to the page the form was on, with the form as it was sent."""
    if access.is_hq_secretariat(request.user, meeting.province):
        return _meeting_page(request, meeting, bound={key: form}, status=400)
    return _resolution_page(request, bound={key: form}, status=400)


def _done_redirect(request: AuthenticatedRequest, meeting: Meeting) -> HttpResponse:
    if access.is_hq_secretariat(request.user, meeting.province):
        return redirect("hq-meeting-detail", pk=meeting.pk)
    return redirect("hq-resolution-list")


@login_required
@require_POST
def commitment_done(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    commitment = get_object_or_404(Commitment.objects.select_related("resolution__meeting__province", "owner"), pk=pk)
    if not access.can_carry_out(user, commitment):
        raise PermissionDenied
    meeting = commitment.resolution.meeting
    key = f"done-{commitment.pk}"
    form = CommitmentDoneForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            services.commitment_carry_out(
                commitment=commitment, by=user, note=form.cleaned_data["note"], done_on=form.cleaned_data["done_on"]
            )
        except services.HQError as exc:
            messages.error(request, str(exc))
            return _form_error_page(request, meeting, key, form)
        messages.success(request, _("The commitment was recorded as carried out."))
        return _done_redirect(request, meeting)
    messages.error(request, _("Nothing was recorded. Correct the fields marked below."))
    return _form_error_page(request, meeting, key, form)


@login_required
@require_POST
def objection_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    resolution = get_object_or_404(Resolution.objects.select_related("meeting__province"), pk=pk)
    key = f"object-{resolution.pk}"
    form = ObjectionForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            services.objection_file(resolution=resolution, by=user, text=form.cleaned_data["text"])
        except services.HQError as exc:
            messages.error(request, str(exc))
            return _form_error_page(request, resolution.meeting, key, form)
        messages.success(request, _("Your objection was sent to the HQ."))
        return _done_redirect(request, resolution.meeting)
    if not access.binds_users_agency(user, resolution):
        raise PermissionDenied
    messages.error(request, _("The objection was not sent. Correct the fields marked below."))
    return _form_error_page(request, resolution.meeting, key, form)


@login_required
@require_POST
def objection_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    objection = get_object_or_404(Objection.objects.select_related("resolution__meeting__province"), pk=pk)
    meeting = objection.resolution.meeting
    access.require_secretariat(user, meeting.province)
    key = f"decide-{objection.pk}"
    form = ObjectionDecideForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            services.objection_decide(
                objection=objection, by=user, upheld=form.cleaned_data["upheld"], note=form.cleaned_data["note"]
            )
        except services.HQError as exc:
            messages.error(request, str(exc))
            return _meeting_page(request, meeting, bound={key: form}, status=400)
        messages.success(request, _("The decision on the objection was recorded."))
        return redirect("hq-meeting-detail", pk=meeting.pk)
    messages.error(request, _("Nothing was recorded. Correct the fields marked below."))
    return _meeting_page(request, meeting, bound={key: form}, status=400)


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
    meetings = list(
        Meeting.objects.filter(province=province).prefetch_related("resolutions__commitments").order_by("-held_on")[:12]
    )
    meeting_shares = [(meeting, scoreboard.on_time_share(meeting.resolutions.all())) for meeting in meetings]
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
