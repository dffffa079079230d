"""API tokens expire after ROWNAQ_API_TOKEN_DAYS and their owner can revoke them, on the page or by the API."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rownaq.accounts.models import User
from rownaq.accounts.testing import PASSWORD, browser_for, token_for

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"
UNITS = "/api/v1/units/"


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def make_older(key: str, days: int) -> None:
    """As if the token had been made ``days`` earlier (no test waits for the clock)."""
    Token.objects.filter(key=key).update(created=Token.objects.get(key=key).created - dt.timedelta(days=days))


def test_a_token_works_until_it_expires(settings: object, expert: User) -> None:
    settings.ROWNAQ_API_TOKEN_DAYS = 30  # type: ignore[attr-defined]
    key = token_for(expert)
    make_older(key, 29)
    assert with_token(key).get(UNITS).status_code == 200
    make_older(key, 2)
    response = with_token(key).get(UNITS)
    assert response.status_code == 401
    assert "منقضی" in response.json()["detail"]  # says why, in Persian


def test_asking_again_gives_the_same_token_while_valid_and_a_new_one_once_expired(expert: User) -> None:
    key = token_for(expert)
    assert token_for(expert) == key
    make_older(key, 31)
    fresh = token_for(expert)
    assert fresh != key
    assert with_token(fresh).get(UNITS).status_code == 200
    assert with_token(key).get(UNITS).status_code == 401


def test_a_client_with_an_expired_token_can_still_ask_for_a_new_one(expert: User) -> None:
    key = token_for(expert)
    make_older(key, 31)
    client = with_token(key)  # the stale header is still sent
    response = client.post(TOKEN, {"username": "expert", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["token"] != key
    assert response.json()["expires"]


def test_the_owner_revokes_the_token_by_the_api(expert: User) -> None:
    key = token_for(expert)
    client = with_token(key)
    assert client.delete(TOKEN).status_code == 204
    assert client.get(UNITS).status_code == 401
    assert not Token.objects.filter(user=expert).exists()
    assert APIClient().delete(TOKEN).status_code == 401  # nobody's token is revoked anonymously


def test_the_owner_revokes_the_token_on_the_page(expert: User, manager: User) -> None:
    key = token_for(expert)
    others = token_for(manager)
    page = browser_for(expert)
    html = page.get("/accounts/token/").content.decode()
    assert key in html
    assert 'id="api-token-expiry"' in html
    assert "معتبر" in html
    assert page.post("/accounts/token/", {"revoke": "1"}).status_code == 302
    assert with_token(key).get(UNITS).status_code == 401
    assert with_token(others).get(UNITS).status_code == 200  # only the owner's own token
    assert 'id="api-token"' not in page.get("/accounts/token/").content.decode()


def test_making_a_new_token_on_the_page_stops_the_old_one(expert: User) -> None:
    key = token_for(expert)
    page = browser_for(expert)
    assert page.post("/accounts/token/").status_code == 302
    fresh = Token.objects.get(user=expert).key
    assert fresh != key
    assert with_token(key).get(UNITS).status_code == 401
    assert with_token(fresh).get(UNITS).status_code == 200
