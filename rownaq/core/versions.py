"""Two people editing one shared record never overwrite each other (optimistic locking).

A shared record (a unit, a need, a capability, a case) carries a ``version`` that every saved change
raises by one. An edit form sends back, in a hidden field, the version the person loaded; an API update
sends it as ``version``. The service locks the row and refuses the change (``StaleEditError``) if the
version is no longer the one the person saw: someone else saved in between, and their change must not
be silently lost. Pages show the message above the form (what was typed is kept); the API answers 409
(``rownaq.core.api``).
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils.functional import Promise

M = TypeVar("M", bound=models.Model)


class StaleEditError(Exception):
    """Someone else saved the record after this person loaded it; the message says so, for the person."""


def lock_for_edit(model: type[M], *, pk: object, expected_version: int | None, message: str | Promise) -> M:
    """The row of ``model`` locked for this transaction (the caller holds ``transaction.atomic``), or
    ``StaleEditError`` if ``expected_version`` is given and is not the row's version any more."""
    locked = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and locked.version != expected_version:  # type: ignore[attr-defined]
        raise StaleEditError(str(message))
    return locked
