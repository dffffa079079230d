"""Public exhibition pages, mounted at /expo/ (no login)."""

from django.urls import path

from rownaq.exhibitions import public_views as views

urlpatterns = [
    path("", views.exhibition_list, name="expo-exhibition-list"),
    path("<slug:slug>/", views.exhibition_detail, name="expo-exhibition-detail"),
    path("<slug:slug>/search/", views.exhibition_search, name="expo-search"),
    path("<slug:slug>/needs/<int:pk>/", views.need_detail, name="expo-need-detail"),
    path("<slug:slug>/capabilities/<int:pk>/", views.capability_detail, name="expo-capability-detail"),
    path("<slug:slug>/register/", views.visitor_register, name="expo-register"),
    path("<slug:slug>/register/done/", views.visitor_register_done, name="expo-register-done"),
]
