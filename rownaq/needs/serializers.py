"""What the Industry Needs Desk API shows and accepts. Reading only: every change goes through ``services``.

A need shown "only to people the owner approves" appears to everyone else with its title, kind,
sector, province and state only: its details (``DETAIL_FIELDS``: description, quantities, value,
attachments, matches …) are left out of the response altogether, not sent as ``null``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rownaq.accounts.models import Organisation, User
from rownaq.core.api import read_only_choice
from rownaq.core.api_fields import DateField, FreeTextField, IdField, WholeNumberField
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import normalise_text
from rownaq.needs import access
from rownaq.needs.models import (
    Agreement,
    Capability,
    DeclineReason,
    Match,
    Need,
    NeedAccess,
    NeedAccessState,
    NeedAttachment,
    NeedKind,
    NeedState,
    Proposal,
    ProposalEvent,
    ProposalEventKind,
    ProposalMessage,
    ProposalState,
    SupplySource,
    Visibility,
)
from rownaq.needs.workflow import allowed_decisions
from rownaq.registry.models import Sector, SectorLevel, Unit

# The fields of a need that only people who see its details receive.
DETAIL_FIELDS = (
    "unit",
    "description",
    "hs_code",
    "annual_quantity",
    "quantity_unit",
    "supplied_from",
    "supplied_from_label",
    "yearly_value",
    "deadline",
    "deadline_jalali",
    "reply_days",
    "attachments",
    "matches",
)
OMITTED = "Omitted unless the caller sees the need's details (public need, its owner's side, or approved access)."


def _viewer(serializer: serializers.BaseSerializer[Any]) -> User | None:
    user = getattr(serializer.context.get("request"), "user", None)
    return user if isinstance(user, User) else None


class OrganisationBriefSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class NeedUnitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class NeedAttachmentSerializer(serializers.ModelSerializer[NeedAttachment]):
    url = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = NeedAttachment
        fields = ["id", "name", "content_type", "size", "uploaded_at", "url", "download"]
        read_only_fields = fields

    def get_url(self, obj: NeedAttachment) -> str:
        """The download address on the site (a logged-in session)."""
        return reverse("needs-attachment", args=[obj.pk])

    def get_download(self, obj: NeedAttachment) -> str:
        """The download address in the API (a token or a session)."""
        return reverse("api-needs-need-attachment", args=[obj.need_id, obj.pk])


class NeedAttachmentUploadSerializer(serializers.Serializer[NeedAttachment]):
    """Drawings and specifications to attach to a need (multipart form data)."""

    files = serializers.ListField(
        child=serializers.FileField(), help_text="One or more PDF, PNG or JPEG files, each within the size limit."
    )


class NeedAccessSerializer(serializers.ModelSerializer[NeedAccess]):
    """An organisation's request to see a confidential need's details, and the owner's decision."""

    state = read_only_choice(NeedAccessState)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = NeedAccess
        fields = ["id", "state", "state_label", "organisation", "requested_by", "decided_by", "decided_at"]
        read_only_fields = fields

    def get_requested_by(self, obj: NeedAccess) -> str:
        return str(obj.requested_by)

    def get_decided_by(self, obj: NeedAccess) -> str | None:
        """Who on the need's side decided; empty while the request waits."""
        return str(obj.decided_by) if obj.decided_by_id is not None else None


class MatchReasonsSerializer(serializers.Serializer[Any]):
    terms = serializers.ListField(child=serializers.CharField(), help_text="Terms the need and capability share.")
    codes = serializers.ListField(child=serializers.CharField(), help_text="HS or ISIC codes they share.")
    same_province = serializers.BooleanField()
    related = serializers.ListField(
        child=serializers.CharField(), help_text="Terms of the capability related to the need's (not the same word)."
    )


class CapabilityBriefSerializer(serializers.ModelSerializer[Capability]):
    owner = OrganisationBriefSerializer(read_only=True)
    province = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = Capability
        fields = ["id", "title", "owner", "province"]
        read_only_fields = fields


