"""Pages of the facilitation HQ's meetings: the meetings, their agendas and states, resolutions and their
follow-up, and the minutes PDF (the register of disruptive regulations and the scoreboard are
``register_views``).

The secretariat (``access.is_hq_secretariat``) runs the meetings; an agency liaison sees the resolutions
that bind their agency, a unit manager those that bind their company. Who may see what is
``rownaq.hq.access``; every change goes through ``rownaq.hq.services``, a meeting's moves through
``rownaq.hq.workflow.act``.
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
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.accounts.models import User
from rownaq.core.normalise import to_persian_digits
from rownaq.hq import access, scoreboard, services, workflow
from rownaq.hq.filters import ResolutionFilter
from rownaq.hq.forms import (
    STATUS_LABELS,
    AgendaForm,
    CommitmentDoneForm,
    MeetingActionForm,
    MeetingForm,
    ObjectionDecideForm,
    ObjectionForm,
    ResolutionForm,
)
from rownaq.hq.minutes import meeting_title, minutes_filename, render_minutes_pdf
from rownaq.hq.models import (
    Commitment,
    Meeting,
    MeetingState,
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
    openable = access.openable_cases(user, [r.case_id for r in resolutions])
    rows = []
    for resolution in resolutions:
        secretariat = access.is_hq_secretariat(user, resolution.meeting.province)
        adopted = resolution.is_adopted
        window_open = adopted and services.objection_window_open(resolution, today)
        commitments = list(resolution.commitments.all())
        objections = list(resolution.objections.all())
        binds_user = access.may_object_among(user, commitments)
        pending_own = any(o.agency_id == user.organisation_id and o.state == ObjectionState.PENDING for o in objections)
        status = scoreboard.resolution_status(resolution, today)
        object_key = f"object-{resolution.pk}"
        rows.append(
            {
                "resolution": resolution,
                "status": status,
                "status_label": STATUS_LABELS.get(status, status),
                "adopted": adopted,
                "case_link": resolution.case_id in openable,
                "may_withdraw": secretariat and not adopted,
                "window_open": window_open,
                "commitments": [
                    {
                        "commitment": c,
                        "overdue": adopted and c.is_overdue(today),
                        "on_time": c.on_time(),
                        "form": bound.get(f"done-{c.pk}") or CommitmentDoneForm(prefix=f"done-{c.pk}")
                        if adopted and c.done_on is None and access.can_carry_out(user, c)
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
                or (ObjectionForm(prefix=object_key) if binds_user and window_open and not pending_own else None),
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
        "open_minutes": meeting.state != MeetingState.MINUTES_FINAL,
        "agenda_form": bound.get("agenda") or AgendaForm(candidates=candidates),
        "has_candidates": candidates.exists(),
        "resolution_form": bound.get("resolution") or ResolutionForm(meeting=meeting),
        "rows": _resolution_rows(user, resolutions, bound),
        "share": scoreboard.on_time_share(resolutions),
        "actions": [
            {
                "name": name,
                "label": workflow.MEETING_STATES[name].label,
                "form": bound.get(f"meeting-{name}")
                or MeetingActionForm(
                    action=name, prefix=f"meeting-{name}", initial={"held_on": workflow.default_held_on(meeting)}
                ),
            }
            for name in workflow.allowed_actions(meeting, user)
        ],
        "events": meeting.events.select_related("by"),
    }
    return render(request, "hq/meeting_detail.html", context, status=status)


@login_required
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _get_meeting(request.user, pk))


@login_required
@require_POST
def meeting_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    """Move the meeting (held, minutes final) through ``workflow.act``."""
    user = request.user
    meeting = _get_meeting(user, pk)
    if action not in workflow.ACTIONS:
        raise Http404
    key = f"meeting-{action}"
    form = MeetingActionForm(request.POST, action=action, prefix=key)
    if form.is_valid():
        try:
            workflow.act(meeting=meeting, action=action, by=user, data=form.cleaned_data)
        except services.HQError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": workflow.MEETING_STATES[action].label})
            return redirect("hq-meeting-detail", pk=meeting.pk)
    messages.error(request, _("The meeting was not changed. Correct the fields marked below."))
    meeting.refresh_from_db()
    return _meeting_page(request, meeting, bound={key: form}, status=400)


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
            if resolution.is_adopted:
                messages.success(request, _("Resolution %(ref)s was issued.") % {"ref": fa(resolution)})
            else:
                messages.success(
                    request,
                    _("Resolution %(ref)s was drafted; it is adopted when the meeting is recorded as held.")
                    % {"ref": fa(resolution)},
                )
            return redirect("hq-meeting-detail", pk=meeting.pk)
    messages.error(request, _("The resolution was not issued. Correct the fields marked below."))
    return _meeting_page(request, meeting, bound={"resolution": form}, status=400)


@login_required
@require_POST
def resolution_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The secretariat takes back a draft before its meeting is held."""
    user = request.user
    resolution = get_object_or_404(Resolution.objects.select_related("meeting__province"), pk=pk)
    meeting = _get_meeting(user, resolution.meeting_id)
    reference = fa(resolution)
    try:
        services.resolution_withdraw(resolution=resolution, by=user)
    except services.HQError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The draft resolution %(ref)s was withdrawn.") % {"ref": reference})
    return redirect("hq-meeting-detail", pk=meeting.pk)


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
    # A filter that does not validate is shown with its error; the valid ones still apply.
    found = ResolutionFilter(request.GET, queryset=visible, request=request, province=province)
    chosen = list(_resolutions(found.qs).order_by("-meeting__held_on", "-meeting__number", "number"))
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": found.form,
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
    if not access.binds_user(user, resolution):
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
