from django.urls import path

from rownaq.obstacles import views

# The case page (/obstacles/cases/<pk>/, named obstacles-case-detail) is composed in ``front`` from
# ``views.case_page_context``, with what other apps hold about the case.

urlpatterns = [
    path("cases/", views.case_list, name="obstacles-case-list"),
    path("cases/new/", views.case_file, name="obstacles-case-file"),
    path("cases/<int:pk>/<str:action>/", views.case_action, name="obstacles-case-action"),
    path("referrals/", views.referral_list, name="obstacles-referral-list"),
    path("referrals/<int:pk>/answer/", views.referral_answer, name="obstacles-referral-answer"),
    path("attachments/<int:pk>/", views.attachment_download, name="obstacles-attachment"),
]
