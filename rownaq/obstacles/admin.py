"""The admin of obstacles: categories are data the admin maintains; cases and referrals are read-mostly.

A case's state changes only through the workflow (``rownaq.obstacles.workflow``), which records who,
when and why; the admin therefore shows the state, the referrals and the history but cannot change them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rownaq.core.admin import JALALI_DATE_OVERRIDES
from rownaq.core.jalali import format_jalali
from rownaq.obstacles.models import Case, CaseEvent, ObstacleCategory, Referral


@admin.register(ObstacleCategory)
class ObstacleCategoryAdmin(admin.ModelAdmin[ObstacleCategory]):
    list_display = ["code", "name", "name_en", "parent", "source", "agency_codes", "order", "is_active"]
    list_filter = ["source", "is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    list_editable = ["order", "is_active"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["order", "code"]


class _ReadOnlyInline:
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReferralInline(_ReadOnlyInline, admin.TabularInline[Referral, Case]):
    model = Referral
    fields = (
        "agency",
        "state",
        "referred_at",
        "working_days",
        "due_on",
        "answered_at",
        "escalated_at",
        "decision",
        "amount",
        "answer",
        "ended_at",
        "end_reason",
    )
    readonly_fields = fields


class CaseEventInline(_ReadOnlyInline, admin.TabularInline[CaseEvent, Case]):
    model = CaseEvent
    fields = ("at", "action", "from_state", "to_state", "by", "comment")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    formfield_overrides = JALALI_DATE_OVERRIDES
    list_display = ["reference_display", "title", "unit", "category", "state", "urgency", "filed_at"]
    list_filter = ["state", "urgency", "from_visit", "category__parent", "unit__county__province"]
    list_select_related = ["unit", "category"]
    search_fields = ["title", "search_text", "unit__name"]
    date_hierarchy = "filed_at"
    autocomplete_fields = ["unit"]
    readonly_fields = [
        "state",
        "unit",
        "filed_by",
        "filed_at",
        "merged_into",
        "outcome_kind",
        "outcome_note",
        "money_released",
        "unit_confirmed_at",
        "closed_at",
        "version",
        "updated_at",
    ]
    fields = [
        "unit",
        "category",
        "title",
        "description",
        "amount",
        "urgency",
        "state",
        "from_visit",
        "filed_by",
        "filed_at",
        "merged_into",
        "outcome_kind",
        "outcome_note",
        "money_released",
        "unit_confirmed_at",
        "closed_at",
        "version",
        "updated_at",
    ]
    inlines = [ReferralInline, CaseEventInline]

    @admin.display(description=_("number"), ordering="pk")
    def reference_display(self, case: Case) -> str:
        return case.reference

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # cases are filed by units and experts through the workflow

    def get_readonly_fields(self, request: HttpRequest, obj: Case | None = None) -> list[str]:
        # Changing the category re-routes the case: that is the workflow's «recategorise», not an edit here.
        return [*self.readonly_fields, "category"]

    def save_model(self, request: HttpRequest, obj: Case, form: Any, change: bool) -> None:
        obj.version += 1  # an edit in the admin still tells others' open forms that the case changed
        super().save_model(request, obj, form, change)


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin[Referral]):
    list_display = ["case", "agency", "state", "due_on_jalali", "answered_at", "escalated_at"]
    list_filter = ["state", ("agency", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["case", "agency"]
    search_fields = ["case__title", "agency__name"]

    @admin.display(description=_("due on"), ordering="due_on")
    def due_on_jalali(self, referral: Referral) -> str:
        return format_jalali(referral.due_on)

    def get_readonly_fields(self, request: HttpRequest, obj: Referral | None = None) -> list[str]:
        return [field.name for field in Referral._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Referral | None = None) -> bool:
        return False
