"""The record every state machine keeps (``rownaq.core.workflow``): one row per step, saying who moved the
row, when, from which state to which, and why. An app's history model inherits it, adds the foreign key to
its own row, and may narrow ``from_state``/``to_state`` to its states' choices. And the progress of a
background job over rows (``RowProgress``), shown as a bar."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionRecord(models.Model):
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=12, blank=True)
    to_state = models.CharField(_("to"), max_length=12)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )  # empty: the system (a background job)
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} → {self.to_state}"


class RowProgress:
    """A background job's share of rows done, for its progress bar: mixed into a model that has
    ``total_rows`` and ``processed_rows`` (imports, agencies' feeds)."""

    total_rows: int
    processed_rows: int

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(self.processed_rows * 100 / self.total_rows))
