"""API of the Industry Needs Desk (DRF): what a caller sees comes from ``access``, every change from ``services``
(proposals: ``workflow``, decisions by ``act``, as on the pages); lists are filtered by ``filters``, as on the pages.

- ``needs``: every need a logged-in person may find (filters ``kind``, ``division``, ``sector``,
  ``supplied_from``, ``q``); a need shown only to people its owner approves
  comes with its title, kind, sector, province and state only, its details left out (see
  ``serializers.DETAIL_FIELDS``). ``q`` searches the description only where the caller sees it, the
  title elsewhere (as the pages do). POST posts one; ``GET needs/{id}/matches/`` the ranked
  capabilities with their reasons, for those who see the details.
- ``needs/{id}/access-requests/``: POST asks for the caller's organisation to see a confidential
  need's details; GET lists the need's requests, for its owner's side only, who approves or
  declines one with ``POST needs/{id}/access-requests/{request_id}/approve/`` (or ``decline/``).
- ``needs/{id}/attachments/``: GET lists the need's drawings and specifications, for those who see
  its details (the same rule as its matches), and ``needs/{id}/attachments/{attachment_id}/`` gives
  one file; POST (multipart, ``files``) attaches more, by the need's owner's side.
- ``capabilities``: the public catalogue and the caller's own; POST posts one.
- ``proposals``: the caller's organisation's proposals and those on needs of their side; POST answers
  a need; ``POST proposals/{id}/actions/{name}/`` shortlists, accepts, declines or withdraws;
  ``POST proposals/{id}/messages/`` writes in the proposal's thread. A proposal's detail carries its
  history (``events``).

A refused change answers 400 (the state does not allow it, or a field is wrong), 403 (the caller's
part does not allow it) or 404 (no such object for the caller, or no such action), with a translated
``detail``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from rownaq.accounts.models import User
from rownaq.core.api import id_in_path, invalid, refused
from rownaq.needs import access, services
from rownaq.needs.filters import CapabilityFilter, NeedFilter, ProposalFilter
from rownaq.needs.models import (
    Capability,
    Need,
    NeedAccess,
    NeedAccessState,
    NeedAttachment,
    Proposal,
)
from rownaq.needs.serializers import (
    CapabilityPostSerializer,
    CapabilitySerializer,
    MatchSerializer,
    NeedAccessSerializer,
    NeedAttachmentSerializer,
    NeedAttachmentUploadSerializer,
    NeedDetailSerializer,
    NeedPostSerializer,
    NeedSerializer,
    ProposalActionSerializer,
    ProposalDetailSerializer,
    ProposalMessagePostSerializer,
    ProposalMessageSerializer,
    ProposalSerializer,
    ProposalSubmitSerializer,
)
from rownaq.needs.services import DeskError
from rownaq.needs.views import attachment_file
from rownaq.needs.workflow import DECISIONS, act, proposal_message, proposal_submit

T = TypeVar("T")

ERRORS = {
    400: invalid("A field is wrong, or the state does not allow it."),
    403: refused("The caller's part does not allow it."),
    404: refused("No such object for the caller, or no such action."),
}
DRAWINGS_REFUSED = gettext_lazy("Ask for access to the need's details to see its drawings and specifications.")
REQUEST_ID = OpenApiParameter("request_id", int, OpenApiParameter.PATH, description="the access request (its `id`)")


def _run(step: Callable[[], T]) -> T:
    """Call a desk service and turn its refusals into HTTP answers."""
    try:
        return step()
    except DeskError as exc:
        raise exceptions.ValidationError({"detail": str(exc)}) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


def _user(request: Request) -> User:
    return cast(User, request.user)  # IsAuthenticated lets only logged-in people through


# -- needs -----------------------------------------------------------------------------------------


class NeedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Need],
):
    """Needs of production units. A confidential need's details are left out for callers the owner
    has not approved: its title, kind, sector, province and state only."""

    filterset_class = NeedFilter
    ordering_fields = ["created_at"]  # not the deadline: for a confidential need it is one of its details
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[Need]:
        return access.needs_visible_to(self.request.user).select_related(
            "unit", "unit__owner", "unit__county__province", "sector"
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Need]]:
        if self.action == "create":
            return NeedPostSerializer
        return NeedSerializer if self.action == "list" else NeedDetailSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        needs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(needs)
        rows = list(page) if page is not None else list(needs)
        detailed = access.needs_details_shown(request.user, rows)
        context = {**self.get_serializer_context(), "detailed": detailed}
        data = NeedSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        summary="Post a need",
        request=NeedPostSerializer,
        responses={201: NeedDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        if not access.can_post_needs(user):
            raise exceptions.PermissionDenied(_("You cannot post a need for this unit."))
        given = NeedPostSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        need = _run(lambda: services.need_post(by=user, **fields))
        shown = self.get_queryset().get(pk=need.pk)
        return Response(NeedDetailSerializer(shown, context=self.get_serializer_context()).data, status=201)

    @extend_schema(
        summary="Capabilities ranked for a need, with the reasons",
        description="Only for callers who see the need's details; the others get 403.",
        responses={200: MatchSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def matches(self, request: Request, pk: str) -> Response:
        need = self._need_with_details(_("Ask for access to the need's details to see its matches."))
        return Response(MatchSerializer(access.matches_shown(_user(request), need), many=True).data)

    def _need_with_details(self, message: str) -> Need:
        """The need, if the caller sees its details; 403 with ``message`` otherwise."""
        need = self.get_object()
        if not access.need_details_visible(self.request.user, need):
            raise exceptions.PermissionDenied(message)
        return need

    # -- access to a confidential need's details ---------------------------------------------------

    def _need_side_only(self, need: Need, message: str) -> User:
        """The caller, if of the need's owner side; 403 otherwise, before anything of the requests is looked up."""
        user = _user(self.request)
        if not access.is_need_side(user, need):
            raise exceptions.PermissionDenied(message)
        return user

    @extend_schema(
        summary="Requests for access to a confidential need",
        description="The organisations that asked to see the need's details, with the owner's decisions. "
        "Only for the need's owner side (its unit's managers, province staff); the others get 403.",
        responses={200: NeedAccessSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], url_path="access-requests", pagination_class=None, filter_backends=[])
    def access_requests(self, request: Request, pk: str) -> Response:
        need = self.get_object()
        self._need_side_only(need, _("Only the need's owner decides who sees its details."))
        rows = need.accesses.select_related("organisation", "requested_by", "decided_by").order_by("state", "pk")
        return Response(NeedAccessSerializer(rows, many=True).data)

    @extend_schema(
        summary="Ask for access to a confidential need's details",
        description="For the caller's organisation; the need's owner is told and approves or declines. "
        "Answers 201 with the new request, 200 if the organisation's request is already waiting, 403 when "
        "there is nothing to ask for (a public need, or details the caller already sees) or the caller "
        "has no organisation.",
        request=None,
        responses={
            201: NeedAccessSerializer,
            200: OpenApiResponse(NeedAccessSerializer, description="The request was already waiting."),
            403: ERRORS[403],
            404: ERRORS[404],
        },
    )
    @access_requests.mapping.post
    def request_access(self, request: Request, pk: str) -> Response:
        need = self.get_object()
        user = _user(request)
        waiting = (
            user.organisation_id is not None
            and NeedAccess.objects.filter(
                need=need, organisation_id=user.organisation_id, state=NeedAccessState.REQUESTED
            ).exists()
        )
        row = _run(lambda: services.need_access_request(need=need, by=user))
        shown = NeedAccess.objects.select_related("organisation", "requested_by", "decided_by").get(pk=row.pk)
        answer = status.HTTP_200_OK if waiting else status.HTTP_201_CREATED
        return Response(NeedAccessSerializer(shown).data, status=answer)

    def _decide(self, request_id: str, approve: bool) -> Response:
        need = self.get_object()
        user = self._need_side_only(need, _("Only the need's owner decides who sees its details."))
        row = (
            need.accesses.select_related("need__unit__county", "organisation", "requested_by")
            .filter(pk=request_id)
            .first()
        )
        if row is None:
            raise exceptions.NotFound(_("There is no such request for this need."))
        decided = _run(lambda: services.need_access_decide(request=row, by=user, approve=approve))
        return Response(NeedAccessSerializer(decided).data)

    @extend_schema(
        summary="Approve a request for access",
        description="The requesting organisation sees the need's details from now on. Only for the need's "
        "owner side; the others get 403.",
        parameters=[REQUEST_ID],
        request=None,
        responses={200: NeedAccessSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"access-requests/(?P<request_id>[0-9]+)/approve",
        filter_backends=[],
    )
    def approve_access(self, request: Request, pk: str, request_id: str) -> Response:
        return self._decide(request_id, approve=True)

    @extend_schema(
        summary="Decline a request for access",
        description="The requesting organisation keeps seeing the title only (an approved access declined "
        "later is withdrawn). Only for the need's owner side; the others get 403.",
        parameters=[REQUEST_ID],
        request=None,
        responses={200: NeedAccessSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"access-requests/(?P<request_id>[0-9]+)/decline",
        filter_backends=[],
    )
    def decline_access(self, request: Request, pk: str, request_id: str) -> Response:
        return self._decide(request_id, approve=False)

    # -- drawings and specifications ---------------------------------------------------------------

    @extend_schema(
        summary="A need's drawings and specifications",
        description="Only for callers who see the need's details (the same rule as its matches); the others "
        "get 403. `url` downloads the file on the site, with a logged-in session.",
        responses={200: NeedAttachmentSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def attachments(self, request: Request, pk: str) -> Response:
        need = self._need_with_details(str(DRAWINGS_REFUSED))
        files = need.attachments.order_by("uploaded_at", "pk")
        return Response(NeedAttachmentSerializer(files, many=True).data)

    @extend_schema(
        summary="Download one of a need's drawings or specifications",
        description="The file itself, for callers who see the need's details (a token works here; the "
        "listing's `url` is the site's download address for a logged-in session).",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        pagination_class=None,
        filter_backends=[],
    )
    def attachment(self, request: Request, pk: str, attachment_id: str) -> FileResponse:
        need = self._need_with_details(str(DRAWINGS_REFUSED))
        number = id_in_path(attachment_id)
        found = need.attachments.filter(pk=number).first() if number is not None else None
        if found is None:
            raise exceptions.NotFound()
        return attachment_file(found)

    @extend_schema(
        summary="Attach drawings and specifications to a need",
        description="Multipart form data with one or more `files` (PDF, PNG or JPEG, each within the size "
        "limit), stored all or none. Only for the need's owner side; a file of another kind answers 400 "
        "with the reason under `files`.",
        request={"multipart/form-data": NeedAttachmentUploadSerializer},
        responses={201: NeedAttachmentSerializer(many=True), **ERRORS},
    )
    @attachments.mapping.post
    def attach(self, request: Request, pk: str) -> Response:
        need = self.get_object()
        user = _user(request)
        files = request.FILES.getlist("files")

        def store() -> list[NeedAttachment]:
            try:
                return services.need_attachments_add(need=need, files=files, by=user)
            except DjangoValidationError as exc:
                raise exceptions.ValidationError({"files": exc.messages}) from exc

        created = _run(store)  # the service checks the caller's side before the files
        if not created:
            raise exceptions.ValidationError({"files": [_("Choose a file to attach.")]})
        return Response(NeedAttachmentSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


# -- capabilities ----------------------------------------------------------------------------------


class CapabilityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Capability],
):
    """What universities, knowledge-based firms, technology-park companies and units can make or do:
    the public catalogue and the caller's own organisation's."""

    filterset_class = CapabilityFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[Capability]:
        return (
            access.capabilities_visible_to(self.request.user)
            .select_related("owner", "province")
            .prefetch_related("sectors")
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Capability]]:
        return CapabilityPostSerializer if self.action == "create" else CapabilitySerializer

    @extend_schema(
        summary="Post a capability",
        request=CapabilityPostSerializer,
        responses={201: CapabilitySerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        if not access.can_post_capability(user):
            raise exceptions.PermissionDenied(_("You cannot post a capability for this organisation."))
        given = CapabilityPostSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        capability = _run(lambda: services.capability_post(by=user, **fields))
        shown = self.get_queryset().get(pk=capability.pk)
        return Response(CapabilitySerializer(shown, context=self.get_serializer_context()).data, status=201)


# -- proposals -------------------------------------------------------------------------------------


class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Proposal],
):
    """Offers answering needs: the caller's organisation's own, and those on needs of the caller's side."""

    filterset_class = ProposalFilter
    ordering_fields = ["submitted_at"]
    ordering = ["-submitted_at", "-pk"]

    def get_queryset(self) -> QuerySet[Proposal]:
        proposals = access.proposals_visible_to(self.request.user).select_related(
            "need", "need__unit", "need__unit__county", "capability", "organisation"
        )
        if self.action == "retrieve":
            proposals = proposals.prefetch_related("messages__author", "events__by")
        return proposals

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Proposal]]:
        if self.action == "create":
            return ProposalSubmitSerializer
        if self.action == "take":
            return ProposalActionSerializer
        return ProposalSerializer if self.action == "list" else ProposalDetailSerializer

    def _shown(self, pk: int) -> dict[str, Any]:
        proposal = self.get_queryset().prefetch_related("messages__author", "events__by").get(pk=pk)
        return dict(ProposalDetailSerializer(proposal, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Answer a need with a proposal",
        request=ProposalSubmitSerializer,
        responses={201: ProposalDetailSerializer, **ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        own = access.own_capabilities(user)
        if not own.exists():
            raise exceptions.PermissionDenied(_("Only the capability's owner can answer with it."))
        given = ProposalSubmitSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        need = (
            access.needs_visible_to(user).select_related("unit", "unit__county").filter(pk=fields.pop("need")).first()
        )
        if need is None:
            raise exceptions.ValidationError({"need": [_("There is no such need.")]})
        capability = own.filter(pk=fields.pop("capability")).first()
        if capability is None:
            raise exceptions.ValidationError({"capability": [_("Choose one of your organisation's capabilities.")]})
        proposal = _run(lambda: proposal_submit(need=need, capability=capability, by=user, **fields))
        return Response(self._shown(proposal.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Shortlist, accept, decline or withdraw a proposal",
        description="The need's side shortlists, accepts (`value`, `signed_on`) or declines (`reason`, `note`); "
        "the proposing organisation withdraws. The caller's possible actions are in `allowed_actions`.",
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(DECISIONS), description="action")],
        request=ProposalActionSerializer,
        responses={200: ProposalDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[a-z_]+)")
    def take(self, request: Request, pk: str, name: str) -> Response:
        if name not in DECISIONS:
            raise exceptions.NotFound(_("There is no such action."))
        proposal = self.get_object()
        given = ProposalActionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        user = _user(request)
        _run(lambda: act(proposal=proposal, action=name, by=user, **fields))
        return Response(self._shown(proposal.pk))

    @extend_schema(
        summary="Write in a proposal's thread",
        request=ProposalMessagePostSerializer,
        responses={201: ProposalMessageSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def messages(self, request: Request, pk: str) -> Response:
        proposal = self.get_object()
        given = ProposalMessagePostSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = _user(request)
        text = given.validated_data["text"]
        message = _run(lambda: proposal_message(proposal=proposal, by=user, text=text))
        return Response(ProposalMessageSerializer(message).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("needs", NeedViewSet, basename="api-needs-need")
    router.register("capabilities", CapabilityViewSet, basename="api-needs-capability")
    router.register("proposals", ProposalViewSet, basename="api-needs-proposal")
