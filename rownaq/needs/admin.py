"""The admin of the desk: vocabulary groups (equivalents and related concepts) are data experts
extend; the rest is for looking things up.

Proposals and agreements change through ``rownaq.needs.workflow``, accesses through ``rownaq.needs.services``
(which notify people and keep the need's state); the admin shows them read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rownaq.needs.models import (
    Agreement,
    Capability,
    DomesticTarget,
    Match,
    Need,
    NeedAccess,
    NeedAttachment,
    Proposal,
    ProposalEvent,
    ProposalMessage,
    SynonymGroup,
)


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin[SynonymGroup]):
    list_display = ["__str__", "kind", "note", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["terms", "note"]


@admin.register(DomesticTarget)
class DomesticTargetAdmin(admin.ModelAdmin[DomesticTarget]):
    list_display = ["province", "year", "value"]
    list_filter = ["year"]


class NeedAttachmentInline(_ReadOnly, admin.TabularInline[NeedAttachment, Need]):
    model = NeedAttachment
    extra = 0
    fields = ["name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin[Need]):
    list_display = ["title", "unit", "kind", "supplied_from", "visibility", "state", "created_at"]
    list_filter = ["kind", "supplied_from", "visibility", "state"]
    list_select_related = ["unit"]
    search_fields = ["title", "search_text"]
    raw_id_fields = ["unit", "posted_by", "sector"]
    inlines = [NeedAttachmentInline]

    def save_model(self, request: HttpRequest, obj: Need, form: Any, change: bool) -> None:
        obj.version += int(change)  # an edit here still tells others' open forms that the need changed
        super().save_model(request, obj, form, change)


@admin.register(Capability)
class CapabilityAdmin(admin.ModelAdmin[Capability]):
    list_display = ["title", "owner", "province", "is_public", "created_at"]
    list_filter = ["is_public", "province"]
    list_select_related = ["owner", "province"]
    search_fields = ["title", "search_text"]
    raw_id_fields = ["owner", "posted_by"]
    filter_horizontal = ["sectors"]

    def save_model(self, request: HttpRequest, obj: Capability, form: Any, change: bool) -> None:
        obj.version += int(change)  # as for a need
        super().save_model(request, obj, form, change)


@admin.register(Match)
class MatchAdmin(_ReadOnly, admin.ModelAdmin[Match]):
    list_display = ["need", "capability", "rank", "score", "computed_at"]
    list_select_related = ["need", "capability"]
    raw_id_fields = ["need", "capability"]


class ProposalMessageInline(_ReadOnly, admin.TabularInline[ProposalMessage, Proposal]):
    model = ProposalMessage
    extra = 0
    fields = ["author", "text", "created_at"]
    readonly_fields = ["author", "text", "created_at"]


class ProposalEventInline(_ReadOnly, admin.TabularInline[ProposalEvent, Proposal]):
    model = ProposalEvent
    extra = 0
    fields = ["kind", "by", "at", "note"]
    readonly_fields = ["kind", "by", "at", "note"]


@admin.register(Proposal)
class ProposalAdmin(_ReadOnly, admin.ModelAdmin[Proposal]):
    list_display = ["need", "organisation", "state", "submitted_at", "first_reply_at", "reminded_at"]
    list_filter = ["state", "decline_reason"]
    list_select_related = ["need", "organisation"]
    inlines = [ProposalEventInline, ProposalMessageInline]


@admin.register(Agreement)
class AgreementAdmin(_ReadOnly, admin.ModelAdmin[Agreement]):
    list_display = ["proposal", "value", "signed_on", "delivered_on", "import_value_replaced", "currency_saved_usd"]


@admin.register(NeedAccess)
class NeedAccessAdmin(_ReadOnly, admin.ModelAdmin[NeedAccess]):
    list_display = ["need", "organisation", "state", "decided_by", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["need", "organisation", "decided_by"]
