from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rownaq.core.jalali import format_jalali_long
from django.utils import timezone


def rownaq(request: HttpRequest) -> dict[str, Any]:
    return {"today_jalali": format_jalali_long(timezone.localdate())}
