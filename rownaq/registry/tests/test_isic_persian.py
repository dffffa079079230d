"""Every ISIC Rev.4 heading has a Persian title, in the data file and in the database after loading."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.accounts.testing import login
from rownaq.registry.models import Sector, Unit
from rownaq.registry.reference import DATA_DIR

pytestmark = pytest.mark.django_db

_NOT_PERSIAN = re.compile("[\u064a\u0643\u0629A-Za-z0-9\u0660-\u0669\u06f0-\u06f9]")


def _codes(name: str, column: str) -> list[str]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return [row[column].strip() for row in csv.DictReader(handle)]


def test_every_english_heading_has_a_persian_title_in_the_data_file() -> None:
    with open(DATA_DIR / "isic_rev4_fa.csv", encoding="utf-8", newline="") as handle:
        persian = {row["code"]: row["title_fa"] for row in csv.DictReader(handle)}
    english = _codes("isic_rev4_en.csv", "Code")
    assert len(english) == 766
    assert [code for code in english if not persian.get(code, "").strip()] == []
    assert [code for code, title in persian.items() if _NOT_PERSIAN.search(title)] == []


def test_every_heading_in_the_database_has_its_persian_title() -> None:
    assert Sector.objects.count() == 766
    assert list(Sector.objects.filter(title="").values_list("code", flat=True)) == []
    assert Sector.objects.get(code="0111").title == "کشت غلات (به جز برنج)، حبوبات و دانه‌های روغنی"


def test_loading_again_gives_existing_rows_the_new_titles() -> None:
    Sector.objects.filter(code__in=["0111", "4100"]).update(title="")
    call_command("load_reference_data", verbosity=0)
    assert Sector.objects.get(code="0111").title.startswith("کشت غلات")
    assert Sector.objects.get(code="4100").title == "احداث ساختمان"


def test_a_unit_of_class_0111_shows_the_persian_title(
    client: Client, expert: User, make_unit: Callable[..., Unit]
) -> None:
    unit = make_unit("کشت و صنعت نمونه", sector=Sector.objects.get(code="0111"))
    login(client, expert)
    page = client.get(reverse("registry-unit-detail", args=[unit.pk])).content.decode()
    assert "کشت غلات (به جز برنج)، حبوبات و دانه‌های روغنی" in page
    assert "Growing of cereals" not in page
