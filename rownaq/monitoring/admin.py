"""The admin of monitoring: the validation rules are data the admin edits (metric, operator, threshold,
severity, message, active); reports change only through ``services`` and ``workflow``, and revival cases only
through ``revival``, so the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from rownaq.monitoring.models import (
    MonthlyReport,
    ReportEvent,
    ReportLine,
    ReportVersion,
    RevivalCase,
    RevivalEvent,
    RevivalStep,
    ValidationRule,
)
from rownaq.monitoring.status_models import (
    StatusOverride,
    StatusRule,
)
from rownaq.monitoring.visit_models import Visit, VisitFollowUp


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ValidationRuleForm(forms.ModelForm[ValidationRule]):
    class Meta:
        model = ValidationRule
        fields = ["code", "metric", "operator", "threshold", "severity", "message", "active"]

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"]
        try:
            message.format_map({"value": "1", "threshold": "1", "figures": "1"})
        except (KeyError, ValueError, IndexError) as exc:
            raise forms.ValidationError(
                _("The message may contain only {value}, {threshold} and {figures} in braces.")
            ) from exc
        return message


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin[ValidationRule]):
    form = ValidationRuleForm
    list_display = ["code", "metric", "operator", "threshold", "severity", "active"]
    list_filter = ["severity", "active", "metric"]
    list_editable = ["threshold", "active"]
    search_fields = ["code", "message"]


class ReportLineInline(_ReadOnly, admin.TabularInline[ReportLine, MonthlyReport]):
    model = ReportLine
    extra = 0
    fields = ["product_name", "measure", "quantity", "monthly_capacity", "utilisation"]
    readonly_fields = ["product_name", "measure", "quantity", "monthly_capacity", "utilisation"]


class ReportVersionInline(_ReadOnly, admin.TabularInline[ReportVersion, MonthlyReport]):
    model = ReportVersion
    extra = 0
    fields = ["number", "submitted_by", "on_behalf", "submitted_at", "utilisation", "explanation"]
    readonly_fields = ["number", "submitted_by", "on_behalf", "submitted_at", "utilisation", "explanation"]


class ReportEventInline(_ReadOnly, admin.TabularInline[ReportEvent, MonthlyReport]):
    model = ReportEvent
    extra = 0
    fields = ["action", "from_state", "to_state", "by", "at", "comment"]
    readonly_fields = ["action", "from_state", "to_state", "by", "at", "comment"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(_ReadOnly, admin.ModelAdmin[MonthlyReport]):
    list_display = ["unit", "year", "month", "state", "utilisation", "is_late", "on_behalf"]
    list_filter = ["state", "is_late", "on_behalf", "year", "month"]
    search_fields = ["unit__name", "unit__national_id"]
    list_select_related = ["unit"]
    inlines = [ReportLineInline, ReportVersionInline, ReportEventInline]


class RevivalStepInline(_ReadOnly, admin.TabularInline[RevivalStep, RevivalCase]):
    model = RevivalStep
    extra = 0
    fields = ["title", "owner", "due", "done", "done_at"]
    readonly_fields = ["title", "owner", "due", "done", "done_at"]


class RevivalEventInline(_ReadOnly, admin.TabularInline[RevivalEvent, RevivalCase]):
    model = RevivalEvent
    extra = 0
    fields = ["action", "from_state", "to_state", "by", "at", "comment"]
    readonly_fields = ["action", "from_state", "to_state", "by", "at", "comment"]


@admin.register(RevivalCase)
class RevivalCaseAdmin(_ReadOnly, admin.ModelAdmin[RevivalCase]):
    """Revival cases move only through ``rownaq.monitoring.revival``: the admin shows them read-only."""

    list_display = ["unit", "stage", "cause", "restarted_on", "jobs_restored", "capacity_restored"]
    list_filter = ["stage", "cause"]
    search_fields = ["unit__name", "unit__national_id"]
    list_select_related = ["unit"]
    inlines = [RevivalStepInline, RevivalEventInline]


# -- field visits (read-only: they change through ``rownaq.monitoring.visits``) ---------------------------


class VisitFollowUpInline(_ReadOnly, admin.TabularInline[VisitFollowUp, Visit]):
    model = VisitFollowUp
    extra = 0
    fields = ["kind", "revival_case", "by", "at"]
    readonly_fields = ["kind", "revival_case", "by", "at"]


@admin.register(Visit)
class VisitAdmin(_ReadOnly, admin.ModelAdmin[Visit]):
    list_display = ["unit", "agency", "planned_on", "visited_on", "flag"]
    list_filter = ["flag", "main_obstacle"]
    search_fields = ["unit__name", "unit__national_id", "agency__name"]
    list_select_related = ["unit", "agency"]
    date_hierarchy = "planned_on"
    inlines = [VisitFollowUpInline]


class StatusRuleForm(forms.ModelForm[StatusRule]):
    months = forms.IntegerField(label=_("months in a row"), min_value=1, max_value=12)

    class Meta:
        model = StatusRule
        fields = ["code", "to_status", "operator", "threshold", "months", "electricity_threshold", "message", "active"]

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"]
        try:
            message.format_map({"value": "1", "threshold": "1", "months": "1", "values": "1"})
        except (KeyError, ValueError, IndexError) as exc:
            raise forms.ValidationError(
                _("The note may contain only {threshold}, {months} and {values} in braces.")
            ) from exc
        return message


@admin.register(StatusRule)
class StatusRuleAdmin(admin.ModelAdmin[StatusRule]):
    form = StatusRuleForm
    list_display = ["code", "to_status", "operator", "threshold", "months", "electricity_threshold", "active"]
    list_filter = ["to_status", "active"]
    list_editable = ["threshold", "months", "active"]


@admin.register(StatusOverride)
class StatusOverrideAdmin(_ReadOnly, admin.ModelAdmin[StatusOverride]):
    list_display = ["unit", "status", "until", "by", "created_at", "lifted_at"]
    list_filter = ["status"]
    raw_id_fields = ["unit"]
