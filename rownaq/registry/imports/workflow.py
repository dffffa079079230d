"""The steps of an import, run by the pages and the worker: create, validate, confirm, commit, fail.

The allowed moves of a batch are the table ``IMPORT_STATES`` (the shape of ``rownaq.core.workflow``).

The commit checks the file again and writes every valid row, and creates the new industrial
estates the rows name, in one transaction: on any error nothing is written and the batch fails.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from rownaq.accounts.models import User
from rownaq.core.workflow import StateMachine, Transition
from rownaq.geography.models import IndustrialEstate
from rownaq.registry.imports.checks import (
    CHUNK,
    ImportStateError,
    RowData,
    check_batch,
    chunks,
    import_file_check,
    set_progress,
)
from rownaq.registry.imports.lookups import EstateKey, NewEstate
from rownaq.registry.models import ImportBatch, ImportState, Licence, LicenceKind, StatusChange, Unit

logger = logging.getLogger(__name__)

_I = ImportState
# The whole life of a batch: checked by the worker, confirmed by the person, committed by the worker.
IMPORT_STATES: StateMachine[ImportBatch] = StateMachine(
    {
        "validate": Transition(_I.VALIDATED.label, frozenset({_I.PENDING, _I.VALIDATING}), _I.VALIDATED),
        "confirm": Transition(_I.COMMITTING.label, frozenset({_I.VALIDATED}), _I.COMMITTING),
        "commit": Transition(_I.COMMITTED.label, frozenset({_I.VALIDATED, _I.COMMITTING}), _I.COMMITTED),
        "fail": Transition(
            _I.FAILED.label, frozenset({_I.PENDING, _I.VALIDATING, _I.VALIDATED, _I.COMMITTING}), _I.FAILED
        ),
    },
    initial=_I.PENDING,
)


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


def import_batch_fail(*, batch: ImportBatch, message: str) -> None:
    batch.state = IMPORT_STATES.target("fail", batch.state)
    batch.error_message = message
    batch.finished_at = timezone.now()
    batch.save(update_fields=["state", "error_message", "finished_at"])


def import_batch_validate(*, batch: ImportBatch) -> ImportBatch:
    """Check every row of the batch's file and record the problems and counts (run by the worker)."""
    if not IMPORT_STATES.can("validate", batch.state):
        raise ImportStateError(_("This import has already been checked."))
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.VALIDATING, processed_rows=0)
    try:
        result = check_batch(batch, user=batch.uploaded_by, progress=True)
    except ImportStateError as exc:
        import_batch_fail(batch=batch, message=str(exc))
        return batch
    batch.state = IMPORT_STATES.target("validate", ImportState.VALIDATING)
    batch.total_rows = batch.processed_rows = result.total
    batch.valid_rows, batch.new_rows, batch.updated_rows = len(result.rows), result.new, result.updated
    batch.problems = result.stored_problems()
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
    if not IMPORT_STATES.can("confirm", locked.state):
        raise ImportStateError(_("This import is not waiting for confirmation."))
    if not locked.valid_rows:
        raise ImportStateError(_("This file has no valid row to import."))
    batch.state = IMPORT_STATES.target("confirm", locked.state)
    batch.processed_rows = 0
    batch.save(update_fields=["state", "processed_rows"])
    from rownaq.registry.tasks import commit_import_batch

    transaction.on_commit(lambda: commit_import_batch.enqueue(batch.pk, by.pk))
    return batch


def import_batch_commit(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Create or update every valid row in one transaction; on any error nothing is written and the batch fails.

    Safe to run twice: a committed batch is left alone, and rows are matched on the national ID.
    """
    if not IMPORT_STATES.can("commit", batch.state):
        raise ImportStateError(_("This import is not waiting for confirmation."))
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.COMMITTING, processed_rows=0)
    try:
        result = check_batch(batch, user=by, progress=True)
        set_progress(batch, result.total, result.total)
        with transaction.atomic(), set_actor(by):
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.state != ImportState.COMMITTING:
                return locked  # another worker finished it meanwhile
            _create_estates(result.new_estates.values(), rows=result.rows)
            created, updated = _write_rows(
                result.rows, by=by, note=_("Imported from %(file)s") % {"file": batch.original_name}
            )
            batch.state = IMPORT_STATES.target("commit", locked.state)
            batch.total_rows = batch.processed_rows = result.total
            batch.valid_rows, batch.new_rows, batch.updated_rows = len(result.rows), created, updated
            batch.problems = result.stored_problems()
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


def _create_estates(estates: Iterable[NewEstate], *, rows: list[RowData]) -> None:
    """Create the new estates the rows name, each once, and point those rows' units at them."""
    created: dict[EstateKey, int] = {}
    for new in estates:
        estate, _created = IndustrialEstate.objects.get_or_create(
            county=new.county, name=new.name, defaults={"kind": new.kind}
        )
        created[new.key] = estate.pk
    for row in rows:
        if row.new_estate is not None:
            row.unit_fields["estate_id"] = created[row.new_estate.key]


def _write_rows(rows: list[RowData], *, by: User, note: str) -> tuple[int, int]:
    today = timezone.localdate()
    units: dict[str, Unit] = {}
    for chunk in chunks([row.national_id for row in rows]):
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
    StatusChange.objects.bulk_create(history, batch_size=CHUNK)
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
