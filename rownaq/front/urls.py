from django.urls import path

from rownaq.front import views

# The names are the ones these pages had in the registry, so links and bookmarks keep working.
urlpatterns = [
    path("", views.home, name="registry-overview"),
    path("units/<int:pk>/", views.unit_detail, name="registry-unit-detail"),
]
