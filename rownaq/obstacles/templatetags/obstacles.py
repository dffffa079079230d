"""Obstacle figures and lists shown on other apps' pages (the province overview, the unit page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rownaq.accounts.models import User
from rownaq.core.numbers import format_number
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.obstacles import workflow
from rownaq.obstacles.access import can_file_for, cases_visible_to
from rownaq.obstacles.figures import case_figures
from rownaq.registry.models import Unit

register = template.Library()


@register.simple_tag
def action_label(action: str) -> str:
    """The label of a history entry's action (filing and merges included), in the person's language."""
    rule = workflow.CASE_STATES.transitions.get(action)
    return str(rule.label) if rule is not None else action


@register.simple_tag
def days_left_label(row: dict[str, Any]) -> str:
    """«۳ روز کاری مانده» or «۲ روز کاری معوق» for a referral row of the case and deadline pages."""
    days, overdue = row["days_left"], row["overdue"]
    if overdue:
        late = max(-days, 1)
        return ngettext("%(n)s working day overdue", "%(n)s working days overdue", late) % {"n": format_number(late)}
    if days == 0:
        return _("Due today")
    return ngettext("%(n)s working day left", "%(n)s working days left", days) % {"n": format_number(days)}


@register.inclusion_tag("obstacles/_overview_figures.html", takes_context=True)
def obstacle_figures(context: dict[str, Any], province: Province | None) -> dict[str, Any]:
    """Two stat cards: the open cases and the overdue referrals of the province (of the nation without one)."""
    places = Places.province(province) if province is not None else Places.whole_nation()
    figures = case_figures(places, visible=cases_visible_to(context["request"].user))
    return {"open_cases": figures.open_cases, "overdue_referrals": figures.overdue_referrals}


@register.inclusion_tag("obstacles/_unit_cases.html", takes_context=True)
def unit_cases(context: dict[str, Any], unit: Unit) -> dict[str, Any]:
    """A card on the unit page: the unit's cases the person may see, and a link to file a new one."""
    user = context["request"].user
    cases = cases_visible_to(user).filter(unit=unit).select_related("category").order_by("-filed_at")
    return {
        "unit": unit,
        "cases": cases[:20],
        "can_file": isinstance(user, User) and can_file_for(user, unit),
    }
