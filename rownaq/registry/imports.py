"""Importing production units from an Excel workbook: upload, check in the background, confirm, commit.

The flow is ``import_batch_create`` (the upload; the checking is queued) → ``import_batch_validate``
(run by the worker: every row is checked and the problems are recorded) → ``import_batch_confirm``
(the person agrees to import the valid rows; the commit is queued) → ``import_batch_commit`` (run by
the worker: the file is checked again and every valid row is created or updated in one
transaction, matched on the national ID; bad rows are skipped). The column layout is
``rownaq.registry.spreadsheet.COLUMNS``, shared with the export, so an exported file re-imports.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from rownaq.accounts.models import User
from rownaq.core.normalise import normalise_digits_only, search_key
from rownaq.core.numbers import format_number
from rownaq.geography.models import County, IndustrialEstate
from rownaq.registry.models import (
    ImportBatch,
    ImportState,
    Licence,
    LicenceKind,
    Sector,
    SectorLevel,
    StatusChange,
    Unit,
)
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
_CHUNK = 500


class ImportFileError(ValidationError):
    """An uploaded file that cannot be imported at all; the message is shown on the upload form."""


class ImportStateError(Exception):
    """The batch is not in a state that allows this step."""


# -- who sees which imports -------------------------------------------------------------------


def import_batches_visible_to(user: User) -> QuerySet[ImportBatch]:
    """Registry editors see the imports they uploaded; superusers see all."""
    batches = ImportBatch.objects.select_related("uploaded_by")
    if not user.is_authenticated or not user.can_edit_registry:
        return batches.none()
    return batches if user.is_superuser else batches.filter(uploaded_by=user)


def get_import_batch_for_user(user: User, pk: int) -> ImportBatch:
    """The batch ``pk`` if ``user`` may see it: 403 for people who may not import, 404 for others' batches."""
    if not user.can_edit_registry:
        raise PermissionDenied
    try:
        return import_batches_visible_to(user).get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


def _province_scope(user: User) -> int | None:
    """The province whose units ``user`` may import, or ``None`` for all of them."""
    return None if user.is_superuser else user.province_id


# -- upload -----------------------------------------------------------------------------------


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
        workbook = load_workbook(file, read_only=True)
        workbook.close()
    except Exception as exc:
        raise ImportFileError(
            _("This file could not be opened as an Excel workbook. Save it again in Excel as .xlsx and upload it."),
            code="unreadable",
        ) from exc
    finally:
        file.seek(0)


@transaction.atomic
def import_batch_create(*, file: UploadedFile, by: User) -> ImportBatch:
    """Store an uploaded workbook and queue its checking. Raises ``ImportFileError`` for a refused file."""
    if not by.can_edit_registry:
        raise PermissionDenied
    import_file_check(file)
    batch = ImportBatch.objects.create(file=file, original_name=(file.name or "")[-255:], uploaded_by=by)
    from rownaq.registry.tasks import validate_import_batch

    transaction.on_commit(lambda: validate_import_batch.enqueue(batch.pk))
    return batch


# -- reading and checking the rows ------------------------------------------------------------


@dataclass
class RowData:
    """One valid row, ready to write: the unit's fields (by attribute name) and its operating licence."""

    row: int
    national_id: str
    unit_fields: dict[str, Any]
    licence: dict[str, Any] | None


@dataclass
class CheckResult:
    rows: list[RowData] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    new: int = 0
    updated: int = 0


class _Lookups:
    """The reference data a row is checked against, loaded once per file."""

    def __init__(self, user: User) -> None:
        self.province_id = _province_scope(user)
        self.sectors: dict[str, int] = dict(Sector.objects.filter(level=SectorLevel.CLASS).values_list("code", "pk"))
        self.counties: dict[str, list[County]] = {}
        for county in County.objects.select_related("province"):
            self.counties.setdefault(search_key(county.name), []).append(county)
        self.estates: dict[tuple[int, str], int] = {}
        self.estate_names: set[str] = set()
        for pk, county_id, name in IndustrialEstate.objects.values_list("pk", "county_id", "name"):
            self.estates[(county_id, search_key(name))] = pk
            self.estate_names.add(search_key(name))

    def county(self, name: str) -> County:
        candidates = self.counties.get(search_key(name), [])
        if self.province_id is not None:
            mine = [county for county in candidates if county.province_id == self.province_id]
            if not mine and candidates:
                raise CellError(_("This county is not in your province."))
            candidates = mine
        if not candidates:
            raise CellError(_("There is no county with this name."))
        if len(candidates) > 1:
            raise CellError(
                _("Counties with this name exist in more than one province; ask an expert of the province.")
            )
        return candidates[0]

    def estate(self, name: str, county: County) -> int:
        key = search_key(name)
        pk = self.estates.get((county.pk, key))
        if pk is None:
            if key in self.estate_names:
                raise CellError(_("This industrial estate is not in the county %(county)s.") % {"county": county.name})
            raise CellError(
                _("There is no industrial estate with this name in the county %(county)s.") % {"county": county.name}
            )
        return pk


