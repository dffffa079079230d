"""The case-filed message quotes the case's number in Persian digits."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import Organisation, User
from rownaq.accounts.testing import login
from rownaq.core.normalise import to_persian_digits
from rownaq.obstacles.models import Case, ObstacleCategory
from rownaq.obstacles.tests.test_pages import file_data
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


def test_the_filed_message_quotes_the_reference_in_persian_digits(
    client: Client, manager: User, unit: Unit, finance: ObstacleCategory, bank: Organisation
) -> None:
    login(client, manager)
    response = client.post(reverse("obstacles-case-file"), file_data(unit, finance, agencies=[bank.pk]), follow=True)
    case = Case.objects.get()
    shown = [str(message) for message in response.context["messages"]]
    assert any(to_persian_digits(case.reference) in message for message in shown)
    assert not [message for message in shown if re.search("[0-9]", message)]
