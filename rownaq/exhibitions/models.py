"""Exhibitions of the Industry Needs Desk and of small industries: halls, booths, exhibitors, visitors, B2B meetings.

These models moved here from ``rownaq.needs``; their tables keep the old names (``needs_*``, see each
``Meta.db_table``), so no data moved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rownaq.core.normalise import normalise_digits_only, normalise_fields, normalise_text


class ExhibitionKind(models.TextChoices):
    NEEDS_DESK = "needs_desk", _("Industry Needs Desk exhibition")
    SMALL_INDUSTRIES = "small_industries", _("Small industries' capabilities")
    OTHER = "other", _("Other")


class Exhibition(models.Model):
    province = models.ForeignKey("geography.Province", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ExhibitionKind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    venue = models.CharField(_("venue"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    meeting_minutes = models.PositiveSmallIntegerField(_("length of a B2B meeting (minutes)"), default=30)

    class Meta:
        db_table = "needs_exhibition"
        verbose_name = _("exhibition")
        verbose_name_plural = _("exhibitions")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        normalise_fields(self, "title", "venue", "description")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Hall(models.Model):
    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="halls")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        db_table = "needs_hall"
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        constraints = [models.UniqueConstraint(fields=["exhibition", "name"], name="needs_hall_name")]

    def __str__(self) -> str:
        return self.name


class Exhibitor(models.Model):
    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="exhibitors")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    needs = models.ManyToManyField("needs.Need", verbose_name=_("needs on show"), blank=True, related_name="+")
    capabilities = models.ManyToManyField(
        "needs.Capability", verbose_name=_("capabilities on show"), blank=True, related_name="+"
    )

    class Meta:
        db_table = "needs_exhibitor"
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
        constraints = [models.UniqueConstraint(fields=["exhibition", "organisation"], name="needs_exhibitor_once")]

    def __str__(self) -> str:
        return str(self.organisation_id)


class Booth(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="booths")
    code = models.CharField(_("booth"), max_length=20)
    exhibitor = models.OneToOneField(
        Exhibitor, verbose_name=_("exhibitor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="booth"
    )

    class Meta:
        db_table = "needs_booth"
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="needs_booth_code")]

    def __str__(self) -> str:
        return self.code


class VisitorRegistration(models.Model):
    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="visitors")
    name = models.CharField(_("name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("mobile"), max_length=20)
    email = models.EmailField(_("email"), blank=True)
    visit_on = models.DateField(_("day of visit"), null=True, blank=True)
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "needs_visitorregistration"
        verbose_name = _("visitor registration")
        verbose_name_plural = _("visitor registrations")
        constraints = [models.UniqueConstraint(fields=["exhibition", "phone"], name="needs_visitor_once")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name, self.organisation = normalise_text(self.name), normalise_text(self.organisation)
        self.phone = normalise_digits_only(self.phone)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class B2BMeeting(models.Model):
    """A need owner and a capability owner meet at the exhibition in a time slot, at a booth."""

    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="meetings")
    need = models.ForeignKey("needs.Need", on_delete=models.PROTECT, related_name="+")
    capability = models.ForeignKey("needs.Capability", on_delete=models.PROTECT, related_name="+")
    booth = models.ForeignKey(Booth, verbose_name=_("booth"), on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "needs_b2bmeeting"
        verbose_name = _("B2B meeting")
        verbose_name_plural = _("B2B meetings")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["exhibition", "starts_at"], name="needs_b2b_time")]

    def __str__(self) -> str:
        return f"{self.need_id} × {self.capability_id} @ {self.starts_at}"
