"""Pages of the Industry Needs Desk: the dashboard, needs, capabilities, proposals and search.

Every object is fetched through ``rownaq.needs.access``; every change goes through
``rownaq.needs.services`` (proposals: ``rownaq.needs.workflow``, decisions by ``act``); lists are filtered
by ``rownaq.needs.filters``. A confidential need's details (description, quantities, value, attachments,
matches, proposals) reach the template only when ``access`` says so (``need_details_visible``,
``needs_details_shown``).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.core.jalali import jalali_today
from rownaq.core.normalise import to_persian_digits
from rownaq.core.periods import Period
from rownaq.geography.places import Places
from rownaq.matching import Document
from rownaq.needs import access, figures, services, workflow
from rownaq.needs.documents import document_for_capability, document_for_need
from rownaq.needs.filters import CapabilityFilter, NeedFilter, ProposalFilter
from rownaq.needs.forms import (
    PROPOSAL_ACTION_FORMS,
    CapabilityForm,
    DeliverForm,
    MessageForm,
    NeedForm,
    ProposalForm,
    SearchForm,
)
from rownaq.needs.match_strength import split_by_strength
from rownaq.needs.models import (
    Agreement,
    Match,
    Need,
    NeedAccess,
    NeedAttachment,
    NeedState,
    Proposal,
    Visibility,
)
from rownaq.needs.vocabulary import desk_engine
from rownaq.registry.access import page_province, unit_from_query

PAGE_SIZE = 50
SEARCH_RESULTS = 20


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` escaped, with each shared term wrapped in ``<mark>``, its digits Persian."""
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words:
        return SafeString(escape(to_persian_digits(text)))
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    parts: list[str] = []
    last = 0
    for found in pattern.finditer(text):
        parts.append(escape(to_persian_digits(text[last : found.start()])))
        parts.append(f"<mark>{escape(to_persian_digits(found.group(0)))}</mark>")
        last = found.end()
    parts.append(escape(to_persian_digits(text[last:])))
    return mark_safe("".join(parts))


# -- the dashboard ---------------------------------------------------------------------------------


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    province = page_province(request.user)
    places = Places.province(province)
    shown = figures.desk_figures(places, Period.whole_year(jalali_today().year))
    recent = (
        Need.objects.visible_to(request.user)
        .in_places(places)
        .filter(state=NeedState.OPEN)
        .select_related("sector", "unit__county__province")[:10]
    )
    return render(
        request,
        "needs/dashboard.html",
        {"province": province, "figures": shown, "recent": recent, **_abilities(request)},
    )


def _abilities(request: AuthenticatedRequest) -> dict[str, bool]:
    return {
        "can_post_need": access.can_post_needs(request.user),
        "can_post_capability": access.can_post_capability(request.user),
    }


# -- needs -----------------------------------------------------------------------------------------


@login_required
def need_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    need_filter = NeedFilter(request.GET, queryset=access.needs_visible_to(user), request=request)
    needs = need_filter.qs.select_related("sector", "unit__county__province")
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    detailed = access.needs_details_shown(user, page)
    rows = [{"need": n, "details": n.pk in detailed} for n in page]
    context = {"form": need_filter.form, "page": page, "rows": rows, **_abilities(request)}
    return render(request, "needs/need_list.html", context)


