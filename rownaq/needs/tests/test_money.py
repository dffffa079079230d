"""A need's money is shown in billion rials (exact rials on hover) and edited in billion rials."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for
from rownaq.needs.tests.desk import post_need
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


def test_the_need_page_shows_its_yearly_value_in_billion_rials(unit: Unit, manager: User) -> None:
    need = post_need(unit, manager, yearly_value=9_500_000_000)
    page = browser_for(manager).get(reverse("needs-need-detail", args=[need.pk])).content.decode()
    assert '<span class="money" title="۹٬۵۰۰٬۰۰۰٬۰۰۰ ریال">۹٫۵ میلیارد ریال</span>' in page


def test_the_edit_form_shows_the_stored_value_in_billion_rials_and_keeps_it(unit: Unit, manager: User) -> None:
    need = post_need(unit, manager, yearly_value=9_500_000_000)
    response = browser_for(manager).get(reverse("needs-need-edit", args=[need.pk]))
    assert response.context["form"]["yearly_value"].value() == "۹٫۵"
    assert 'value="۹٫۵"' in response.content.decode()
