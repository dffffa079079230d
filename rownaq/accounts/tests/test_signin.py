"""Signing in resists guessing: repeated wrong passwords pause signing in for that username (or from that
address) on the login page, the admin's and the API token endpoint, with a clear Persian message; a
numeric-only password is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from rownaq.accounts.models import LoginFailure, Role, User
from rownaq.accounts.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token"
PAUSED = "موقتاً"  # «signing in is paused», in the Persian message


def log_in(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> str:
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)
    return response.content.decode() if response.status_code == 200 else ""


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(username: str, times: int, ip: str = "10.0.0.1") -> None:
    client = Client()
    for _ in range(times):
        log_in(client, username, "not-the-password", ip)


def age_failures(minutes: int) -> None:
    """As if the failures happened ``minutes`` earlier (no test waits for the clock)."""
    for failure in LoginFailure.objects.all():
        failure.at -= dt.timedelta(minutes=minutes)
        failure.save(update_fields=["at"])


def test_five_wrong_passwords_pause_the_login_page_even_for_the_right_one(expert: User) -> None:
    client = Client()
    for _ in range(4):
        assert "نادرست" in log_in(client, "expert", "guess")  # the ordinary message, four times
    html = log_in(client, "expert", "guess")
    assert PAUSED in html
    assert "۱۵" in html
    html = log_in(client, "expert", PASSWORD)
    assert PAUSED in html
    assert not signed_in(client)

    age_failures(16)  # the pause is over
    log_in(client, "expert", PASSWORD)
    assert signed_in(client)
    assert not LoginFailure.objects.filter(username="expert").exists()  # a success clears the count


def test_the_pause_is_per_username_and_failures_spread_over_time_do_not_add_up(expert: User, deputy: User) -> None:
    fail("expert", 5)
    client = Client()
    log_in(client, "deputy", PASSWORD, ip="10.0.0.2")
    assert signed_in(client)  # another person is not paused

    LoginFailure.objects.all().delete()
    fail("expert", 4)
    age_failures(20)  # four failures long ago and one now: not five within 15 minutes
    fail("expert", 1)
    client = Client()
    log_in(client, "expert", PASSWORD)
    assert signed_in(client)


def test_many_failures_from_one_address_pause_it_for_every_username(
    make_user: Callable[..., User], expert: User
) -> None:
    for serial in range(20):
        fail(f"someone-{serial}", 1, ip="192.0.2.7")
    client = Client()
    assert PAUSED in log_in(client, "expert", PASSWORD, ip="192.0.2.7")
    log_in(client, "expert", PASSWORD, ip="192.0.2.8")
    assert signed_in(client)


def test_the_proxy_header_names_the_address_when_configured(settings: object, expert: User) -> None:
    settings.ROWNAQ_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"  # type: ignore[attr-defined]
    client = Client()
    client.post(
        LOGIN, {"username": "x", "password": "y"}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    assert LoginFailure.objects.get().ip == "203.0.113.9"


def test_the_token_endpoint_is_paused_too_with_429(expert: User) -> None:
    api = APIClient()
    for _ in range(4):
        response = api.post(TOKEN, {"username": "expert", "password": "guess"}, format="json")
        assert response.status_code == 400
    response = api.post(TOKEN, {"username": "expert", "password": "guess"}, format="json")
    assert response.status_code == 429
    assert PAUSED in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    assert api.post(TOKEN, {"username": "expert", "password": PASSWORD}, format="json").status_code == 429
    client = Client()
    log_in(client, "expert", PASSWORD)
    assert not signed_in(client)  # the same count pauses the login page


def test_the_admin_login_is_paused_too(admin_user: User) -> None:
    fail("admin", 5)
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": PASSWORD, "next": "/admin/"}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 200
    assert PAUSED in response.content.decode()
    assert not signed_in(client)


def test_a_paused_failure_is_not_counted_so_the_pause_ends_on_time(expert: User) -> None:
    fail("expert", 5)
    fail("expert", 10)  # refused while paused
    assert LoginFailure.objects.count() == 5


def test_old_failures_are_forgotten(expert: User) -> None:
    fail("expert", 3)
    age_failures(60)
    fail("someone", 1)
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["someone"]


@pytest.mark.parametrize("password", ["4839201756", "۴۸۳۹۲۰۱۷۵۶۱۲"])
def test_a_numeric_only_password_is_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, User(username="manager2", role=Role.UNIT_MANAGER))


def test_a_good_password_passes_the_validators() -> None:
    validate_password("qom-tile-2024-north", User(username="manager2", role=Role.UNIT_MANAGER))
