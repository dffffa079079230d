"""Importing a month's reports from an Excel workbook: upload, check in the background, confirm, commit.

``report_import_create`` (the upload, for a month that has ended; the checking is queued) →
``report_import_validate`` (run by the worker: every row is checked, the problems recorded with their row and
column, the validation rules run per unit and their warnings kept) → ``report_import_confirm`` (the person
agrees; only a file without a single problem can be confirmed; the commit is queued) → ``report_import_commit``
(run by the worker: the file is checked again, and every unit's report is saved and submitted through the same
services as the form, in one transaction: on any error nothing is written and the import fails).

A report entered by import is recorded as entered by the importer, on the unit's behalf; its submitted version
keeps the warnings and names the file. Months already approved (or awaiting review) are not overwritten: they
are row problems. The columns are ``rownaq.monitoring.report_sheet.COLUMNS``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from rownaq.accounts.models import User
from rownaq.core.normalise import normalise_digits_only
from rownaq.core.numbers import format_number
from rownaq.core.periods import Period, PeriodError
from rownaq.core.workbooks import WorkbookError, workbook_check
from rownaq.core.workflow import StateMachine, Transition
from rownaq.monitoring import access, services, workflow
from rownaq.monitoring.models import FIGURE_FIELDS, Metric, MonthlyReport, ReportImport, ReportState, ValidationRule
from rownaq.monitoring.report_sheet import COLUMNS, COLUMNS_BY_KEY, ReportColumn
from rownaq.monitoring.rules import Figures, evaluate
from rownaq.registry.imports import ImportStateError, import_file_check
from rownaq.registry.models import ImportState, Unit
from rownaq.registry.spreadsheet import CellError, cell_text, header_key, parse_decimal, parse_int
from rownaq.registry.validators import validate_national_id

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 100
MAX_STORED_PROBLEMS = 5000
HEADER_SEARCH_ROWS = 20
CHUNK = 500
MAX_FIGURE = 10**15  # rials: far beyond any unit's month

_I = ImportState
REPORT_IMPORT_STATES: StateMachine[ReportImport] = StateMachine(
    {
        "validate": Transition(_I.VALIDATED.label, frozenset({_I.PENDING, _I.VALIDATING}), _I.VALIDATED),
        "confirm": Transition(_I.COMMITTING.label, frozenset({_I.VALIDATED}), _I.COMMITTING),
        "commit": Transition(_I.COMMITTED.label, frozenset({_I.COMMITTING}), _I.COMMITTED),
        "fail": Transition(
            _I.FAILED.label, frozenset({_I.PENDING, _I.VALIDATING, _I.VALIDATED, _I.COMMITTING}), _I.FAILED
        ),
    },
    initial=_I.PENDING,
)
# Which column a validation rule's finding is about, by the rule's metric.
METRIC_COLUMN: dict[str, str] = {
    Metric.NEGATIVE: "quantity",
    Metric.UTILISATION: "quantity",
    Metric.EMPLOYEES_CHANGE: "employees",
    Metric.ENERGY_UP_OUTPUT_DOWN: "electricity_kwh",
    Metric.HISTORY_DISTANCE: "national_id",
}


# -- the rows of one unit -------------------------------------------------------------------------------


@dataclass
class UnitEntry:
    """What the file says of one unit's month: its figures, its products' output, and the rows they came from."""

    unit: Unit
    first_row: int
    figures: dict[str, int] = field(default_factory=dict)
    figure_rows: dict[str, int] = field(default_factory=dict)
    quantities: dict[int, Decimal] = field(default_factory=dict)
    product_rows: dict[int, int] = field(default_factory=dict)
    broken: bool = False

    def all_figures(self) -> dict[str, int]:
        return {name: self.figures.get(name, 0) for name in FIGURE_FIELDS}


@dataclass
class CheckResult:
    entries: list[UnitEntry] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0


def _problem(row: int, column: ReportColumn, value: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column.header, "value": value[:100], "message": message}


# -- the file ----------------------------------------------------------------------------------------------


@contextmanager
def _open_rows(batch: ReportImport) -> Iterator[Iterator[tuple[object, ...]]]:
    with batch.file.open("rb") as handle:
        content = handle.read()
    try:
        workbook_check(io.BytesIO(content))
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except WorkbookError as exc:
        raise ImportStateError(str(exc)) from exc
    except Exception as exc:
        raise ImportStateError(
            _("This file could not be opened as an Excel workbook. Save it again in Excel as .xlsx and upload it.")
        ) from exc
    try:
        yield workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _find_header(rows: Iterator[tuple[object, ...]]) -> tuple[int, dict[str, int]]:
    for number, values in enumerate(rows, start=1):
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            key = header_key(value)
            for column in COLUMNS:
                if key and key in column.match_keys and column.key not in found:
                    found[column.key] = index
        if "national_id" in found:
            return number, found
        if number >= HEADER_SEARCH_ROWS:
            break
    raise ImportStateError(
        _(
            "The header row was not found: one of the first rows must hold the column titles, such as «%(column)s». "
            "Download the template to see them."
        )
        % {"column": COLUMNS_BY_KEY["national_id"].header}
    )


# -- checking ----------------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, batch: ReportImport, user: User) -> None:
        self.batch = batch
        self.user = user
        self.period = batch.period
        self.result = CheckResult()
        self.entries: dict[int, UnitEntry] = {}

    def run(self, *, progress: bool) -> CheckResult:
        with _open_rows(self.batch) as rows:
            header, columns = _find_header(rows)
            lines = [
                (number, values)
                for number, values in enumerate(rows, start=header + 1)
                if not all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
            ]
        self.columns = columns
        self.result.total = len(lines)
        ReportImport.objects.filter(pk=self.batch.pk).update(processed_rows=0, total_rows=len(lines))
        self.units = self._units(lines)
        for done, (number, values) in enumerate(lines, start=1):
            self._row(number, values)
            if progress and done % PROGRESS_EVERY == 0:
                ReportImport.objects.filter(pk=self.batch.pk).update(processed_rows=done)
        self._existing_reports()
        self._rules()
        self.result.entries = [entry for entry in self.entries.values() if not entry.broken]
        self.result.problems.sort(key=lambda problem: problem["row"])
        return self.result

    def _cell(self, key: str, values: Sequence[object]) -> tuple[object, str]:
        index = self.columns.get(key)
        raw = values[index] if index is not None and index < len(values) else None
        return raw, cell_text(raw)

    def _units(self, lines: list[tuple[int, tuple[object, ...]]]) -> dict[str, Unit]:
        ids = sorted({normalise_digits_only(self._cell("national_id", values)[1]) for _n, values in lines})
        units: dict[str, Unit] = {}
        for start in range(0, len(ids), CHUNK):
            found = Unit.objects.filter(national_id__in=ids[start : start + CHUNK]).select_related("county")
            for unit in found.prefetch_related("products"):
                units[unit.national_id] = unit
        return units

    def _add(self, row: int, key: str, value: str, message: str) -> None:
        self.result.problems.append(_problem(row, COLUMNS_BY_KEY[key], value, message))

    def _row(self, number: int, values: Sequence[object]) -> None:
        before = len(self.result.problems)
        self._check_month(number, values)
        unit = self._unit(number, values)
        entry = None
        if unit is not None:
            entry = self.entries.setdefault(unit.pk, UnitEntry(unit=unit, first_row=number))
            self._product(number, values, entry)
            self._figures(number, values, entry)
        if entry is not None and len(self.result.problems) > before:
            entry.broken = True

    def _check_month(self, number: int, values: Sequence[object]) -> None:
        raw, text = self._cell("month", values)
        if not text:
            return
        try:
            if hasattr(raw, "year") and hasattr(raw, "month"):  # a date cell: its Jalali month
                month = Period.containing(raw.date() if hasattr(raw, "date") else raw)  # type: ignore[arg-type]
            else:
                month = Period.parse(text)
            if month.kind != "month":
                raise PeriodError(_("Write the month as 1404/05."))
        except (PeriodError, ValueError, TypeError):
            self._add(number, "month", text, _("Write the month as 1404/05."))
            return
        try:
            services.check_month_reportable(month)
        except services.ReportError as exc:
            self._add(number, "month", text, str(exc))
            return
        if month != self.period:
            self._add(
                number,
                "month",
                text,
                _("This file is for %(chosen)s; this row is for %(month)s.") % {"chosen": self.period, "month": month},
            )

    def _unit(self, number: int, values: Sequence[object]) -> Unit | None:
        _raw, text = self._cell("national_id", values)
        if not text:
            self._add(number, "national_id", text, _("This column must not be empty."))
            return None
        digits = normalise_digits_only(text)
        try:
            validate_national_id(digits)
        except ValidationError as exc:
            self._add(number, "national_id", text, exc.messages[0])
            return None
        unit = self.units.get(digits)
        if unit is None:
            self._add(number, "national_id", text, _("No unit with this national ID is registered."))
            return None
        if not access.can_enter(self.user, unit):
            message = _("This unit is not in your province; you cannot enter its reports.")
            self._add(number, "national_id", text, message)
            return None
        return unit

    def _product(self, number: int, values: Sequence[object], entry: UnitEntry) -> None:
        _raw, product_text = self._cell("product", values)
        raw_quantity, quantity_text = self._cell("quantity", values)
        if not product_text:
            if quantity_text:
                self._add(number, "product", "", _("Name the product whose output this row gives."))
            return
        products = list(entry.unit.products.all())
        product = next((p for p in products if header_key(p.name) == header_key(product_text)), None)
        if product is None and normalise_digits_only(product_text).isdigit():
            product = next((p for p in products if str(p.pk) == normalise_digits_only(product_text)), None)
        if product is None:
            names = "، ".join(p.name for p in products) or _("none")
            self._add(
                number,
                "product",
                product_text,
                _("This is not one of the unit's registered products (%(names)s).") % {"names": names},
            )
            return
        if product.pk in entry.product_rows:
            self._add(
                number,
                "product",
                product_text,
                _("This product of the unit already appears in row %(row)s.")
                % {"row": format_number(entry.product_rows[product.pk])},
            )
            return
        entry.product_rows[product.pk] = number
        if not quantity_text:
            self._add(number, "quantity", "", _("Write the output of the product (0 if none)."))
            return
        try:
            quantity = parse_decimal(raw_quantity, quantity_text)
        except CellError as exc:
            self._add(number, "quantity", quantity_text, str(exc))
            return
        if quantity < 0:
            self._add(number, "quantity", quantity_text, _("The output cannot be negative."))
            return
        entry.quantities[product.pk] = quantity.quantize(Decimal("0.01"))

    def _figures(self, number: int, values: Sequence[object], entry: UnitEntry) -> None:
        for name in FIGURE_FIELDS:
            raw, text = self._cell(name, values)
            if not text:
                continue
            try:
                value = parse_int(raw, text)
            except CellError as exc:
                self._add(number, name, text, str(exc))
                continue
            if value < 0:
                self._add(number, name, text, _("This figure cannot be negative."))
                continue
            if value > MAX_FIGURE:
                self._add(number, name, text, _("This number is too large."))
                continue
            if name in entry.figures and entry.figures[name] != value:
                self._add(
                    number,
                    name,
                    text,
                    _("Row %(row)s gives another value of this figure for the same unit; give it once.")
                    % {"row": format_number(entry.figure_rows[name])},
                )
                continue
            entry.figures[name] = value
            entry.figure_rows.setdefault(name, number)

    def _existing_reports(self) -> None:
        states = dict(
            MonthlyReport.objects.filter(
                unit_id__in=list(self.entries), year=self.period.year, month=self.period.number
            ).values_list("unit_id", "state")
        )
        for unit_id, entry in self.entries.items():
            state = states.get(unit_id)
            if state == ReportState.APPROVED:
                message = _("The unit's report of this month is already approved; it is not overwritten.")
            elif state == ReportState.SUBMITTED:
                message = _("The unit's report of this month awaits review; return it first to replace it.")
            else:
                continue
            self._add(entry.first_row, "national_id", entry.unit.national_id, message)
            entry.broken = True

    def _rules(self) -> None:
        rules = list(ValidationRule.objects.filter(active=True))
        metric_of = {rule.code: rule.metric for rule in rules}
        for entry in self.entries.values():
            if entry.broken:
                continue
            report = MonthlyReport(
                unit=entry.unit, year=self.period.year, month=self.period.number, **entry.all_figures()
            )
            lines = [
                services.report_line(product, entry.quantities.get(product.pk, Decimal(0)))
                for product in entry.unit.products.all()
            ]
            month = Figures(
                figures=report.figures(),
                quantities=[line.quantity for line in lines],
                line_utilisations=[line.utilisation for line in lines],
                utilisation=services.overall_utilisation([line.utilisation for line in lines]),
            )
            findings = evaluate(rules, month, services.approved_history(report))
            for finding in findings:
                if finding.is_error:
                    key = METRIC_COLUMN.get(metric_of.get(finding.code, ""), "national_id")
                    if key == "quantity":
                        row = min(entry.product_rows.values(), default=entry.first_row)
                    else:
                        row = entry.figure_rows.get(key, entry.first_row)
                    self._add(row, key, "", finding.message)
                    entry.broken = True
            warnings = [f.message for f in findings if not f.is_error]
            if warnings and not entry.broken:
                self.result.warnings.append(
                    {
                        "row": entry.first_row,
                        "unit": entry.unit.pk,
                        "national_id": entry.unit.national_id,
                        "name": entry.unit.name,
                        "messages": warnings,
                    }
                )


def check_import(batch: ReportImport, *, user: User, progress: bool = False) -> CheckResult:
    """Read the batch's file and check every row against the registry, the month and the validation rules."""
    return _Checker(batch, user).run(progress=progress)


