"""Early warning: each unit's risk score for a Jalali month (with the reasons behind it), the monthly run that
computes a province's scores, and the preventive actions experts plan for the units on the watch list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rownaq.core.periods import Period

__all__ = ["ActionKind", "PreventiveAction", "RiskRun", "RiskRunState", "RiskScore"]


class RiskScore(models.Model):
    """The likelihood that a unit goes idle or closes within six months after a month, from the model of that
    month. ``reasons`` are codes with their figures (``[{"code": ..., "params": {...}}]``), rendered in the
    reader's language when shown (``risk_reasons.reason_text``)."""

    unit = models.ForeignKey(
        "registry.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="risk_scores"
    )
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    month = models.PositiveSmallIntegerField(_("Jalali month"))
    score = models.FloatField(_("risk (0 to 1)"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    model_version = models.CharField(_("model version"), max_length=80)

    class Meta:
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        ordering = ["-year", "-month", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="monitoring_risk_once_per_month"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=1), name="monitoring_risk_score_range"),
        ]
        indexes = [models.Index(fields=["year", "month", "-score"], name="monitoring_risk_month_score")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}/{self.month}: {self.score:.2f}"

    @property
    def period(self) -> Period:
        return Period.month(self.year, self.month)


class RiskRunState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RiskRun(models.Model):
    """One month's retraining and rescoring of a province (one per province and month: the task is idempotent)."""

    province = models.ForeignKey(
        "geography.Province", verbose_name=_("province"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    month = models.PositiveSmallIntegerField(_("Jalali month"))
    state = models.CharField(_("state"), max_length=8, choices=RiskRunState.choices, default=RiskRunState.RUNNING)
    step = models.CharField(_("step"), max_length=120, blank=True)
    total_units = models.PositiveIntegerField(_("units"), default=0)
    scored_units = models.PositiveIntegerField(_("units scored"), default=0)
    model_version = models.CharField(_("model version"), max_length=80, blank=True)
    message = models.TextField(_("message"), blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk scoring run")
        verbose_name_plural = _("risk scoring runs")
        ordering = ["-year", "-month", "-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "month"], name="monitoring_risk_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}/{self.month} {self.state}"

    @property
    def period(self) -> Period:
        return Period.month(self.year, self.month)


class ActionKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    REFERRAL = "referral", _("Referral")
    CALL = "call", _("Call")


class PreventiveAction(models.Model):
    """What an expert plans for a unit at risk: a visit, a referral or a call, with an owner and a due date."""

    unit = models.ForeignKey(
        "registry.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="preventive_actions"
    )
    kind = models.CharField(_("action"), max_length=10, choices=ActionKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("due date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("preventive action")
        verbose_name_plural = _("preventive actions")
        ordering = ["done", "due", "pk"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.due}"
