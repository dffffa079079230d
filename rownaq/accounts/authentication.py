"""API tokens expire: ``ROWNAQ_API_TOKEN_DAYS`` after one was made, it is refused (401) and its owner gets a
new one from the API token page or from ``/api/v1/auth/token`` with their username and password. Making,
renewing and revoking tokens: ``rownaq.accounts.services``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
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
