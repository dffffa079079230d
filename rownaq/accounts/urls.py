from django.contrib.auth import views as auth_views
from django.urls import path

from rownaq.accounts import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="accounts-login"),
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
    path("token/", views.api_token, name="accounts-api-token"),
]
