"""The Django admin as the system admin uses it: Persian search and Jalali dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


def test_admin_searches_units_with_arabic_letters(client: Client, admin_user: User, unit: Unit) -> None:
    client.force_login(admin_user)
    response = client.get(reverse("admin:registry_unit_changelist"), {"q": "كاشي"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [unit]


def test_admin_shows_dates_in_jalali(client: Client, admin_user: User, unit: Unit) -> None:
    Unit.objects.filter(pk=unit.pk).update(status_since=dt.date(2024, 3, 20))
    client.force_login(admin_user)
    response = client.get(reverse("admin:registry_unit_change", args=[unit.pk]))
    assert response.status_code == 200
    assert 'value="۱۴۰۳/۰۱/۰۱"' in response.content.decode()  # Nowruz 1403


def test_admin_is_closed_to_experts(client: Client, expert: User) -> None:
    client.force_login(expert)
    response = client.get(reverse("admin:registry_unit_changelist"))
    assert response.status_code == 302


def test_an_admin_edit_raises_the_units_version(admin_user: User, unit: Unit) -> None:
    """Else an edit form opened before it would save over the admin's change unseen."""
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = admin_user
    unit.employees = 90
    admin.site._registry[Unit].save_model(request, unit, form=None, change=True)
    unit.refresh_from_db()
    assert (unit.employees, unit.version) == (90, 2)
