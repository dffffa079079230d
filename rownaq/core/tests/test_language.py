"""Persian is the language of every page unless the person chooses another one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_persian_and_rtl_even_for_an_english_browser(client: Client) -> None:
    response = client.get(reverse("accounts-login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert 'lang="fa" dir="rtl"' in html
    assert response["Content-Language"] == "fa"


def test_a_person_can_switch_to_english_and_back(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("accounts-login")).content.decode()
    assert 'lang="en" dir="ltr"' in html
    client.post(reverse("set_language"), {"language": "fa", "next": "/"})
    assert 'dir="rtl"' in client.get(reverse("accounts-login")).content.decode()
