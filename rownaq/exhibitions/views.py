"""Exhibition pages for people who log in: province staff set exhibitions up; participants book B2B meetings.

Every change goes through ``rownaq.exhibitions.services``; who may do what is asked of ``rownaq.exhibitions.access``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.exhibitions import access, scheduling, services
from rownaq.exhibitions.forms import (
    BookingForm,
    BoothsForm,
    ExhibitionForm,
    ExhibitorForm,
    HallForm,
    add_service_errors,
)
from rownaq.exhibitions.models import B2BMeeting, Booth, Exhibition, Exhibitor
from rownaq.geography.models import Province


def _managed_exhibition(request: AuthenticatedRequest, slug: str) -> Exhibition:
    exhibition = get_object_or_404(Exhibition, slug=slug)
    if not access.can_manage_exhibitions(request.user, exhibition.province_id):
        raise PermissionDenied
    return exhibition


@login_required
def exhibition_list(request: AuthenticatedRequest) -> HttpResponse:
    """Staff see every exhibition of their province; participants the published ones, with their schedules."""
    user = request.user
    exhibitions = access.exhibitions_listed_to(user).select_related("province").order_by("-starts_on")
    manages = access.can_manage_exhibitions(user, user.province_id)
    return render(request, "exhibitions/exhibition_list.html", {"exhibitions": exhibitions, "manages": manages})


@login_required
@require_http_methods(["GET", "POST"])
def exhibition_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    province_id = user.province_id
    if province_id is None or not access.can_manage_exhibitions(user, province_id):
        raise PermissionDenied
    form = ExhibitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        try:
            exhibition = services.exhibition_create(by=user, province=Province.objects.get(pk=province_id), **data)  # type: ignore[arg-type]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The exhibition was created."))
            return redirect("exhibitions-setup", slug=exhibition.slug)
    return render(request, "exhibitions/exhibition_form.html", {"form": form, "exhibition": None})


@login_required
@require_http_methods(["GET", "POST"])
def exhibition_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    exhibition = _managed_exhibition(request, slug)
    original = Exhibition.objects.get(pk=exhibition.pk)
    form = ExhibitionForm(request.POST or None, instance=exhibition)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        try:
            services.exhibition_update(exhibition=original, by=request.user, changes=changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The exhibition was saved."))
            return redirect("exhibitions-setup", slug=original.slug)
    return render(request, "exhibitions/exhibition_form.html", {"form": form, "exhibition": original})


@login_required
@require_http_methods(["GET", "POST"])
def exhibition_setup(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Halls, booths and exhibitors; each form posts with its own ``action``."""
    exhibition = _managed_exhibition(request, slug)
    action = request.POST.get("action") if request.method == "POST" else None
    hall_form = HallForm(request.POST if action == "hall" else None, prefix="hall")
    booths_form = BoothsForm(request.POST if action == "booths" else None, exhibition=exhibition, prefix="booths")
    exhibitor_form = ExhibitorForm(
        request.POST if action == "exhibitor" else None, exhibition=exhibition, prefix="exhibitor"
    )
    try:
        if action == "hall" and hall_form.is_valid():
            services.hall_add(exhibition=exhibition, name=hall_form.cleaned_data["name"], by=request.user)
            messages.success(request, _("The hall was added."))
            return redirect("exhibitions-setup", slug=slug)
        if action == "booths" and booths_form.is_valid():
            data = booths_form.cleaned_data
            services.booths_add(hall=data["hall"], codes=data["codes"], by=request.user)
            messages.success(request, _("The booths were added."))
            return redirect("exhibitions-setup", slug=slug)
        if action == "exhibitor" and exhibitor_form.is_valid():
            data = exhibitor_form.cleaned_data
            exhibitor = services.exhibitor_add(
                exhibition=exhibition, organisation=data["organisation"], booth=data["booth"], by=request.user
            )
            messages.success(request, _("The exhibitor was added; now choose what it shows."))
            return redirect("exhibitions-exhibitor-edit", slug=slug, pk=exhibitor.pk)
    except ValidationError as exc:
        form = {"hall": hall_form, "booths": booths_form, "exhibitor": exhibitor_form}[action or "hall"]
        add_service_errors(form, exc)
    halls = exhibition.halls.prefetch_related(
        Prefetch("booths", queryset=Booth.objects.select_related("exhibitor__organisation").order_by("code"))
    ).order_by("name")
    exhibitors = (
        Exhibitor.objects.filter(exhibition=exhibition)
        .select_related("organisation", "booth__hall")
        .prefetch_related("needs", "capabilities")
        .order_by("organisation__name")
    )
    return render(
        request,
        "exhibitions/setup.html",
        {
            "exhibition": exhibition,
            "halls": halls,
            "exhibitors": exhibitors,
            "hall_form": hall_form,
            "booths_form": booths_form,
            "exhibitor_form": exhibitor_form,
        },
        status=400 if any(f.errors for f in (hall_form, booths_form, exhibitor_form)) else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def exhibitor_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    exhibition = _managed_exhibition(request, slug)
    exhibitor = get_object_or_404(Exhibitor.objects.select_related("organisation"), exhibition=exhibition, pk=pk)
    booth = Booth.objects.filter(exhibitor=exhibitor).first()
    initial = {"booth": booth, "needs": exhibitor.needs.all(), "capabilities": exhibitor.capabilities.all()}
    form = ExhibitorForm(
        request.POST or None, exhibition=exhibition, organisation=exhibitor.organisation, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.exhibitor_update(
                exhibitor=exhibitor,
                by=request.user,
                booth=data["booth"],
                needs=list(data["needs"]),
                capabilities=list(data["capabilities"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The exhibitor was saved."))
            return redirect("exhibitions-setup", slug=slug)
    return render(
        request,
        "exhibitions/exhibitor_form.html",
        {"exhibition": exhibition, "exhibitor": exhibitor, "form": form},
    )


@login_required
def schedule(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The person's organisation's B2B meetings at the exhibition, with Jalali days and times."""
    exhibition = get_object_or_404(access.published_exhibitions(), slug=slug)
    organisation = request.user.organisation
    entries = scheduling.schedule_for(organisation, exhibition) if organisation else []
    own_needs, own_capabilities = access.own_items(request.user)
    return render(
        request,
        "exhibitions/schedule.html",
        {"exhibition": exhibition, "entries": entries, "can_book": bool(own_needs or own_capabilities)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def book(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    exhibition = get_object_or_404(access.published_exhibitions(), slug=slug)
    own_needs, own_capabilities = access.own_items(request.user)
    if not (own_needs or own_capabilities):
        raise PermissionDenied
    initial = {key: request.GET[key] for key in ("need", "capability") if key in request.GET}
    form = BookingForm(
        request.POST or None,
        exhibition=exhibition,
        own_needs=own_needs,
        own_capabilities=own_capabilities,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.b2b_book(
                exhibition=exhibition,
                need=form.cleaned_data["need"],
                capability=form.cleaned_data["capability"],
                starts_at=form.starts_at(),
                by=request.user,
            )
        except PermissionDenied:
            form.add_error(None, _("One side of the meeting must be your own need or capability."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The meeting was booked: %(when)s.") % {"when": scheduling.meeting_when(meeting)}
            )
            return redirect("exhibitions-schedule", slug=slug)
    return render(
        request,
        "exhibitions/book.html",
        {"exhibition": exhibition, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def meeting_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(B2BMeeting.objects.select_related("exhibition"), pk=pk)
    services.b2b_cancel(meeting=meeting, by=request.user)
    messages.success(request, _("The meeting was cancelled."))
    return redirect("exhibitions-schedule", slug=meeting.exhibition.slug)
