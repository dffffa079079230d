from django.urls import path

from rownaq.monitoring import feed_views, revival_views, views, watch_views

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
    path("watch/", watch_views.watch_list, name="monitoring-watch-list"),
    path("watch/units/<int:unit_id>/action/", watch_views.action_plan, name="monitoring-watch-action-plan"),
    path("watch/actions/<int:pk>/done/", watch_views.action_done, name="monitoring-watch-action-done"),
    path("signals/", feed_views.feed_list, name="monitoring-feed-list"),
    path("signals/upload/", feed_views.feed_upload, name="monitoring-feed-upload"),
    path("signals/template/<str:code>/", feed_views.feed_template, name="monitoring-feed-template"),
    path("signals/<int:pk>/", feed_views.feed_detail, name="monitoring-feed-detail"),
    path("signals/<int:pk>/progress/", feed_views.feed_progress, name="monitoring-feed-progress"),
    path("signals/<int:pk>/confirm/", feed_views.feed_confirm, name="monitoring-feed-confirm"),
    path("signals/rows/<int:pk>/match/", feed_views.signal_match, name="monitoring-signal-match"),
    path("signals/rows/<int:pk>/national-id/", feed_views.signal_correct, name="monitoring-signal-correct"),
]
