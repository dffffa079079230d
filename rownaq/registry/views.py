"""Pages of the unit registry: the province overview, the unit list, the unit page and its forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.core.jalali import format_jalali
from rownaq.geography.models import Province
from rownaq.geography.services import counties_geojson, county_name_from_osm
from rownaq.registry import access, services, spreadsheet
from rownaq.registry.filters import UnitFilter
from rownaq.registry.forms import ContactFormSet, ProductFormSet, UnitForm
from rownaq.registry.history import unit_history
from rownaq.registry.models import LicenceKind, Sector, SectorLevel, Unit, UnitStatus
from rownaq.registry.reference import sector_classes_matching

SORTS = {
    "name": ["name_sort", "id"],
    "-name": ["-name_sort", "-id"],
    "employees": ["employees", "id"],
    "-employees": ["-employees", "id"],
    "status_since": ["status_since", "id"],
    "-status_since": ["-status_since", "id"],
    "-updated": ["-updated_at", "id"],
}
PAGE_SIZE = 50


@login_required
def province_map(request: AuthenticatedRequest, code: str) -> JsonResponse:
    """GeoJSON of a province's counties (OpenStreetMap), named as in the registry, for the overview map."""
    province = Province.objects.filter(code=code).first()
    if province is None:
        raise Http404
    features = [
        {**feature, "properties": {"name": county_name_from_osm(feature["properties"]["name_fa"] or "")}}
        for feature in counties_geojson()["features"]
        if feature["properties"]["province_iso"] == province.iso_code
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def sector_search(request: AuthenticatedRequest) -> JsonResponse:
    """The activity picker's search: ISIC classes by Persian or English words or by code."""
    found = sector_classes_matching(request.GET.get("q", "")[:100])
    return JsonResponse({"results": [{"id": s.pk, "code": s.code, "label": s.choice_label} for s in found]})


def _filtered_units(request: AuthenticatedRequest) -> tuple[UnitFilter, QuerySet[Unit]]:
    if not access.can_view_registry(request.user):
        raise PermissionDenied
    unit_filter = UnitFilter(request.GET, queryset=access.units_visible_to(request.user), request=request)
    units = unit_filter.qs.select_related("sector", "county", "estate")
    return unit_filter, units.order_by(*SORTS.get(request.GET.get("sort", ""), SORTS["name"]))


@login_required
def unit_list(request: AuthenticatedRequest) -> HttpResponse:
    unit_filter, units = _filtered_units(request)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    divisions = Sector.objects.filter(level=SectorLevel.DIVISION, parent__code__in=["B", "C"]).order_by("code")
    return render(
        request,
        "registry/unit_list.html",
        {
            "filter": unit_filter,
            "page": page,
            "divisions": divisions,
            "statuses": UnitStatus.choices,
            "selected_statuses": request.GET.getlist("status"),
            "sort": request.GET.get("sort", "name"),
            "can_add": access.can_add_unit(request.user),
        },
    )


@login_required
def unit_export(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    _filter, units = _filtered_units(request)
    stamp = format_jalali(timezone.localdate(), persian_digits=False)
    filename = f"units-{stamp.replace('/', '-')}"
    if fmt == "csv":
        response = HttpResponse(spreadsheet.units_export_csv(units), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            spreadsheet.units_export_xlsx(units),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def unit_page_context(request: AuthenticatedRequest, pk: int) -> dict[str, Any]:
    """What the unit page shows of the registry (the page itself is composed in ``front``, which adds
    what other apps hold about the unit)."""
    unit = access.get_unit_for_user(request.user, pk)
    licences = {licence.kind: licence for licence in unit.licences.all()}
    return {
        "unit": unit,
        "operating_licence": licences.get(LicenceKind.OPERATING),
        "establishment_permit": licences.get(LicenceKind.ESTABLISHMENT),
        "products": unit.products.all(),
        "contacts": unit.contacts.all(),
        "status_changes": unit.status_changes.select_related("recorded_by"),
        "history": unit_history(unit),
        "can_edit": access.can_edit_unit(request.user, unit),
    }


def _save_unit(
    request: AuthenticatedRequest, form: UnitForm, unit: Unit | None, formsets: list[BaseInlineFormSet[Any, Unit, Any]]
) -> Unit:
    return services.unit_save(
        unit=unit,
        by=request.user,
        fields=form.unit_fields(),
        licences={kind: form.licence_fields(kind) for kind in (LicenceKind.OPERATING, LicenceKind.ESTABLISHMENT)},
        rows=formsets,
        owner_name=form.cleaned_data.get("owner_name", "") if request.user.can_edit_registry else None,
        expected_version=form.cleaned_data.get("version") if unit is not None else None,
        status_note=form.cleaned_data.get("status_note", ""),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: AuthenticatedRequest) -> HttpResponse:
    if not access.can_add_unit(request.user):
        raise PermissionDenied
    return _unit_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, write=True)
    return _unit_form_page(request, unit)


def _unit_form_page(request: AuthenticatedRequest, unit: Unit | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = UnitForm(data, instance=unit, user=request.user)
    formsets: list[BaseInlineFormSet[Any, Unit, Any]] = [
        ProductFormSet(data, instance=unit or Unit(), prefix="products"),
        ContactFormSet(data, instance=unit or Unit(), prefix="contacts"),
    ]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets):
        try:
            saved = _save_unit(request, form, unit, formsets)
        except services.StaleEditError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("registry-unit-detail", pk=saved.pk)
    elif request.method == "POST":
        messages.error(request, _("The unit was not saved. Correct the fields marked below."))
    return render(
        request,
        "registry/unit_form.html",
        {"form": form, "unit": unit, "products": formsets[0], "contacts": formsets[1]},
    )
