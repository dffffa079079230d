"""What the cases API shows and accepts. Reading only: every change goes through ``workflow``.

A case shows its unit in full (registry ID, national ID) only to the province's staff and the unit's
own managers; an agency liaison sees the unit's name, sector and county and nothing else, and only
the referrals of their own agency.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rownaq.accounts.models import Organisation, User
from rownaq.core.api import read_only_choice
from rownaq.core.api_fields import FreeTextField, IdField, WholeNumberField
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import normalise_text
from rownaq.core.numbers import format_billion_rial
from rownaq.obstacles import access, workflow
from rownaq.obstacles.models import (
    AnswerDecision,
    Attachment,
    Case,
    CaseEvent,
    CaseState,
    ObstacleCategory,
    OutcomeKind,
    Referral,
    ReferralState,
    Urgency,
)
from rownaq.registry.models import Unit


def _viewer(serializer: serializers.BaseSerializer[Any]) -> User | None:
    user = getattr(serializer.context.get("request"), "user", None)
    return user if isinstance(user, User) else None


sees_unit_record = access.sees_unit_record  # the rule lives in ``access``


class ObstacleCategorySerializer(serializers.ModelSerializer[ObstacleCategory]):
    parent: serializers.SlugRelatedField[ObstacleCategory] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = ObstacleCategory
        fields = ["code", "name", "name_en", "parent", "source", "agency_codes"]


class CaseUnitSerializer(serializers.ModelSerializer[Unit]):
    """A unit as an agency liaison may see it: name, sector and county."""

    sector = serializers.CharField(source="sector.code", read_only=True)
    sector_title = serializers.CharField(source="sector.display_title", read_only=True)
    county = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = Unit
        fields = ["name", "sector", "sector_title", "county"]


class CaseUnitRecordSerializer(CaseUnitSerializer):
    """A unit as the province's staff and its own managers see it: with its registry ID and national ID."""

    class Meta(CaseUnitSerializer.Meta):
        fields = ["id", "national_id", *CaseUnitSerializer.Meta.fields]


class AgencySerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "agency_code"]