class _RowChecker:
    """Turns the cells of one row into a ``RowData`` or a list of problems."""

    def __init__(self, *, columns: dict[str, int], lookups: _Lookups) -> None:
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
            if isinstance(raw, int | float) and code.isdigit():
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
        fields["estate_id"] = parsed["estate"]
    licence = None
    if parsed.get("licence_number"):
        licence = {"number": parsed["licence_number"]}
        for key, attname in (("licence_issued_on", "issued_on"), ("licence_expires_on", "expires_on")):
            if key in parsed:
                licence[attname] = parsed[key]
    return RowData(row=row_number, national_id=parsed["national_id"], unit_fields=fields, licence=licence)


@contextmanager
def _open_sheet(batch: ImportBatch) -> Iterator[tuple[int, Iterator[tuple[object, ...]]]]:
    """The number of rows the first sheet declares, and its rows as values."""
    with batch.file.open("rb") as handle:
        content = handle.read()
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


def _find_header(rows: Iterator[tuple[object, ...]]) -> tuple[int, dict[str, int]]:
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


def _set_progress(batch: ImportBatch, processed: int, total: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=processed, total_rows=max(total, processed))


def _check_batch(batch: ImportBatch, *, user: User, progress: bool) -> CheckResult:
    """Read the batch's file and check every row; with ``progress``, report the rows read as it goes."""
    result = CheckResult()
    with _open_sheet(batch) as (declared_rows, rows):
        header_row, columns = _find_header(rows)
        estimate = max(declared_rows - header_row, 0)
        checker = _RowChecker(columns=columns, lookups=_Lookups(user))
        for number, values in enumerate(rows, start=header_row + 1):
            if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
                continue
            result.total += 1
            row, problems = checker.check(number, values)
            if row is not None:
                result.rows.append(row)
            result.problems.extend(problems)
            if progress and result.total % PROGRESS_EVERY == 0:
                _set_progress(batch, result.total, estimate)
    _match_existing(result, user=user)
    result.problems.sort(key=lambda problem: problem["row"])
    return result


def _match_existing(result: CheckResult, *, user: User) -> None:
    """Count new and updated rows; a unit of another province cannot be changed by a provincial expert."""
    province_id = _province_scope(user)
    existing: dict[str, int | None] = {}
    national_ids = [row.national_id for row in result.rows]
    for chunk in _chunks(national_ids):
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


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_batch_fail(*, batch: ImportBatch, message: str) -> None:
    batch.state = ImportState.FAILED
    batch.error_message = message
    batch.finished_at = timezone.now()
    batch.save(update_fields=["state", "error_message", "finished_at"])


def import_batch_validate(*, batch: ImportBatch) -> ImportBatch:
    """Check every row of the batch's file and record the problems and counts (run by the worker)."""
    if batch.state not in (ImportState.PENDING, ImportState.VALIDATING):
        raise ImportStateError(_("This import has already been checked."))
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.VALIDATING, processed_rows=0)
    try:
        result = _check_batch(batch, user=batch.uploaded_by, progress=True)
    except ImportStateError as exc:
        import_batch_fail(batch=batch, message=str(exc))
        return batch
    batch.state = ImportState.VALIDATED
    batch.total_rows = batch.processed_rows = result.total
    batch.valid_rows, batch.new_rows, batch.updated_rows = len(result.rows), result.new, result.updated
    batch.problems = result.problems[:MAX_STORED_PROBLEMS]
    batch.error_message = ""
    batch.save(
        update_fields=[
            "state",
            "total_rows",
            "processed_rows",
            "valid_rows",
            "new_rows",
            "updated_rows",
            "problems",
            "error_message",
        ]
    )
    return batch


# -- confirming and committing ----------------------------------------------------------------


@transaction.atomic
def import_batch_confirm(*, batch: ImportBatch, by: User) -> ImportBatch:
    """The person agrees to import the valid rows of a checked batch: queue the commit."""
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.state != ImportState.VALIDATED:
        raise ImportStateError(_("This import is not waiting for confirmation."))
    if not locked.valid_rows:
        raise ImportStateError(_("This file has no valid row to import."))
    batch.state = ImportState.COMMITTING
    batch.processed_rows = 0
    batch.save(update_fields=["state", "processed_rows"])
    from rownaq.registry.tasks import commit_import_batch

    transaction.on_commit(lambda: commit_import_batch.enqueue(batch.pk, by.pk))
    return batch


