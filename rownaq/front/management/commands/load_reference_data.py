from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rownaq.geography.services import geography_load
from rownaq.monitoring.reference import default_rules_load, default_status_rules_load
from rownaq.obstacles.reference import categories_load
from rownaq.registry.reference import sectors_load
from rownaq.workdays.reference import holidays_load, weekly_days_off_load


class Command(BaseCommand):
    help = (
        "Load Iran's provinces and counties, the ISIC Rev.4 sectors, the official holidays and the "
        "obstacle categories (safe to run again)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        provinces, counties = geography_load()
        sectors = sectors_load()
        holidays = holidays_load()
        weekly_days_off_load()
        categories = categories_load()
        default_rules_load()
        default_status_rules_load()
        self.stdout.write(
            f"{provinces} provinces, {counties} counties, {sectors} ISIC headings, "
            f"{holidays} official holidays (of years not yet loaded), {categories} obstacle categories loaded."
        )