# -- the steps ---------------------------------------------------------------------------------------------


@transaction.atomic
def report_import_create(*, file: UploadedFile, period: Period, by: User) -> ReportImport:
    """Store an uploaded workbook of ``period``'s reports and queue its checking. Raises ``ImportFileError``
    for a refused file, ``ReportError`` for a month that has not ended."""
    if not access.can_import_reports(by):
        raise PermissionDenied
    services.check_month_reportable(period)
    import_file_check(file)
    batch = ReportImport.objects.create(
        file=file,
        original_name=(file.name or "")[-255:],
        year=period.year,
        month=period.number,
        province_id=by.province_id,
        uploaded_by=by,
    )
    from rownaq.monitoring.tasks import validate_report_import

    transaction.on_commit(lambda: validate_report_import.enqueue(batch.pk))
    return batch


def report_import_fail(*, batch: ReportImport, message: str) -> None:
    batch.state = REPORT_IMPORT_STATES.target("fail", batch.state)
    batch.error_message = message
    batch.finished_at = timezone.now()
    batch.save(update_fields=["state", "error_message", "finished_at"])


def _store(batch: ReportImport, result: CheckResult) -> None:
    batch.total_rows = batch.processed_rows = result.total
    batch.unit_count = len(result.entries)
    batch.problems = result.problems[:MAX_STORED_PROBLEMS]
    batch.warnings = result.warnings
    batch.error_message = ""


