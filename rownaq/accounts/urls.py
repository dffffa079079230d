from django.contrib.auth import views as auth_views
from django.urls import path

from rownaq.accounts import views
from rownaq.accounts.forms import LoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm),
        name="accounts-login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
    path("token/", views.api_token, name="accounts-api-token"),
]
