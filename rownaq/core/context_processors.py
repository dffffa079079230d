from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from rownaq.core.jalali import format_jalali_long


def rownaq(request: HttpRequest) -> dict[str, Any]:
    return {"today_jalali": format_jalali_long(timezone.localdate())}
