"""Helpers for the project's tests (imported by them, never by the running platform)."""

from __future__ import annotations

import signal

from django.core.management import call_command


def run_worker() -> None:
    """Run the real database worker in this process until the queue is empty."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
