from django.urls import path

from rownaq.registry import import_views, views

urlpatterns = [
    path("provinces/<str:code>/map.geojson", views.province_map, name="registry-province-map"),
    path("sectors/search/", views.sector_search, name="registry-sector-search"),
    path("units/", views.unit_list, name="registry-unit-list"),
    path("units/export.<str:fmt>", views.unit_export, name="registry-unit-export"),
    path("units/new/", views.unit_create, name="registry-unit-create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="registry-unit-edit"),
    path("imports/", import_views.import_list, name="registry-import-list"),
    path("imports/new/", import_views.import_upload, name="registry-import-upload"),
    path("imports/template.xlsx", import_views.import_template, name="registry-import-template"),
    path("imports/<int:pk>/", import_views.import_detail, name="registry-import-detail"),
    path("imports/<int:pk>/progress/", import_views.import_progress, name="registry-import-progress"),
    path("imports/<int:pk>/commit/", import_views.import_commit, name="registry-import-commit"),
]
