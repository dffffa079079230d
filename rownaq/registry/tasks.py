"""Background work of the registry: checking and committing Excel imports (run by ``manage.py db_worker``).

Both tasks are safe to run twice: each first claims the batch by moving it out of the state it
expects, and does nothing if the batch has already moved on.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from rownaq.accounts.models import User
from rownaq.registry.imports import import_batch_commit, import_batch_fail, import_batch_validate
from rownaq.registry.imports.workflow import IMPORT_STATES
from rownaq.registry.models import ImportBatch, ImportState

logger = logging.getLogger(__name__)


def _unexpected_failure(batch_id: int, exc: Exception) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.state != ImportState.FAILED:  # the service has not recorded (nor logged) the failure itself
        logger.exception("Import %s failed", batch_id)
        import_batch_fail(
            batch=batch,
            message=_("The import failed and nothing was saved. Technical detail: %(detail)s") % {"detail": exc},
        )


@task()
def validate_import_batch(batch_id: int) -> None:
    claimed = ImportBatch.objects.filter(pk=batch_id, state__in=IMPORT_STATES["validate"].sources).update(
        state=ImportState.VALIDATING
    )
    if not claimed:
        return  # already checked (or cancelled): nothing to do
    batch = ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            import_batch_validate(batch=batch)
        except Exception as exc:
            _unexpected_failure(batch_id, exc)


@task()
def commit_import_batch(batch_id: int, user_id: int) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.state != ImportState.COMMITTING:
        return  # already committed, failed or not confirmed: nothing to do
    user = User.objects.get(pk=user_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            import_batch_commit(batch=batch, by=user)
        except Exception as exc:
            _unexpected_failure(batch_id, exc)
