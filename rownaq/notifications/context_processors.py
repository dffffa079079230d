from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rownaq.accounts.models import User
from rownaq.notifications.services import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """``unread_notifications``: the person's unread notices, for the navbar badge (``None`` when logged out)."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {"unread_notifications": None}
    return {"unread_notifications": unread_count(user)}
