"""The Excel import: upload through the page, check and commit in the real background worker."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from conftest import make_national_id
from rownaq.accounts.models import User
from rownaq.core.jalali import parse_jalali_date
from rownaq.core.normalise import to_persian_digits
from rownaq.core.testing import run_worker
from rownaq.geography.models import County, EstateKind, IndustrialEstate
from rownaq.registry import imports
from rownaq.registry.imports import import_batch_commit, import_batch_create, import_batch_validate, workflow
from rownaq.registry.imports.lookups import estate_kind_for_name
from rownaq.registry.models import ImportBatch, ImportState, Licence, LicenceKind, Sector, StatusChange, Unit
from rownaq.registry.spreadsheet import COLUMNS

pytestmark = pytest.mark.django_db
# Tests that run the worker need its writes committed, as in production.
with_worker = pytest.mark.django_db(transaction=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [column.header for column in COLUMNS]


@pytest.fixture(autouse=True)
def _media_and_reference_data(settings: Any, tmp_path: Any, db: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    if not Sector.objects.exists():  # a transactional test before this one flushed the tables
        call_command("load_reference_data", verbosity=0, stdout=io.StringIO())


def unit_row(serial: int, **values: Any) -> list[Any]:
    """A valid row for a unit in Qom, with some cells replaced (by column key)."""
    row: dict[str, Any] = {
        "name": f"واحد نمونه {serial}",
        "national_id": make_national_id(serial),
        "sector": "2393",
        "county": "قم",
        "estate": "",
        "address": "قم، بلوار نمونه",
        "postal_code": "3719999999",
        "latitude": 34.64,
        "longitude": 50.88,
        "employees": 25,
        "status": "فعال",
        "status_since": "1402/01/15",
        "is_exporter": "خیر",
        "is_knowledge_based": "خیر",
        "licence_number": "",
        "licence_issued_on": "",
        "licence_expires_on": "",
    }
    row.update(values)
    return [row[column.key] for column in COLUMNS]


def workbook_bytes(rows: list[list[Any]], headers: list[str] = HEADERS, above: Sequence[list[Any]] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for line in [*above, headers, *rows]:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows: list[list[Any]], name: str = "units.xlsx", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(rows, **kwargs), content_type=XLSX)


def upload(client: Client, file: SimpleUploadedFile) -> ImportBatch:
    response = client.post(reverse("registry-import-upload"), {"file": file})
    assert response.status_code == 302, response.content.decode()
    batch = ImportBatch.objects.latest("pk")
    assert response["Location"] == reverse("registry-import-detail", args=[batch.pk])
    return batch


def commit(client: Client, batch: ImportBatch) -> ImportBatch:
    response = client.post(reverse("registry-import-commit", args=[batch.pk]))
    assert response.status_code == 302
    run_worker()
    batch.refresh_from_db()
    return batch


def detail_page(client: Client, batch: ImportBatch) -> str:
    response = client.get(reverse("registry-import-detail", args=[batch.pk]))
    assert response.status_code == 200
    return response.content.decode()


def problem_rows(page: str) -> list[str]:
    """The text of each row of the problems table, tags removed."""
    return table_rows(page, "import-problems")


def table_rows(page: str, element_id: str) -> list[str]:
    """The text of each body row of the table that is (or is first inside) ``element_id``, tags removed."""
    table = page.split(f'id="{element_id}"', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tr>")[2:]
    return [" ".join(part.strip() for part in _strip_tags(row).split()) for row in rows]


def _strip_tags(html: str) -> str:
    out, inside = [], False
    for char in html:
        if char == "<":
            inside, char = True, " "
        elif char == ">":
            inside, char = False, " "
        if not inside:
            out.append(char)
    return "".join(out)


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# -- through the pages and the worker ---------------------------------------------------------


@with_worker
def test_bad_check_digit_is_reported_and_the_valid_rows_are_committed(client: Client, expert: User) -> None:
    logged_in(client, expert)
    bad_id = make_national_id(2)[:-1] + str((int(make_national_id(2)[-1]) + 1) % 10)
    batch = upload(client, xlsx_file([unit_row(1), unit_row(2, national_id=bad_id), unit_row(3)]))
    assert batch.state == ImportState.PENDING

    run_worker()
    batch.refresh_from_db()
    assert batch.state == ImportState.VALIDATED
    assert (batch.total_rows, batch.processed_rows, batch.valid_rows, batch.new_rows) == (3, 3, 2, 2)
    page = detail_page(client, batch)
    reason = escape(_("This national ID is not valid: its check digit does not match."))
    assert problem_rows(page) == [f"{to_persian_digits('3')} شناسه ملی {bad_id} {reason}"]
    confirm = escape(
        _("%(valid)s valid rows will be imported and %(bad)s rows with problems will be skipped.")
        % {"valid": to_persian_digits("2"), "bad": to_persian_digits("1")}
    )
    assert confirm in page
    assert Unit.objects.count() == 0  # nothing is written before the confirmation

    batch = commit(client, batch)
    assert batch.state == ImportState.COMMITTED
    assert (batch.new_rows, batch.updated_rows) == (2, 0)
    assert batch.finished_at is not None
    assert sorted(Unit.objects.values_list("national_id", flat=True)) == [make_national_id(1), make_national_id(3)]
    assert StatusChange.objects.filter(old_status="", new_status="active", recorded_by=expert).count() == 2
    page = detail_page(client, batch)
    assert reverse("registry-unit-list") in page
    assert 'id="import-confirm-text"' not in page


@with_worker
def test_unknown_county_bad_jalali_date_and_county_of_another_province(client: Client, expert: User) -> None:
    logged_in(client, expert)
    rows = [
        unit_row(1, county="ناکجاآباد"),
        unit_row(2, status_since="1403/13/01"),
        unit_row(3, county="تهران"),
        unit_row(4, sector="9999", employees=-3),
        unit_row(5),
    ]
    batch = upload(client, xlsx_file(rows))
    run_worker()
    batch.refresh_from_db()
    assert batch.state == ImportState.VALIDATED
    assert batch.valid_rows == 1
    d = to_persian_digits
    assert problem_rows(detail_page(client, batch)) == [
        f"{d('2')} شهرستان ناکجاآباد {escape(_('There is no county with this name.'))}",
        f"{d('3')} تاریخ وضعیت 1403/13/01 ماه باید بین ۱ و ۱۲ باشد.",
        f"{d('4')} شهرستان تهران {escape(_('This county is not in your province.'))}",
        f"{d('5')} کد آیسیک 9999 {escape(_('There is no ISIC class with this code.'))}",
        f"{d('5')} تعداد کارکنان -3 {escape(_('The number of employees cannot be negative.'))}",
    ]
    batch = commit(client, batch)
    assert batch.state == ImportState.COMMITTED
    assert list(Unit.objects.values_list("national_id", flat=True)) == [make_national_id(5)]


@with_worker
def test_a_failure_during_the_commit_writes_nothing(
    client: Client, expert: User, make_unit: Callable[..., Unit]
) -> None:
    existing = make_unit("واحد قدیمی", national_id=make_national_id(1), employees=10)
    logged_in(client, expert)
    rows = [unit_row(1, employees=99, status="راکد"), unit_row(2, estate="شهرک صنعتی تازه"), unit_row(3)]
    batch = upload(client, xlsx_file(rows))
    run_worker()
    estates_before = IndustrialEstate.objects.count()

    real_create = workflow._create_unit
    calls = iter(range(100))

    def fail_on_second_new_unit(*args: Any, **kwargs: Any) -> Unit:
        if next(calls) == 1:
            raise RuntimeError("disk full")
        return real_create(*args, **kwargs)

    with mock.patch.object(workflow, "_create_unit", side_effect=fail_on_second_new_unit):
        batch = commit(client, batch)
    assert batch.state == ImportState.FAILED
    assert "disk full" in batch.error_message
    assert Unit.objects.count() == 1
    assert IndustrialEstate.objects.count() == estates_before
    assert not IndustrialEstate.objects.filter(name="شهرک صنعتی تازه").exists()
    existing.refresh_from_db()
    assert (existing.employees, existing.status, existing.version) == (10, "active", 1)
    assert not StatusChange.objects.exists()
    assert escape(batch.error_message) in detail_page(client, batch)


@with_worker
def test_importing_the_same_file_again_updates_instead_of_duplicating(client: Client, expert: User) -> None:
    logged_in(client, expert)
    rows = [unit_row(1, licence_number="۱۲۳۴۵", licence_issued_on="1400/01/15", licence_expires_on="1405/01/15")]
    rows.append(unit_row(2))
    for _round in range(2):
        batch = upload(client, xlsx_file(rows))
        run_worker()
        batch = commit(client, batch)
        assert batch.state == ImportState.COMMITTED
    assert (batch.new_rows, batch.updated_rows) == (0, 2)
    assert Unit.objects.count() == 2
    assert Licence.objects.count() == 1
    unit = Unit.objects.get(national_id=make_national_id(1))
    assert unit.version == 1  # the same values leave the unit untouched
    assert StatusChange.objects.filter(unit=unit).count() == 1

    rows[0] = unit_row(
        1,
        status="تعطیل",
        status_since="1403/05/12",
        employees=0,
        licence_number="12345",
        licence_issued_on="1400/01/15",
        licence_expires_on="1406/01/15",
    )
    batch = upload(client, xlsx_file(rows))
    run_worker()
    batch.refresh_from_db()
    assert (batch.new_rows, batch.updated_rows) == (0, 2)
    commit(client, batch)
    unit.refresh_from_db()
    assert (unit.status, unit.employees, unit.version) == ("closed", 0, 2)
    assert unit.status_since.isoformat() == "2024-08-02"
    change = StatusChange.objects.filter(unit=unit).first()
    assert change is not None
    assert (change.old_status, change.new_status, change.recorded_by) == ("active", "closed", expert)
    licence = Licence.objects.get(unit=unit, kind=LicenceKind.OPERATING)
    assert (licence.number, licence.expires_on) == ("12345", parse_jalali_date("1406/01/15"))


@with_worker
def test_ten_thousand_rows_validate_and_commit_in_the_background(client: Client, expert: User) -> None:
    logged_in(client, expert)
    rows = [unit_row(serial, status=["فعال", "راکد"][serial % 2]) for serial in range(1, 10_001)]
    batch = upload(client, xlsx_file(rows))
    run_worker()
    batch.refresh_from_db()
    assert batch.state == ImportState.VALIDATED, batch.error_message
    assert batch.total_rows == batch.processed_rows == batch.valid_rows == batch.new_rows == 10_000
    assert batch.progress_percent == 100

    batch = commit(client, batch)
    assert batch.state == ImportState.COMMITTED, batch.error_message
    assert batch.processed_rows == batch.total_rows == 10_000
    assert Unit.objects.count() == 10_000
    assert StatusChange.objects.count() == 10_000


# -- permissions, progress and refused files --------------------------------------------------


def test_a_unit_manager_may_not_import(client: Client, manager: User, expert: User) -> None:
    batch = import_batch_create(file=xlsx_file([unit_row(1)]), by=expert)
    logged_in(client, manager)
    assert client.get(reverse("registry-import-upload")).status_code == 403
    assert client.post(reverse("registry-import-upload"), {"file": xlsx_file([unit_row(1)])}).status_code == 403
    assert client.get(reverse("registry-import-list")).status_code == 403
    assert client.get(reverse("registry-import-detail", args=[batch.pk])).status_code == 403
    assert client.post(reverse("registry-import-commit", args=[batch.pk])).status_code == 403
    assert not ImportBatch.objects.exclude(pk=batch.pk).exists()


def test_experts_see_only_their_own_imports(
    client: Client, expert: User, admin_user: User, make_user: Callable[..., User]
) -> None:
    batch = import_batch_create(file=xlsx_file([unit_row(1)]), by=expert)
    colleague = make_user("colleague", expert.role, expert.organisation)
    assert logged_in(client, colleague).get(reverse("registry-import-detail", args=[batch.pk])).status_code == 404
    assert batch.original_name not in client.get(reverse("registry-import-list")).content.decode()
    assert logged_in(client, admin_user).get(reverse("registry-import-detail", args=[batch.pk])).status_code == 200
    page = logged_in(client, expert).get(reverse("registry-import-list")).content.decode()
    assert reverse("registry-import-detail", args=[batch.pk]) in page


def test_progress_fragment_polls_while_running_and_reloads_when_done(client: Client, expert: User) -> None:
    batch = import_batch_create(file=xlsx_file([unit_row(1)]), by=expert)
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.VALIDATING, total_rows=1000, processed_rows=250)
    logged_in(client, expert)
    url = reverse("registry-import-progress", args=[batch.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert 'style="width: 25%"' in fragment
    assert "HX-Refresh" not in response
    assert 'hx-trigger="every 1s"' in detail_page(client, batch)

    import_batch_validate(batch=ImportBatch.objects.get(pk=batch.pk))
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()
    assert 'hx-trigger="every 1s"' not in detail_page(client, batch)


def test_commit_is_post_only_and_only_after_the_check(client: Client, expert: User) -> None:
    batch = import_batch_create(file=xlsx_file([unit_row(1)]), by=expert)
    logged_in(client, expert)
    url = reverse("registry-import-commit", args=[batch.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert escape(_("This import is not waiting for confirmation.")) in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == ImportState.PENDING


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "units.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "This is an old Excel file (.xls). Open it in Excel, save it as an Excel workbook (.xlsx) and upload that.",
        ),
        ("units.csv", "نام واحد,شناسه ملی\n".encode(), "Only Excel workbooks (.xlsx) can be imported."),
        (
            "units.xlsx",
            b"PK\x03\x04 not really a workbook",
            "This file could not be opened as an Excel workbook. Save it again in Excel as .xlsx and upload it.",
        ),
    ],
)
def test_files_that_are_not_xlsx_workbooks_are_refused(
    client: Client, expert: User, name: str, content: bytes, message: str
) -> None:
    response = logged_in(client, expert).post(
        reverse("registry-import-upload"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert escape(_(message)) in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client: Client, expert: User, settings: Any) -> None:
    settings.ROWNAQ_IMPORT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + os.urandom(1024 * 1024), content_type=XLSX)
    response = logged_in(client, expert).post(reverse("registry-import-upload"), {"file": big})
    assert response.status_code == 200
    expected = _("The file is too large: the limit is %(limit)s megabytes.") % {"limit": to_persian_digits("1")}
    assert escape(expected) in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_upload_page_and_template(client: Client, expert: User) -> None:
    logged_in(client, expert)
    page = client.get(reverse("registry-import-upload")).content.decode()
    assert 'accept=".xlsx' in page
    assert 'enctype="multipart/form-data"' in page
    response = client.get(reverse("registry-import-template"))
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert [str(value).removesuffix(" *") for value in rows[0]] == HEADERS
    assert sheet.sheet_view.rightToLeft


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

    page = detail_page(logged_in(client, expert), batch)
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
