"""Pages of the facilitation HQ: meetings and their agendas, resolutions and their follow-up, the
minutes PDF, and the register of disruptive regulations.

The secretariat (``hq.is_hq_secretariat``) runs the meetings; an agency liaison sees the resolutions
that bind their agency, a unit manager those that bind their company. Every change goes through
``rownaq.obstacles.hq`` or ``rownaq.obstacles.regulations``.
"""

from __future__ import annotations

from typing import Any

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
from rownaq.accounts.models import Role, User
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import normalise_text, to_persian_digits
from rownaq.geography.models import Province
from rownaq.obstacles import hq, regulations
from rownaq.obstacles.forms import agencies_for
from rownaq.obstacles.hq_forms import (
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
from rownaq.obstacles.minutes import meeting_title, minutes_filename, render_minutes_pdf
from rownaq.obstacles.models import (
    Commitment,
    DisruptiveRegulation,
    Meeting,
    Objection,
    ObjectionState,
    Party,
    Resolution,
)
from rownaq.registry.access import page_province

PAGE_SIZE = 50
Bound = dict[str, Form]


def fa(value: object) -> str:
    return to_persian_digits(str(value))


def _require_secretariat(user: User, province: Province) -> None:
    if not hq.is_hq_secretariat(user, province):
        raise PermissionDenied


def _get_meeting(user: User, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("province"), pk=pk)
    _require_secretariat(user, meeting.province)
    return meeting


def _is_bound_party(user: User) -> bool:
    """Agency liaisons and unit managers: they see the resolutions that bind their organisation."""
    return user.is_active and user.organisation_id is not None and user.role in (Role.AGENCY_LIAISON, Role.UNIT_MANAGER)


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
        secretariat = hq.is_hq_secretariat(user, resolution.meeting.province)
        window_open = hq.objection_window_open(resolution, today)
        commitments = list(resolution.commitments.all())
        objections = list(resolution.objections.all())
        binds_agency = user.role == Role.AGENCY_LIAISON and any(
            c.party == Party.AGENCY and c.owner_id == user.organisation_id for c in commitments
        )
        pending_own = any(o.agency_id == user.organisation_id and o.state == ObjectionState.PENDING for o in objections)
        status = hq.resolution_status(resolution, today)
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
                        if c.done_on is None and hq.can_carry_out(user, c)
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
    if not hq.is_hq_secretariat(user, province):
        if _is_bound_party(user):
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
        share = hq.on_time_share(meeting.resolutions.all()).share
        rows.append({"meeting": meeting, "share": None if share is None else share * 100})
    return render(request, "obstacles/hq/meeting_list.html", {"province": province, "page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    province = page_province(user, request.GET.get("province"))
    _require_secretariat(user, province)
    if request.method == "POST":
        form = MeetingForm(request.POST)
    else:
        form = MeetingForm(initial={"number": hq.next_meeting_number(province)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = hq.meeting_create(
                province=province,
                held_on=data["held_on"],
                number=data["number"],
                venue=data["venue"],
                chair=data["chair"],
                attendees=data["attendees"],
                by=user,
            )
        except hq.HQError as exc:
            form.add_error("number", str(exc))
        else:
            messages.success(request, _("Meeting %(n)s was created.") % {"n": fa(meeting.number)})
            return redirect("hq-meeting-detail", pk=meeting.pk)
    return render(request, "obstacles/hq/meeting_form.html", {"form": form, "province": province})


def _meeting_page(
    request: AuthenticatedRequest, meeting: Meeting, *, bound: Bound | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    candidates = hq.agenda_candidates(meeting.province)
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
        "share": hq.on_time_share(resolutions),
    }
    return render(request, "obstacles/hq/meeting_detail.html", context, status=status)


@login_required
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _get_meeting(request.user, pk))


@login_required
@require_POST
def meeting_agenda(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _get_meeting(user, pk)
    form = AgendaForm(request.POST, candidates=hq.agenda_candidates(meeting.province))
    if form.is_valid():
        try:
            with transaction.atomic():
                items = hq.meeting_add_cases(meeting=meeting, cases=form.cleaned_data["cases"], by=user)
                if form.cleaned_data["item"]:
                    items.append(hq.meeting_add_item(meeting=meeting, title=form.cleaned_data["item"], by=user))
        except hq.HQError as exc:
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
        commitments: list[hq.CommitmentSpec] = [
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
            resolution = hq.resolution_issue(
                meeting=meeting, text=data["text"], case=data.get("case"), commitments=commitments, by=user
            )
        except hq.HQError as exc:
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


def _visible_resolutions(user: User, province: Province) -> QuerySet[Resolution]:
    if hq.is_hq_secretariat(user, province):
        return Resolution.objects.filter(meeting__province=province)
    if _is_bound_party(user):
        party = Party.AGENCY if user.role == Role.AGENCY_LIAISON else Party.UNIT
        bound = Commitment.objects.filter(party=party, owner_id=user.organisation_id).values("resolution_id")
        return Resolution.objects.filter(pk__in=bound)
    raise PermissionDenied


def _resolution_page(request: AuthenticatedRequest, *, bound: Bound | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    province = page_province(user, request.GET.get("province"))
    secretariat = hq.is_hq_secretariat(user, province)
    visible = _visible_resolutions(user, province)
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
        chosen = [r for r in chosen if hq.resolution_status(r, today) == data["status"]]
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": _resolution_rows(user, list(page), bound or {}),
        "secretariat": secretariat,
        "share": hq.on_time_share(chosen),
    }
    return render(request, "obstacles/hq/resolution_list.html", context, status=status)


@login_required
def resolution_list(request: AuthenticatedRequest) -> HttpResponse:
    return _resolution_page(request)


def _form_error_page(request: AuthenticatedRequest, meeting: Meeting, key: str, form: Form) -> HttpResponse:
    """Back to the page the form was on, with the form as it was sent."""
    if hq.is_hq_secretariat(request.user, meeting.province):
        return _meeting_page(request, meeting, bound={key: form}, status=400)
    return _resolution_page(request, bound={key: form}, status=400)


def _done_redirect(request: AuthenticatedRequest, meeting: Meeting) -> HttpResponse:
    if hq.is_hq_secretariat(request.user, meeting.province):
        return redirect("hq-meeting-detail", pk=meeting.pk)
    return redirect("hq-resolution-list")


@login_required
@require_POST
def commitment_done(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    commitment = get_object_or_404(Commitment.objects.select_related("resolution__meeting__province", "owner"), pk=pk)
    if not hq.can_carry_out(user, commitment):
        raise PermissionDenied
    meeting = commitment.resolution.meeting
    key = f"done-{commitment.pk}"
    form = CommitmentDoneForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            hq.commitment_carry_out(
                commitment=commitment, by=user, note=form.cleaned_data["note"], done_on=form.cleaned_data["done_on"]
            )
        except hq.HQError as exc:
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
            hq.objection_file(resolution=resolution, by=user, text=form.cleaned_data["text"])
        except hq.HQError as exc:
            messages.error(request, str(exc))
            return _form_error_page(request, resolution.meeting, key, form)
        messages.success(request, _("Your objection was sent to the HQ."))
        return _done_redirect(request, resolution.meeting)
    if not resolution.commitments.filter(party=Party.AGENCY, owner_id=user.organisation_id).exists():
        raise PermissionDenied
    messages.error(request, _("The objection was not sent. Correct the fields marked below."))
    return _form_error_page(request, resolution.meeting, key, form)


@login_required
@require_POST
def objection_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    objection = get_object_or_404(Objection.objects.select_related("resolution__meeting__province"), pk=pk)
    meeting = objection.resolution.meeting
    _require_secretariat(user, meeting.province)
    key = f"decide-{objection.pk}"
    form = ObjectionDecideForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            hq.objection_decide(
                objection=objection, by=user, upheld=form.cleaned_data["upheld"], note=form.cleaned_data["note"]
            )
        except hq.HQError as exc:
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
    if not (user.is_province_staff and user.province_id in (None, province.pk)):
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
        "obstacles/hq/regulation_list.html",
        {"form": form, "page": page, "rows": rows, "can_edit": hq.is_hq_secretariat(user, province)},
    )


def _regulation_form_page(
    request: AuthenticatedRequest, province: Province, regulation: DisruptiveRegulation | None
) -> HttpResponse:
    user = request.user
    _require_secretariat(user, province)
    form = RegulationForm(request.POST or None, instance=regulation, province=province)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "cases"}
        cases = list(form.cleaned_data["cases"])
        if regulation is None:
            regulation = regulations.regulation_create(province=province, by=user, cases=cases, **fields)
        else:
            regulation = regulations.regulation_update(regulation=regulation, by=user, cases=cases, **fields)
        messages.success(request, _("The regulation was saved."))
        return redirect("hq-regulation-edit", pk=regulation.pk)
    if request.method == "POST":
        messages.error(request, _("The regulation was not saved. Correct the fields marked below."))
    units = regulations.units_affected(regulation) if regulation is not None else []
    return render(
        request, "obstacles/hq/regulation_form.html", {"form": form, "regulation": regulation, "units": units}
    )


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
    if not (user.is_province_staff and user.province_id in (None, regulation.province_id)):
        raise PermissionDenied
    if not hq.is_hq_secretariat(user, regulation.province):
        units = regulations.units_affected(regulation)
        return render(request, "obstacles/hq/regulation_detail.html", {"regulation": regulation, "units": units})
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
