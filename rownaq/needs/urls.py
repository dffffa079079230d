from django.urls import path

from rownaq.needs import views

urlpatterns = [
    path("", views.dashboard, name="needs-dashboard"),
    path("list/", views.need_list, name="needs-need-list"),
    path("new/", views.need_post, name="needs-need-post"),
    path("<int:pk>/", views.need_detail, name="needs-need-detail"),
    path("<int:pk>/edit/", views.need_edit, name="needs-need-edit"),
    path("<int:pk>/access/", views.need_request_access, name="needs-need-request-access"),
    path("<int:pk>/propose/", views.need_propose, name="needs-need-propose"),
    path("access/<int:pk>/<str:decision>/", views.need_access_decide, name="needs-access-decide"),
    path("attachments/<int:pk>/", views.attachment_download, name="needs-attachment"),
    path("capabilities/", views.capability_list, name="needs-capability-list"),
    path("capabilities/new/", views.capability_post, name="needs-capability-post"),
    path("capabilities/<int:pk>/", views.capability_detail, name="needs-capability-detail"),
    path("capabilities/<int:pk>/edit/", views.capability_edit, name="needs-capability-edit"),
    path("proposals/", views.my_proposals, name="needs-my-proposals"),
    path("proposals/<int:pk>/", views.proposal_detail, name="needs-proposal-detail"),
    path("proposals/<int:pk>/message/", views.proposal_message, name="needs-proposal-message"),
    path("proposals/<int:pk>/deliver/", views.agreement_deliver, name="needs-agreement-deliver"),
    path("proposals/<int:pk>/<str:action>/", views.proposal_action, name="needs-proposal-action"),
    path("search/", views.search, name="needs-search"),
]
