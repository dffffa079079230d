"""API of the agencies' signal feeds (DRF) at ``monitoring/signals``: an agency's liaison pushes a month's rows
(checked as an uploaded file is, all-or-nothing) and lists its organisation's feeds; province staff list the
feeds of their province. Everyone else is refused (403). The same access as the pages (``access``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from rownaq.core.api import invalid, read_only_choice, refused
from rownaq.core.api_fields import FreeTextField, WholeNumberField
from rownaq.monitoring import access, feeds
from rownaq.monitoring.models import FeedState, SignalFeed, SignalKind, SignalSource

MAX_ROWS = 20_000

ERRORS = {
    400: invalid(
        "A field is wrong, or rows have problems: `rows` maps each wrong row's index (from 0) to its fields' "
        "messages (`national_id`: not a valid national ID; `kind`: a signal the agency does not send; "
        "`value`: not a whole number from 0, or the same national ID and kind twice). Nothing was saved."
    ),
    403: refused("The caller's part has no access to agency feeds (sending: agency liaisons only)."),
    404: refused("No such feed for the caller."),
}


class SignalRowSerializer(serializers.Serializer[dict[str, Any]]):
    national_id = serializers.CharField(max_length=30, help_text="The unit's 11-digit national ID, in any digits.")
    name = FreeTextField(
        max_length=200, required=False, allow_blank=True, help_text="The name in the agency's records."
    )
    kind = serializers.ChoiceField(choices=SignalKind.choices, help_text="One of the kinds the agency sends.")
    value = WholeNumberField(max_value=feeds.MAX_VALUE - 1, help_text="Rials for money, kWh, m³ or a count.")


class FeedPushSerializer(serializers.Serializer[dict[str, Any]]):
    year = WholeNumberField(min_value=feeds.FIRST_YEAR, max_value=feeds.LAST_YEAR, help_text="Jalali year.")
    month = WholeNumberField(min_value=1, max_value=12, help_text="Jalali month, 1 to 12.")
    rows = serializers.ListField(child=SignalRowSerializer(), min_length=1, max_length=MAX_ROWS)


class SignalFeedSerializer(serializers.ModelSerializer[SignalFeed]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    source = read_only_choice(SignalSource)
    state = read_only_choice(FeedState, help_text="Rows count only once the feed is committed.")
    unmatched_rows = serializers.IntegerField(read_only=True, help_text="Rows no unit of the province matched.")

    class Meta:
        model = SignalFeed
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "province",
            "year",
            "month",
            "source",
            "state",
            "total_rows",
            "matched_rows",
            "unmatched_rows",
            "superseded_by",
            "created_at",
        ]
        read_only_fields = fields


class SignalFeedViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[SignalFeed]
):
    """The agencies' monthly signal feeds."""

    serializer_class = SignalFeedSerializer
    ordering = ["-year", "-month", "-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[SignalFeed]:
        if getattr(self, "swagger_fake_view", False):
            return SignalFeed.objects.none()
        if not access.sees_feeds(self.request.user):
            raise exceptions.PermissionDenied(_("You have no access to the agencies' feeds."))
        return (
            access.feeds_visible_to(self.request.user)
            .select_related("organisation")
            .annotate(unmatched_rows=F("total_rows") - F("matched_rows"))
            .order_by(*self.ordering)
        )

    @extend_schema(
        summary="The feeds the caller may see: a liaison its organisation's, province staff their province's",
        responses={200: SignalFeedSerializer(many=True), 403: ERRORS[403]},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="A feed, with its counts of matched and unmatched rows",
        responses={200: SignalFeedSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Send a month's signals of the caller's agency",
        description="Every row is checked; if any has a problem nothing is saved (400, per row). Rows are matched "
        "to the province's units by national ID. Sending a month again supersedes the earlier feed of that month.",
        request=FeedPushSerializer,
        responses={201: SignalFeedSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        if not access.sends_signals(user):
            raise exceptions.PermissionDenied(_("Only an agency's liaison sends its signals."))
        push = FeedPushSerializer(data=request.data)
        push.is_valid(raise_exception=True)
        data = push.validated_data
        try:
            feed = feeds.feed_push(
                organisation=user.organisation,  # type: ignore[union-attr,arg-type]
                year=data["year"],
                month=data["month"],
                rows=data["rows"],
                by=user,  # type: ignore[arg-type]
            )
        except feeds.FeedRowsError as exc:
            rows: dict[str, dict[str, list[str]]] = {}
            for problem in exc.problems:
                row = rows.setdefault(str(int(str(problem["row"])) - 1), {})
                row.setdefault(str(problem["column"]), []).append(str(problem["message"]))
            raise exceptions.ValidationError({"detail": str(exc), "rows": rows}) from exc
        except feeds.FeedError as exc:
            raise exceptions.ValidationError({"detail": str(exc)}) from exc
        shown = self.get_queryset().get(pk=feed.pk)
        return Response(SignalFeedSerializer(shown).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("monitoring/signals", SignalFeedViewSet, basename="api-monitoring-signals")
