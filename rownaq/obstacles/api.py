"""API of obstacle cases (DRF): what a caller sees comes from ``access``, every change from ``workflow``.

- ``cases``: the cases the caller may see; POST files one; ``POST cases/{id}/actions/{name}/`` takes
  one of the workflow's actions (the names in ``workflow.TRANSITIONS``, taken by ``actions.act``) with the
  case's ``version``.
- ``referrals``: an agency liaison's referrals (the province's, for its staff);
  ``POST referrals/{id}/answer/`` answers one, ``referrals/{id}/return/`` returns it as not the agency's own
  (its liaison) and ``referrals/{id}/withdraw/`` withdraws one sent to the wrong agency (the case's expert).
- ``obstacle-categories``: the taxonomy, read-only.

A refused action answers 400 (the state does not allow it, or a field is missing), 403 (the caller's
part does not allow it), 404 (no such case for the caller, or no such action) or 409 (someone changed
the case since the caller loaded it), with a translated ``detail``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from rownaq.accounts.models import Organisation, User
from rownaq.core.api import id_in_path, invalid, refused
from rownaq.obstacles import access, actions, workflow
from rownaq.obstacles.filters import CaseFilter, ReferralFilter
from rownaq.obstacles.models import (
    Attachment,
    Case,
    CaseEvent,
    ObstacleCategory,
    Referral,
)
from rownaq.obstacles.serializers import (
    CaseActionSerializer,
    CaseDetailSerializer,
    CaseFileSerializer,
    CaseSerializer,
    ObstacleCategorySerializer,
    ReferralAnswerSerializer,
    ReferralListSerializer,
    ReferralReasonSerializer,
    ReferralSerializer,
)
from rownaq.obstacles.workflow import CaseError, StaleCaseError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Someone else changed this case. Reload it and try again.")
    default_code = "stale"


ERRORS = {
    400: invalid("The case's state or a missing field does not allow it."),
    403: refused("The caller's part in the case does not allow it."),
    404: refused("No such case for the caller, or no such action."),
    409: refused("Someone else changed the case since the caller loaded it."),
}


def _run(step: Callable[[], Any]) -> Any:
    """Call a workflow service and turn its refusals into HTTP answers."""
    try:
        return step()
    except StaleCaseError as exc:
        raise Conflict(str(exc)) from exc
    except CaseError as exc:
        raise exceptions.ValidationError({"detail": str(exc)}) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


# -- cases ------------------------------------------------------------------------------------------


def _with_related(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("unit", "unit__sector", "unit__county", "category", "filed_by").prefetch_related(
        "agencies_concerned",
        Prefetch(
            "referrals",
            queryset=Referral.objects.select_related("agency", "answered_by", "ended_by").prefetch_related(
                "attachments"
            ),
        ),
        "attachments",
        Prefetch("events", queryset=CaseEvent.objects.select_related("by")),
    )


def _agencies(ids: list[int]) -> list[Organisation]:
    agencies = list(Organisation.objects.filter(pk__in=ids).exclude(agency_code=""))
    if len(agencies) != len(set(ids)):
        raise CaseError(_("Choose agencies from the list of executive agencies."))
    return agencies


def _category(code: str) -> ObstacleCategory:
    category = ObstacleCategory.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise CaseError(_("Choose the new category."))
    return category


def _merge_target(by: User, pk: int | None) -> Case:
    into = access.cases_visible_to(by).filter(pk=pk).first() if pk is not None else None
    if into is None:
        raise CaseError(_("Choose the case to merge this one into."))
    return into


def _referral(case: Case, pk: int | None) -> Referral | None:
    if pk is None:
        return None
    referral = case.referrals.filter(pk=pk).first()
    if referral is None:
        raise CaseError(_("Choose a referral of this case."))
    return referral


def _action_data(name: str, case: Case, by: User, fields: dict[str, Any]) -> dict[str, Any]:
    """What ``actions.act`` reads, from the request's fields: ids become objects, and a reason or an answer
    may come as the ``comment``."""
    data = dict(fields)
    data["referral"] = _referral(case, fields.get("referral"))
    if name in ("reject", "reopen", "withdraw_referral", "return_referral"):
        data["reason"] = fields["reason"] or fields["comment"]
    elif name == "answer":
        data["answer"] = fields["answer"] or fields["comment"]
        data["files"] = fields["attachments"]
    elif name == "merge":
        data["into"] = _merge_target(by, fields["into"])
    elif name == "refer":
        data["agencies"] = _agencies(fields["agencies"]) if "agencies" in fields else None
    elif name == "recategorise":
        data["category"] = _category(fields["category"])
    return data


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Case],
):
    """Obstacle cases the caller may see: a province's staff all of its cases, a unit manager their
    company's, an agency liaison those referred to their agency (with only the unit's name, sector
    and county)."""

    filterset_class = CaseFilter
    ordering_fields = ["filed_at", "updated_at", "urgency", "state"]
    ordering = ["-filed_at", "-pk"]

    def get_queryset(self) -> QuerySet[Case]:
        return _with_related(Case.objects.visible_to(self.request.user))

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Case]]:
        if self.action == "create":
            return CaseFileSerializer
        if self.action == "take":
            return CaseActionSerializer
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _shown(self, pk: int) -> dict[str, Any]:
        case = self.get_queryset().get(pk=pk)
        return dict(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="File an obstacle case",
        request=CaseFileSerializer,
        responses={201: CaseDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = CaseFileSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        agencies = fields.pop("agencies_concerned", [])
        user = cast(User, request.user)  # IsAuthenticated let only logged-in people through

        def file() -> Case:
            return workflow.case_file(by=user, agencies=agencies, **fields)

        case = _run(file)
        return Response(self._shown(case.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Take an action on a case",
        description="The action's name is one of the case's `allowed_actions`; send the `version` you loaded "
        "and the fields the action needs: reject and reopen a `reason`; merge `into`; refer `agencies` "
        "(default: the category's) and `working_days`; recategorise `category`; resolve `outcome_kind`, "
        "`outcome_note` and `money_released`, and a `reason` while something is still open on the case (an HQ "
        "resolution's commitments not carried out yet: without one the answer is 400 saying what is open); "
        "answer a `decision`, an `answer`, an `amount` (rials) and "
        "`attachments` (multipart) for the caller's own agency's referral; "
        "withdraw_referral a `referral` (an open one of the case) and a `reason`; return_referral a `reason` "
        "(the caller's own agency's referral, returned as not theirs).",
        parameters=[
            OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(workflow.TRANSITIONS), description="action")
        ],
        request=CaseActionSerializer,
        responses={
            200: CaseDetailSerializer,
            204: OpenApiResponse(description="Done, and the caller no longer sees the case (a case returned)."),
            **ERRORS,
        },
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[a-z_]+)")
    def take(self, request: Request, pk: str, name: str) -> Response:
        if name not in actions.ACTIONS:
            raise exceptions.NotFound(_("There is no such action."))
        case = self.get_object()
        given = CaseActionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        user = cast(User, request.user)
        _run(
            lambda: actions.act(
                case=case,
                action=name,
                by=user,
                data=_action_data(name, case, user, fields),
                expected_version=fields["version"],
            )
        )
        if not self.get_queryset().filter(pk=case.pk).exists():
            return Response(status=status.HTTP_204_NO_CONTENT)  # a liaison who returned the case no longer sees it
        return Response(self._shown(case.pk))

    @extend_schema(
        summary="Download a file of a case or of an agency's answer",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>[0-9]+)", url_name="attachment")
    def attachment(self, request: Request, pk: str, attachment_id: str) -> FileResponse:
        """The file, for those who see it: an answer's file only for those who see that answer."""
        number, case_number = id_in_path(attachment_id), id_in_path(pk)
        file = None
        if number is not None and case_number is not None:
            file = Attachment.objects.filter(pk=number, case_id=case_number).first()
        if file is None or not access.may_download(request.user, file):
            raise exceptions.NotFound(_("There is no such file."))
        return FileResponse(
            file.file.open("rb"), as_attachment=True, filename=file.name, content_type=file.content_type
        )


