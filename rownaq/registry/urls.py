from django.urls import path

from rownaq.registry import views

urlpatterns = [
    path("", views.overview, name="registry-overview"),
    path("units/", views.unit_list, name="registry-unit-list"),
    path("units/export.<str:fmt>", views.unit_export, name="registry-unit-export"),
    path("units/new/", views.unit_create, name="registry-unit-create"),
    path("units/<int:pk>/", views.unit_detail, name="registry-unit-detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="registry-unit-edit"),
]
