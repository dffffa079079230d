"""Helpers of the feed tests: monthly workbooks built in memory, agencies and their liaisons."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from rownaq.accounts.models import AgencyCode, Organisation, Role, User
from rownaq.monitoring.feed_sheet import KIND_HEADERS, NAME_HEADER, NATIONAL_ID_HEADER
from rownaq.monitoring.models import SignalKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BANK_HEADERS = [
    NATIONAL_ID_HEADER,
    NAME_HEADER,
    KIND_HEADERS[SignalKind.RETURNED_CHEQUES],
    KIND_HEADERS[SignalKind.RETURNED_CHEQUES_AMOUNT],
]


def workbook_bytes(rows: list[list[Any]], headers: list[str] = BANK_HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in [headers, *rows]:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows: list[list[Any]], name: str = "bank.xlsx", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(rows, **kwargs), content_type=XLSX)


@pytest.fixture
def power_company(make_agency: Callable[..., Organisation]) -> Organisation:
    return make_agency("شرکت توزیع برق استان قم", AgencyCode.ELECTRICITY)


@pytest.fixture
def power_liaison(make_user: Callable[..., User], power_company: Organisation) -> User:
    return make_user("power_liaison", Role.AGENCY_LIAISON, power_company)
