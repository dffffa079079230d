from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rownaq.geography.services import geography_load
from rownaq.registry.reference import sectors_load


class Command(BaseCommand):
    help = "Load Iran's provinces and counties and the ISIC Rev.4 sectors (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        provinces, counties = geography_load()
        sectors = sectors_load()
        self.stdout.write(f"{provinces} provinces, {counties} counties, {sectors} ISIC headings loaded.")