class MatchSerializer(serializers.ModelSerializer[Match]):
    """A capability ranked for a need, with the reasons shown to people."""

    capability = CapabilityBriefSerializer(read_only=True)
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = ["rank", "score", "capability", "reasons", "computed_at"]
        read_only_fields = fields

    @extend_schema_field(MatchReasonsSerializer)
    def get_reasons(self, obj: Match) -> dict[str, Any]:
        reasons = obj.reasons or {}
        return {
            "terms": list(reasons.get("terms", [])),
            "codes": list(reasons.get("codes", [])),
            "same_province": bool(reasons.get("same_province", False)),
            "related": list(reasons.get("related", [])),
        }


class NeedSerializer(serializers.ModelSerializer[Need]):
    """A need as listed. The fields of ``DETAIL_FIELDS`` are omitted for callers who may not see its details."""

    kind = read_only_choice(NeedKind)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    sector = serializers.SerializerMethodField()
    sector_title = serializers.SerializerMethodField()
    province = serializers.CharField(source="unit.county.province.name", read_only=True)
    state = read_only_choice(NeedState)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    visibility = read_only_choice(Visibility)
    details_visible = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField(help_text=OMITTED)
    description = serializers.CharField(read_only=True, help_text=OMITTED)
    supplied_from = read_only_choice(SupplySource, help_text=OMITTED)
    supplied_from_label = serializers.CharField(source="get_supplied_from_display", read_only=True, help_text=OMITTED)
    deadline_jalali = serializers.SerializerMethodField(help_text=OMITTED)

    class Meta:
        model = Need
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "sector",
            "sector_title",
            "province",
            "state",
            "state_label",
            "visibility",
            "details_visible",
            "created_at",
            "unit",
            "description",
            "hs_code",
            "annual_quantity",
            "quantity_unit",
            "supplied_from",
            "supplied_from_label",
            "yearly_value",
            "deadline",
            "deadline_jalali",
            "reply_days",
        ]
        read_only_fields = fields

    def _details(self, obj: Need) -> bool:
        detailed = self.context.get("detailed")
        if detailed is not None:
            return obj.pk in detailed
        return access.need_details_visible(_viewer(self) or AnonymousUser(), obj)

    def to_representation(self, instance: Need) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        if not data["details_visible"]:
            for name in DETAIL_FIELDS:
                data.pop(name, None)
        return data

    def get_details_visible(self, obj: Need) -> bool:
        """Whether the caller sees the need's details; when not, the detail fields are absent."""
        return self._details(obj)

    def get_sector(self, obj: Need) -> str | None:
        """The ISIC class code."""
        return obj.sector.code if obj.sector else None

    def get_sector_title(self, obj: Need) -> str | None:
        return obj.sector.display_title if obj.sector else None

    @extend_schema_field(NeedUnitSerializer)
    def get_unit(self, obj: Need) -> dict[str, Any] | None:
        if not self._details(obj):
            return None
        return {"id": obj.unit.pk, "name": obj.unit.name}

    def get_deadline_jalali(self, obj: Need) -> str:
        return format_jalali(obj.deadline, persian_digits=False)


class _NeedSchema(OpenApiSerializerExtension):
    """In the schema, the detail fields of a need (and of a need in detail) are not required: they are absent
    for callers who may not see its details."""

    target_class = NeedSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_basic_serializer(self.target, direction)
        schema["required"] = [name for name in schema.get("required", []) if name not in DETAIL_FIELDS]
        return schema


