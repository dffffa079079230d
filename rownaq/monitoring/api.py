"""API of monthly reports (DRF): what a caller sees comes from ``access``, every change from ``services`` and
``workflow`` (moves by ``act``), as on the pages; the list is filtered by ``filters.ReportFilter``.

- ``monthly-reports``: the caller's reports (a unit manager: their company's units'; staff: their province's);
  POST enters a month's report as a draft (``unit``, ``period``, the figures, ``lines``); PUT/PATCH changes a
  draft or a returned report (with ``version``);
- ``POST monthly-reports/{id}/submit/`` (``confirm``, ``explanation``), ``approve/``, ``return/`` (``reason``).

Refusals: 400 (a wrong field or state, an error rule; unconfirmed warnings come as ``warnings``), 403 (the
caller's part), 404 (no such report for the caller), 409 (someone else changed the report since).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from rownaq.accounts.models import User
from rownaq.core.api import Conflict, invalid, refused, required_version
from rownaq.core.versions import StaleEditError
from rownaq.monitoring import access, feed_api, revival_api, services, workflow
from rownaq.monitoring.filters import ReportFilter
from rownaq.monitoring.models import FIGURE_FIELDS, MonthlyReport
from rownaq.monitoring.serializers import (
    MonthlyReportDetailSerializer,
    MonthlyReportSerializer,
    ReportActionSerializer,
    ReportEntrySerializer,
)

T = TypeVar("T")

ERRORS = {
    400: invalid(
        "A field is wrong, the state does not allow it, or a rule refuses it (`detail`); warnings to "
        "confirm come as `warnings`, each with its code, severity, message and value."
    ),
    403: refused("The caller's part does not allow it."),
    404: refused("No such report for the caller."),
    409: refused("Someone else changed the report since the caller loaded it."),
}


def _run(step: Callable[[], T]) -> T:
    """Call a monitoring service and turn its refusals into HTTP answers."""
    try:
        return step()
    except workflow.ReportWarnings as exc:
        raise exceptions.ValidationError({"detail": str(exc), "warnings": [f.as_dict() for f in exc.findings]}) from exc
    except services.ReportError as exc:
        raise exceptions.ValidationError({"detail": str(exc)}) from exc
    except StaleEditError as exc:
        raise Conflict(str(exc)) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


def _user(request: Request) -> User:
    return cast(User, request.user)


class MonthlyReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[MonthlyReport],
):
    """Monthly reports of production units."""

    filterset_class = ReportFilter
    ordering_fields = ["year", "month", "submitted_at"]
    ordering = ["-year", "-month", "pk"]

    def get_queryset(self) -> QuerySet[MonthlyReport]:
        if getattr(self, "swagger_fake_view", False):
            return MonthlyReport.objects.none()
        if not access.sees_monitoring(self.request.user):
            raise exceptions.PermissionDenied(_("You have no access to monthly reports."))
        reports = access.reports_visible_to(self.request.user).select_related("unit", "entered_by")
        if self.action == "list":
            return reports.prefetch_related("lines")
        return reports.prefetch_related("lines", "versions__submitted_by")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[MonthlyReport]]:
        return MonthlyReportSerializer if self.action == "list" else MonthlyReportDetailSerializer

    def _shown(self, report: MonthlyReport, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=report.pk)
        return Response(MonthlyReportDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="Enter a month's report (a draft)",
        request=ReportEntrySerializer,
        responses={201: MonthlyReportDetailSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        user = _user(request)
        given = ReportEntrySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        missing = {name: [_("This field is required.")] for name in ("unit", "period") if name not in data}
        if missing:
            raise exceptions.ValidationError(missing)
        unit = access.reporting_units(user).filter(pk=data["unit"]).first()
        if unit is None:
            raise exceptions.PermissionDenied(_("You cannot enter reports for this unit."))
        period = data["period"]
        if MonthlyReport.objects.filter(unit=unit, year=period.year, month=period.number).exists():
            raise exceptions.ValidationError({"period": [_("This unit already has a report for this month.")]})
        report = _run(
            lambda: services.report_save(
                unit=unit,
                period=period,
                figures={name: data[name] for name in FIGURE_FIELDS},
                quantities=_quantities(data),
                by=user,
            )
        )
        return self._shown(report, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft or a returned report",
        request=ReportEntrySerializer,
        responses={200: MonthlyReportDetailSerializer, **ERRORS},
    )
    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        report = self.get_object()
        version = required_version(request.data)
        given = ReportEntrySerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        figures = {name: data[name] if data.get(name) is not None else getattr(report, name) for name in FIGURE_FIELDS}
        quantities: dict[Any, Any] = (
            _quantities(data)
            if "lines" in data
            else {line.product_id: line.quantity for line in report.lines.all() if line.product_id is not None}
        )
        changed = _run(
            lambda: services.report_save(
                unit=report.unit,
                period=report.period,
                figures=figures,
                quantities=quantities,
                by=_user(request),
                expected_version=version,
            )
        )
        return self._shown(changed)

    @extend_schema(
        summary="Change some figures of a draft or a returned report",
        request=ReportEntrySerializer,
        responses={200: MonthlyReportDetailSerializer, **ERRORS},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    def _act(self, request: Request, name: str) -> Response:
        report = self.get_object()
        given = ReportActionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        _run(
            lambda: workflow.act(
                report=report,
                action=name,
                by=_user(request),
                reason=data.get("reason", ""),
                confirm=data["confirm"],
                explanation=data.get("explanation", ""),
                expected_version=data["version"],
            )
        )
        return self._shown(report)

    @extend_schema(
        summary="Submit the report for review",
        description="Error rules refuse it (400 with `detail`); warnings refuse it until `confirm` is true "
        "(400 with `warnings`); the warnings and `explanation` are kept with the submitted version.",
        request=ReportActionSerializer,
        responses={200: MonthlyReportDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._act(request, "submit")

    @extend_schema(
        summary="Approve a submitted report",
        request=ReportActionSerializer,
        responses={200: MonthlyReportDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._act(request, "approve")

    @extend_schema(
        summary="Return a submitted report for correction, with a reason",
        request=ReportActionSerializer,
        responses={200: MonthlyReportDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        return self._act(request, "return")


def _quantities(data: dict[str, Any]) -> dict[int, Any]:
    return {line["product"]: line["quantity"] for line in data.get("lines", [])}


def register(router: BaseRouter) -> None:
    router.register("monitoring/reports", MonthlyReportViewSet, basename="api-monitoring-report")
    revival_api.register(router)
    feed_api.register(router)
