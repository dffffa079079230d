"""Units' status by rules and by people: the status rules the admin edits, an expert's override of a unit's
status (which the rules then leave alone), and the record of each province's monthly evaluation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rownaq.monitoring.models import Operator
from rownaq.registry.models import UnitStatus

# The statuses a rule may set (closed is set only by a person).
RULE_STATUSES = [(s.value, s.label) for s in (UnitStatus.ACTIVE, UnitStatus.SEMI_ACTIVE, UnitStatus.IDLE)]


class StatusRule(models.Model):
    """A rule that moves a unit to ``to_status`` when, in each of its last ``months`` months, its capacity
    utilisation compares to ``threshold`` by ``operator`` (for a month without a reported utilisation, its
    electricity use as % of its usual is compared to ``electricity_threshold``, if set)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    to_status = models.CharField(_("new status"), max_length=12, choices=RULE_STATUSES)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices, default=Operator.LT)
    threshold = models.DecimalField(_("capacity utilisation (%)"), max_digits=6, decimal_places=1, default=Decimal(50))
    months = models.PositiveSmallIntegerField(
        _("months in a row"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    electricity_threshold = models.DecimalField(
        _("electricity use (% of usual), for months not reported"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Leave empty: a month without a report breaks the run."),
    )
    message = models.CharField(
        _("note"),
        max_length=200,
        help_text=_("Written in the unit's history; {threshold}, {months} and {values} are replaced."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("status rule")
        verbose_name_plural = _("status rules")
        ordering = ["to_status", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(months__gte=1, months__lte=12), name="monitoring_status_months")
        ]

    def __str__(self) -> str:
        return self.code


class StatusOverride(models.Model):
    """An expert's decision on a unit's status, with the reason: the rules leave the unit alone while it holds
    (until it is lifted, or after ``until``)."""

    unit = models.ForeignKey(
        "registry.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="status_overrides"
    )
    status = models.CharField(_("status"), max_length=12, choices=UnitStatus.choices)
    reason = models.TextField(_("reason"))
    until = models.DateField(_("holds until"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("set at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lifted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("status override")
        verbose_name_plural = _("status overrides")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(lifted_at__isnull=True), name="monitoring_override_one_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.status}"

    def holds(self, day: dt.date | None = None) -> bool:
        return self.lifted_at is None and (self.until is None or self.until >= (day or timezone.localdate()))


class StatusEvaluation(models.Model):
    """A province's monthly evaluation of its units' statuses by the rules: once per province and month."""

    province = models.ForeignKey("geography.Province", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    changes = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status evaluation")
        verbose_name_plural = _("status evaluations")
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "month"], name="monitoring_status_evaluation_once")
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}/{self.month}"
