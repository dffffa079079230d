from django.contrib import admin

from rownaq.geography.models import County, IndustrialEstate, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin[Province]):
    list_display = ["name", "name_en", "code", "iso_code"]
    search_fields = ["name", "name_en"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin[County]):
    list_display = ["name", "province", "sci_code"]
    list_filter = ["province"]
    search_fields = ["name", "name_en"]


@admin.register(IndustrialEstate)
class IndustrialEstateAdmin(admin.ModelAdmin[IndustrialEstate]):
    list_display = ["name", "kind", "county", "plots", "area_hectares"]
    list_filter = ["kind", "county__province"]
    list_select_related = ["county"]
    search_fields = ["name"]
    autocomplete_fields = ["county"]
