"""API of revival cases (DRF), read-only: ``monitoring/revival`` lists the cases the caller may see and shows one
with its plan of steps and history. The same access as the pages (``access``): province staff see their
province's cases, a unit's managers their own units' cases, everyone else is refused (403). Cases are opened
and moved on the pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from rownaq.core.api import invalid, refused
from rownaq.monitoring import access
from rownaq.monitoring.filters import RevivalFilter
from rownaq.monitoring.models import RevivalCase
from rownaq.monitoring.serializers import RevivalCaseDetailSerializer, RevivalCaseSerializer

ERRORS = {
    400: invalid("A filter's value is wrong."),
    403: refused("The caller's part has no access to revival cases."),
    404: refused("No such revival case for the caller."),
}


class RevivalCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[RevivalCase]):
    """Revival cases of idle and closed units."""

    filterset_class = RevivalFilter
    ordering_fields = ["updated_at", "created_at", "restarted_on"]
    ordering = ["-updated_at", "-pk"]

    def get_queryset(self) -> QuerySet[RevivalCase]:
        if getattr(self, "swagger_fake_view", False):
            return RevivalCase.objects.none()
        if not access.sees_monitoring(self.request.user):
            raise exceptions.PermissionDenied(_("You have no access to revival cases."))
        cases = access.revival_cases_visible_to(self.request.user).select_related("unit")
        if self.action == "list":
            return cases
        return cases.prefetch_related("steps", "events__by")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[RevivalCase]]:
        return RevivalCaseSerializer if self.action == "list" else RevivalCaseDetailSerializer

    @extend_schema(
        summary="The revival cases the caller may see",
        responses={200: RevivalCaseSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="A revival case, with its plan of steps and its history",
        responses={200: RevivalCaseDetailSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


def register(router: BaseRouter) -> None:
    router.register("monitoring/revival", RevivalCaseViewSet, basename="api-monitoring-revival")
