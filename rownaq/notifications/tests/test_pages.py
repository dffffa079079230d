"""The notices page and the navbar badge: a liaison is told of a referral and marks it read."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import AgencyCode, User
from rownaq.notifications.models import Notification
from rownaq.notifications.services import notify
from rownaq.obstacles import workflow
from rownaq.obstacles.models import ObstacleCategory
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


def test_liaison_is_notified_of_a_referral_and_marks_it_read(
    client: Client, expert: User, manager: User, unit: Unit, bank_liaison: User
) -> None:
    category = ObstacleCategory.objects.create(
        code="n-finance", name="سرمایه در گردش", name_en="Working capital", agency_codes=[AgencyCode.BANK]
    )
    bank = bank_liaison.organisation
    assert bank is not None
    case = workflow.case_file(
        unit=unit, category=category, title="سرمایه در گردش", description="کمبود", by=manager, agencies=[bank]
    )
    workflow.case_accept(case=case, by=expert)
    workflow.case_refer(case=case, agencies=workflow.default_agencies(case), by=expert)

    client.force_login(bank_liaison)
    response = client.get(reverse("notifications-list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="unread-count">۱<' in text
    notice = bank_liaison.notifications.get()
    assert f'href="{reverse("obstacles-case-detail", args=[case.pk])}"' in text
    assert "unread" in text

    response = client.post(reverse("notifications-read"), {"ids": [notice.pk]})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications-list")
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'id="unread-count"' not in client.get(reverse("notifications-list")).content.decode()


def test_mark_all_read_goes_back_and_leaves_others_alone(client: Client, manager: User, other_manager: User) -> None:
    notify(users=[manager], text="یک")
    notify(users=[manager], text="دو")
    theirs = notify(users=[other_manager], text="سه")[0]
    client.force_login(manager)
    response = client.post(reverse("notifications-read"), {"next": reverse("obstacles-case-list")})
    assert response["Location"] == reverse("obstacles-case-list")
    assert not Notification.objects.filter(recipient=manager, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # Someone else's notice cannot be marked through its id; an outside address is not followed.
    response = client.post(reverse("notifications-read"), {"ids": [theirs.pk], "next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications-list")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_newest_first_and_login_required(client: Client, manager: User) -> None:
    notify(users=[manager], text="قدیمی")
    notify(users=[manager], text="جدید")
    assert client.get(reverse("notifications-list")).status_code == 302
    client.force_login(manager)
    page = client.get(reverse("notifications-list")).context["page"]
    assert [n.text for n in page] == ["جدید", "قدیمی"]
    assert client.get(reverse("notifications-read")).status_code == 405
