"""Provinces, counties and the industrial estates and zones where production units stand."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rownaq.core.normalise import normalise_text


class Province(models.Model):
    code = models.CharField(_("SCI code"), max_length=2, unique=True, help_text=_("Equals the ISO 3166-2 number."))
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class County(models.Model):
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="counties"
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    sci_code = models.CharField(_("SCI code"), max_length=6, blank=True)
    osm_relation = models.BigIntegerField(_("OpenStreetMap relation"), null=True, blank=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        constraints = [models.UniqueConstraint(fields=["province", "name"], name="geography_county_unique_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = normalise_text(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class EstateKind(models.TextChoices):
    ESTATE = "estate", _("Industrial estate")
    ZONE = "zone", _("Industrial zone")
    SPECIAL_ZONE = "special_zone", _("Special economic zone")
    TECH_PARK = "tech_park", _("Science and technology park")


class IndustrialEstate(models.Model):
    county = models.ForeignKey(County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="estates")
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=EstateKind.choices, default=EstateKind.ESTATE)
    area_hectares = models.DecimalField(_("area (hectares)"), max_digits=10, decimal_places=1, null=True, blank=True)
    plots = models.PositiveIntegerField(_("number of plots"), null=True, blank=True)

    class Meta:
        verbose_name = _("industrial estate or zone")
        verbose_name_plural = _("industrial estates and zones")
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="geography_estate_unique_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = normalise_text(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