def report_import_validate(*, batch: ReportImport) -> ReportImport:
    """Check every row of the batch's file and record the problems and warnings (run by the worker)."""
    if not REPORT_IMPORT_STATES.can("validate", batch.state):
        raise ImportStateError(_("This import has already been checked."))
    ReportImport.objects.filter(pk=batch.pk).update(state=ImportState.VALIDATING, processed_rows=0)
    try:
        result = check_import(batch, user=batch.uploaded_by, progress=True)
    except ImportStateError as exc:
        batch.state = ImportState.VALIDATING
        report_import_fail(batch=batch, message=str(exc))
        return batch
    batch.state = REPORT_IMPORT_STATES.target("validate", ImportState.VALIDATING)
    _store(batch, result)
    batch.save()
    return batch


@transaction.atomic
def report_import_confirm(*, batch: ReportImport, by: User) -> ReportImport:
    """The person agrees to write the checked file's reports: queue the commit. Only a file without a single
    problem is written."""
    locked = ReportImport.objects.select_for_update().get(pk=batch.pk)
    if not REPORT_IMPORT_STATES.can("confirm", locked.state):
        raise ImportStateError(_("This import is not waiting for confirmation."))
    if locked.problems:
        raise ImportStateError(
            _("Nothing is imported while a row has a problem. Correct the file and upload it again.")
        )
    if not locked.unit_count:
        raise ImportStateError(_("This file has no report to import."))
    batch.state = REPORT_IMPORT_STATES.target("confirm", locked.state)
    batch.processed_rows = 0
    batch.save(update_fields=["state", "processed_rows"])
    from rownaq.monitoring.tasks import commit_report_import

    transaction.on_commit(lambda: commit_report_import.enqueue(batch.pk, by.pk))
    return batch


