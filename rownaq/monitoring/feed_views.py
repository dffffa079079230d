"""Pages of the agencies' signal feeds: the list (with matched and unmatched counts), the upload and its
template, a feed's page (progress of the check, problems, confirmation, unmatched rows and their
corrections). Access is ``access``'s; every change goes through ``feeds``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.accounts.models import AgencyCode, Organisation
from rownaq.monitoring import access, feeds
from rownaq.monitoring.feed_forms import FeedUploadForm, RowNationalIdForm, RowUnitForm
from rownaq.monitoring.feed_sheet import feed_template_xlsx
from rownaq.monitoring.models import SIGNAL_MONEY_KINDS, FeedState, Signal, SignalFeed
from rownaq.registry.filters import find_units
from rownaq.registry.models import Unit

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
PROBLEMS_SHOWN = 500
UNMATCHED_SHOWN = 200


def _feeds_user(request: AuthenticatedRequest) -> None:
    if not access.sees_feeds(request.user):
        raise PermissionDenied


def _template_links(agencies: QuerySet[Organisation]) -> list[tuple[str, str]]:
    codes = sorted(set(agencies.values_list("agency_code", flat=True)))
    return [(code, str(AgencyCode(code).label)) for code in codes]


@login_required
@require_GET
def feed_list(request: AuthenticatedRequest) -> HttpResponse:
    _feeds_user(request)
    listed = (
        access.feeds_visible_to(request.user)
        .select_related("organisation", "province", "uploaded_by")
        .annotate(unmatched=F("total_rows") - F("matched_rows"))
        .order_by("-year", "-month", "-created_at", "-pk")
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    agencies = access.feed_agencies(request.user)
    return render(
        request,
        "monitoring/feed_list.html",
        {
            "feeds": page.object_list,
            "page": page,
            "can_upload": agencies.exists(),
            "template_links": _template_links(agencies),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def feed_upload(request: AuthenticatedRequest) -> HttpResponse:
    _feeds_user(request)
    agencies = access.feed_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied
    form = FeedUploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feed = feeds.feed_upload_create(
                file=data["file"], organisation=data["agency"], year=data["year"], month=data["month"], by=request.user
            )
        except feeds.FeedError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("monitoring-feed-detail", pk=feed.pk)
    return render(request, "monitoring/feed_upload.html", {"form": form, "template_links": _template_links(agencies)})


@login_required
@require_GET
def feed_template(request: AuthenticatedRequest, code: str) -> HttpResponse:
    _feeds_user(request)
    if code not in access.SIGNAL_AGENCY_CODES:
        raise Http404
    if access.sends_signals(request.user) and request.user.organisation.agency_code != code:  # type: ignore[union-attr]
        raise Http404
    response = HttpResponse(feed_template_xlsx(code), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="rownaq-signals-{code}.xlsx"'
    return response


def _detail_context(request: AuthenticatedRequest, feed: SignalFeed) -> dict[str, object]:
    unmatched = feeds.unmatched_rows(feed).select_related("feed")
    checked_unmatched, checked_unmatched_ids = (
        feeds.checked_unmatched(feed) if feed.state == FeedState.CHECKED else (0, 0)
    )
    return {
        "checked_unmatched": checked_unmatched,
        "checked_unmatched_ids": checked_unmatched_ids,
        "feed": feed,
        "agency": AgencyCode(feed.organisation.agency_code).label if feed.organisation.agency_code else "",
        "running": feed.state in feeds.RUNNING_STATES,
        "problems": feed.problems[:PROBLEMS_SHOWN],
        "problems_total": len(feed.problems),
        "unmatched": unmatched[:UNMATCHED_SHOWN],
        "unmatched_total": unmatched.count(),
        "can_confirm": feed.state == FeedState.CHECKED and access.can_send_feed(request.user, feed),
        # a superseded feed no longer counts: its rows are not worth correcting
        "can_match": feed.superseded_by_id is None and access.can_match_rows(request.user, feed),
        "can_correct": feed.superseded_by_id is None and access.can_correct_rows(request.user, feed),
        "superseded_by": feed.superseded_by,
        "money_kinds": SIGNAL_MONEY_KINDS,  # shown in billion rials, as money on every page
    }


@login_required
@require_GET
def feed_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _feeds_user(request)
    feed = access.get_feed_for_user(request.user, pk)
    if request.headers.get("HX-Request") and "unit" in request.GET:
        return _unit_options(request, feed)
    return render(request, "monitoring/feed_detail.html", _detail_context(request, feed))


def _unit_options(request: AuthenticatedRequest, feed: SignalFeed) -> HttpResponse:
    """The units of the feed's province matching what staff typed, as ``<option>``s of a datalist (htmx)."""
    if not access.can_match_rows(request.user, feed):
        raise PermissionDenied
    query = request.GET.get("unit", "")[:200]
    units = find_units(Unit.objects.filter(county__province_id=feed.province_id), query)
    return render(request, "obstacles/_unit_options.html", {"units": units.order_by("name_sort")[:10]})


