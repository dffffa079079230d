"""The Django admin's section headers (the apps' verbose names) are Persian, for every app."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rownaq.accounts.models import User

_LATIN = re.compile("[A-Za-z]")


def test_every_rownaq_app_and_every_app_in_the_admin_has_a_persian_name() -> None:
    from django.contrib import admin

    in_admin = {model._meta.app_label for model in admin.site._registry}
    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("rownaq.")}
    with translation.override("fa"):
        names = {label: str(apps.get_app_config(label).verbose_name) for label in in_admin | ours}
    assert {label: name for label, name in names.items() if _LATIN.search(name)} == {}


@pytest.mark.django_db
def test_the_admin_index_shows_persian_section_headers(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Audit log" not in page
    assert "Tasks Database Backend" not in page
    assert "سابقه تغییرات" in page
    assert "کارهای پس‌زمینه" in page
