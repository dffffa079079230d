"""Bad cells of an Excel import are reported on their row and column; nothing fails the whole import."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.accounts.testing import login
from rownaq.core.numbers import format_number
from rownaq.core.workbooks import MAX_ROWS
from rownaq.registry import imports
from rownaq.registry.imports import import_batch_create, import_batch_validate
from rownaq.registry.models import ImportBatch, ImportState, Unit
from rownaq.registry.tests.imports import (
    XLSX,
    _media_and_reference_data,  # noqa: F401  (an autouse fixture)
    unit_row,
    workbook_bytes,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cells",
    [
        {"latitude": 1e30},
        {"latitude": "1e30"},
        {"latitude": "NaN"},
        {"latitude": "Infinity"},
        {"employees": 1e30},
        {"employees": 10**30},
        {"employees": "۱۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰۰"},
        {"employees": 2.5},
        {"latitude": "عرض"},
        {"national_id": 1e30},
        {"national_id": "²²²²²²²²²²²"},
        {"sector": 1e30},
        {"postal_code": 1e30},
        {"status_since": dt.date(1, 1, 1)},
        {"status_since": dt.datetime(9999, 12, 31)},
        {"status_since": 1e30},
        {"status_since": "0001/01/01"},
        {"licence_number": "1", "licence_issued_on": dt.date(1, 1, 1), "licence_expires_on": dt.date(9999, 1, 1)},
        {"name": "x" * 100_000},
        {"county": 1e30},
        {"is_exporter": 1e30},
    ],
)
def test_a_bad_cell_is_a_problem_of_its_row(expert: User, cells: dict[str, Any]) -> None:
    batch = import_batch_create(file=xlsx_file([unit_row(1), unit_row(2, **cells)]), by=expert)
    batch = import_batch_validate(batch=batch)
    assert batch.state == ImportState.VALIDATED, batch.state
    assert batch.valid_rows == 1
    problems = imports.import_batch_problems(batch)
    assert problems
    assert {problem["row"] for problem in problems} == {3}, problems


# -- workbooks that expand far beyond their size ---------------------------------------------------


def _rewritten(content: bytes, extra: dict[str, bytes] | None = None, dimension: str | None = None) -> bytes:
    """The workbook ``content`` with its sheet's declared dimension replaced and ``extra`` parts added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part.filename)
            if dimension and part.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data)
            target.writestr(part.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            lambda: _rewritten(workbook_bytes([unit_row(1)]), dimension="A1:Q1000000"),
            "A sheet of this workbook has %(rows)s rows; at most %(limit)s can be imported at once.",
        ),
        (
            lambda: _rewritten(
                workbook_bytes([unit_row(1)]), extra={"xl/media/padding.xml": b"0" * (12 * 1024 * 1024)}
            ),
            "This workbook expands to far more data than its size suggests; it cannot be imported.",
        ),
    ],
)
def test_a_workbook_that_expands_far_beyond_its_size_is_refused_at_upload(
    client: Client, expert: User, content: Callable[[], bytes], message: str
) -> None:
    file = SimpleUploadedFile("units.xlsx", content(), content_type=XLSX)
    response = login(client, expert).post(reverse("registry-import-upload"), {"file": file})
    assert response.status_code == 200
    expected = _(message) % {"rows": format_number(1_000_000), "limit": format_number(MAX_ROWS)}
    assert escape(expected) in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_check_before_the_rows_are_read_refuses_such_a_workbook_too(expert: User) -> None:
    batch = import_batch_create(file=xlsx_file([unit_row(1)]), by=expert)
    bomb = _rewritten(workbook_bytes([unit_row(1)]), dimension="A1:Q1000000")
    batch.file.save("units.xlsx", ContentFile(bomb))
    batch = import_batch_validate(batch=batch)
    assert batch.state == ImportState.FAILED
    assert Unit.objects.count() == 0