class NeedDetailSerializer(NeedSerializer):
    """A need with its drawings and ranked capabilities (both omitted without access to the details)."""

    attachments = serializers.SerializerMethodField(help_text=OMITTED)
    matches = serializers.SerializerMethodField(help_text=OMITTED)
    can_propose = serializers.SerializerMethodField()
    can_request_access = serializers.SerializerMethodField()

    class Meta(NeedSerializer.Meta):
        fields = [*NeedSerializer.Meta.fields, "attachments", "matches", "can_propose", "can_request_access"]
        read_only_fields = fields

    @extend_schema_field(NeedAttachmentSerializer(many=True))
    def get_attachments(self, obj: Need) -> list[dict[str, Any]]:
        if not self._details(obj):
            return []
        return list(NeedAttachmentSerializer(obj.attachments.all(), many=True).data)

    @extend_schema_field(MatchSerializer(many=True))
    def get_matches(self, obj: Need) -> list[dict[str, Any]]:
        if not self._details(obj):
            return []
        return list(MatchSerializer(access.matches_shown(_viewer(self), obj), many=True).data)

    def get_can_propose(self, obj: Need) -> bool:
        """Whether the caller may answer the need with a proposal now."""
        user = _viewer(self)
        return user is not None and access.can_propose(user, obj)

    def get_can_request_access(self, obj: Need) -> bool:
        user = _viewer(self)
        return user is not None and access.can_request_access(user, obj)


class NeedPostSerializer(serializers.Serializer[Need]):
    """What a unit's manager (or an SMT expert, for a unit of the province) gives to post a need."""

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none(), help_text="Production unit (ID)")
    title = serializers.CharField(max_length=200)
    description = FreeTextField()
    kind = serializers.ChoiceField(choices=NeedKind.choices)
    supplied_from = serializers.ChoiceField(choices=SupplySource.choices)
    sector = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Sector.objects.filter(level=SectorLevel.CLASS),
        required=False,
        allow_null=True,
        help_text="ISIC class code (4 digits)",
    )
    hs_code = serializers.CharField(max_length=14, required=False, allow_blank=True, default="")
    annual_quantity = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    quantity_unit = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    yearly_value = WholeNumberField(required=False, allow_null=True, help_text="rials")
    deadline = DateField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)
    reply_days = serializers.IntegerField(min_value=1, max_value=60, default=10)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        from rownaq.registry.access import units_visible_to

        fields = super().get_fields()
        user = _viewer(self)
        unit_field = fields["unit"]
        assert isinstance(unit_field, serializers.PrimaryKeyRelatedField)
        unit_field.queryset = units_visible_to(user) if user is not None else Unit.objects.none()
        return fields

    def validate_title(self, value: str) -> str:
        value = normalise_text(value)
        if not value:
            raise serializers.ValidationError(_("Write a short title for the need."))
        return value

    def validate_description(self, value: str) -> str:
        value = normalise_text(value)
        if not value:
            raise serializers.ValidationError(_("Describe the need."))
        return value


# -- capabilities ----------------------------------------------------------------------------------


class CapabilitySerializer(serializers.ModelSerializer[Capability]):
    owner = OrganisationBriefSerializer(read_only=True)
    province = serializers.CharField(source="province.name", read_only=True)
    sectors: serializers.SlugRelatedField[Sector] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = Capability
        fields = [
            "id",
            "title",
            "description",
            "owner",
            "province",
            "sectors",
            "hs_codes",
            "equipment",
            "certifications",
            "capacity",
            "references",
            "is_public",
            "created_at",
        ]
        read_only_fields = fields


class CapabilityPostSerializer(serializers.Serializer[Capability]):
    """A capability; ``owner`` only for an SMT expert posting on an organisation's behalf."""

    title = serializers.CharField(max_length=200)
    description = FreeTextField()
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, help_text="Organisation (ID)"
    )
    sectors = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.filter(level=SectorLevel.CLASS), many=True, required=False
    )
    hs_codes = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    equipment = FreeTextField(required=False, allow_blank=True, default="")
    certifications = FreeTextField(required=False, allow_blank=True, default="")
    capacity = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    references = FreeTextField(required=False, allow_blank=True, default="")
    is_public = serializers.BooleanField(default=True)

    def validate_title(self, value: str) -> str:
        value = normalise_text(value)
        if not value:
            raise serializers.ValidationError(_("Write what the capability is."))
        return value


