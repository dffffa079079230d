"""The Excel import's row checks, through the services: normalisation, duplicates, estates, cells."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape
from django.utils.translation import gettext as _

from conftest import make_national_id
from rownaq.accounts.models import User
from rownaq.accounts.testing import login
from rownaq.core.normalise import to_persian_digits
from rownaq.geography.models import County, EstateKind, IndustrialEstate
from rownaq.registry import imports
from rownaq.registry.imports import import_batch_commit, import_batch_create, import_batch_validate
from rownaq.registry.imports.lookups import estate_kind_for_name
from rownaq.registry.models import ImportBatch, ImportState, Licence, Unit
from rownaq.registry.tests.imports import (
    HEADERS,
    _media_and_reference_data,  # noqa: F401  (an autouse fixture)
    detail_page,
    problem_rows,
    table_rows,
    unit_row,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


# -- the checks, through the services ---------------------------------------------------------


def check(rows: list[list[Any]], by: User, **kwargs: Any) -> ImportBatch:
    batch = import_batch_create(file=xlsx_file(rows, **kwargs), by=by)
    return import_batch_validate(batch=batch)


def messages_by_row(batch: ImportBatch) -> list[tuple[int, str, str]]:
    return [(problem["row"], problem["column"], problem["message"]) for problem in imports.import_batch_problems(batch)]


def test_arabic_letters_persian_digits_and_header_variants_are_normalised(expert: User) -> None:
    headers = HEADERS.copy()
    headers[0] = "  نام   واحد "
    headers[1] = "شناسه\u200cملي"
    headers[2] = "كد آيسيك *"
    headers[9] = "تعداد كاركنان"
    headers[10] = "وضعيت"
    headers[11] = "تاريخ وضعيت"
    headers[13] = "دانش بنيان"
    national_id = to_persian_digits(make_national_id(7))
    rows = [
        unit_row(
            7,
            name="كاشي سازي  يزدان",
            national_id=national_id,
            sector="۲۳۹۳",
            county="قم",
            employees="۱٬۲۰۰",
            status="نيمه فعال",
            status_since="١٤٠٣/٠٥/١٢",
            is_knowledge_based="بلي",
            latitude="۳۴٫۶۴۱",
            postal_code="۳۷۱۹۹۹۹۹۹۹",
            licence_number="۹۸۷",
            licence_expires_on="۱۴۰۵/۰۱/۱۵",
        )
    ]
    batch = check(rows, expert, headers=headers)
    assert batch.problems == []
    assert batch.valid_rows == 1
    import_batch_commit(batch=batch, by=expert)
    unit = Unit.objects.get()
    assert unit.name == "کاشی سازی یزدان"
    assert unit.national_id == make_national_id(7)
    assert unit.sector.code == "2393"
    assert (unit.employees, unit.status, unit.is_knowledge_based) == (1200, "semi_active", True)
    assert unit.status_since.isoformat() == "2024-08-02"
    assert unit.latitude == Decimal("34.641")
    assert unit.postal_code == "3719999999"
    assert Licence.objects.get(unit=unit).number == "987"


def test_duplicates_in_the_file_empty_rows_and_a_title_above_the_header(expert: User) -> None:
    rows = [unit_row(1), [None] * len(HEADERS), unit_row(2), unit_row(1, name="تکراری"), ["", " ", None]]
    batch = check(rows, expert, above=[["فهرست واحدهای استان قم"], []])
    # The title is row 1, an empty row 2, the header row 3: the data start at row 4.
    assert batch.total_rows == 3
    assert batch.valid_rows == 2
    assert messages_by_row(batch) == [
        (7, "شناسه ملی", _("This national ID already appears in row %(row)s of the file.") % {"row": "۴"})
    ]


def test_an_estate_of_another_county_of_the_province_is_a_bad_row_naming_that_county(
    expert: User, shokouhieh: IndustrialEstate, qom: Any
) -> None:
    kahak = County.objects.get(province=qom, name="کهک")
    tehran = County.objects.get(name="تهران", province__code="23")
    IndustrialEstate.objects.create(county=tehran, name="شهرک صنعتی عباس‌آباد")
    rows = [
        unit_row(1, estate="شهرک صنعتی شكوهيه"),
        unit_row(2, county="کهک", estate="شهرک صنعتی شکوهیه"),
        unit_row(3, estate="شهرک صنعتی عباس آباد"),  # known only in another province: new here
    ]
    batch = check(rows, expert)
    message = _("This industrial estate is in the county %(estate_county)s, not in the county %(county)s.")
    assert messages_by_row(batch) == [
        (3, "شهرک صنعتی", message % {"estate_county": "قم", "county": kahak.name}),
    ]
    assert [(e.name, e.county, e.rows) for e in imports.import_batch_new_estates(batch)] == [
        ("شهرک صنعتی عباس آباد", "قم", 1)
    ]
    import_batch_commit(batch=batch, by=expert)
    assert Unit.objects.get(national_id=make_national_id(1)).estate == shokouhieh
    assert not Unit.objects.filter(national_id=make_national_id(2)).exists()
    new = Unit.objects.get(national_id=make_national_id(3)).estate
    assert new is not None
    assert (new.name, new.county.name, new.kind) == ("شهرک صنعتی عباس آباد", "قم", EstateKind.ESTATE)


def test_new_estates_are_listed_once_in_the_preview_and_created_by_the_commit(
    client: Client, expert: User, shokouhieh: IndustrialEstate, qom_county: County, qom: Any
) -> None:
    kahak = County.objects.get(province=qom, name="کهک")
    rows = [
        unit_row(1, estate="شهرك صنعتي  شكوهيه"),
        unit_row(2, estate="ناحیه صنعتی  سلفچگان"),
        unit_row(3, estate="ناحيه\u200cصنعتي سلفچگان "),
        unit_row(4, county="کهک", estate="ناحیه صنعتی سلفچگان"),
        unit_row(5, estate="شهرک غلط", sector="9999"),  # a bad row: its estate is not created
    ]
    batch = check(rows, expert)
    assert batch.valid_rows == 4
    assert [(row, column) for row, column, _message in messages_by_row(batch)] == [(6, "کد آیسیک")]
    zone = str(EstateKind.ZONE.label)
    assert [(e.name, e.county, e.kind_label, e.rows) for e in imports.import_batch_new_estates(batch)] == [
        ("ناحیه صنعتی سلفچگان", "قم", zone, 2),
        ("ناحیه صنعتی سلفچگان", "کهک", zone, 1),
    ]

    page = detail_page(login(client, expert), batch)
    assert table_rows(page, "import-new-estates") == [
        f"ناحیه صنعتی سلفچگان قم {zone} {to_persian_digits('2')}",
        f"ناحیه صنعتی سلفچگان کهک {zone} {to_persian_digits('1')}",
    ]
    assert page.index('id="import-new-estates"') < page.index('id="import-confirm-text"')
    assert page.index('id="import-new-estates"') < page.index('id="import-problems"')
    assert len(problem_rows(page)) == 1
    confirm = _("%(valid)s valid rows will be imported and %(bad)s rows with problems will be skipped.") % {
        "valid": to_persian_digits("4"),
        "bad": to_persian_digits("1"),
    }
    assert escape(confirm) in page

    before = set(IndustrialEstate.objects.values_list("pk", flat=True))
    import_batch_commit(batch=batch, by=expert)
    created = IndustrialEstate.objects.exclude(pk__in=before).order_by("county__name")
    assert [(e.name, e.county, e.kind) for e in created] == [
        ("ناحیه صنعتی سلفچگان", qom_county, EstateKind.ZONE),
        ("ناحیه صنعتی سلفچگان", kahak, EstateKind.ZONE),
    ]
    units = {unit.national_id: unit for unit in Unit.objects.select_related("estate")}
    assert units[make_national_id(1)].estate == shokouhieh
    assert units[make_national_id(2)].estate == units[make_national_id(3)].estate == created[0]
    assert units[make_national_id(4)].estate == created[1]
    assert not IndustrialEstate.objects.filter(name="شهرک غلط").exists()
    batch.refresh_from_db()
    assert batch.valid_rows == 4
    assert len(imports.import_batch_new_estates(batch)) == 2  # the committed page lists what was created
    page = detail_page(client, batch)
    assert escape(_("The import created these industrial estates, which were not in the list.")) in page

    # Imported again, the estates are known: nothing is new.
    batch = check(rows, expert)
    assert imports.import_batch_new_estates(batch) == []
    assert 'id="import-new-estates"' not in detail_page(client, batch)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("شهرک صنعتی محمودآباد", EstateKind.ESTATE),
        ("ناحیه‌صنعتی محمودآباد", EstateKind.ZONE),
        ("ناحيه صنعتي محمودآباد", EstateKind.ZONE),
        ("منطقه ويژه اقتصادی سلفچگان", EstateKind.SPECIAL_ZONE),
        ("پارک علم و فناوری", EstateKind.ESTATE),
    ],
)
def test_the_kind_of_a_new_estate_follows_its_name(name: str, kind: EstateKind) -> None:
    assert estate_kind_for_name(name) == kind


def test_other_cell_checks(expert: User) -> None:
    rows = [
        unit_row(1, name=""),
        unit_row(2, national_id="1234"),
        unit_row(3, sector="23"),
        unit_row(4, status="نامعلوم"),
        unit_row(5, is_exporter="شاید"),
        unit_row(6, latitude=51.2, longitude=34.6),
        unit_row(7, postal_code="12345"),
        unit_row(8, employees="بیست"),
        unit_row(9, licence_issued_on="1400/01/01"),
        unit_row(10, licence_number="1", licence_issued_on="1400/01/01", licence_expires_on="1399/01/01"),
    ]
    batch = check(rows, expert)
    assert batch.valid_rows == 0
    found = {(row, column) for row, column, _message in messages_by_row(batch)}
    assert found == {
        (2, "نام واحد"),
        (3, "شناسه ملی"),
        (4, "کد آیسیک"),
        (5, "وضعیت"),
        (6, "صادرکننده"),
        (7, "عرض جغرافیایی"),
        (7, "طول جغرافیایی"),
        (8, "کد پستی"),
        (9, "تعداد کارکنان"),
        (10, "شماره پروانه بهره‌برداری"),
        (11, "تاریخ انقضای پروانه"),
    }
    assert (2, "نام واحد", _("This column must not be empty.")) in messages_by_row(batch)
    assert (3, "شناسه ملی", _("The national ID must have exactly 11 digits.")) in messages_by_row(batch)


def test_a_file_without_the_required_columns_fails_with_a_message(expert: User) -> None:
    batch = check([["x", make_national_id(1)]], expert, headers=["نام واحد", "شناسه ملی"])
    assert batch.state == ImportState.FAILED
    assert batch.error_message == _("These required columns are missing: %(columns)s.") % {
        "columns": "کد آیسیک، شهرستان"
    }
    batch = check([["x", "y"]], expert, headers=["الف", "ب"])
    assert batch.state == ImportState.FAILED
    assert "نام واحد" in batch.error_message


def test_a_provincial_expert_cannot_change_a_unit_of_another_province(
    expert: User, make_unit: Callable[..., Unit]
) -> None:
    tehran = County.objects.get(name="تهران", province__code="23")
    make_unit("واحد تهران", national_id=make_national_id(1), county=tehran)
    batch = check([unit_row(1)], expert)
    assert messages_by_row(batch) == [
        (
            2,
            "شناسه ملی",
            _("A unit with this national ID is registered in another province; you cannot change it."),
        )
    ]


def test_commit_twice_does_nothing_the_second_time(expert: User) -> None:
    batch = check([unit_row(1)], expert)
    import_batch_commit(batch=batch, by=expert)
    with pytest.raises(imports.ImportStateError):
        import_batch_commit(batch=batch, by=expert)
    batch.refresh_from_db()
    assert batch.state == ImportState.COMMITTED
    assert Unit.objects.count() == 1
