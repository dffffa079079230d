from django.urls import path

from rownaq.hq import register_views, views

urlpatterns = [
    path("scoreboard/", register_views.scoreboard_page, name="hq-scoreboard"),
    path("scoreboard/agencies/<int:agency_id>/", register_views.scoreboard_agency, name="hq-scoreboard-agency"),
    path("meetings/", views.meeting_list, name="hq-meeting-list"),
    path("meetings/new/", views.meeting_create, name="hq-meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="hq-meeting-detail"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="hq-meeting-agenda"),
    path("meetings/<int:pk>/resolutions/new/", views.resolution_create, name="hq-resolution-create"),
    path("meetings/<int:pk>/minutes.pdf", views.meeting_minutes, name="hq-meeting-minutes"),
    path("meetings/<int:pk>/<str:action>/", views.meeting_action, name="hq-meeting-action"),
    path("resolutions/", views.resolution_list, name="hq-resolution-list"),
    path("resolutions/<int:pk>/withdraw/", views.resolution_withdraw, name="hq-resolution-withdraw"),
    path("commitments/<int:pk>/done/", views.commitment_done, name="hq-commitment-done"),
    path("resolutions/<int:pk>/object/", views.objection_create, name="hq-objection-create"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="hq-objection-decide"),
    path("regulations/", register_views.regulation_list, name="hq-regulation-list"),
    path("regulations/new/", register_views.regulation_create, name="hq-regulation-create"),
    path("regulations/<int:pk>/", register_views.regulation_edit, name="hq-regulation-edit"),
    path("regulations/export.xlsx", register_views.regulation_export, name="hq-regulation-export"),
]
