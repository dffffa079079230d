"""Telling people what needs them: a notice in the app, and an email where configured."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.notifications.models import Notification

logger = logging.getLogger(__name__)


def notify(*, users: Iterable[User], text: str, link: str = "", email: bool = False) -> list[Notification]:
    """A notice for each person (once each); with ``email``, also a mail to those with an address."""
    people = list({user.pk: user for user in users}.values())
    notices = Notification.objects.bulk_create(
        [Notification(recipient=user, text=text[:500], link=link) for user in people]
    )
    if email:
        addresses = [user.email for user in people if user.email]
        if addresses:
            transaction.on_commit(lambda: _send(addresses, text, link, [n.pk for n in notices]))
    return notices


def _send(addresses: list[str], text: str, link: str, notice_ids: list[int]) -> None:
    try:
        send_mail(
            subject=text[:120],
            message=f"{text}\n\n{link}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=addresses,
        )
    except OSError:
        logger.exception("could not send a notification email")
        return
    Notification.objects.filter(pk__in=notice_ids, recipient__email__in=addresses).update(emailed=True)


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
