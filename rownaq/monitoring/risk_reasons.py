"""The early-warning reasons as sentences: a score stores codes with their figures (``risk.reasons_for``); they
are put into words in the reader's language when shown, with Persian digits, percentages, Jalali months and
money in billion rials."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from rownaq.core.normalise import to_persian_digits
from rownaq.core.numbers import format_billion_rial, format_number


def _month(params: Mapping[str, Any]) -> str:
    return to_persian_digits(f"{params['year']}/{int(params['month']):02d}")


def _n(value: Any) -> str:
    return format_number(value)


TEXTS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "utilisation_fell": lambda p: (
        _("Utilisation fell from %(from)s%% to %(to)s%% in %(months)s months")
        % {"from": _n(p["from"]), "to": _n(p["to"]), "months": _n(p["months"])}
    ),
    "utilisation_low": lambda p: _("Utilisation last month was only %(value)s%%") % {"value": _n(p["value"])},
    "sales_fell": lambda p: (
        _("Sales of the last three months %(percent)s%% below the three before") % {"percent": _n(p["percent"])}
    ),
    "employees_fell": lambda p: _("Employees down %(percent)s%% in six months") % {"percent": _n(p["percent"])},
    "raw_material_low": lambda p: _("Raw material for only %(days)s days") % {"days": _n(p["days"])},
    "wages_overdue": lambda p: _("Wages overdue for %(months)s months") % {"months": _n(p["months"])},
    "insurance_debt": lambda p: _("Insurance debt of %(amount)s") % {"amount": format_billion_rial(p["amount"])},
    "returned_cheques": lambda p: (
        _("%(count)s returned cheques since %(month)s") % {"count": _n(p["count"]), "month": _month(p)}
        if "year" in p
        else _("%(count)s returned cheques") % {"count": _n(p["count"])}
    ),
    "missed_reports": lambda p: _("No monthly report for %(months)s months in a row") % {"months": _n(p["months"])},
    "electricity_fell": lambda p: (
        _("Electricity use %(percent)s%% below the three months before") % {"percent": _n(p["percent"])}
    ),
    "gas_fell": lambda p: _("Gas use %(percent)s%% below the three months before") % {"percent": _n(p["percent"])},
    "insured_fell": lambda p: (
        _("Insured headcount %(percent)s%% lower than in %(month)s") % {"percent": _n(p["percent"]), "month": _month(p)}
    ),
    "tax_arrears": lambda p: _("Tax arrears of %(amount)s") % {"amount": format_billion_rial(p["amount"])},
    "instalments_overdue": lambda p: (
        _("Overdue loan instalments of %(amount)s") % {"amount": format_billion_rial(p["amount"])}
    ),
    "licence_expiring": lambda p: _("Operating licence expires in %(days)s days") % {"days": _n(p["days"])},
    "licence_expired": lambda p: _("Operating licence expired %(days)s days ago") % {"days": _n(p["days"])},
}


def reason_text(reason: Mapping[str, Any]) -> str:
    """One stored reason (``{"code": ..., "params": {...}}``) as a sentence; an unknown code is skipped."""
    render = TEXTS.get(str(reason.get("code")))
    if render is None:
        return ""
    try:
        return render(reason.get("params") or {})
    except (KeyError, TypeError, ValueError):
        return ""


def reason_texts(reasons: Sequence[Mapping[str, Any]]) -> list[str]:
    return [text for text in (reason_text(reason) for reason in reasons) if text]
