"""API of the facilitation HQ (DRF), with the pages' rules: what a caller sees comes from ``access``, every change
from ``services`` (a meeting's moves from ``workflow.act``).

- ``hq/meetings``: the meetings the secretariat runs (province staff: their province's; national staff: every
  province's); ``POST hq/meetings/{id}/actions/{name}/`` records it as held (``hold``, with ``held_on``) or
  makes its minutes final (``finalise``). Others get 403: they see the resolutions that bind them, not the
  meetings.
- ``hq/resolutions``: the secretariat's (drafts too), or the adopted ones that bind the caller's organisation
  (an agency's liaison, a unit's manager); filtered as on the page (``agency``, ``status``, ``meeting``,
  ``case``). A resolution gives its case's ``id`` only to a caller who may open the case.
- ``hq/commitments``: the commitments of those resolutions; ``POST hq/commitments/{id}/carry-out/`` records
  one as carried out (its owner, or the secretariat).
- ``hq/objections``: the objections to those resolutions; POST files one (a side the resolution binds, within
  the window); ``POST hq/objections/{id}/decide/`` decides it (the secretariat).
- ``hq/regulations``: the register of disruptive regulations, read by province staff.
- ``hq/scoreboard/{province code}/``: the agency scoreboard, the obstacle counts and the meetings' shares of
  resolutions carried out on time, for province staff.

A refused change answers 400 (the state, the window or a field does not allow it), 403 (the caller's part
does not allow it) or 404 (no such object for the caller, or no such action), with a translated ``detail``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from rownaq.accounts.models import User
from rownaq.core.api import invalid, refused
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.hq import access, scoreboard, services, workflow
from rownaq.hq.filters import ResolutionFilter
from rownaq.hq.models import Commitment, DisruptiveRegulation, Meeting, MeetingEvent, Objection, Resolution
from rownaq.hq.regulations import regulations_with_cases
from rownaq.hq.serializers import (
    CarryOutSerializer,
    CommitmentSerializer,
    MeetingActionSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    ObjectionDecideSerializer,
    ObjectionFileSerializer,
    ObjectionSerializer,
    RegulationSerializer,
    ResolutionSerializer,
    ScoreboardSerializer,
)

ERRORS = {
    400: invalid("The state, the objection window or a field does not allow it."),
    403: refused("The caller's part does not allow it."),
    404: refused("No such object for the caller, or no such action."),
}


def _run(step: Callable[[], Any]) -> Any:
    """Call a service and turn its refusals into HTTP answers."""
    try:
        return step()
    except services.HQError as exc:
        raise exceptions.ValidationError({"detail": str(exc)}) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc


class SeesMeetings(BasePermission):
    """The pages' rule: only province staff (the HQ's secretariat) have the meetings, the register and the
    scoreboard."""

    message = gettext_lazy("Only the HQ secretariat and the province's staff see this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.sees_hq_records(request.user)


class SeesResolutions(BasePermission):
    """The pages' rule: the secretariat, and the sides resolutions bind (agency liaisons, unit managers)."""

    message = gettext_lazy("Only the HQ secretariat and the sides resolutions bind see them.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.sees_resolutions(request.user)


def _fake(view: viewsets.GenericViewSet[Any]) -> bool:
    """The schema generator's pass through a view, with no caller."""
    return bool(getattr(view, "swagger_fake_view", False))


def _caller(request: Request) -> User:
    return cast(User, request.user)  # IsAuthenticated let only logged-in people through


def _context(view: viewsets.GenericViewSet[Any]) -> dict[str, Any]:
    return {**view.get_serializer_context(), "today": timezone.localdate()}


def _resolutions(resolutions: QuerySet[Resolution]) -> QuerySet[Resolution]:
    return resolutions.select_related("meeting", "case").prefetch_related(
        Prefetch(
            "commitments",
            queryset=Commitment.objects.select_related("owner", "done_by").order_by("party", "deadline"),
        ),
        Prefetch("objections", queryset=Objection.objects.select_related("agency", "filed_by")),
    )


# -- meetings ---------------------------------------------------------------------------------------------


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Meeting]):
    """The HQ meetings the secretariat runs, with their state (planned, held, minutes final)."""

    permission_classes = [IsAuthenticated, SeesMeetings]
    filterset_fields = ["state", "number"]
    ordering_fields = ["held_on", "number"]
    ordering = ["-held_on", "-number"]

    def get_queryset(self) -> QuerySet[Meeting]:
        if _fake(self):
            return Meeting.objects.none()
        meetings = access.meetings_visible_to(_caller(self.request)).select_related("province")
        meetings = meetings.annotate(
            agenda_count=Count("agenda", distinct=True), resolution_count=Count("resolutions", distinct=True)
        )
        if self.action in ("retrieve", "take"):
            meetings = meetings.prefetch_related(
                "agenda",
                Prefetch("resolutions", queryset=_resolutions(Resolution.objects.order_by("number"))),
                Prefetch("events", queryset=MeetingEvent.objects.select_related("by")),
            )
        return meetings

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Meeting]]:
        return MeetingSerializer if self.action == "list" else MeetingDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(summary="A meeting, with its agenda, resolutions and history")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        context = {
            **self.get_serializer_context(),
            "openable": access.openable_cases(_caller(request), [r.case_id for r in meeting.resolutions.all()]),
        }
        return Response(MeetingDetailSerializer(meeting, context=context).data)

    @extend_schema(
        summary="Move a meeting: record it as held, or make its minutes final",
        description="`hold` (from planned): the meeting was held on `held_on` (default: the day it was planned "
        "for, or today if that is still to come; never a day to come); its draft resolutions are adopted. "
        "`finalise` (from held): the minutes are final, the agenda and resolutions no longer change.",
        parameters=[
            OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(workflow.ACTIONS), description="action")
        ],
        request=MeetingActionSerializer,
        responses={200: MeetingDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[a-z_]+)")
    def take(self, request: Request, pk: str, name: str) -> Response:
        if name not in workflow.ACTIONS:
            raise exceptions.NotFound(_("There is no such action."))
        meeting = self.get_object()
        given = MeetingActionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = _caller(request)
        _run(lambda: workflow.act(meeting=meeting, action=name, by=user, data=given.validated_data))
        return self.retrieve(request, pk=pk)


