"""Token authentication for machine clients: POST username and password to get a token (valid for
``ROWNAQ_API_TOKEN_DAYS``), DELETE to revoke the caller's own token.

Repeated wrong passwords pause the endpoint for that username or address, as they pause the login page
(``rownaq.accounts.lockout``): 429 with ``Retry-After``."""

from __future__ import annotations

import math
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from rownaq.accounts import lockout, services
from rownaq.accounts.authentication import token_expires_at
from rownaq.accounts.models import User

TOKEN = inline_serializer(
    name="Token",
    fields={
        "token": serializers.CharField(),
        "expires": serializers.DateTimeField(help_text="When the token stops working; then ask for a new one."),
    },
)


class SignInPaused(exceptions.Throttled):
    """429 with ``Retry-After``, and only the Persian message (DRF's own adds seconds in Latin digits)."""

    def __init__(self, *, wait: int, detail: str) -> None:
        exceptions.APIException.__init__(self, detail)
        self.wait = wait


def _refuse_if_paused(request: Request) -> None:
    username = request.data.get("username", "") if hasattr(request.data, "get") else ""
    until = lockout.locked_until(username=username, ip=lockout.client_ip(request._request))
    if until is not None:
        wait = max(1, math.ceil((until - timezone.now()).total_seconds()))
        raise SignInPaused(wait=wait, detail=lockout.locked_message(until))


class TokenView(ObtainAuthToken):
    """POST: a token for a username and password (the one the person has while it is valid). DELETE: the
    caller's token stops working."""

    def _revoking(self) -> bool:
        return getattr(self.request, "method", None) == "DELETE"  # no request while the schema is generated

    def get_authenticators(self) -> list[BaseAuthentication]:
        if self._revoking():
            return super().get_authenticators()  # the API's: token or session
        return []  # a client whose token expired must still be able to ask for a new one

    def get_permissions(self) -> list[BasePermission]:
        return [permissions.IsAuthenticated()] if self._revoking() else []

    @extend_schema(
        tags=["auth"],
        summary="Obtain an API token",
        responses={
            200: TOKEN,
            400: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Too many failed sign-ins: paused for a while (Retry-After)."),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _refuse_if_paused(request)
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except exceptions.ValidationError:
            _refuse_if_paused(request)  # this failure may be the one that starts the pause
            raise
        token = services.token_obtain(by=serializer.validated_data["user"])
        return Response({"token": token.key, "expires": token_expires_at(token)})

    @extend_schema(
        tags=["auth"],
        summary="Revoke the caller's API token",
        request=None,
        responses={204: None, 401: OpenApiResponse(description="Not signed in.")},
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        assert isinstance(user, User)  # IsAuthenticated let only a signed-in person through
        services.token_revoke(by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)
