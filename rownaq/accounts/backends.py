"""The authentication backend: Django's, with the pause after repeated failures (``lockout``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from rownaq.accounts import lockout


class LockoutModelBackend(ModelBackend):
    """Refuses every password while sign-ins for the username (or from the address) are paused, counts
    each wrong password, and clears the count on success. ``PermissionDenied`` stops ``authenticate``
    from trying any other backend."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None or password is None:
            return None  # not a password sign-in
        ip = lockout.client_ip(request)
        if lockout.locked_until(username=username, ip=ip) is not None:
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.failure_record(username=username, ip=ip)
        else:
            lockout.failures_forget(username=username)
        return user
