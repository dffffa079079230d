from django.urls import path

from rownaq.monitoring import feed_views, report_import_views, revival_views, views

urlpatterns = [
    path("", views.dashboard, name="monitoring-dashboard"),
    path("reports/", views.report_list, name="monitoring-report-list"),
    path("reports/<int:pk>/", views.report_detail, name="monitoring-report-detail"),
    path("reports/<int:pk>/<str:action>/", views.report_action, name="monitoring-report-action"),
    path("units/<int:unit_id>/<int:year>/<int:month>/", views.report_fill, name="monitoring-report-fill"),
    path("imports/", report_import_views.report_import_upload, name="monitoring-import-upload"),
    path("imports/template.xlsx", report_import_views.report_import_template, name="monitoring-import-template"),
    path("imports/<int:pk>/", report_import_views.report_import_detail, name="monitoring-import-detail"),
    path("imports/<int:pk>/progress/", report_import_views.report_import_progress, name="monitoring-import-progress"),
    path("imports/<int:pk>/commit/", report_import_views.report_import_commit, name="monitoring-import-commit"),
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
    path("signals/", feed_views.feed_list, name="monitoring-feed-list"),
    path("signals/upload/", feed_views.feed_upload, name="monitoring-feed-upload"),
    path("signals/template/<str:code>/", feed_views.feed_template, name="monitoring-feed-template"),
    path("signals/<int:pk>/", feed_views.feed_detail, name="monitoring-feed-detail"),
    path("signals/<int:pk>/progress/", feed_views.feed_progress, name="monitoring-feed-progress"),
    path("signals/<int:pk>/confirm/", feed_views.feed_confirm, name="monitoring-feed-confirm"),
    path("signals/rows/<int:pk>/match/", feed_views.signal_match, name="monitoring-signal-match"),
    path("signals/rows/<int:pk>/national-id/", feed_views.signal_correct, name="monitoring-signal-correct"),
]