@login_required
@require_GET
def feed_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx while the file is checked; once done, the page reloads."""
    _feeds_user(request)
    feed = access.get_feed_for_user(request.user, pk)
    running = feed.state in feeds.RUNNING_STATES
    response = render(request, "monitoring/_feed_progress.html", {"feed": feed, "running": running})
    if not running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def feed_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _feeds_user(request)
    feed = access.get_feed_for_user(request.user, pk)
    try:
        feed = feeds.feed_confirm(feed=feed, by=request.user)
    except feeds.FeedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The feed was received: its rows now count."))
    return redirect("monitoring-feed-detail", pk=feed.pk)


@login_required
@require_POST
def signal_match(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Province staff match an unmatched row to a unit."""
    _feeds_user(request)
    signal = access.get_signal_for_user(request.user, pk)
    feed = access.get_feed_for_user(request.user, signal.feed_id)
    if not access.can_match_rows(request.user, feed):
        raise PermissionDenied
    form = RowUnitForm(request.POST, units=Unit.objects.filter(county__province_id=feed.province_id))
    if form.is_valid():
        try:
            feeds.signal_assign_unit(signal=signal, unit=form.cleaned_data["unit"], by=request.user)
        except feeds.FeedError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The row was matched to the unit."))
            return redirect("monitoring-feed-detail", pk=feed.pk)
    return _row_refused(request, feed, signal, unit_form=form)


@login_required
@require_POST
def signal_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The agency corrects the national ID of an unmatched row."""
    _feeds_user(request)
    signal = access.get_signal_for_user(request.user, pk)
    feed = access.get_feed_for_user(request.user, signal.feed_id)
    if not access.can_correct_rows(request.user, feed):
        raise PermissionDenied
    form = RowNationalIdForm(request.POST)
    if form.is_valid():
        try:
            signal = feeds.signal_correct_national_id(
                signal=signal, national_id=form.cleaned_data["national_id"], by=request.user
            )
        except feeds.FeedError as exc:
            form.add_error("national_id", str(exc))
        else:
            if signal.unit_id is None:
                messages.warning(request, _("The national ID was corrected, but no unit of the province has it."))
            else:
                messages.success(request, _("The national ID was corrected and the row matched to its unit."))
            return redirect("monitoring-feed-detail", pk=feed.pk)
    return _row_refused(request, feed, signal, id_form=form)


def _row_refused(
    request: AuthenticatedRequest,
    feed: SignalFeed,
    signal: Signal,
    *,
    unit_form: RowUnitForm | None = None,
    id_form: RowNationalIdForm | None = None,
) -> HttpResponse:
    """The feed's page again, with the refused row's form showing what was typed and why it was refused."""
    context = _detail_context(request, feed)
    context.update({"refused_row": signal.pk, "unit_form": unit_form, "id_form": id_form})
    return render(request, "monitoring/feed_detail.html", context)