def unit_as_seen(serializer: serializers.BaseSerializer[Any], case: Case) -> dict[str, Any]:
    shown = CaseUnitRecordSerializer if sees_unit_record(_viewer(serializer), case) else CaseUnitSerializer
    return dict(shown(case.unit).data)


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    """A file of a case or of an agency's answer; ``url`` downloads it (``GET``, with the caller's token)."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, obj: Attachment) -> str:
        return reverse("api-obstacles-case-attachment", args=[obj.case_id, obj.pk])


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    agency = AgencySerializer(read_only=True)
    state = read_only_choice(ReferralState)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    due_on_jalali = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    answered_by: serializers.StringRelatedField[User] = serializers.StringRelatedField(allow_null=True)
    ended_by: serializers.StringRelatedField[User] = serializers.StringRelatedField(allow_null=True)
    decision = read_only_choice(AnswerDecision, blank=True, help_text="Empty for an answer without one.")
    decision_label = serializers.CharField(source="get_decision_display", read_only=True)
    amount = serializers.IntegerField(read_only=True, allow_null=True, help_text="rials")
    amount_label = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "agency",
            "state",
            "state_label",
            "referred_at",
            "working_days",
            "due_on",
            "due_on_jalali",
            "overdue",
            "answer",
            "decision",
            "decision_label",
            "amount",
            "amount_label",
            "attachments",
            "answered_by",
            "answered_at",
            "escalated_at",
            "ended_by",
            "ended_at",
            "end_reason",
        ]

    def get_due_on_jalali(self, obj: Referral) -> str:
        return format_jalali(obj.due_on, persian_digits=False)

    def get_amount_label(self, obj: Referral) -> str:
        """The amount as officials read it: «۱۲٫۵ میلیارد ریال» (empty without one)."""
        return format_billion_rial(obj.amount)

    def get_overdue(self, obj: Referral) -> bool:
        return obj.state == ReferralState.OPEN and obj.due_on < self.context["today"]


class CaseEventSerializer(serializers.ModelSerializer[CaseEvent]):
    from_state = read_only_choice(CaseState, blank=True, help_text="Empty when the case was filed.")
    to_state = read_only_choice(CaseState)
    by = serializers.SerializerMethodField()
    at_jalali = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["action", "from_state", "to_state", "by", "at", "at_jalali", "comment"]

    def get_by(self, obj: CaseEvent) -> str | None:
        """Who did it; ``null`` for the system (an automatic escalation)."""
        return str(obj.by) if obj.by is not None else None

    def get_at_jalali(self, obj: CaseEvent) -> str:
        return format_jalali(obj.at, persian_digits=False)


class CaseSerializer(serializers.ModelSerializer[Case]):
    reference = serializers.CharField(read_only=True)
    category: serializers.SlugRelatedField[ObstacleCategory] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    category_name = serializers.CharField(source="category.name", read_only=True)
    state = read_only_choice(CaseState)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    outcome_kind = read_only_choice(OutcomeKind, blank=True, help_text="Empty until the case is resolved.")
    unit = serializers.SerializerMethodField()
    filed_by: serializers.StringRelatedField[User] = serializers.StringRelatedField()
    filed_at_jalali = serializers.SerializerMethodField()
    agencies_concerned = serializers.SerializerMethodField()
    referrals = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "category",
            "category_name",
            "unit",
            "amount",
            "urgency",
            "state",
            "state_label",
            "filed_by",
            "filed_at",
            "filed_at_jalali",
            "from_visit",
            "agencies_concerned",
            "merged_into",
            "outcome_kind",
            "outcome_note",
            "money_released",
            "unit_confirmed_at",
            "closed_at",
            "version",
            "updated_at",
            "referrals",
            "events",
            "attachments",
        ]
        read_only_fields = fields

    @extend_schema_field(CaseUnitRecordSerializer)
    def get_unit(self, obj: Case) -> dict[str, Any]:
        """The unit; ``id`` and ``national_id`` only for the province's staff and the unit's managers."""
        return unit_as_seen(self, obj)

    @extend_schema_field(AgencySerializer(many=True))
    def get_agencies_concerned(self, obj: Case) -> list[dict[str, Any]]:
        """The agencies the filer named as concerned; an agency liaison sees only their own agency among them."""
        shown = access.case_shown_to(_viewer(self), obj).agencies_concerned
        return list(AgencySerializer(shown, many=True).data)

    @extend_schema_field(ReferralSerializer(many=True))
    def get_referrals(self, obj: Case) -> list[dict[str, Any]]:
        """Every referral; an agency liaison sees only their own agency's (``access.referrals_shown_to``)."""
        referrals = access.referrals_shown_to(_viewer(self), obj)
        return list(ReferralSerializer(referrals, many=True, context=self.context).data)

    @extend_schema_field(CaseEventSerializer(many=True))
    def get_events(self, obj: Case) -> list[dict[str, Any]]:
        """The history; an agency liaison sees the entries about the case as a whole and about their own
        agency, never another agency's answer (``access.case_history_visible_to``)."""
        events = access.case_history_visible_to(_viewer(self), obj)
        return list(CaseEventSerializer(events, many=True, context=self.context).data)

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, obj: Case) -> list[dict[str, Any]]:
        """The files filed with the case (an answer's files are under its referral)."""
        files = access.case_shown_to(_viewer(self), obj).attachments
        return list(AttachmentSerializer(files, many=True, context=self.context).data)

    def get_filed_at_jalali(self, obj: Case) -> str:
        return format_jalali(obj.filed_at, persian_digits=False)


class CaseDetailSerializer(CaseSerializer):
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "allowed_actions"]
        read_only_fields = fields

    def get_allowed_actions(self, obj: Case) -> list[str]:
        """What the caller may do now: the names to POST to ``actions/{name}/``."""
        user = _viewer(self)
        return workflow.allowed_actions(obj, user) if user is not None else []


class CaseBriefSerializer(serializers.ModelSerializer[Case]):
    """The case a referral is about, as its agency's liaison sees it in their list."""

    reference = serializers.CharField(read_only=True)
    state = read_only_choice(CaseState)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    unit = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "reference", "title", "state", "state_label", "urgency", "version", "unit"]
        read_only_fields = fields

    @extend_schema_field(CaseUnitRecordSerializer)
    def get_unit(self, obj: Case) -> dict[str, Any]:
        return unit_as_seen(self, obj)