def report_import_commit(*, batch: ReportImport, by: User) -> ReportImport:
    """Save and submit every unit's report of the file in one transaction, through the services of the form;
    on any problem nothing is written and the import fails (run by the worker)."""
    if not REPORT_IMPORT_STATES.can("commit", batch.state):
        raise ImportStateError(_("This import is not waiting for confirmation."))
    try:
        result = check_import(batch, user=by)
        if result.problems:
            raise ImportStateError(
                _("The file has problems now (the registry or the reports changed since the check); nothing was saved.")
            )
        explanation = _("Imported from the file %(file)s.") % {"file": batch.original_name}
        with transaction.atomic(), set_actor(by):
            locked = ReportImport.objects.select_for_update().get(pk=batch.pk)
            if locked.state != ImportState.COMMITTING:
                return locked  # another worker finished it meanwhile
            for done, entry in enumerate(result.entries, start=1):
                _write(entry, batch.period, by=by, explanation=explanation)
                if done % PROGRESS_EVERY == 0:
                    ReportImport.objects.filter(pk=batch.pk).update(processed_rows=done, total_rows=len(result.entries))
            batch.state = REPORT_IMPORT_STATES.target("commit", locked.state)
            _store(batch, result)
            batch.finished_at = timezone.now()
            batch.save()
    except ImportStateError as exc:
        report_import_fail(batch=batch, message=str(exc))
        raise
    except Exception as exc:
        logger.exception("Report import %s failed while committing", batch.pk)
        report_import_fail(
            batch=batch,
            message=_("The import failed and nothing was saved. Technical detail: %(detail)s") % {"detail": exc},
        )
        raise
    return batch


def _write(entry: UnitEntry, period: Period, *, by: User, explanation: str) -> None:
    try:
        report = services.report_save(
            unit=entry.unit, period=period, figures=entry.all_figures(), quantities=entry.quantities, by=by
        )
        workflow.report_submit(report=report, by=by, confirm=True, explanation=explanation)
    except (services.ReportError, PermissionDenied) as exc:
        raise ImportStateError(
            _("Row %(row)s (%(unit)s): %(problem)s Nothing was saved.")
            % {"row": format_number(entry.first_row), "unit": entry.unit.name, "problem": exc}
        ) from exc
