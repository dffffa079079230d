"""Test helpers for signing in as a persona (imported by the tests, never by the running platform)."""

from __future__ import annotations

from django.test import Client
from rest_framework.test import APIClient

from rownaq.accounts.models import User

# The password of every persona the tests create (conftest.make_user).
PASSWORD = "test-pass-1234"


def login(client: Client, user: User) -> Client:
    """``client`` with a browser session of ``user``."""
    client.force_login(user)
    return client


def browser_for(user: User) -> Client:
    """A new browser session logged in as ``user``."""
    return login(Client(), user)


def token_for(user: User) -> str:
    """An API token obtained the way a machine client does, from /api/v1/auth/token."""
    response = APIClient().post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert token
    return str(token)


def api_client_for(user: User) -> APIClient:
    """An API client that authenticates the way a machine client does: with a token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client
