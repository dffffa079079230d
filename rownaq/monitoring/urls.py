from django.urls import path

from rownaq.monitoring import revival_views, status_views, views

urlpatterns = [
    path("", views.dashboard, name="monitoring-dashboard"),
    path("reports/", views.report_list, name="monitoring-report-list"),
    path("reports/<int:pk>/", views.report_detail, name="monitoring-report-detail"),
    path("reports/<int:pk>/<str:action>/", views.report_action, name="monitoring-report-action"),
    path("units/<int:unit_id>/<int:year>/<int:month>/", views.report_fill, name="monitoring-report-fill"),
    path("units/<int:unit_id>/status/", status_views.unit_status, name="monitoring-unit-status"),
    path("completeness/", views.completeness, name="monitoring-completeness"),
    path("revival/", revival_views.revival_pipeline, name="monitoring-revival-pipeline"),
    path("revival/new/", revival_views.revival_open, name="monitoring-revival-open"),
    path("revival/<int:pk>/", revival_views.revival_detail, name="monitoring-revival-detail"),
    path("revival/<int:pk>/steps/", revival_views.revival_step_add, name="monitoring-revival-step-add"),
    path(
        "revival/<int:pk>/steps/<int:step_id>/done/",
        revival_views.revival_step_done,
        name="monitoring-revival-step-done",
    ),
    path("revival/<int:pk>/<str:action>/", revival_views.revival_action, name="monitoring-revival-action"),
]