class ReferralListSerializer(ReferralSerializer):
    """A referral with the case it is about, for the liaison's list of what to answer."""

    case = CaseBriefSerializer(read_only=True)

    class Meta(ReferralSerializer.Meta):
        fields = ["case", *ReferralSerializer.Meta.fields]


# -- input ------------------------------------------------------------------------------------------


class CaseFileSerializer(serializers.Serializer[Case]):
    """What a unit manager (or an SMT expert, on the unit's behalf) gives to file a case."""

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    category = serializers.SlugRelatedField(slug_field="code", queryset=ObstacleCategory.objects.filter(is_active=True))
    title = serializers.CharField(max_length=200)
    description = FreeTextField()
    amount = WholeNumberField(required=False, allow_null=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    from_visit = serializers.BooleanField(default=False)
    agencies_concerned = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.exclude(agency_code=""), many=True, required=False
    )

    def validate_title(self, value: str) -> str:
        value = normalise_text(value)
        if not value:
            raise serializers.ValidationError(_("Write a short title for the obstacle."))
        return value

    def validate_description(self, value: str) -> str:
        value = normalise_text(value)
        if not value:
            raise serializers.ValidationError(_("Describe the obstacle."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        province_id = attrs["unit"].county.province_id
        if any(a.province_id not in (None, province_id) for a in attrs.get("agencies_concerned", [])):
            raise serializers.ValidationError(
                {"agencies_concerned": _("Choose agencies of the unit's province or national ones.")}
            )
        return attrs


class CaseActionSerializer(serializers.Serializer[Case]):
    """The fields of every action; each action reads the ones it needs (see ``api.ACTIONS``)."""

    version = IdField(help_text="The case's version as the caller loaded it; 409 if it changed since.")
    comment = FreeTextField(required=False, allow_blank=True, default="")
    reason = FreeTextField(
        required=False,
        allow_blank=True,
        default="",
        help_text="reject, reopen, withdraw_referral, return_referral; resolve: why the outcome is recorded while "
        "something is still open on the case (an HQ resolution's commitments not carried out yet)",
    )
    answer = FreeTextField(required=False, allow_blank=True, default="", help_text="answer")
    agencies = serializers.ListField(
        child=IdField(), required=False, max_length=100, help_text="refer: organisation IDs (default: the category's)"
    )
    working_days = WholeNumberField(
        min_value=1, max_value=120, required=False, allow_null=True, default=None, help_text="refer"
    )
    into = IdField(required=False, allow_null=True, default=None, help_text="merge: case ID")
    category = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text="recategorise: code"
    )
    outcome_kind = serializers.ChoiceField(
        choices=OutcomeKind.choices, required=False, allow_blank=True, default="", help_text="resolve"
    )
    outcome_note = FreeTextField(required=False, allow_blank=True, default="", help_text="resolve")
    money_released = WholeNumberField(required=False, allow_null=True, default=None, help_text="resolve (rials)")
    referral = IdField(
        required=False, allow_null=True, default=None, help_text="withdraw_referral: referral ID (of this case)"
    )
    decision = serializers.ChoiceField(
        choices=AnswerDecision.choices, required=False, allow_blank=True, default="", help_text="answer"
    )
    amount = WholeNumberField(
        required=False, allow_null=True, default=None, help_text="answer: rials, where money is concerned"
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="answer: PDF, PNG or JPEG (multipart)"
    )


class ReferralAnswerSerializer(serializers.Serializer[Referral]):
    """The agency's answer: a decision, the text, an amount where money is concerned and files (multipart)."""

    decision = serializers.ChoiceField(choices=AnswerDecision.choices)
    answer = FreeTextField()
    amount = WholeNumberField(
        required=False, allow_null=True, default=None, help_text="rials, e.g. the facility approved"
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="PDF, PNG or JPEG files (multipart)"
    )
    version = IdField(required=False, allow_null=True, default=None, help_text="The case's version; 409 if it changed.")


class ReferralReasonSerializer(serializers.Serializer[Referral]):
    """Why a referral is withdrawn (the expert) or returned (the agency's liaison)."""

    reason = FreeTextField()
    version = IdField(required=False, allow_null=True, default=None, help_text="The case's version; 409 if it changed.")
