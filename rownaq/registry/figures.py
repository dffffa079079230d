"""The registry's figures for some places (a county, a province, several, the nation) as of a period.

``unit_figures(places, period, visible=...)`` serves the county page, the province overview and the national
roll-up alike; ``visible`` is what the person may see (``registry.access.units_visible_to``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.core.periods import Period
from rownaq.geography.places import Places
from rownaq.registry.filters import EXPIRING_DAYS
from rownaq.registry.models import Licence, LicenceKind, Sector, Unit, UnitStatus


@dataclass
class Overview:
    total_units: int = 0
    total_employees: int = 0
    exporters: int = 0
    knowledge_based: int = 0
    licences_expired: int = 0
    licences_expiring: int = 0
    by_status: list[dict[str, Any]] = field(default_factory=list)
    by_division: list[dict[str, Any]] = field(default_factory=list)
    by_estate: list[dict[str, Any]] = field(default_factory=list)
    by_county: list[dict[str, Any]] = field(default_factory=list)

    def status_count(self, status: str) -> int:
        return next((row["count"] for row in self.by_status if row["status"] == status), 0)


def unit_figures(places: Places, period: Period | None = None, *, visible: QuerySet[Unit] | None = None) -> Overview:
    """The units of ``places`` (of those in ``visible``) by status, sector, estate and county, and their
    licences expired or expiring as of the period's last day (today for the current or no period)."""
    units = (Unit.objects.all() if visible is None else visible).filter(places.q("county"))
    today = timezone.localdate()
    if period is not None and period.last_day < today:
        today = period.last_day
    return _overview(units, today=today)


def _overview(units: QuerySet[Unit], *, today: dt.date) -> Overview:
    overview = Overview()
    totals = units.aggregate(
        n=Count("id"),
        employees=Sum("employees"),
        exporters=Count("id", filter=Q(is_exporter=True)),
        knowledge=Count("id", filter=Q(is_knowledge_based=True)),
    )
    overview.total_units = totals["n"] or 0
    overview.total_employees = totals["employees"] or 0
    overview.exporters = totals["exporters"]
    overview.knowledge_based = totals["knowledge"]

    status_rows = {
        row["status"]: row for row in units.values("status").annotate(count=Count("id"), employees=Sum("employees"))
    }
    overview.by_status = [
        {
            "status": status.value,
            "label": str(status.label),
            "count": status_rows.get(status.value, {}).get("count", 0),
            "employees": status_rows.get(status.value, {}).get("employees") or 0,
        }
        for status in UnitStatus
    ]

    division_rows = (
        units.annotate(division=Substr("sector__code", 1, 2))
        .values("division")
        .annotate(count=Count("id"), employees=Sum("employees"))
        .order_by("-count")
    )
    titles = dict(Sector.objects.filter(level="division").values_list("code", "title"))
    overview.by_division = [
        {
            "code": row["division"],
            "title": titles.get(row["division"], row["division"]),
            "count": row["count"],
            "employees": row["employees"] or 0,
        }
        for row in division_rows
    ]

    estate_rows = units.values("estate_id", "estate__name").annotate(count=Count("id")).order_by("-count")
    overview.by_estate = [
        {"id": row["estate_id"], "name": row["estate__name"] or _("Outside industrial estates"), "count": row["count"]}
        for row in estate_rows
    ]
    county_rows = units.values("county_id", "county__name").annotate(count=Count("id")).order_by("-count")
    overview.by_county = [{"id": r["county_id"], "name": r["county__name"], "count": r["count"]} for r in county_rows]

    # One operating licence per unit at most (a constraint), so counting licences counts units.
    operating = Licence.objects.filter(unit__in=units, kind=LicenceKind.OPERATING)
    overview.licences_expired = operating.filter(expires_on__lt=today).count()
    overview.licences_expiring = operating.filter(
        expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=EXPIRING_DAYS)
    ).count()
    return overview
