from django.urls import path

from rownaq.monitoring import revival_views, views, visit_views

urlpatterns = [
    path("", views.dashboard, name="monitoring-dashboard"),
    path("reports/", views.report_list, name="monitoring-report-list"),
    path("reports/<int:pk>/", views.report_detail, name="monitoring-report-detail"),
    path("reports/<int:pk>/<str:action>/", views.report_action, name="monitoring-report-action"),
    path("units/<int:unit_id>/<int:year>/<int:month>/", views.report_fill, name="monitoring-report-fill"),
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
    path("visits/", visit_views.visit_calendar, name="monitoring-visit-calendar"),
    path("visits/new/", visit_views.visit_new, name="monitoring-visit-new"),
    path("visits/sw.js", visit_views.visit_worker, name="monitoring-visit-worker"),
    path("visits/<int:pk>/", visit_views.visit_detail, name="monitoring-visit-detail"),
    path("visits/<int:pk>/record/", visit_views.visit_record, name="monitoring-visit-record"),
    path("visits/<int:pk>/revival/", visit_views.visit_follow_up_revival, name="monitoring-visit-revival"),
    path("visits/<int:pk>/obstacle/", visit_views.visit_follow_up_obstacle, name="monitoring-visit-obstacle"),
    path("visits/photos/<int:pk>/", visit_views.visit_photo, name="monitoring-visit-photo"),
]
