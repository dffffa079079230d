"""What the monitoring API sends and accepts: reports with their lines and versions; a report's entry; an action;
revival cases (read-only) with their plan and history."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rownaq.core.api import VERSION_HELP, read_only_choice
from rownaq.core.api_fields import FreeTextField, IdField, WholeNumberField
from rownaq.core.normalise import WHOLE_NUMBER_MAX
from rownaq.core.periods import Period, PeriodError
from rownaq.monitoring.models import (
    FIGURE_FIELDS,
    MonthlyReport,
    ReportLine,
    ReportVersion,
    RevivalCase,
    RevivalCause,
    RevivalEvent,
    RevivalStage,
    RevivalStep,
)
from rownaq.monitoring.services import due_date


class ReportLineSerializer(serializers.ModelSerializer[ReportLine]):
    class Meta:
        model = ReportLine
        fields = ["product", "product_name", "measure", "monthly_capacity", "quantity", "utilisation"]


class ReportVersionSerializer(serializers.ModelSerializer[ReportVersion]):
    submitted_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = ReportVersion
        fields = [
            "number",
            "figures",
            "lines",
            "utilisation",
            "warnings",
            "explanation",
            "submitted_by",
            "on_behalf",
            "submitted_at",
        ]


class MonthlyReportSerializer(serializers.ModelSerializer[MonthlyReport]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    period = serializers.SerializerMethodField(help_text="The Jalali month, as 1405/07.")
    due_date = serializers.SerializerMethodField(help_text="The day the report is due by (Gregorian).")
    entered_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    lines = ReportLineSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "unit",
            "unit_name",
            "period",
            "year",
            "month",
            "state",
            *FIGURE_FIELDS,
            "utilisation",
            "lines",
            "entered_by",
            "on_behalf",
            "submitted_at",
            "is_late",
            "due_date",
            "return_reason",
            "version",
        ]
        read_only_fields = fields

    def get_period(self, report: MonthlyReport) -> str:
        return report.period.code

    @extend_schema_field(serializers.DateField())
    def get_due_date(self, report: MonthlyReport) -> str:
        return due_date(report.period).isoformat()


class MonthlyReportDetailSerializer(MonthlyReportSerializer):
    versions = ReportVersionSerializer(many=True, read_only=True)

    class Meta(MonthlyReportSerializer.Meta):
        fields = [*MonthlyReportSerializer.Meta.fields, "versions"]
        read_only_fields = fields


class LineEntrySerializer(serializers.Serializer[Any]):
    product = IdField(help_text="A product of the unit (its `id` in the registry).")
    quantity = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="In the product's measure.")


class ReportEntrySerializer(serializers.Serializer[Any]):
    """A report's figures as entered (money in integer rials); utilisation is derived, never sent."""

    unit = IdField(help_text="The unit (create only).", required=False)
    period = serializers.CharField(
        help_text="The Jalali month, as 1405/07 (create only).", required=False, max_length=10
    )
    lines = LineEntrySerializer(many=True, required=False, help_text="Output per product; products left out: 0.")
    version = IdField(required=False, help_text=VERSION_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FIGURE_FIELDS:
            # Negative figures pass here: the validation rules refuse them, with their message.
            self.fields[name] = WholeNumberField(
                required=False, default=0 if not self.partial else None, min_value=-WHOLE_NUMBER_MAX
            )

    def validate_period(self, value: str) -> Period:
        try:
            period = Period.parse(value)
        except PeriodError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        if period.kind != "month":
            raise serializers.ValidationError(_("Give a Jalali month, as 1405/07."))
        return period


class ReportActionSerializer(serializers.Serializer[Any]):
    version = IdField(help_text=VERSION_HELP)
    reason = FreeTextField(required=False, allow_blank=True, max_length=2000, help_text="Why it is returned (return).")
    confirm = serializers.BooleanField(required=False, default=False, help_text="Confirm the warnings (submit).")
    explanation = FreeTextField(
        required=False, allow_blank=True, max_length=2000, help_text="Explanation of the warnings (submit)."
    )


class FindingSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    value = serializers.CharField()


class RevivalStepSerializer(serializers.ModelSerializer[RevivalStep]):
    class Meta:
        model = RevivalStep
        fields = ["id", "title", "owner", "due", "done", "done_at"]
        read_only_fields = fields


class RevivalEventSerializer(serializers.ModelSerializer[RevivalEvent]):
    from_state = read_only_choice(RevivalStage, blank=True, help_text="Empty for the opening of the case.")
    to_state = read_only_choice(RevivalStage)
    by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = RevivalEvent
        fields = ["action", "from_state", "to_state", "by", "at", "comment"]
        read_only_fields = fields


class RevivalCaseSerializer(serializers.ModelSerializer[RevivalCase]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    stage = read_only_choice(RevivalStage)
    cause = read_only_choice(RevivalCause, help_text="Why the unit stopped (the main cause).")
    capacity_restored = serializers.DecimalField(
        max_digits=5, decimal_places=1, read_only=True, allow_null=True, help_text="Percent of nominal capacity."
    )

    class Meta:
        model = RevivalCase
        fields = [
            "id",
            "unit",
            "unit_name",
            "stage",
            "cause",
            "jobs_restored",
            "capacity_restored",
            "restarted_on",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class RevivalCaseDetailSerializer(RevivalCaseSerializer):
    """A case with its diagnosis, the support it needs, its plan of steps and its history."""

    steps = RevivalStepSerializer(many=True, read_only=True)
    events = RevivalEventSerializer(many=True, read_only=True)

    class Meta(RevivalCaseSerializer.Meta):
        fields = [
            *RevivalCaseSerializer.Meta.fields,
            "diagnosis",
            "support_needed",
            "related_cases",
            "abandon_reason",
            "steps",
            "events",
        ]
        read_only_fields = fields