# -- referrals --------------------------------------------------------------------------------------


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Referral]):
    """Referrals of cases to executive agencies: a liaison's own agency's, or the province's for its staff."""

    serializer_class = ReferralListSerializer
    filterset_class = ReferralFilter
    ordering_fields = ["due_on", "referred_at"]
    ordering = ["due_on", "pk"]

    def get_queryset(self) -> QuerySet[Referral]:
        return Referral.objects.visible_to(self.request.user).select_related(
            "agency", "answered_by", "case", "case__unit", "case__unit__sector", "case__unit__county"
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Referral]]:
        if self.action == "answer":
            return ReferralAnswerSerializer
        if self.action in ("withdraw", "give_back"):
            return ReferralReasonSerializer
        return ReferralListSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(
        summary="Answer a referral (the agency's liaison)",
        request=ReferralAnswerSerializer,
        responses={200: ReferralListSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        given = ReferralAnswerSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = cast(User, request.user)
        _run(
            lambda: actions.act(
                case=referral.case,
                action="answer",
                by=user,
                data={
                    "referral": referral,
                    "answer": given.validated_data["answer"],
                    "decision": given.validated_data["decision"],
                    "amount": given.validated_data["amount"],
                    "files": given.validated_data["attachments"],
                },
                expected_version=given.validated_data["version"],
            )
        )
        fresh = self.get_queryset().get(pk=referral.pk)
        return Response(ReferralListSerializer(fresh, context=self.get_serializer_context()).data)

    def _end(self, request: Request, action_name: str) -> Response:
        referral = self.get_object()
        given = ReferralReasonSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = cast(User, request.user)
        _run(
            lambda: actions.act(
                case=referral.case,
                action=action_name,
                by=user,
                data={"referral": referral, "reason": given.validated_data["reason"]},
                expected_version=given.validated_data["version"],
            )
        )
        # The referral as it is now (its own liaison still gets it back, though the case is no longer theirs).
        fresh = Referral.objects.select_related("agency", "answered_by", "ended_by").get(pk=referral.pk)
        return Response(ReferralSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Withdraw a referral sent to the wrong agency (the case's expert)",
        request=ReferralReasonSerializer,
        responses={200: ReferralSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        return self._end(request, "withdraw_referral")

    @extend_schema(
        summary="Return a case as not the agency's own (the agency's liaison)",
        request=ReferralReasonSerializer,
        responses={200: ReferralSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def give_back(self, request: Request, pk: str) -> Response:
        return self._end(request, "return_referral")


# -- categories -------------------------------------------------------------------------------------


class ObstacleCategoryViewSet(viewsets.ReadOnlyModelViewSet[ObstacleCategory]):
    """The obstacle taxonomy in use (World Bank Enterprise Surveys and Iran's specifics)."""

    queryset = ObstacleCategory.objects.filter(is_active=True).select_related("parent")
    serializer_class = ObstacleCategorySerializer
    filterset_fields = ["source"]
    ordering = ["order", "code"]
    lookup_field = "code"
    pagination_class = None


def register(router: BaseRouter) -> None:
    router.register("cases", CaseViewSet, basename="api-obstacles-case")
    router.register("referrals", ReferralViewSet, basename="api-obstacles-referral")
    router.register("obstacle-categories", ObstacleCategoryViewSet, basename="api-obstacles-category")