# -- resolutions, commitments, objections ------------------------------------------------------------------


def _visible_resolutions(view: viewsets.GenericViewSet[Any]) -> QuerySet[Resolution]:
    if _fake(view):
        return Resolution.objects.none()
    return access.resolutions_for(_caller(view.request))


class ResolutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Resolution]):
    """HQ resolutions: the secretariat's (drafts too), or the adopted ones that bind the caller's organisation."""

    permission_classes = [IsAuthenticated, SeesResolutions]
    serializer_class = ResolutionSerializer
    filterset_class = ResolutionFilter
    ordering_fields = ["meeting__held_on", "number"]
    ordering = ["-meeting__held_on", "-meeting__number", "number"]

    def get_queryset(self) -> QuerySet[Resolution]:
        return _resolutions(_visible_resolutions(self))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(found)
        rows = list(page if page is not None else found)
        openable = access.openable_cases(_caller(request), [r.case_id for r in rows])
        data = ResolutionSerializer(rows, many=True, context={**self.get_serializer_context(), "openable": openable})
        return self.get_paginated_response(data.data) if page is not None else Response(data.data)


class CommitmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Commitment]):
    """The commitments of the resolutions the caller sees, each side's part with its owner and deadline."""

    permission_classes = [IsAuthenticated, SeesResolutions]
    serializer_class = CommitmentSerializer
    filterset_fields = ["resolution", "party", "owner"]
    ordering_fields = ["deadline"]
    ordering = ["deadline", "pk"]

    def get_queryset(self) -> QuerySet[Commitment]:
        return Commitment.objects.filter(resolution__in=_visible_resolutions(self)).select_related(
            "owner", "done_by", "resolution__meeting__province"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(
        summary="Record a commitment as carried out (its owner, or the secretariat)",
        request=CarryOutSerializer,
        responses={200: CommitmentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="carry-out")
    def carry_out(self, request: Request, pk: str) -> Response:
        commitment = self.get_object()
        given = CarryOutSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = _caller(request)
        _run(
            lambda: services.commitment_carry_out(
                commitment=commitment,
                by=user,
                note=given.validated_data["note"],
                done_on=given.validated_data["done_on"],
            )
        )
        return Response(CommitmentSerializer(self.get_queryset().get(pk=commitment.pk), context=_context(self)).data)


class ObjectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Objection]
):
    """Objections to the resolutions the caller sees: filed by a bound side within the window, decided by the
    secretariat."""

    permission_classes = [IsAuthenticated, SeesResolutions]
    serializer_class = ObjectionSerializer
    filterset_fields = ["resolution", "state"]
    ordering = ["filed_at", "pk"]

    def get_queryset(self) -> QuerySet[Objection]:
        return Objection.objects.filter(resolution__in=_visible_resolutions(self)).select_related(
            "agency", "filed_by", "resolution__meeting__province"
        )

    @extend_schema(
        summary="Object to a resolution (a side it binds, within the window)",
        request=ObjectionFileSerializer,
        responses={201: ObjectionSerializer, **ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = ObjectionFileSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        resolution = _visible_resolutions(self).filter(pk=given.validated_data["resolution"]).first()
        if resolution is None:
            raise exceptions.NotFound(_("There is no such resolution for you."))
        user = _caller(request)
        objection = _run(
            lambda: services.objection_file(resolution=resolution, by=user, text=given.validated_data["text"])
        )
        shown = ObjectionSerializer(self.get_queryset().get(pk=objection.pk), context=self.get_serializer_context())
        return Response(shown.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Decide an objection (the secretariat)",
        request=ObjectionDecideSerializer,
        responses={200: ObjectionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        objection = self.get_object()
        given = ObjectionDecideSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = _caller(request)
        _run(
            lambda: services.objection_decide(
                objection=objection, by=user, upheld=given.validated_data["upheld"], note=given.validated_data["note"]
            )
        )
        return Response(ObjectionSerializer(self.get_queryset().get(pk=objection.pk)).data)


# -- the register and the scoreboard ---------------------------------------------------------------------


class RegulationViewSet(viewsets.ReadOnlyModelViewSet[DisruptiveRegulation]):
    """The register of disruptive regulations (قوانین مزاحم) of the caller's province (every province's for
    national staff), read by province staff."""

    permission_classes = [IsAuthenticated, SeesMeetings]
    serializer_class = RegulationSerializer
    filterset_fields = ["national_status", "kind"]
    ordering_fields = ["updated_at", "title"]
    ordering = ["-updated_at", "-pk"]

    def get_queryset(self) -> QuerySet[DisruptiveRegulation]:
        if _fake(self):
            return DisruptiveRegulation.objects.none()
        regulations = access.regulations_visible_to(_caller(self.request)).select_related("province")
        return regulations_with_cases(regulations)


class ScoreboardViewSet(viewsets.ViewSet):
    """The HQ scoreboard of a province (by its code), for province staff: how each agency answers its referrals
    and carries out its commitments, the obstacle counts, and the meetings' shares carried out on time."""

    permission_classes = [IsAuthenticated, SeesMeetings]
    lookup_field = "code"
    lookup_value_regex = r"\d{1,3}"

    @extend_schema(
        summary="A province's HQ scoreboard",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="The province's code, e.g. 25")],
        responses={200: ScoreboardSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def retrieve(self, request: Request, code: str) -> Response:
        user = _caller(request)
        province = get_object_or_404(Province, code=code)
        if not access.is_hq_secretariat(user, province):
            raise exceptions.PermissionDenied(_("The scoreboard is for the province's staff."))
        places = Places.province(province)
        counts = scoreboard.obstacle_counts(places)
        data = {
            "province": province.code,
            "minimum": settings.ROWNAQ_SCOREBOARD_MIN_CASES,
            "agencies": [
                {
                    **vars(row),
                    "judged": row.judged,
                    "on_time_share": row.on_time_share,
                    "average_days": row.average_days,
                    "resolutions_share": row.resolutions_share,
                }
                for row in scoreboard.agency_scoreboard(places)
            ],
            "counts": counts,
            "meetings": [
                {"meeting": meeting, "judged": share.judged, "on_time": share.on_time, "share": share.share}
                for meeting, share in scoreboard.meeting_shares(province)
            ],
        }
        return Response(ScoreboardSerializer(data).data)


def register(router: BaseRouter) -> None:
    router.register("hq/meetings", MeetingViewSet, basename="api-hq-meeting")
    router.register("hq/resolutions", ResolutionViewSet, basename="api-hq-resolution")
    router.register("hq/commitments", CommitmentViewSet, basename="api-hq-commitment")
    router.register("hq/objections", ObjectionViewSet, basename="api-hq-objection")
    router.register("hq/regulations", RegulationViewSet, basename="api-hq-regulation")
    router.register("hq/scoreboard", ScoreboardViewSet, basename="api-hq-scoreboard")
