"""Official holidays and the weekly days off: data the system admin maintains (official holidays for each year;
Friday off everywhere, Thursday too in a province whose offices close on Thursdays)."""

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


class Weekday(models.IntegerChoices):
    """Days of the week as ``date.weekday()`` numbers them (Monday is 0), in the Iranian week's order."""

    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


class WeeklyDayOff(models.Model):
    """A day of the week government offices are closed: everywhere (no province: Friday) or in one province (e.g.
    Thursday where the province's offices close on Thursdays). Deadlines in working days skip it."""

    province = models.ForeignKey(
        "geography.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: every province."),
    )
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)

    class Meta:
        verbose_name = _("weekly day off")
        verbose_name_plural = _("weekly days off")
        ordering = ["province__code", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["province", "weekday"], name="workdays_day_off_once_per_province"),
            models.UniqueConstraint(
                fields=["weekday"], condition=models.Q(province__isnull=True), name="workdays_day_off_once_everywhere"
            ),
        ]

    def __str__(self) -> str:
        where = self.province.name if self.province is not None else _("every province")
        return f"{self.get_weekday_display()} ({where})"
