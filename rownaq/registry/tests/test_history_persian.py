"""The unit page's change history in Persian: action names, the fields' names, values in Persian digits."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.accounts.testing import login
from rownaq.registry import services
from rownaq.registry.models import Licence, LicenceKind, Sector, Unit

pytestmark = pytest.mark.django_db


def test_the_change_history_speaks_persian(client: Client, expert: User, unit: Unit) -> None:
    services.unit_update(
        unit=unit,
        by=expert,
        employees=140,
        sector=Sector.objects.get(code="0111"),
        status_since=dt.date(2024, 3, 20),
        is_exporter=True,
        postal_code="3715614511",
    )
    Licence.objects.create(unit=unit, kind=LicenceKind.OPERATING, number="12/345", issued_on=dt.date(2024, 3, 20))
    login(client, expert)
    page = client.get(reverse("registry-unit-detail", args=[unit.pk])).content.decode()
    history = page[page.index('id="change-history">') + 20 :]
    history = history[: history.index("</div></div>")]
    text = re.sub(r"<[^>]+>", " ", history)
    assert "ویرایش" in text
    assert "ایجاد" in text
    assert "تعداد کارکنان" in text or "کارکنان" in text
    assert "۱۴۰" in text
    assert "۰۱۱۱ — کشت غلات" in text
    assert "۱۴۰۳/۰۱/۰۱" in text
    assert re.findall(r"[A-Za-z0-9]+", text) == []
