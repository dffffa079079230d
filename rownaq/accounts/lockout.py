"""Repeated failed sign-ins pause signing in: after ``ROWNAQ_LOGIN_FAILURES`` failures for one username
(or ``ROWNAQ_LOGIN_FAILURES_PER_IP`` from one address) within ``ROWNAQ_LOGIN_WINDOW_MINUTES``, every
sign-in for it is refused for ``ROWNAQ_LOGIN_LOCKOUT_MINUTES`` after the last failure, even with the
right password. The limit per address is higher: a whole office often reaches the platform from one.

The failures are rows in the database (``LoginFailure``), so every web process sees the same count and
nothing beyond the database is needed. The check is in the authentication backend
(``rownaq.accounts.backends``), so the login page, the admin's and the API token endpoint all obey it;
the forms and the token endpoint ask ``locked_until`` first to tell the person why, in their language.
Refused attempts during a pause are not counted: the pause ends on time.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import LoginFailure
from rownaq.core.numbers import format_number


def fold(username: object) -> str:
    return str(username or "").strip().lower()[:150]


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from: ``REMOTE_ADDR``, or behind a reverse proxy the header named by
    ``ROWNAQ_CLIENT_IP_HEADER`` (its last address, the one the proxy itself added)."""
    if request is None:
        return None
    header = settings.ROWNAQ_CLIENT_IP_HEADER
    raw = request.META.get(header, "") if header else ""
    candidate = raw.split(",")[-1].strip() if raw else request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ROWNAQ_LOGIN_WINDOW_MINUTES)


def _lockout() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ROWNAQ_LOGIN_LOCKOUT_MINUTES)


def _paused_until(failures: QuerySet[LoginFailure], limit: int, now: dt.datetime) -> dt.datetime | None:
    """The end of the pause if the last ``limit`` failures fell within the window, else ``None``."""
    latest = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    if limit < 1 or len(latest) < limit or latest[0] - latest[-1] > _window():
        return None
    until: dt.datetime = latest[0] + _lockout()
    return until if until > now else None


def locked_until(*, username: object, ip: str | None, now: dt.datetime | None = None) -> dt.datetime | None:
    """When sign-ins for ``username`` (or from ``ip``) may start again, or ``None`` if they may now."""
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(at__gt=now - _window() - _lockout())
    ends = [_paused_until(recent.filter(username=fold(username)), settings.ROWNAQ_LOGIN_FAILURES, now)]
    if ip:
        ends.append(_paused_until(recent.filter(ip=ip), settings.ROWNAQ_LOGIN_FAILURES_PER_IP, now))
    found = [end for end in ends if end is not None]
    return max(found) if found else None


def failure_record(*, username: object, ip: str | None, now: dt.datetime | None = None) -> None:
    """Count one failed sign-in, and forget those too old to matter."""
    now = now or timezone.now()
    LoginFailure.objects.filter(at__lte=now - _window() - _lockout()).delete()
    LoginFailure.objects.create(username=fold(username), ip=ip, at=now)


def failures_forget(*, username: object) -> None:
    """A successful sign-in clears the username's failures (not its address's: others may share it)."""
    LoginFailure.objects.filter(username=fold(username)).delete()


def locked_message(until: dt.datetime, now: dt.datetime | None = None) -> str:
    minutes = max(1, math.ceil((until - (now or timezone.now())).total_seconds() / 60))
    return _(
        "Too many failed sign-ins. For your account's safety, signing in is paused; try again in %(minutes)s minutes."
    ) % {"minutes": format_number(minutes)}
