"""The navigation of every page: which products the person has, asked of each app's access rules (so the
templates test no role)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rownaq.accounts.models import User
from rownaq.hq import access as hq_access
from rownaq.monitoring import access as monitoring_access
from rownaq.obstacles import access as obstacles_access
from rownaq.registry import access as registry_access


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_active:
        return {"nav": {}}
    return {
        "nav": {
            "overview": user.is_province_staff,
            "units": registry_access.can_view_registry(user),
            "units_are_own": not user.is_province_staff,  # «My units» for a unit manager
            "cases": obstacles_access.sees_cases(user),
            "referrals": obstacles_access.sees_referrals(user),
            "hq": hq_access.sees_hq_records(user),
            "resolutions": hq_access.sees_resolutions(user),
            "imports": registry_access.can_import(user),
            "monitoring": monitoring_access.sees_monitoring(user),
            "monitoring_dashboard": monitoring_access.sees_dashboard(user),
            "signals": monitoring_access.sends_signals(user),  # an agency's liaison: its monthly feeds
            "admin": user.is_staff,
        }
    }
