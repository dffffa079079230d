"""``manage.py run_scheduler``: enqueue the periodic background tasks every few minutes.

The tasks themselves run in ``manage.py db_worker``; this loop only puts them on the queue, so a
slow task never delays the schedule. Each periodic task must be safe to run twice (a tick may come
while the previous run is still queued).
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django_tasks.base import Task

from rownaq.needs.tasks import remind_overdue_proposals
from rownaq.obstacles.tasks import escalate_overdue_referrals

# The tasks enqueued at every tick.
PERIODIC_TASKS: tuple[Task[[], Any], ...] = (escalate_overdue_referrals, remind_overdue_proposals)


class Command(BaseCommand):
    help = "Enqueue the periodic background tasks (escalation of overdue referrals) every N minutes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=15, help="Minutes between two ticks (default: %(default)s).")
        parser.add_argument("--once", action="store_true", help="Enqueue the tasks once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        every = float(options["every"])
        if every <= 0:
            raise CommandError("--every must be more than 0 minutes.")
        if options["once"]:
            self._tick()
            return
        stopping = threading.Event()

        def stop(signum: int, frame: FrameType | None) -> None:
            stopping.set()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            if self.verbosity > 0:
                self.stdout.write(f"Scheduler started: every {every:g} minutes; stop with Ctrl+C or SIGTERM.")
            while not stopping.is_set():
                started = time.monotonic()
                try:
                    self._tick()
                except Exception as error:  # a database hiccup must not stop the schedule
                    self.stderr.write(f"Could not enqueue the periodic tasks: {error}")
                finally:
                    close_old_connections()
                stopping.wait(max(0.0, every * 60 - (time.monotonic() - started)))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if self.verbosity > 0:
            self.stdout.write("Scheduler stopped.")

    def _tick(self) -> None:
        for periodic in PERIODIC_TASKS:
            result = periodic.enqueue()
            if self.verbosity > 1:
                self.stdout.write(f"Enqueued {periodic.module_path} ({result.id}).")
