"""Exhibition pages for people who log in, mounted at /exhibitions/."""

from django.urls import path

from rownaq.exhibitions import views

urlpatterns = [
    path("", views.exhibition_list, name="exhibitions-list"),
    path("new/", views.exhibition_create, name="exhibitions-create"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="exhibitions-meeting-cancel"),
    path("<slug:slug>/edit/", views.exhibition_edit, name="exhibitions-edit"),
    path("<slug:slug>/setup/", views.exhibition_setup, name="exhibitions-setup"),
    path("<slug:slug>/exhibitors/<int:pk>/", views.exhibitor_edit, name="exhibitions-exhibitor-edit"),
    path("<slug:slug>/schedule/", views.schedule, name="exhibitions-schedule"),
    path("<slug:slug>/book/", views.book, name="exhibitions-book"),
]
