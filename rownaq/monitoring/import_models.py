"""A month's reports imported from an Excel workbook (as a province receives them from the national statistics
system): the uploaded file, the month it is for, its progress, the problems of its rows and the warnings of
its units. The steps are in ``rownaq.monitoring.report_imports``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rownaq.core.models import RowProgress
from rownaq.core.periods import Period
from rownaq.registry.models import ImportState

__all__ = ["ReportImport"]


class ReportImport(RowProgress, models.Model):
    """One uploaded workbook of a month's reports: checked in the background, previewed, then committed whole."""

    file = models.FileField(_("file"), upload_to="report-imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    month = models.PositiveSmallIntegerField(_("Jalali month"))
    province = models.ForeignKey(
        "geography.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=ImportState.choices, default=ImportState.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    unit_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import of monthly reports")
        verbose_name_plural = _("imports of monthly reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def period(self) -> Period:
        return Period.month(self.year, self.month)
