"""API tokens expire: ``ROWNAQ_API_TOKEN_DAYS`` after one was made, it is refused (401) and its owner gets a
new one from the API token page or from ``/api/v1/auth/token`` with their username and password. Making,
renewing and revoking tokens: ``rownaq.accounts.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme, TokenScheme
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from rownaq.accounts.models import User

EXPIRED_MESSAGE = _("This API token has expired. Get a new one from your API token page or from /api/v1/auth/token.")


def token_expires_at(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(days=settings.ROWNAQ_API_TOKEN_DAYS)


def token_is_expired(token: Token, now: dt.datetime | None = None) -> bool:
    return token_expires_at(token) <= (now or timezone.now())


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing an expired token."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(EXPIRED_MESSAGE)
        return user, token


class ExpiringTokenScheme(TokenScheme):
    """The token scheme in the API schema, saying where a token comes from and that it expires."""

    target_class = "rownaq.accounts.authentication.ExpiringTokenAuthentication"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition: dict[str, Any] = dict(super().get_security_definition(auto_schema))
        definition["description"] = (
            "`Authorization: Token <key>`, with the key from `POST /api/v1/auth/token` (or the API token page). "
            f"A token works for {settings.ROWNAQ_API_TOKEN_DAYS} days after it was made; then the answer is 401 "
            "and the client asks for a new one. `DELETE /api/v1/auth/token` revokes it."
        )
        return definition


class SignedInSessionScheme(SessionScheme):
    """The session scheme in the API schema: the site's own pages use it."""

    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition: dict[str, Any] = dict(super().get_security_definition(auto_schema))
        definition["description"] = (
            "The browser session of a person signed in on the site. POST, PUT, PATCH and DELETE also need the "
            "CSRF token in the `X-CSRFToken` header (otherwise 403)."
        )
        return definition
