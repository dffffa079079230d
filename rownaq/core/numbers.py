"""Numbers and money as Persian readers expect them: Persian digits, ٬ thousands, rials."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from rownaq.core.normalise import to_persian_digits

THOUSANDS = "٬"
DECIMAL_POINT = "٫"
BILLION = 1_000_000_000


def format_number(value: int | float | Decimal | None, *, decimals: int = 0) -> str:
    """``12345.6`` → ``۱۲٬۳۴۵٫۶`` (with ``decimals=1``)."""
    if value is None or value == "":
        return ""
    text = f"{value:,.{decimals}f}" if decimals else f"{round(value):,}"
    text = text.replace(",", "\x00").replace(".", DECIMAL_POINT).replace("\x00", THOUSANDS)
    return to_persian_digits(text)


def format_rial(value: int | None) -> str:
    if value is None:
        return ""
    return _("%(amount)s rials") % {"amount": format_number(value)}


def format_billion_rial(value: int | None) -> str:
    """Totals in the unit officials use: ``۱۱٬۱۶۵ میلیارد ریال``."""
    if value is None:
        return ""
    billions = Decimal(value) / BILLION
    decimals = 0 if billions >= 100 or billions == billions.to_integral() else 1
    return _("%(amount)s billion rials") % {"amount": format_number(billions, decimals=decimals)}
