"""The registry of production units: sectors (ISIC Rev.4), units, their licences, products and contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rownaq.core.collation import persian_sort_string
from rownaq.core.models import RowProgress
from rownaq.core.normalise import normalise_digits_only, normalise_text, search_key, to_persian_digits
from rownaq.registry.validators import validate_hs_code, validate_national_id

if TYPE_CHECKING:
    from rownaq.geography.places import Places


class SectorLevel(models.TextChoices):
    SECTION = "section", _("Section")
    DIVISION = "division", _("Division")
    GROUP = "group", _("Group")
    CLASS = "class", _("Class")


class Sector(models.Model):
    """An ISIC Rev.4 heading: section (letter), division (2 digits), group (3) or class (4)."""

    code = models.CharField(_("ISIC code"), max_length=4, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=SectorLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    title = models.CharField(_("Persian title"), max_length=300, blank=True)
    title_en = models.CharField(_("English title"), max_length=300)

    class Meta:
        verbose_name = _("sector (ISIC)")
        verbose_name_plural = _("sectors (ISIC)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title or self.title_en}"

    @property
    def display_title(self) -> str:
        return self.title or self.title_en

    @property
    def choice_label(self) -> str:
        """The heading as a drop-down shows it: its code in Persian digits and its title."""
        return f"{to_persian_digits(self.code)} — {self.display_title}"

    @property
    def division(self) -> Sector | None:
        node: Sector | None = self
        while node is not None and node.level not in (SectorLevel.DIVISION, SectorLevel.SECTION):
            node = node.parent
        return node if node is not None and node.level == SectorLevel.DIVISION else None


class UnitStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SEMI_ACTIVE = "semi_active", _("Semi-active")
    IDLE = "idle", _("Idle")
    CLOSED = "closed", _("Closed")


class UnitQuerySet(models.QuerySet["Unit"]):
    def in_places(self, places: Places) -> UnitQuerySet:
        """The units of a county, a province, several provinces or the nation."""
        return self.filter(places.q("county"))

    def visible_to(self, user: Any) -> UnitQuerySet:
        """The units ``user`` may see (the rule is ``registry.access.units_visible_to``)."""
        from rownaq.registry.access import units_visible_to

        return self & units_visible_to(user)  # type: ignore[return-value]


class Unit(models.Model):
    name = models.CharField(_("name"), max_length=200)
    national_id = models.CharField(
        _("national ID"),
        max_length=11,
        unique=True,
        validators=[validate_national_id],
        help_text=_("The 11-digit national ID of the legal entity."),
    )
    owner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("owning company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector (ISIC class)"), on_delete=models.PROTECT, related_name="units"
    )
    county = models.ForeignKey(
        "geography.County", verbose_name=_("county"), on_delete=models.PROTECT, related_name="units"
    )
    estate = models.ForeignKey(
        "geography.IndustrialEstate",
        verbose_name=_("industrial estate or zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    address = models.CharField(_("address"), max_length=400, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.ACTIVE)
    status_since = models.DateField(_("status effective from"), default=timezone.localdate)
    is_exporter = models.BooleanField(_("exporter"), default=False)
    is_knowledge_based = models.BooleanField(_("knowledge-based"), default=False)
    search_text = models.TextField(editable=False, default="")
    name_sort = models.CharField(editable=False, max_length=200, default="", db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("production unit")
        verbose_name_plural = _("production units")
        indexes = [
            models.Index(fields=["status"], name="registry_unit_status"),
            models.Index(fields=["county", "status"], name="registry_unit_county_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.normalise()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "search_text", "name_sort"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        self.normalise()  # a name of only invisible characters is empty, and refused as such
        super().clean_fields(exclude=exclude)

    def normalise(self) -> None:
        """Persian text and identifiers as they are stored and searched (see ``rownaq.core.normalise``)."""
        self.name = normalise_text(self.name)
        self.address = normalise_text(self.address)
        self.national_id = normalise_digits_only(self.national_id)
        self.postal_code = normalise_digits_only(self.postal_code)
        self.search_text = search_key(f"{self.name} {self.national_id}")
        self.name_sort = persian_sort_string(self.name)


class StatusChange(models.Model):
    """The history of a unit's status: what it became, from when, who recorded it and why."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(_("previous status"), max_length=12, choices=UnitStatus.choices, blank=True)
    new_status = models.CharField(_("new status"), max_length=12, choices=UnitStatus.choices)
    effective_on = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-effective_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.old_status} → {self.new_status}"


class LicenceKind(models.TextChoices):
    OPERATING = "operating", _("Operating licence")
    ESTABLISHMENT = "establishment", _("Establishment permit")


class Licence(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="licences")
    kind = models.CharField(_("kind"), max_length=15, choices=LicenceKind.choices)
    number = models.CharField(_("number"), max_length=40)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="registry_licence_one_per_kind")]
        indexes = [models.Index(fields=["kind", "expires_on"], name="registry_licence_expiry")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.number = normalise_text(self.number)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_additional_data(self) -> dict[str, int]:
        """Stored with every audit-log entry, so the unit's page can show changes to its details."""
        return {"unit_id": self.unit_id}

    def is_expired(self, today: dt.date | None = None) -> bool:
        return self.expires_on is not None and self.expires_on < (today or timezone.localdate())


class Product(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("product"), max_length=200)
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True, validators=[validate_hs_code])
    measure = models.CharField(_("unit of measure"), max_length=30)
    nominal_capacity = models.DecimalField(_("nominal annual capacity"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = normalise_text(self.name)
        self.measure = normalise_text(self.measure)
        self.hs_code = normalise_digits_only(self.hs_code)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_additional_data(self) -> dict[str, int]:
        """Stored with every audit-log entry, so the unit's page can show changes to its details."""
        return {"unit_id": self.unit_id}


class Contact(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    position = models.CharField(_("position"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = normalise_text(self.name)
        self.position = normalise_text(self.position)
        self.phone = normalise_digits_only(self.phone)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_additional_data(self) -> dict[str, int]:
        """Stored with every audit-log entry, so the unit's page can show changes to its details."""
        return {"unit_id": self.unit_id}


class ImportState(models.TextChoices):
    PENDING = "pending", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking rows")
    VALIDATED = "validated", _("Checked, waiting for confirmation")
    COMMITTING = "committing", _("Importing")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportBatch(RowProgress, models.Model):
    """One uploaded Excel file of units: checked in the background, previewed, then committed."""

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=ImportState.choices, default=ImportState.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    new_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("unit import")
        verbose_name_plural = _("unit imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
