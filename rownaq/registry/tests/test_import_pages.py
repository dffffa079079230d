"""The Excel import through the pages: upload, check and commit in the real background worker."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from conftest import make_national_id
from rownaq.accounts.models import User
from rownaq.accounts.testing import login
from rownaq.core.jalali import parse_jalali_date
from rownaq.core.normalise import to_persian_digits
from rownaq.core.testing import run_worker
from rownaq.geography.models import IndustrialEstate
from rownaq.registry.imports import import_batch_create, import_batch_validate, workflow
from rownaq.registry.models import ImportBatch, ImportState, Licence, LicenceKind, StatusChange, Unit
from rownaq.registry.tests.imports import (
    HEADERS,
    XLSX,
    _media_and_reference_data,  # noqa: F401  (an autouse fixture)
    commit,
    detail_page,
    problem_rows,
    unit_row,
    upload,
    with_worker,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


# -- through the pages and the worker ---------------------------------------------------------


@with_worker
def test_bad_check_digit_is_reported_and_the_valid_rows_are_committed(client: Client, expert: User) -> None:
    login(client, expert)
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
    login(client, expert)
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
    login(client, expert)
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
    login(client, expert)
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
def test_a_provinces_worth_of_rows_validate_and_commit_in_the_background(client: Client, expert: User) -> None:
    """2,500 rows (Qom's units), checked and written in chunks of 500 (the 10,000-row timing is a benchmark)."""
    login(client, expert)
    rows = [unit_row(serial, status=["فعال", "راکد"][serial % 2]) for serial in range(1, 2_501)]
    batch = upload(client, xlsx_file(rows))
    run_worker()
    batch.refresh_from_db()
    assert batch.state == ImportState.VALIDATED, batch.error_message
    assert batch.total_rows == batch.processed_rows == batch.valid_rows == batch.new_rows == 2_500
    assert batch.progress_percent == 100

    batch = commit(client, batch)
    assert batch.state == ImportState.COMMITTED, batch.error_message
    assert batch.processed_rows == batch.total_rows == 2_500
    assert Unit.objects.count() == 2_500
    assert StatusChange.objects.count() == 2_500


# -- permissions, progress and refused files --------------------------------------------------


def test_a_unit_manager_may_not_import(client: Client, manager: User, expert: User) -> None:
    batch = import_batch_create(file=xlsx_file([unit_row(1)]), by=expert)
    login(client, manager)
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
    assert login(client, colleague).get(reverse("registry-import-detail", args=[batch.pk])).status_code == 404
    assert batch.original_name not in client.get(reverse("registry-import-list")).content.decode()
    assert login(client, admin_user).get(reverse("registry-import-detail", args=[batch.pk])).status_code == 200
    page = login(client, expert).get(reverse("registry-import-list")).content.decode()
    assert reverse("registry-import-detail", args=[batch.pk]) in page


def test_progress_fragment_polls_while_running_and_reloads_when_done(client: Client, expert: User) -> None:
    batch = import_batch_create(file=xlsx_file([unit_row(1)]), by=expert)
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.VALIDATING, total_rows=1000, processed_rows=250)
    login(client, expert)
    url = reverse("registry-import-progress", args=[batch.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert 'data-progress="25"' in fragment
    assert "HX-Refresh" not in response
    assert 'hx-trigger="every 1s"' in detail_page(client, batch)

    import_batch_validate(batch=ImportBatch.objects.get(pk=batch.pk))
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()
    assert 'hx-trigger="every 1s"' not in detail_page(client, batch)


def test_commit_is_post_only_and_only_after_the_check(client: Client, expert: User) -> None:
    batch = import_batch_create(file=xlsx_file([unit_row(1)]), by=expert)
    login(client, expert)
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
    response = login(client, expert).post(
        reverse("registry-import-upload"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert escape(_(message)) in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client: Client, expert: User, settings: Any) -> None:
    settings.ROWNAQ_IMPORT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + os.urandom(1024 * 1024), content_type=XLSX)
    response = login(client, expert).post(reverse("registry-import-upload"), {"file": big})
    assert response.status_code == 200
    expected = _("The file is too large: the limit is %(limit)s megabytes.") % {"limit": to_persian_digits("1")}
    assert escape(expected) in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_upload_page_and_template(client: Client, expert: User) -> None:
    login(client, expert)
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
