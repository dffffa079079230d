from django.urls import path

from rownaq.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications-list"),
    path("read/", views.notification_read, name="notifications-read"),
]