# -- proposals -------------------------------------------------------------------------------------


class NeedBriefSerializer(serializers.ModelSerializer[Need]):
    class Meta:
        model = Need
        fields = ["id", "title"]
        read_only_fields = fields


class CapabilityTitleSerializer(serializers.ModelSerializer[Capability]):
    class Meta:
        model = Capability
        fields = ["id", "title"]
        read_only_fields = fields


class ProposalMessageSerializer(serializers.ModelSerializer[ProposalMessage]):
    author = serializers.SerializerMethodField()

    class Meta:
        model = ProposalMessage
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = fields

    def get_author(self, obj: ProposalMessage) -> str:
        return str(obj.author)


class ProposalEventSerializer(serializers.ModelSerializer[ProposalEvent]):
    """One step of a proposal's history."""

    kind = read_only_choice(ProposalEventKind)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    by = serializers.SerializerMethodField()

    class Meta:
        model = ProposalEvent
        fields = ["kind", "kind_label", "by", "at", "note"]
        read_only_fields = fields

    def get_by(self, obj: ProposalEvent) -> str | None:
        """Who took the step; empty for the reminder sent by the system."""
        return str(obj.by) if obj.by_id is not None else None


class AgreementSerializer(serializers.ModelSerializer[Agreement]):
    class Meta:
        model = Agreement
        fields = ["value", "signed_on", "delivered_on", "import_value_replaced", "currency_saved_usd"]
        read_only_fields = fields


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    need = NeedBriefSerializer(read_only=True)
    capability = CapabilityTitleSerializer(read_only=True, allow_null=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    state = read_only_choice(ProposalState)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    decline_reason = read_only_choice(DeclineReason, blank=True, help_text="Empty unless declined.")
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "need",
            "capability",
            "organisation",
            "text",
            "price",
            "delivery",
            "state",
            "state_label",
            "decline_reason",
            "decline_note",
            "submitted_at",
            "first_reply_at",
            "decided_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, obj: Proposal) -> list[str]:
        """What the caller may do now: the names to POST to ``actions/{name}/``."""
        user = _viewer(self)
        return allowed_decisions(obj, user) if user is not None else []


class ProposalDetailSerializer(ProposalSerializer):
    messages = ProposalMessageSerializer(many=True, read_only=True)
    events = ProposalEventSerializer(many=True, read_only=True)
    agreement = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "messages", "events", "agreement"]
        read_only_fields = fields

    @extend_schema_field(AgreementSerializer(allow_null=True))
    def get_agreement(self, obj: Proposal) -> dict[str, Any] | None:
        agreement = Agreement.objects.filter(proposal=obj).first()
        return dict(AgreementSerializer(agreement).data) if agreement else None


class ProposalSubmitSerializer(serializers.Serializer[Proposal]):
    need = IdField(help_text="Need (ID)")
    capability = IdField(help_text="One of the caller's organisation's capabilities (ID)")
    text = FreeTextField()
    price = WholeNumberField(required=False, allow_null=True, help_text="rials")
    delivery = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def validate_text(self, value: str) -> str:
        value = normalise_text(value)
        if not value:
            raise serializers.ValidationError(_("Write the offer."))
        return value


class ProposalActionSerializer(serializers.Serializer[Proposal]):
    """The fields of every action; each reads the ones it needs."""

    value = WholeNumberField(required=False, allow_null=True, default=None, help_text="accept")
    signed_on = DateField(required=False, allow_null=True, default=None, help_text="accept (default: today)")
    reason = serializers.ChoiceField(
        choices=DeclineReason.choices, required=False, allow_blank=True, default="", help_text="decline"
    )
    note = FreeTextField(required=False, allow_blank=True, default="", help_text="decline")


class ProposalMessagePostSerializer(serializers.Serializer[ProposalMessage]):
    text = FreeTextField()
