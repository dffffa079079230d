from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from rownaq.core.admin import JALALI_DATE_OVERRIDES
from rownaq.registry.filters import search_units
from rownaq.registry.models import Contact, ImportBatch, Licence, Product, Sector, StatusChange, Unit


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin[Sector]):
    list_display = ["code", "title", "title_en", "level"]
    list_filter = ["level"]
    search_fields = ["code", "title", "title_en"]


class LicenceInline(admin.TabularInline[Licence, Unit]):
    formfield_overrides = JALALI_DATE_OVERRIDES
    model = Licence
    extra = 0


class ProductInline(admin.TabularInline[Product, Unit]):
    model = Product
    extra = 0


class ContactInline(admin.TabularInline[Contact, Unit]):
    model = Contact
    extra = 0


class StatusChangeInline(admin.TabularInline[StatusChange, Unit]):
    formfield_overrides = JALALI_DATE_OVERRIDES
    model = StatusChange
    extra = 0
    readonly_fields = ["old_status", "new_status", "effective_on", "note", "recorded_by", "recorded_at"]
    can_delete = False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    formfield_overrides = JALALI_DATE_OVERRIDES
    list_display = ["name", "national_id", "status", "sector", "county", "estate", "employees"]
    list_filter = ["status", "county__province", "is_exporter", "is_knowledge_based"]
    list_select_related = ["sector", "county", "estate"]
    search_fields = ["name", "national_id", "search_text"]
    autocomplete_fields = ["sector", "county", "estate", "owner"]
    inlines = [LicenceInline, ProductInline, ContactInline, StatusChangeInline]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Unit], search_term: str
    ) -> tuple[QuerySet[Unit], bool]:
        """Search the admin as the unit list does: Arabic letters, digits and ZWNJ typed any way."""
        return (search_units(queryset, search_term), False) if search_term else (queryset, False)

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        obj.version += int(change)  # an edit here still tells others' open unit forms that the unit changed
        super().save_model(request, obj, form, change)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = ["original_name", "uploaded_by", "state", "total_rows", "valid_rows", "created_at"]
    list_filter = ["state"]
    readonly_fields = ["problems"]
