from django.urls import path

from rownaq.obstacles import views

urlpatterns = [
    path("cases/", views.case_list, name="obstacles-case-list"),
    path("cases/new/", views.case_file, name="obstacles-case-file"),
    path("cases/<int:pk>/", views.case_detail, name="obstacles-case-detail"),
    path("cases/<int:pk>/<str:action>/", views.case_action, name="obstacles-case-action"),
    path("referrals/", views.referral_list, name="obstacles-referral-list"),
    path("referrals/<int:pk>/answer/", views.referral_answer, name="obstacles-referral-answer"),
    path("attachments/<int:pk>/", views.attachment_download, name="obstacles-attachment"),
]
