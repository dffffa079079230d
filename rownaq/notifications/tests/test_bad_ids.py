"""Marking notices read with ids that are not ids: ignored, never a server error, and never «all of them»."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.notifications.models import Notification
from rownaq.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ids", [["²"], ["1" + "0" * 30], ["abc", "-1"], [""]])
def test_only_invalid_ids_mark_nothing_read(client: Client, manager: User, ids: list[str]) -> None:
    notify(users=[manager], text="یک")
    notify(users=[manager], text="دو")
    client.force_login(manager)
    response = client.post(reverse("notifications-read"), {"ids": ids})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=manager, read_at__isnull=True).count() == 2


def test_valid_ids_among_invalid_ones_are_marked(client: Client, manager: User) -> None:
    first, second = notify(users=[manager], text="یک")[0], notify(users=[manager], text="دو")[0]
    client.force_login(manager)
    response = client.post(reverse("notifications-read"), {"ids": ["²", str(first.pk), "1" + "0" * 30]})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
