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

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils.module_loading import import_string
from django_tasks.base import Task


def periodic_tasks() -> list[Task[[], Any]]:
    """The tasks enqueued at every tick: each app declares its own in its ``tasks.py``, and
    ``settings.ROWNAQ_PERIODIC_TASKS`` lists them by dotted path (so the scheduler imports no feature app)."""
    return [import_string(path) for path in settings.ROWNAQ_PERIODIC_TASKS]


class Command(BaseCommand):
    help = "Enqueue the periodic background tasks (settings.ROWNAQ_PERIODIC_TASKS) every N minutes."

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
        for periodic in periodic_tasks():
            result = periodic.enqueue()
            if self.verbosity > 1:
                self.stdout.write(f"Enqueued {periodic.module_path} ({result.id}).")
