from django.urls import path

from rownaq.front import views

# The names and addresses are the ones these pages had in the registry and obstacles, so links and bookmarks
# keep working.
urlpatterns = [
    path("", views.home, name="registry-overview"),
    path("favicon.ico", views.favicon, name="front-favicon"),
    path("units/<int:pk>/", views.unit_detail, name="registry-unit-detail"),
    path("obstacles/cases/<int:pk>/", views.case_detail, name="obstacles-case-detail"),
]
