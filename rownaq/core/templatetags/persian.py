"""Template filters for Persian pages; loaded as builtins, so every template has them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import template

from rownaq.core.jalali import format_jalali, format_jalali_long
from rownaq.core.normalise import to_persian_digits
from rownaq.core.numbers import format_money, format_number

register = template.Library()


@register.filter
def jdate(value: dt.date | dt.datetime | None) -> str:
    return format_jalali(value)


@register.filter
def jdate_long(value: dt.date | dt.datetime | None) -> str:
    return format_jalali_long(value)


@register.filter
def fa_digits(value: Any) -> str:
    return "" if value is None else to_persian_digits(str(value))


@register.filter
def fa_number(value: Any, decimals: int = 0) -> str:
    return format_number(value, decimals=int(decimals))


@register.filter
def money(value: int | None) -> str:
    """Rials shown in billion rials, the exact rials on hover (``format_money``): the one way pages show money."""
    return format_money(value)


@register.filter
def percent(value: float | None, total: float | None = None) -> str:
    if value is None:
        return ""
    share = value / total * 100 if total else value
    return format_number(share, decimals=1) + "٪"


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(list(params.lists()), doseq=True)