def _need_page(
    request: AuthenticatedRequest, need: Need, *, proposal_form: Form | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    details = access.need_details_visible(user, need)
    need_side = access.is_need_side(user, need)
    context: dict[str, Any] = {
        "need": need,
        "details": details,
        "can_edit": access.can_post_need_for(user, need.unit),
        "reply_days": figures.unit_reply_days(need),
    }
    if details:
        matches = access.matches_shown(user, need)
        rated, lead = split_by_strength((m.score, m.reasons) for m in matches)
        rows = [
            {"match": m, "title": highlight(m.capability.title, m.reasons.get("terms", [])), "rated": r}
            for m, r in zip(matches, rated, strict=True)
        ]
        context["matches"], context["weak_matches"] = rows[:lead], rows[lead:]
        context["weak_start"] = lead + 1
        context["attachments"] = need.attachments.all()
        context["proposals"] = (
            access.proposals_visible_to(user).filter(need=need).select_related("organisation", "capability")
        )
        if access.can_propose(user, need):
            context["proposal_form"] = proposal_form or ProposalForm(user=user)
    if need_side and need.visibility == Visibility.APPROVED:
        context["access_requests"] = need.accesses.select_related(
            "organisation", "requested_by", "decided_by"
        ).order_by("state", "pk")
    if access.can_request_access(user, need):
        context["access"] = NeedAccess.objects.filter(need=need, organisation=user.organisation).first()
        context["can_request_access"] = True
    return render(request, "needs/need_detail.html", context, status=status)


@login_required
def need_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _need_page(request, access.get_need_for_user(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def need_post(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not access.can_post_needs(user):
        raise PermissionDenied
    unit = unit_from_query(request.GET, user)
    if unit is not None and not access.can_post_need_for(user, unit):
        raise PermissionDenied
    if request.method == "POST":
        form = NeedForm(request.POST, request.FILES, user=user, unit=unit)
        if form.is_valid():
            data = dict(form.cleaned_data)
            files = data.pop("attachments")
            try:
                need = services.need_post(by=user, attachments=files, **data)
            except PermissionDenied:
                form.add_error("unit", _("You cannot post a need for this unit."))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The need was posted. Matching capabilities are being found."))
                return redirect("needs-need-detail", pk=need.pk)
        messages.error(request, _("The need was not posted. Correct the fields marked below."))
    else:
        form = NeedForm(user=user, unit=unit)
    return render(request, "needs/need_form.html", {"form": form, "need": None})


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    need = access.get_need_for_user(user, pk)
    if not access.can_post_need_for(user, need.unit):
        raise PermissionDenied
    initial = {name: getattr(need, name) for name in services.NEED_FIELDS}
    if request.method == "POST":
        form = NeedForm(request.POST, request.FILES, user=user, editing=True, initial=initial)
        if form.is_valid():
            data = dict(form.cleaned_data)
            files, version = data.pop("attachments"), data.pop("version")
            try:
                services.need_update(need=need, by=user, expected_version=version, attachments=files, **data)
            except services.StaleEditError as exc:
                form.add_error(None, str(exc))  # what the person typed stays in the form
                return render(request, "needs/need_form.html", {"form": form, "need": need}, status=409)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The need was saved."))
                return redirect("needs-need-detail", pk=need.pk)
        messages.error(request, _("The need was not saved. Correct the fields marked below."))
    else:
        form = NeedForm(user=user, editing=True, initial={**initial, "version": need.version})
    return render(request, "needs/need_form.html", {"form": form, "need": need})


@login_required
@require_POST
def need_request_access(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    need = access.get_need_for_user(request.user, pk)
    services.need_access_request(need=need, by=request.user)
    messages.success(request, _("Your request was sent to the need's owner."))
    return redirect("needs-need-detail", pk=pk)


@login_required
@require_POST
def need_access_decide(request: AuthenticatedRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "decline"):
        raise Http404
    request_row = get_object_or_404(NeedAccess.objects.select_related("need__unit__county"), pk=pk)
    services.need_access_decide(request=request_row, by=request.user, approve=decision == "approve")
    messages.success(request, _("Your decision was recorded."))
    return redirect("needs-need-detail", pk=request_row.need_id)


@login_required
@require_POST
def need_propose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    need = access.get_need_for_user(user, pk)
    if not access.need_details_visible(user, need):
        raise PermissionDenied
    form = ProposalForm(request.POST, user=user)
    if not form.is_valid():
        return _need_page(request, need, proposal_form=form, status=400)
    try:
        proposal = workflow.proposal_submit(need=need, by=user, **form.cleaned_data)
    except (services.DeskError, ValidationError) as exc:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        return _need_page(request, need, proposal_form=form, status=400)
    messages.success(request, _("Your proposal was sent."))
    return redirect("needs-proposal-detail", pk=proposal.pk)


@login_required
def attachment_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(NeedAttachment.objects.select_related("need__unit__county"), pk=pk)
    if not access.need_details_visible(request.user, attachment.need):
        raise Http404
    return attachment_file(attachment)


def attachment_file(attachment: NeedAttachment) -> FileResponse:
    """The file as a download under its own name (the caller has checked who asks)."""
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


# -- capabilities ----------------------------------------------------------------------------------


@login_required
def capability_list(request: AuthenticatedRequest) -> HttpResponse:
    visible = access.capabilities_visible_to(request.user)
    capabilities = CapabilityFilter(request.GET, queryset=visible, request=request).qs
    capabilities = capabilities.select_related("owner", "province")
    page = Paginator(capabilities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.get("q", "")
    return render(request, "needs/capability_list.html", {"page": page, "q": query, **_abilities(request)})


@login_required
def capability_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    capability = access.get_capability_for_user(user, pk)
    matches = list(
        Match.objects.filter(capability=capability, need__in=access.needs_visible_to(user))
        .select_related("need", "need__sector", "need__unit__county__province")
        .order_by("-score", "need_id")
    )
    detailed = access.needs_details_shown(user, [m.need for m in matches])
    rows = [{"match": m, "details": m.need_id in detailed} for m in matches]
    context = {
        "capability": capability,
        "sectors": capability.sectors.all(),
        "rows": rows,
        "can_edit": access.can_edit_capability(user, capability),
    }
    return render(request, "needs/capability_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def capability_post(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not access.can_post_capability(user):
        raise PermissionDenied
    if request.method == "POST":
        form = CapabilityForm(request.POST, user=user)
        if form.is_valid():
            try:
                capability = services.capability_post(by=user, **form.cleaned_data)
            except PermissionDenied:
                form.add_error(None, _("You cannot post a capability for this organisation."))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The capability was posted."))
                return redirect("needs-capability-detail", pk=capability.pk)
        messages.error(request, _("The capability was not posted. Correct the fields marked below."))
    else:
        form = CapabilityForm(user=user)
    return render(request, "needs/capability_form.html", {"form": form, "capability": None})


@login_required
@require_http_methods(["GET", "POST"])
def capability_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    capability = access.get_capability_for_user(user, pk)
    if not access.can_edit_capability(user, capability):
        raise PermissionDenied
    initial: dict[str, Any] = {name: getattr(capability, name) for name in services.CAPABILITY_FIELDS}
    initial["sectors"] = list(capability.sectors.all())
    if request.method == "POST":
        form = CapabilityForm(request.POST, user=user, editing=True, initial=initial)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.capability_update(capability=capability, by=user, expected_version=version, **data)
            except services.StaleEditError as exc:
                form.add_error(None, str(exc))  # what the person typed stays in the form
                context = {"form": form, "capability": capability}
                return render(request, "needs/capability_form.html", context, status=409)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The capability was saved."))
                return redirect("needs-capability-detail", pk=capability.pk)
        messages.error(request, _("The capability was not saved. Correct the fields marked below."))
    else:
        initial["version"] = capability.version
        form = CapabilityForm(user=user, editing=True, initial=initial)
    return render(request, "needs/capability_form.html", {"form": form, "capability": capability})


# -- proposals -------------------------------------------------------------------------------------


def _proposal_page(
    request: AuthenticatedRequest, proposal: Proposal, *, bound: tuple[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    need = proposal.need
    need_side = access.is_need_side(user, need)
    bound_name, bound_form = bound if bound else ("", None)
    actions = [
        {"name": name, "form": bound_form if name == bound_name else PROPOSAL_ACTION_FORMS[name]()}
        for name in workflow.allowed_decisions(proposal, user)
    ]
    agreement = Agreement.objects.filter(proposal=proposal).first()
    context = {
        "proposal": proposal,
        "need": need,
        "thread": proposal.messages.select_related("author", "author__organisation"),
        "events": proposal.events.select_related("by", "by__organisation"),
        "message_form": bound_form if bound_name == "message" else MessageForm(),
        "actions": actions,
        "agreement": agreement,
        "deliver_form": (bound_form if bound_name == "deliver" else DeliverForm())
        if need_side and agreement and agreement.delivered_on is None
        else None,
    }
    return render(request, "needs/proposal_detail.html", context, status=status)


@login_required
def proposal_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, access.get_proposal_for_user(request.user, pk))


@login_required
@require_POST
def proposal_message(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = access.get_proposal_for_user(request.user, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _proposal_page(request, proposal, bound=("message", form), status=400)
    workflow.proposal_message(proposal=proposal, by=request.user, text=form.cleaned_data["text"])
    return redirect("needs-proposal-detail", pk=pk)


@login_required
@require_POST
def proposal_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    proposal = access.get_proposal_for_user(user, pk)
    form_class = PROPOSAL_ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action was not done. Correct the fields marked below."))
        return _proposal_page(request, proposal, bound=(action, form), status=400)
    try:
        workflow.act(proposal=proposal, action=action, by=user, **form.cleaned_data)
    except services.DeskError as exc:
        messages.error(request, str(exc))
        return _proposal_page(request, access.get_proposal_for_user(user, pk), bound=(action, form), status=400)
    messages.success(request, _("Done."))
    return redirect("needs-proposal-detail", pk=pk)


@login_required
@require_POST
def agreement_deliver(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    proposal = access.get_proposal_for_user(user, pk)
    agreement = get_object_or_404(Agreement, proposal=proposal)
    form = DeliverForm(request.POST)
    if not form.is_valid():
        return _proposal_page(request, proposal, bound=("deliver", form), status=400)
    try:
        workflow.agreement_deliver(agreement=agreement, by=user, **form.cleaned_data)
    except services.DeskError as exc:
        messages.error(request, str(exc))
        return _proposal_page(request, proposal, status=400)
    messages.success(request, _("The delivery was recorded: it now counts as domestic manufacture."))
    return redirect("needs-proposal-detail", pk=pk)


@login_required
def my_proposals(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    own: QuerySet[Proposal] = Proposal.objects.none()
    if user.organisation_id is not None:
        own = access.proposals_visible_to(user).filter(organisation_id=user.organisation_id)
    proposals = ProposalFilter(request.GET, queryset=own, request=request).qs.select_related("need", "capability")
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "needs/my_proposals.html", {"page": page})


# -- search ----------------------------------------------------------------------------------------


def _need_documents(user: Any) -> tuple[list[Document], dict[str, Need], set[int]]:
    """Documents of the needs a person may find: whole for those whose details they see, title only otherwise."""
    findable = access.needs_visible_to(user).exclude(state=NeedState.CLOSED)
    needs = list(findable.select_related("sector", "unit__county__province"))
    detailed = access.needs_details_shown(user, findable)
    documents = [
        document_for_need(n) if n.pk in detailed else Document(id=str(n.pk), title=n.title, text="") for n in needs
    ]
    return documents, {str(n.pk): n for n in needs}, detailed


@login_required
def search(request: AuthenticatedRequest) -> HttpResponse:
    """Free-text search over needs and capabilities with the matching engine.

    At demo scale the two indexes are built per request over what the person may see (public
    capabilities and their own; needs whole where they see the details, by title otherwise). A
    cached index, rebuilt when needs and capabilities change, is the next step at larger scale.
    """
    user = request.user
    form = SearchForm(request.GET)
    needs: list[dict[str, Any]] = []
    capabilities: list[dict[str, Any]] = []
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if query.strip():
        asked = Document(id="query", title=query, text=query)
        documents, by_id, detailed = _need_documents(user)
        need_engine = desk_engine()
        need_engine.build(documents)
        for hit in need_engine.rank(asked, k=SEARCH_RESULTS):
            need = by_id[hit.id]
            shown = need.pk in detailed
            needs.append({"need": need, "details": shown, "title": highlight(need.title, hit.terms), "hit": hit})
        visible = list(
            access.capabilities_visible_to(user).select_related("owner", "province").prefetch_related("sectors")
        )
        capability_engine = desk_engine()
        capability_engine.build([document_for_capability(c) for c in visible])
        by_capability = {str(c.pk): c for c in visible}
        for hit in capability_engine.rank(asked, k=SEARCH_RESULTS):
            capability = by_capability[hit.id]
            capabilities.append({"capability": capability, "title": highlight(capability.title, hit.terms), "hit": hit})
    return render(
        request,
        "needs/search.html",
        {"form": form, "query": query, "needs": needs, "capabilities": capabilities},
    )
