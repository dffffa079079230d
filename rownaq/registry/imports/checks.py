"""Reading an uploaded workbook and checking it: the file itself, the header row, and every row.

A row becomes a ``RowData`` ready to write, or problems recorded for the person (row, column,
value, message). The checks run twice: when the batch is validated, for the preview, and again
when it is committed, so the commit writes what the file and the reference data say then.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from rownaq.accounts.models import User
from rownaq.core.normalise import is_digits, normalise_digits_only
from rownaq.core.numbers import format_number
from rownaq.core.workbooks import WorkbookError, workbook_check
from rownaq.geography.models import County, EstateKind
from rownaq.registry.imports.lookups import EstateKey, Lookups, NewEstate, province_scope
from rownaq.registry.models import ImportBatch, Unit
from rownaq.registry.spreadsheet import (
    COLUMNS,
    COLUMNS_BY_KEY,
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    MAX_EMPLOYEES,
    STATUS_BY_KEY,
    STATUS_WORDS,
    CellError,
    Column,
    cell_text,
    check_length,
    header_key,
    parse_coordinate,
    parse_date,
    parse_int,
    parse_yes_no,
)
from rownaq.registry.validators import validate_national_id

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 250  # rows between two progress updates
MAX_STORED_PROBLEMS = 5000
HEADER_SEARCH_ROWS = 20
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
CHUNK = 500  # rows per database query
NEW_ESTATE = "new_estate"  # the kind of a notice, in ImportBatch.problems, of an estate the commit creates


class ImportFileError(ValidationError):
    """An uploaded file that cannot be imported at all; the message is shown on the upload form."""


class ImportStateError(Exception):
    """The batch is not in a state that allows this step."""


# -- the file ---------------------------------------------------------------------------------


def import_file_check(file: UploadedFile) -> None:
    """Refuse, with a message for the person, a file that is too large or not an .xlsx workbook."""
    name = (file.name or "").lower()
    limit = settings.ROWNAQ_IMPORT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ImportFileError(
            _("The file is too large: the limit is %(limit)s megabytes.")
            % {"limit": format_number(limit / (1024 * 1024), decimals=0 if limit % (1024 * 1024) == 0 else 1)},
            code="too_large",
        )
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if name.endswith(".xls") or head.startswith(_OLE_MAGIC):
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls). "
                "Open it in Excel, save it as an Excel workbook (.xlsx) and upload that."
            ),
            code="xls",
        )
    if not name.endswith(".xlsx") or not head.startswith(_XLSX_MAGIC):
        raise ImportFileError(_("Only Excel workbooks (.xlsx) can be imported."), code="not_xlsx")
    try:
        workbook_check(file)
    except WorkbookError as exc:
        raise ImportFileError(str(exc), code="refused") from exc
    try:
        workbook = load_workbook(file, read_only=True)
        workbook.close()
    except Exception as exc:
        raise ImportFileError(
            _("This file could not be opened as an Excel workbook. Save it again in Excel as .xlsx and upload it."),
            code="unreadable",
        ) from exc
    finally:
        file.seek(0)


# -- reading and checking the rows ------------------------------------------------------------


@dataclass
class RowData:
    """One valid row, ready to write: the unit's fields (by attribute name) and its operating licence.

    With ``new_estate``, the unit stands in an estate that the commit creates first.
    """

    row: int
    national_id: str
    unit_fields: dict[str, Any]
    licence: dict[str, Any] | None
    new_estate: NewEstate | None = None


@dataclass
class CheckResult:
    rows: list[RowData] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    new: int = 0
    updated: int = 0
    new_estates: dict[EstateKey, NewEstate] = field(default_factory=dict)
    new_estate_rows: Counter[EstateKey] = field(default_factory=Counter)

    def stored_problems(self) -> list[dict[str, Any]]:
        """What ``ImportBatch.problems`` keeps: the notices of new estates, then the (capped) problems."""
        notices = [
            _new_estate_notice(estate, self.new_estate_rows[key])
            for key, estate in sorted(self.new_estates.items(), key=lambda item: (item[1].county.name, item[0][1]))
        ]
        return notices + self.problems[:MAX_STORED_PROBLEMS]


class RowChecker:
    """Turns the cells of one row into a ``RowData`` or a list of problems."""

    def __init__(self, *, columns: dict[str, int], lookups: Lookups) -> None:
        self.columns = columns
        self.lookups = lookups
        self.seen: dict[str, int] = {}

    def check(self, row_number: int, values: Sequence[object]) -> tuple[RowData | None, list[dict[str, Any]]]:
        problems: list[dict[str, Any]] = []
        parsed: dict[str, Any] = {}
        county: County | None = None
        for column in COLUMNS:
            index = self.columns.get(column.key)
            if index is None:
                continue
            raw = values[index] if index < len(values) else None
            text = cell_text(raw)
            try:
                if not text:
                    if column.required:
                        raise CellError(_("This column must not be empty."))
                    parsed[column.key] = None
                    continue
                if column.key == "estate":
                    if county is None:
                        continue  # the county's own problem is enough
                    parsed[column.key] = self.lookups.estate(text, county)
                    continue
                parsed[column.key] = self._parse(column, raw, text)
                if column.key == "county":
                    county = parsed[column.key]
            except CellError as exc:
                problems.append(_problem(row_number, column, text, str(exc)))
            except (ValueError, ArithmeticError) as exc:  # a cell no check foresaw: its row's problem, not the file's
                logger.warning("Import row %s, column %s: %r", row_number, column.key, exc)
                problems.append(_problem(row_number, column, text, _("This value cannot be read here.")))
        national_id = parsed.get("national_id")
        if national_id:
            first = self.seen.setdefault(national_id, row_number)
            if first != row_number:
                problems.append(
                    _problem(
                        row_number,
                        COLUMNS_BY_KEY["national_id"],
                        national_id,
                        _("This national ID already appears in row %(row)s of the file.")
                        % {"row": format_number(first)},
                    )
                )
        problems.extend(self._check_licence(row_number, parsed))
        if problems:
            return None, problems
        return _row_data(row_number, parsed), []

    def _parse(self, column: Column, raw: object, text: str) -> Any:
        key = column.key
        if key == "name":
            return check_length(text, 200)
        if key == "address":
            return check_length(text, 400)
        if key == "licence_number":
            return check_length(text, 40)
        if key == "national_id":
            digits = normalise_digits_only(text)
            try:
                validate_national_id(digits)
            except ValidationError as exc:
                raise CellError(exc.messages[0]) from None
            return digits
        if key == "sector":
            code = normalise_digits_only(text)
            if isinstance(raw, int | float) and is_digits(code):
                code = code.zfill(4)
            if not re.fullmatch(r"\d{4}", code):
                raise CellError(_("The ISIC code must be a 4-digit class code, such as 2393."))
            if code not in self.lookups.sectors:
                raise CellError(_("There is no ISIC class with this code."))
            return self.lookups.sectors[code]
        if key == "county":
            return self.lookups.county(text)
        if key == "postal_code":
            digits = normalise_digits_only(text)
            if not re.fullmatch(r"\d{10}", digits):
                raise CellError(_("The postal code must have exactly 10 digits."))
            return digits
        if key == "latitude":
            return parse_coordinate(
                raw, text, LATITUDE_RANGE, _("The latitude must be between %(low)s and %(high)s degrees (inside Iran).")
            )
        if key == "longitude":
            return parse_coordinate(
                raw,
                text,
                LONGITUDE_RANGE,
                _("The longitude must be between %(low)s and %(high)s degrees (inside Iran)."),
            )
        if key == "employees":
            number = parse_int(raw, text)
            if number < 0:
                raise CellError(_("The number of employees cannot be negative."))
            if number > MAX_EMPLOYEES:
                raise CellError(_("The number of employees is too large."))
            return number
        if key == "status":
            status = STATUS_BY_KEY.get(header_key(text))
            if status is None:
                raise CellError(
                    _("Write one of these statuses: %(choices)s.") % {"choices": "، ".join(STATUS_WORDS.values())}
                )
            return status
        if key in ("status_since", "licence_issued_on", "licence_expires_on"):
            return parse_date(raw, text)
        if key in ("is_exporter", "is_knowledge_based"):
            return parse_yes_no(text)
        raise AssertionError(f"no parser for column {key}")  # pragma: no cover

    def _check_licence(self, row_number: int, parsed: dict[str, Any]) -> list[dict[str, Any]]:
        problems = []
        issued, expires = parsed.get("licence_issued_on"), parsed.get("licence_expires_on")
        if not parsed.get("licence_number") and (issued or expires):
            problems.append(
                _problem(
                    row_number,
                    COLUMNS_BY_KEY["licence_number"],
                    "",
                    _("The licence dates are filled in but the licence number is empty."),
                )
            )
        if issued and expires and expires < issued:
            problems.append(
                _problem(
                    row_number,
                    COLUMNS_BY_KEY["licence_expires_on"],
                    "",
                    _("The licence expires before it was issued."),
                )
            )
        return problems


def _problem(row: int, column: Column, value: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column.header, "value": value[:100], "message": message}


_UNIT_FIELDS = {
    "name": "name",
    "national_id": "national_id",
    "sector": "sector_id",
    "address": "address",
    "postal_code": "postal_code",
    "latitude": "latitude",
    "longitude": "longitude",
    "employees": "employees",
    "status": "status",
    "status_since": "status_since",
    "is_exporter": "is_exporter",
    "is_knowledge_based": "is_knowledge_based",
}
_EMPTY_DEFAULTS: dict[str, Any] = {
    "address": "",
    "postal_code": "",
    "employees": 0,
    "is_exporter": False,
    "is_knowledge_based": False,
}


def _row_data(row_number: int, parsed: dict[str, Any]) -> RowData:
    fields: dict[str, Any] = {}
    new_estate: NewEstate | None = None
    for key, attname in _UNIT_FIELDS.items():
        if key not in parsed:
            continue  # the column is not in the file: leave the field alone
        value = parsed[key]
        if value is None:
            if key in ("status", "status_since"):
                continue  # an empty status keeps the unit's status
            value = _EMPTY_DEFAULTS.get(key)
        fields[attname] = value
    county: County = parsed["county"]
    fields["county_id"] = county.pk
    if "estate" in parsed:
        estate = parsed["estate"]
        if isinstance(estate, NewEstate):
            new_estate = estate  # its primary key is known once the commit has created it
        else:
            fields["estate_id"] = estate
    licence = None
    if parsed.get("licence_number"):
        licence = {"number": parsed["licence_number"]}
        for key, attname in (("licence_issued_on", "issued_on"), ("licence_expires_on", "expires_on")):
            if key in parsed:
                licence[attname] = parsed[key]
    return RowData(
        row=row_number, national_id=parsed["national_id"], unit_fields=fields, licence=licence, new_estate=new_estate
    )


@contextmanager
def open_sheet(batch: ImportBatch) -> Iterator[tuple[int, Iterator[tuple[object, ...]]]]:
    """The number of rows the first sheet declares, and its rows as values."""
    with batch.file.open("rb") as handle:
        content = handle.read()
    try:
        workbook_check(io.BytesIO(content))
    except WorkbookError as exc:
        raise ImportStateError(str(exc)) from exc
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportStateError(
            _("This file could not be opened as an Excel workbook. Save it again in Excel as .xlsx and upload it.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        yield sheet.max_row or 0, sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def find_header(rows: Iterator[tuple[object, ...]]) -> tuple[int, dict[str, int]]:
    """The number of the header row and, for each column found, its position in the row."""
    for number, values in enumerate(rows, start=1):
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            key = header_key(value)
            for column in COLUMNS:
                if key and key in column.match_keys and column.key not in found:
                    found[column.key] = index
        if "name" in found and "national_id" in found:
            missing = [column.header for column in COLUMNS if column.required and column.key not in found]
            if missing:
                raise ImportStateError(
                    _("These required columns are missing: %(columns)s.") % {"columns": "، ".join(missing)}
                )
            return number, found
        if number >= HEADER_SEARCH_ROWS:
            break
    raise ImportStateError(
        _(
            "The header row was not found: one of the first rows must hold the column titles, "
            "such as «%(name)s» and «%(national_id)s». Download the template to see them."
        )
        % {"name": COLUMNS_BY_KEY["name"].header, "national_id": COLUMNS_BY_KEY["national_id"].header}
    )


def set_progress(batch: ImportBatch, processed: int, total: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=processed, total_rows=max(total, processed))


def check_batch(batch: ImportBatch, *, user: User, progress: bool) -> CheckResult:
    """Read the batch's file and check every row; with ``progress``, report the rows read as it goes."""
    result = CheckResult()
    with open_sheet(batch) as (declared_rows, rows):
        header_row, columns = find_header(rows)
        estimate = max(declared_rows - header_row, 0)
        checker = RowChecker(columns=columns, lookups=Lookups(user))
        for number, values in enumerate(rows, start=header_row + 1):
            if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
                continue
            result.total += 1
            row, problems = checker.check(number, values)
            if row is not None:
                result.rows.append(row)
            result.problems.extend(problems)
            if progress and result.total % PROGRESS_EVERY == 0:
                set_progress(batch, result.total, estimate)
    _match_existing(result, user=user)
    _collect_new_estates(result)
    result.problems.sort(key=lambda problem: problem["row"])
    return result


