from django.urls import path

from rownaq.obstacles import hq_views, scoreboard_views

urlpatterns = [
    path("scoreboard/", scoreboard_views.scoreboard_page, name="hq-scoreboard"),
    path("scoreboard/agencies/<int:agency_id>/", scoreboard_views.agency_page, name="hq-scoreboard-agency"),
    path("meetings/", hq_views.meeting_list, name="hq-meeting-list"),
    path("meetings/new/", hq_views.meeting_create, name="hq-meeting-create"),
    path("meetings/<int:pk>/", hq_views.meeting_detail, name="hq-meeting-detail"),
    path("meetings/<int:pk>/agenda/", hq_views.meeting_agenda, name="hq-meeting-agenda"),
    path("meetings/<int:pk>/resolutions/new/", hq_views.resolution_create, name="hq-resolution-create"),
    path("meetings/<int:pk>/minutes.pdf", hq_views.meeting_minutes, name="hq-meeting-minutes"),
    path("resolutions/", hq_views.resolution_list, name="hq-resolution-list"),
    path("commitments/<int:pk>/done/", hq_views.commitment_done, name="hq-commitment-done"),
    path("resolutions/<int:pk>/object/", hq_views.objection_create, name="hq-objection-create"),
    path("objections/<int:pk>/decide/", hq_views.objection_decide, name="hq-objection-decide"),
    path("regulations/", hq_views.regulation_list, name="hq-regulation-list"),
    path("regulations/new/", hq_views.regulation_create, name="hq-regulation-create"),
    path("regulations/<int:pk>/", hq_views.regulation_edit, name="hq-regulation-edit"),
    path("regulations/export.xlsx", hq_views.regulation_export, name="hq-regulation-export"),
]
