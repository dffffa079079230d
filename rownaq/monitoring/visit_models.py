"""Field visits to production units: who of which agency plans to go and when, what they found (a short
questionnaire in the spirit of business-retention visit surveys, free notes, photos, a green, yellow or red
flag) and which follow-ups were opened. A visit carries the UUID its form generated, so that a visit sent
twice (a phone that was offline retries) is stored once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outlook(models.TextChoices):
    UP = "up", _("Rising")
    SAME = "same", _("About the same")
    DOWN = "down", _("Falling")


class VisitObstacle(models.TextChoices):
    WORKING_CAPITAL = "working_capital", _("Working capital")
    RAW_MATERIAL = "raw_material", _("Raw material")
    MARKET = "market", _("Market")
    ENERGY = "energy", _("Energy")
    LICENCE = "licence", _("Licence")
    EQUIPMENT = "equipment", _("Equipment")
    STAFF = "staff", _("Staff")
    OTHER = "other", _("Other")


class ExpansionPlan(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNDECIDED = "undecided", _("Undecided")


class VisitFlag(models.TextChoices):
    GREEN = "green", _("Green: no concern")
    YELLOW = "yellow", _("Yellow: to watch")
    RED = "red", _("Red: needs help now")


# The flags that offer follow-ups (a revival case, an obstacle case).
CONCERN_FLAGS = frozenset({VisitFlag.YELLOW, VisitFlag.RED})


class Visit(models.Model):
    """One agency's visit to one unit: planned for a day, and once made, its answers, notes, photos and flag."""

    uuid = models.UUIDField(_("visit key"), unique=True, editable=False)
    unit = models.ForeignKey("registry.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="visits")
    agency = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visitor"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_on = models.DateField(_("planned for"))
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    sales_outlook = models.CharField(_("sales outlook"), max_length=4, choices=Outlook.choices, blank=True)
    employment_outlook = models.CharField(_("employment outlook"), max_length=4, choices=Outlook.choices, blank=True)
    main_obstacle = models.CharField(_("main obstacle"), max_length=16, choices=VisitObstacle.choices, blank=True)
    expansion = models.CharField(_("expansion plans"), max_length=9, choices=ExpansionPlan.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    flag = models.CharField(_("flag"), max_length=6, choices=VisitFlag.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        ordering = ["planned_on", "pk"]
        indexes = [models.Index(fields=["planned_on"], name="monitoring_visit_planned")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.planned_on}"

    @property
    def day(self) -> dt.date:
        """The day the visit is shown on: the day it was made, or else the day it is planned for."""
        return self.visited_on or self.planned_on

    @property
    def is_done(self) -> bool:
        return self.visited_on is not None

    @property
    def offers_follow_ups(self) -> bool:
        return self.flag in CONCERN_FLAGS


def visit_photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"visits/{instance.visit_id}/{filename}"


class VisitPhoto(models.Model):
    """A photo taken on a visit (PNG or JPEG), shown only to those who may see the visit's details."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=visit_photo_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class FollowUpKind(models.TextChoices):
    REVIVAL_CASE = "revival_case", _("Revival case opened")
    OBSTACLE_CASE = "obstacle_case", _("Obstacle case form opened")


class VisitFollowUp(models.Model):
    """What was done about a yellow or red visit: a revival case opened, or the obstacle case form opened for
    the unit (monitoring cannot see the obstacle case itself; its reference may be typed)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("follow-up"), max_length=14, choices=FollowUpKind.choices)
    revival_case = models.ForeignKey(
        "monitoring.RevivalCase", verbose_name=_("revival case"), null=True, blank=True, on_delete=models.SET_NULL
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("visit follow-up")
        verbose_name_plural = _("visit follow-ups")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.kind}"


__all__ = [
    "CONCERN_FLAGS",
    "ExpansionPlan",
    "FollowUpKind",
    "Outlook",
    "Visit",
    "VisitFlag",
    "VisitFollowUp",
    "VisitObstacle",
    "VisitPhoto",
]
