"""Token authentication for machine clients: POST username and password, get a token."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken


@extend_schema(tags=["auth"], summary="Obtain an API token")
class TokenView(ObtainAuthToken):
    pass
