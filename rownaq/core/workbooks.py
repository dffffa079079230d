"""Checks of an uploaded Excel workbook (.xlsx) before openpyxl opens it.

An .xlsx is a zip of XML files. A small upload can declare a sheet of a million rows, or expand to
gigabytes (a "zip bomb"): openpyxl would then hold a worker for minutes. ``workbook_check`` reads only the
zip's directory and the start of each sheet, and refuses such a file at once with a message for the
person. Every .xlsx upload goes through it.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO

from django.utils.translation import gettext as _

from rownaq.core.numbers import format_number

MAX_ROWS = 100_000  # rows a sheet may declare: far more than a province's units
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024  # what the whole workbook may expand to
MAX_RATIO = 200  # how many times larger than its compressed size a large part may expand
_LARGE_PART = 10 * 1024 * 1024
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(?:[A-Z]+\d+:)?[A-Z]+(\d+)"')
_SHEET_HEAD_BYTES = 64 * 1024


class WorkbookError(ValueError):
    """A workbook refused before it is opened; the message is for the person who uploaded it."""


def workbook_check(file: IO[bytes], *, max_rows: int = MAX_ROWS) -> None:
    """Refuse a workbook that is not a zip, expands far beyond its size, or declares more than ``max_rows``
    rows in a sheet. The file is left at its start."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
            if sum(part.file_size for part in parts) > MAX_UNCOMPRESSED_BYTES or any(
                part.file_size > _LARGE_PART and part.file_size > MAX_RATIO * max(part.compress_size, 1)
                for part in parts
            ):
                raise WorkbookError(
                    _("This workbook expands to far more data than its size suggests; it cannot be imported.")
                )
            for part in parts:
                if not _SHEET.fullmatch(part.filename):
                    continue
                with archive.open(part) as sheet:
                    head = sheet.read(_SHEET_HEAD_BYTES)
                found = _DIMENSION.search(head)
                if found and int(found.group(1)) > max_rows:
                    raise WorkbookError(
                        _("A sheet of this workbook has %(rows)s rows; at most %(limit)s can be imported at once.")
                        % {"rows": format_number(int(found.group(1))), "limit": format_number(max_rows)}
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise WorkbookError(
            _("This file could not be opened as an Excel workbook. Save it again in Excel as .xlsx and upload it.")
        ) from exc
    finally:
        file.seek(0)