def _match_existing(result: CheckResult, *, user: User) -> None:
    """Count new and updated rows; a unit of another province cannot be changed by a provincial expert."""
    province_id = province_scope(user)
    existing: dict[str, int | None] = {}
    national_ids = [row.national_id for row in result.rows]
    for chunk in chunks(national_ids):
        existing.update(Unit.objects.filter(national_id__in=chunk).values_list("national_id", "county__province_id"))
    kept = []
    for row in result.rows:
        if row.national_id not in existing:
            result.new += 1
        elif province_id is not None and existing[row.national_id] != province_id:
            result.problems.append(
                _problem(
                    row.row,
                    COLUMNS_BY_KEY["national_id"],
                    row.national_id,
                    _("A unit with this national ID is registered in another province; you cannot change it."),
                )
            )
            continue
        else:
            result.updated += 1
        kept.append(row)
    result.rows = kept


def _collect_new_estates(result: CheckResult) -> None:
    """The new estates that the valid rows name, each once, with the number of rows naming it."""
    for row in result.rows:
        if row.new_estate is not None:
            result.new_estates.setdefault(row.new_estate.key, row.new_estate)
            result.new_estate_rows[row.new_estate.key] += 1


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- what the batch keeps for the preview -----------------------------------------------------


def _new_estate_notice(estate: NewEstate, rows: int) -> dict[str, Any]:
    return {
        "kind": NEW_ESTATE,
        "name": estate.name,
        "county": estate.county.name,
        "estate_kind": estate.kind.value,
        "rows": rows,
    }


@dataclass(frozen=True)
class EstateNotice:
    """A new industrial estate, as the preview lists it: the commit creates it (or has created it)."""

    name: str
    county: str
    kind: str
    rows: int

    @property
    def kind_label(self) -> str:
        return str(EstateKind(self.kind).label) if self.kind in EstateKind.values else self.kind


def import_batch_problems(batch: ImportBatch) -> list[dict[str, Any]]:
    """The problems of the batch's rows (``row``, ``column``, ``value``, ``message``), without the notices."""
    return [problem for problem in batch.problems if problem.get("kind") != NEW_ESTATE]


def import_batch_new_estates(batch: ImportBatch) -> list[EstateNotice]:
    """The new industrial estates that the batch's commit creates (or, once committed, created)."""
    return [
        EstateNotice(name=notice["name"], county=notice["county"], kind=notice["estate_kind"], rows=notice["rows"])
        for notice in batch.problems
        if notice.get("kind") == NEW_ESTATE
    ]
