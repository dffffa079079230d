"""Two people editing one need or one capability never overwrite each other: the edit forms send back the
version they opened, and a save from an older version is refused with the typed text kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for
from rownaq.needs import services
from rownaq.needs.models import Capability, Need
from rownaq.needs.tests.desk import Desk, post_need
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


def form_data(client: Client, url: str) -> dict[str, Any]:
    """What the edit form holds when a person opens it (its initial values, the hidden version included)."""
    form = client.get(url).context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        if name == "sectors":
            data[name] = [sector.pk for sector in value]
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif value is True:
            data[name] = "on"
        else:
            data[name] = str(field.prepare_value(value))  # as the page shows it (money in billion rials)
    return data


def test_two_people_editing_one_need_never_overwrite_each_other(unit: Unit, manager: User, expert: User) -> None:
    need = post_need(unit, manager, title="قالب درپوش")
    url = reverse("needs-need-edit", args=[need.pk])
    managers, experts = browser_for(manager), browser_for(expert)
    opened_by_manager, opened_by_expert = form_data(managers, url), form_data(experts, url)
    assert opened_by_manager["version"] == "1"

    assert experts.post(url, {**opened_by_expert, "quantity_unit": "دست"}).status_code == 302
    response = managers.post(url, {**opened_by_manager, "title": "قالب درپوش بطری"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "کاربر دیگری" in html  # says why, in Persian
    assert "قالب درپوش بطری" in html  # and keeps what the manager typed
    need.refresh_from_db()
    assert (need.title, need.quantity_unit, need.version) == ("قالب درپوش", "دست", 2)

    again = form_data(managers, url)  # the manager opens the need again and sees the expert's change
    assert again["quantity_unit"] == "دست"
    assert managers.post(url, {**again, "title": "قالب درپوش بطری"}).status_code == 302
    need.refresh_from_db()
    assert (need.title, need.quantity_unit, need.version) == ("قالب درپوش بطری", "دست", 3)


def test_a_need_edit_without_the_version_saves_nothing(unit: Unit, manager: User) -> None:
    need = post_need(unit, manager, title="قالب درپوش")
    url = reverse("needs-need-edit", args=[need.pk])
    client = browser_for(manager)
    data = form_data(client, url)
    del data["version"]
    response = client.post(url, {**data, "title": "عنوان تازه"})
    assert response.status_code == 200
    assert "نسخه" in response.content.decode()
    assert Need.objects.get().title == "قالب درپوش"


def test_closing_a_need_refuses_an_edit_opened_before(unit: Unit, manager: User) -> None:
    need = post_need(unit, manager)
    url = reverse("needs-need-edit", args=[need.pk])
    client = browser_for(manager)
    opened = form_data(client, url)
    services.need_close(need=need, by=manager)
    assert client.post(url, {**opened, "title": "عنوان تازه"}).status_code == 409


def test_two_people_editing_one_capability_never_overwrite_each_other(desk: Desk, expert: User) -> None:
    capability = desk.capability
    url = reverse("needs-capability-edit", args=[capability.pk])
    lab, smt = browser_for(desk.lab), browser_for(expert)
    opened_by_lab, opened_by_expert = form_data(lab, url), form_data(smt, url)

    assert smt.post(url, {**opened_by_expert, "capacity": "۲۰ قالب در سال"}).status_code == 302
    response = lab.post(url, {**opened_by_lab, "equipment": "فرز CNC سه‌محور"})
    assert response.status_code == 409
    assert "کاربر دیگری" in response.content.decode()
    capability.refresh_from_db()
    assert (capability.capacity, capability.version) == ("20 قالب در سال", 2)
    assert capability.equipment.startswith("فرز CNC پنج‌محور")

    missing = {key: value for key, value in form_data(lab, url).items() if key != "version"}
    assert lab.post(url, {**missing, "equipment": "فرز"}).status_code == 200
    assert Capability.objects.get(pk=capability.pk).version == 2


def test_the_services_refuse_a_stale_version(unit: Unit, manager: User, desk: Desk) -> None:
    need = post_need(unit, manager)
    services.need_update(need=need, by=manager, expected_version=1, title="یک")
    with pytest.raises(services.StaleEditError):
        services.need_update(need=Need.objects.get(), by=manager, expected_version=1, title="دو")
    assert Need.objects.get().title == "یک"
    services.capability_update(capability=desk.capability, by=desk.lab, expected_version=1, capacity="یک")
    with pytest.raises(services.StaleEditError):
        services.capability_update(capability=desk.capability, by=desk.lab, expected_version=1, capacity="دو")


def test_an_admin_edit_raises_the_version_of_a_need_and_a_capability(
    unit: Unit, manager: User, admin_user: User, desk: Desk
) -> None:
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = admin_user
    need = post_need(unit, manager)
    admin.site._registry[Need].save_model(request, need, form=None, change=True)
    admin.site._registry[Capability].save_model(request, desk.capability, form=None, change=True)
    assert Need.objects.get(pk=need.pk).version == 2
    assert Capability.objects.get(pk=desk.capability.pk).version == 2
