"""Request types for typed views."""

from __future__ import annotations

from django.http import HttpRequest

from rownaq.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request that ``login_required`` has let through: ``user`` is a real, logged-in ``User``."""

    user: User  # type: ignore[assignment]
