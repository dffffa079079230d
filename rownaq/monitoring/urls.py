from django.urls import path

from rownaq.monitoring import views

urlpatterns = [
    path("", views.dashboard, name="monitoring-dashboard"),
    path("reports/", views.report_list, name="monitoring-report-list"),
    path("reports/<int:pk>/", views.report_detail, name="monitoring-report-detail"),
    path("reports/<int:pk>/<str:action>/", views.report_action, name="monitoring-report-action"),
    path("units/<int:unit_id>/<int:year>/<int:month>/", views.report_fill, name="monitoring-report-fill"),
    path("completeness/", views.completeness, name="monitoring-completeness"),
]
