"""Official holidays: data the system admin maintains for each year (Fridays are always off)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rownaq.core.normalise import normalise_text


class Holiday(models.Model):
    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("occasion"), max_length=150)

    class Meta:
        verbose_name = _("official holiday")
        verbose_name_plural = _("official holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = normalise_text(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
