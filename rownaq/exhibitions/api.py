"""The exhibitions over HTTP: the exhibitions a person may see with their halls, booths and exhibitors
(what each shows: only public needs and capabilities), and the person's B2B meetings: list, book, cancel.
The same services and access rules as the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from rownaq.accounts.models import User
from rownaq.core.api import invalid, refused
from rownaq.exhibitions import access, scheduling, services
from rownaq.exhibitions.models import B2BMeeting, Booth, Exhibition, Exhibitor, Hall
from rownaq.exhibitions.serializers import (
    BookingSerializer,
    ExhibitionDetailSerializer,
    ExhibitionSerializer,
    MeetingSerializer,
)
from rownaq.needs.models import Capability, Need


def _run(step: Callable[[], Any]) -> Any:
    """Call an exhibitions service and turn its refusals into HTTP answers."""
    try:
        return step()
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


class ExhibitionViewSet(viewsets.ReadOnlyModelViewSet[Exhibition]):
    """Exhibitions: the published ones, and for those who run them every one of their province."""

    permission_classes = [IsAuthenticated]
    lookup_field = "slug"
    pagination_class = None

    queryset = Exhibition.objects.none()  # for the schema; each request gets get_queryset()

    def get_queryset(self) -> QuerySet[Exhibition]:
        user = self.request.user
        if not isinstance(user, User):  # the schema generator's fake request
            return Exhibition.objects.none()
        exhibitors = Exhibitor.objects.select_related("organisation", "booth").prefetch_related(
            Prefetch("needs", queryset=access.public_needs_on_show()),
            Prefetch("capabilities", queryset=access.public_capabilities_on_show()),
        )
        return (
            access.exhibitions_listed_to(user)
            .select_related("province")
            .prefetch_related(
                Prefetch("halls", queryset=Hall.objects.prefetch_related(Prefetch("booths", Booth.objects.all()))),
                Prefetch("exhibitors", queryset=exhibitors),
            )
            .order_by("-starts_on", "pk")
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Exhibition]]:
        return ExhibitionDetailSerializer if self.action == "retrieve" else ExhibitionSerializer


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[B2BMeeting]):
    """The B2B meetings of the person's organisation (either side), booked and not cancelled."""

    permission_classes = [IsAuthenticated]
    serializer_class = MeetingSerializer
    pagination_class = None

    queryset = B2BMeeting.objects.none()  # for the schema; each request gets get_queryset()

    def get_queryset(self) -> QuerySet[B2BMeeting]:
        user = self.request.user
        if not isinstance(user, User) or user.organisation_id is None:
            return B2BMeeting.objects.none()
        own = Q(need__unit__owner_id=user.organisation_id) | Q(capability__owner_id=user.organisation_id)
        return (
            scheduling.active_meetings()
            .filter(own, exhibition__in=access.published_exhibitions())
            .select_related("exhibition", "need__unit__owner", "capability__owner", "booth__hall")
            .order_by("starts_at", "pk")
        )

    @extend_schema(
        request=BookingSerializer,
        responses={
            201: MeetingSerializer,
            400: invalid("The slot, a side or the booth does not allow it."),
            403: refused("Neither side is the caller's own need or capability."),
            404: refused("No such published exhibition, need or capability."),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Book a meeting between a need and a capability: one side is the caller's own, the other is public
        and on show at the exhibition."""
        user = request.user
        assert isinstance(user, User)
        booking = BookingSerializer(data=request.data)
        booking.is_valid(raise_exception=True)
        data = booking.validated_data
        exhibition = get_object_or_404(access.published_exhibitions(), slug=data["exhibition"])
        need = get_object_or_404(Need.objects.select_related("unit"), pk=data["need"])
        capability = get_object_or_404(Capability.objects.all(), pk=data["capability"])
        own_needs, own_capabilities = access.own_items(user)
        if need not in own_needs and capability not in own_capabilities:
            raise exceptions.PermissionDenied(_("One side of the meeting must be your own need or capability."))
        meeting = _run(
            lambda: services.b2b_book(
                exhibition=exhibition, need=need, capability=capability, starts_at=data["starts_at"], by=user
            )
        )
        return Response(MeetingSerializer(self._shown(meeting.pk)).data, status=status.HTTP_201_CREATED)

    def _shown(self, pk: int) -> B2BMeeting:
        return self.get_queryset().get(pk=pk)

    @extend_schema(
        request=None,
        responses={200: MeetingSerializer, 403: refused("Not a side of the meeting.")},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Cancel one of the organisation's meetings."""
        user = request.user
        assert isinstance(user, User)
        meeting = self.get_object()
        if not access.can_cancel_meeting(user, meeting):
            raise exceptions.PermissionDenied
        _run(lambda: services.b2b_cancel(meeting=meeting, by=user))
        meeting.refresh_from_db()
        return Response(MeetingSerializer(meeting).data)


def register(router: BaseRouter) -> None:
    router.register("exhibitions", ExhibitionViewSet, basename="api-exhibitions-exhibition")
    router.register("b2b-meetings", MeetingViewSet, basename="api-exhibitions-meeting")
