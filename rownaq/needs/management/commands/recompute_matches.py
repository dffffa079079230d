"""``manage.py recompute_matches``: rank the capabilities again for every need that is not closed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rownaq.needs.matching_jobs import recompute_all


class Command(BaseCommand):
    help = "Recompute the stored matches of every need that is not closed (safe to run any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = recompute_all()
        if int(options["verbosity"]) > 0:
            self.stdout.write(f"Stored {count} matches.")
