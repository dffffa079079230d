"""Numbers and money as Persian readers expect them: Persian digits, ٬ thousands, rials."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html
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


def billions_decimals(billions: Decimal) -> int:
    """How many decimals an amount of ``billions`` (billion rials) is shown with: whole from ۱۰۰ billion up,
    one below ۱۰۰, two below ۱۰ and three below one billion rials (so ۰٫۵ and ۰٫۰۲۵ read as they are)."""
    size = abs(billions)
    return 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3


def billions_text(value: int) -> str | None:
    """``value`` rials as a number of billion rials with Persian digits (``۶۲۳``, ``۲٫۵``, ``۰٫۰۲۵``): rounded
    half up to ``billions_decimals`` places, trailing zeros dropped. ``None`` for a non-zero amount too small
    to show so (under half a million rials), which is shown in rials instead."""
    billions = Decimal(value) / BILLION
    rounded = billions.quantize(Decimal(1).scaleb(-billions_decimals(billions)), rounding=ROUND_HALF_UP)
    if rounded == 0 and value != 0:
        return None
    decimals = max(-rounded.normalize().as_tuple().exponent, 0)  # type: ignore[operator]
    return format_number(rounded, decimals=int(decimals))


def format_billion_rial(value: int | None) -> str:
    """Money in the unit officials use: ``۱۱٬۱۶۵ میلیارد ریال``, ``۲٫۵ میلیارد ریال``, ``۰٫۰۲۵ میلیارد ریال``
    (``billions_text``); an amount under half a million rials, which would read as zero, in rials."""
    if value is None:
        return ""
    amount = billions_text(value)
    if amount is None:
        return format_rial(value)
    return _("%(amount)s billion rials") % {"amount": amount}


def format_money(value: int | None) -> str:
    """Rials as HTML: the amount in billion rials, with the exact rials on hover
    (``<span class="money" title="۴٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال">۴٬۰۰۰ میلیارد ریال</span>``); empty for ``None``."""
    if value is None:
        return ""
    return format_html('<span class="money" title="{}">{}</span>', format_rial(value), format_billion_rial(value))


def billions_input(value: int) -> str:
    """``value`` rials as typed back into a money field: exact billion rials, Persian digits, no separators
    (``2_500_000_000`` → ``۲٫۵``)."""
    billions = (Decimal(value) / BILLION).normalize()
    text = format(billions, "f")
    return to_persian_digits(text.replace(".", DECIMAL_POINT))
