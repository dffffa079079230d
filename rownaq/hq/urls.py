from django.urls import path

from rownaq.hq import views

urlpatterns = [
    path("scoreboard/", views.scoreboard_page, name="hq-scoreboard"),
    path("scoreboard/agencies/<int:agency_id>/", views.scoreboard_agency, name="hq-scoreboard-agency"),
    path("meetings/", views.meeting_list, name="hq-meeting-list"),
    path("meetings/new/", views.meeting_create, name="hq-meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="hq-meeting-detail"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="hq-meeting-agenda"),
    path("meetings/<int:pk>/resolutions/new/", views.resolution_create, name="hq-resolution-create"),
    path("meetings/<int:pk>/minutes.pdf", views.meeting_minutes, name="hq-meeting-minutes"),
    path("resolutions/", views.resolution_list, name="hq-resolution-list"),
    path("commitments/<int:pk>/done/", views.commitment_done, name="hq-commitment-done"),
    path("resolutions/<int:pk>/object/", views.objection_create, name="hq-objection-create"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="hq-objection-decide"),
    path("regulations/", views.regulation_list, name="hq-regulation-list"),
    path("regulations/new/", views.regulation_create, name="hq-regulation-create"),
    path("regulations/<int:pk>/", views.regulation_edit, name="hq-regulation-edit"),
    path("regulations/export.xlsx", views.regulation_export, name="hq-regulation-export"),
]