def import_batch_commit(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Create or update every valid row in one transaction; on any error nothing is written and the batch fails.

    Safe to run twice: a committed batch is left alone, and rows are matched on the national ID.
    """
    if batch.state not in (ImportState.VALIDATED, ImportState.COMMITTING):
        raise ImportStateError(_("This import is not waiting for confirmation."))
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.COMMITTING, processed_rows=0)
    try:
        result = _check_batch(batch, user=by, progress=True)
        _set_progress(batch, result.total, result.total)
        with transaction.atomic(), set_actor(by):
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.state != ImportState.COMMITTING:
                return locked  # another worker finished it meanwhile
            created, updated = _write_rows(
                result.rows, by=by, note=_("Imported from %(file)s") % {"file": batch.original_name}
            )
            batch.state = ImportState.COMMITTED
            batch.total_rows = batch.processed_rows = result.total
            batch.valid_rows, batch.new_rows, batch.updated_rows = len(result.rows), created, updated
            batch.problems = result.problems[:MAX_STORED_PROBLEMS]
            batch.error_message = ""
            batch.finished_at = timezone.now()
            batch.save()
    except ImportStateError as exc:
        import_batch_fail(batch=batch, message=str(exc))
        raise
    except Exception as exc:
        logger.exception("Import %s failed while committing", batch.pk)
        import_batch_fail(
            batch=batch,
            message=_("The import failed and nothing was saved. Technical detail: %(detail)s") % {"detail": exc},
        )
        raise
    return batch


def _write_rows(rows: list[RowData], *, by: User, note: str) -> tuple[int, int]:
    today = timezone.localdate()
    units: dict[str, Unit] = {}
    for chunk in _chunks([row.national_id for row in rows]):
        query = Unit.objects.select_for_update().filter(national_id__in=chunk)
        for found in query.prefetch_related(
            Prefetch("licences", queryset=Licence.objects.filter(kind=LicenceKind.OPERATING), to_attr="operating")
        ):
            units[found.national_id] = found
    history: list[StatusChange] = []
    created = updated = 0
    for row in rows:
        unit = units.get(row.national_id)
        if unit is None:
            unit = _create_unit(row, today=today)
            history.append(_status_change(unit, old_status="", note=note, by=by))
            _write_licence(unit, row.licence, existing=None)
            created += 1
            continue
        old_status = unit.status
        changed = _apply_fields(unit, row.unit_fields, today=today)
        licence_changed = _write_licence(unit, row.licence, existing=next(iter(unit.operating), None))  # type: ignore[attr-defined]
        if changed or licence_changed:
            unit.version += 1
            unit.save(update_fields=[*changed, "version", "updated_at"])
        if unit.status != old_status:
            history.append(_status_change(unit, old_status=old_status, note=note, by=by))
        updated += 1
    StatusChange.objects.bulk_create(history, batch_size=_CHUNK)
    return created, updated


def _create_unit(row: RowData, *, today: dt.date) -> Unit:
    fields = {"status_since": today, **row.unit_fields}
    unit = Unit(**fields)
    unit.save()
    return unit


def _apply_fields(unit: Unit, fields: dict[str, Any], *, today: dt.date) -> list[str]:
    """Set the row's values on ``unit``; the names of the fields that really changed."""
    changed = []
    for name, value in fields.items():
        if name != "status_since" and getattr(unit, name) != value:
            setattr(unit, name, value)
            changed.append(name)
    since = fields.get("status_since")
    if "status" in changed:
        since = since or today
    if since is not None and since != unit.status_since:
        unit.status_since = since
        changed.append("status_since")
    return changed


def _write_licence(unit: Unit, data: dict[str, Any] | None, *, existing: Licence | None) -> bool:
    if data is None:
        return False
    if existing is None:
        Licence(unit=unit, kind=LicenceKind.OPERATING, **data).save()
        return True
    changed = [name for name, value in data.items() if getattr(existing, name) != value]
    for name in changed:
        setattr(existing, name, data[name])
    if changed:
        existing.save(update_fields=changed)
    return bool(changed)


def _status_change(unit: Unit, *, old_status: str, note: str, by: User) -> StatusChange:
    return StatusChange(
        unit=unit,
        old_status=old_status,
        new_status=unit.status,
        effective_on=unit.status_since,
        note=note[:300],
        recorded_by=by,
    )
