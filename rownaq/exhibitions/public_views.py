"""Public exhibition pages, no login: exhibitions, their exhibitors and published items, search, visitor registration.

Only public items are ever shown (see ``rownaq.exhibitions.access``): a need that its owner
shows only to approved people is not listed here at all, and its page is a 404.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rownaq.core.normalise import search_key, search_terms
from rownaq.exhibitions import access, services
from rownaq.exhibitions.forms import SearchForm, VisitorForm, add_service_errors
from rownaq.exhibitions.models import Booth, Exhibition, Exhibitor, Hall
from rownaq.matching import Document
from rownaq.needs.documents import document_for_capability, document_for_need
from rownaq.needs.models import Capability, Need
from rownaq.needs.vocabulary import desk_engine

SEARCH_LIMIT = 50
Item = TypeVar("Item", Need, Capability)


def _published() -> QuerySet[Exhibition]:
    return access.published_exhibitions().select_related("province")


def _get_exhibition(slug: str) -> Exhibition:
    return get_object_or_404(_published(), slug=slug)


def exhibition_list(request: HttpRequest) -> HttpResponse:
    """Running now first, then upcoming (soonest first), then past (latest first)."""
    today = timezone.localdate()
    exhibitions = list(_published())
    running = sorted((e for e in exhibitions if e.starts_on <= today <= e.ends_on), key=lambda e: e.ends_on)
    upcoming = sorted((e for e in exhibitions if e.starts_on > today), key=lambda e: e.starts_on)
    past = sorted((e for e in exhibitions if e.ends_on < today), key=lambda e: e.ends_on, reverse=True)
    return render(
        request, "exhibitions/expo/exhibition_list.html", {"running": running, "upcoming": upcoming, "past": past}
    )


def _public_items(exhibition: Exhibition) -> tuple[QuerySet[Need], QuerySet[Capability]]:
    needs = access.shown_needs(exhibition).select_related("unit__owner", "unit__county__province", "sector")
    capabilities = access.shown_capabilities(exhibition).select_related("owner", "province").prefetch_related("sectors")
    return needs, capabilities


def exhibition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    exhibition = _get_exhibition(slug)
    needs, capabilities = _public_items(exhibition)
    exhibitors = (
        Exhibitor.objects.filter(exhibition=exhibition)
        .select_related("organisation", "booth__hall")
        .prefetch_related(
            Prefetch("needs", queryset=needs.order_by("title"), to_attr="public_needs"),
            Prefetch("capabilities", queryset=capabilities.order_by("title"), to_attr="public_capabilities"),
        )
        .order_by("organisation__name")
    )
    halls = Hall.objects.filter(exhibition=exhibition).prefetch_related(
        Prefetch("booths", queryset=Booth.objects.select_related("exhibitor__organisation").order_by("code"))
    )
    return render(
        request,
        "exhibitions/expo/exhibition_detail.html",
        {
            "exhibition": exhibition,
            "exhibitors": exhibitors,
            "halls": halls.order_by("name"),
            "search_form": SearchForm(),
            "registration_open": access.registration_open(exhibition),
        },
    )


def _ranked(items: list[Item], documents: list[Document], query: str) -> list[Item]:
    """The engine's ranking over the items' documents, then the items that hold every term (search_terms)."""
    engine = desk_engine()
    engine.build(documents)
    by_id = {str(item.pk): item for item in items}
    hits = engine.rank(Document(id="query", title=query, text=""), k=SEARCH_LIMIT) if documents else []
    found: list[Item] = [by_id[hit.id] for hit in hits if hit.id in by_id]
    terms = search_terms(query)
    for item in items:
        if item not in found and all(term in item.search_text for term in terms):
            found.append(item)
    return found[:SEARCH_LIMIT]


def exhibition_search(request: HttpRequest, slug: str) -> HttpResponse:
    exhibition = _get_exhibition(slug)
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    needs: list[Need] = []
    capabilities: list[Capability] = []
    if search_key(query):
        public_needs, public_capabilities = _public_items(exhibition)
        need_list, capability_list = list(public_needs), list(public_capabilities)
        needs = _ranked(need_list, [document_for_need(need) for need in need_list], query)
        capabilities = _ranked(
            capability_list, [document_for_capability(capability) for capability in capability_list], query
        )
    booths = _booths_by_organisation(exhibition)
    return render(
        request,
        "exhibitions/expo/search.html",
        {
            "exhibition": exhibition,
            "search_form": form,
            "query": query,
            "total": len(needs) + len(capabilities),
            "needs": [(need, booths.get(need.unit.owner_id or 0)) for need in needs],
            "capabilities": [(capability, booths.get(capability.owner_id)) for capability in capabilities],
        },
    )


def _booths_by_organisation(exhibition: Exhibition) -> dict[int, Booth]:
    booths = Booth.objects.filter(hall__exhibition=exhibition, exhibitor__isnull=False).select_related(
        "hall", "exhibitor"
    )
    return {booth.exhibitor.organisation_id: booth for booth in booths if booth.exhibitor}


def need_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    exhibition = _get_exhibition(slug)
    need = get_object_or_404(_public_items(exhibition)[0], pk=pk)
    booth = _booths_by_organisation(exhibition).get(need.unit.owner_id or 0)
    return render(
        request, "exhibitions/expo/need_detail.html", {"exhibition": exhibition, "need": need, "booth": booth}
    )


def capability_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    exhibition = _get_exhibition(slug)
    capability = get_object_or_404(_public_items(exhibition)[1], pk=pk)
    booth = _booths_by_organisation(exhibition).get(capability.owner_id)
    return render(
        request,
        "exhibitions/expo/capability_detail.html",
        {"exhibition": exhibition, "capability": capability, "booth": booth},
    )


@require_http_methods(["GET", "POST"])
def visitor_register(request: HttpRequest, slug: str) -> HttpResponse:
    exhibition = _get_exhibition(slug)
    form = VisitorForm(request.POST or None, exhibition=exhibition)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.visitor_register(
                exhibition=exhibition,
                name=data["name"],
                organisation=data["organisation"],
                phone=data["phone"],
                email=data["email"],
                visit_on=data["visit_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session["expo_registration"] = registration.pk
            return redirect("expo-register-done", slug=exhibition.slug)
    return render(
        request,
        "exhibitions/expo/register.html",
        {"exhibition": exhibition, "form": form, "registration_open": access.registration_open(exhibition)},
        status=400 if form.errors else 200,
    )


def visitor_register_done(request: HttpRequest, slug: str) -> HttpResponse:
    exhibition = _get_exhibition(slug)
    registration_id = request.session.get("expo_registration")
    registration = exhibition.visitors.filter(pk=registration_id).first() if isinstance(registration_id, int) else None
    return render(
        request, "exhibitions/expo/register_done.html", {"exhibition": exhibition, "registration": registration}
    )
