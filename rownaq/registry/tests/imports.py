"""Helpers of the Excel import tests: workbooks built in memory, the upload and commit through the pages."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from conftest import make_national_id
from rownaq.core.testing import run_worker
from rownaq.registry.models import ImportBatch, Sector
from rownaq.registry.spreadsheet import COLUMNS

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
