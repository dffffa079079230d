"""How exhibitions and B2B meetings look over HTTP: Jalali dates beside the ISO ones, Persian labels."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from rownaq.core.api_fields import DateTimeField
from rownaq.core.jalali import format_jalali
from rownaq.exhibitions.models import B2BMeeting, Booth, Exhibition, Exhibitor, Hall
from rownaq.needs.models import Capability, Need


class ExhibitionSerializer(serializers.ModelSerializer[Exhibition]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    starts_on_jalali = serializers.SerializerMethodField()
    ends_on_jalali = serializers.SerializerMethodField()
    province = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = Exhibition
        fields = [
            "slug",
            "title",
            "kind",
            "kind_label",
            "province",
            "starts_on",
            "starts_on_jalali",
            "ends_on",
            "ends_on_jalali",
            "venue",
            "description",
            "is_published",
            "meeting_minutes",
        ]

    def get_starts_on_jalali(self, exhibition: Exhibition) -> str:
        return format_jalali(exhibition.starts_on)

    def get_ends_on_jalali(self, exhibition: Exhibition) -> str:
        return format_jalali(exhibition.ends_on)


class BoothSerializer(serializers.ModelSerializer[Booth]):
    class Meta:
        model = Booth
        fields = ["id", "code", "exhibitor"]


class HallSerializer(serializers.ModelSerializer[Hall]):
    booths = BoothSerializer(many=True, read_only=True)

    class Meta:
        model = Hall
        fields = ["id", "name", "booths"]


class ExhibitorSerializer(serializers.ModelSerializer[Exhibitor]):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    booth = serializers.SerializerMethodField()
    needs: serializers.PrimaryKeyRelatedField[Need] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    capabilities: serializers.PrimaryKeyRelatedField[Capability] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Exhibitor
        fields = ["id", "organisation", "booth", "needs", "capabilities"]

    def get_booth(self, exhibitor: Exhibitor) -> str | None:
        booth = getattr(exhibitor, "booth", None)
        return booth.code if booth is not None else None


class ExhibitionDetailSerializer(ExhibitionSerializer):
    halls = HallSerializer(many=True, read_only=True)
    exhibitors = ExhibitorSerializer(many=True, read_only=True)

    class Meta(ExhibitionSerializer.Meta):
        fields = [*ExhibitionSerializer.Meta.fields, "halls", "exhibitors"]


# Named apart from the HQ's meetings (rownaq.hq.serializers.MeetingSerializer) in the API schema.
@extend_schema_serializer(component_name="B2BMeeting")
class MeetingSerializer(serializers.ModelSerializer[B2BMeeting]):
    exhibition = serializers.CharField(source="exhibition.slug", read_only=True)
    need_title = serializers.CharField(source="need.title", read_only=True)
    need_organisation = serializers.CharField(
        source="need.unit.owner.name", read_only=True, default=None, allow_null=True
    )
    capability_title = serializers.CharField(source="capability.title", read_only=True)
    capability_organisation = serializers.CharField(source="capability.owner.name", read_only=True)
    booth = serializers.CharField(source="booth.code", read_only=True)
    hall = serializers.CharField(source="booth.hall.name", read_only=True)
    starts_at_jalali = serializers.SerializerMethodField()
    cancelled = serializers.SerializerMethodField()

    class Meta:
        model = B2BMeeting
        fields = [
            "id",
            "exhibition",
            "need",
            "need_title",
            "need_organisation",
            "capability",
            "capability_title",
            "capability_organisation",
            "booth",
            "hall",
            "starts_at",
            "ends_at",
            "starts_at_jalali",
            "cancelled",
        ]

    def get_starts_at_jalali(self, meeting: B2BMeeting) -> str:
        local = timezone.localtime(meeting.starts_at)
        return f"{format_jalali(local.date())} {local.strftime('%H:%M')}"

    def get_cancelled(self, meeting: B2BMeeting) -> bool:
        return meeting.cancelled_at is not None


class BookingSerializer(serializers.Serializer[dict[str, object]]):
    exhibition = serializers.SlugField(max_length=80, help_text=_("The exhibition's address name."))
    need = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    capability = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    starts_at = DateTimeField(help_text=_("The start of one of the exhibition's meeting slots."))
