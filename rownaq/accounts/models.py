"""People and the organisations they work for; a person's role decides what they see and change."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from rownaq.core.normalise import normalise_text


class OrganisationKind(models.TextChoices):
    GOVERNORATE = "governorate", _("Governorate")
    SMT = "smt", _("Industry, Mine and Trade Organisation")
    BANK = "bank", _("Bank")
    AGENCY = "agency", _("Executive agency")
    UNIVERSITY = "university", _("University")
    KNOWLEDGE_FIRM = "knowledge_firm", _("Knowledge-based firm")
    TECH_PARK = "tech_park", _("Science and technology park")
    UNIT_COMPANY = "unit_company", _("Production-unit company")
    INVESTOR = "investor", _("Investor")


class AgencyCode(models.TextChoices):
    """Which executive agency an organisation is, so cases are routed to the right one in each province."""

    BANK = "bank", _("Bank")
    TAX = "tax", _("Tax administration")
    SOCIAL_SECURITY = "social_security", _("Social Security Organisation")
    ELECTRICITY = "electricity", _("Electricity distribution company")
    GAS = "gas", _("Gas company")
    WATER = "water", _("Water and wastewater company")
    ENVIRONMENT = "environment", _("Environment protection")
    CUSTOMS = "customs", _("Customs")
    STANDARDS = "standards", _("Standards organisation")
    MUNICIPALITY = "municipality", _("Municipality")
    JUDICIARY = "judiciary", _("Courts and judiciary")
    ESTATES = "estates", _("Industrial estates company")
    SMT = "smt", _("Industry, Mine and Trade Organisation")
    LABOUR = "labour", _("Labour and social welfare")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    province = models.ForeignKey(
        "geography.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Leave empty for a national organisation."),
    )
    national_id = models.CharField(_("national ID"), max_length=11, blank=True)
    agency_code = models.CharField(
        _("agency"),
        max_length=20,
        choices=AgencyCode.choices,
        blank=True,
        help_text=_("For executive agencies and banks."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "kind", "province"], name="accounts_organisation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = normalise_text(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    GOVERNORATE_DEPUTY = "governorate_deputy", _("Governorate deputy")
    SMT_EXPERT = "smt_expert", _("SMT expert")
    AGENCY_LIAISON = "agency_liaison", _("Agency liaison")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    KNOWLEDGE_MEMBER = "knowledge_member", _("University or firm member")
    INVESTOR = "investor", _("Investor")


# Roles that work for the province and see its whole registry.
PROVINCE_STAFF_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.GOVERNORATE_DEPUTY, Role.SMT_EXPERT})
# Roles that may add and change any unit in their province.
REGISTRY_EDITOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SMT_EXPERT})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.UNIT_MANAGER)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_province_staff(self) -> bool:
        return self.is_active and (self.role in PROVINCE_STAFF_ROLES or self.is_superuser)

    @property
    def is_expert(self) -> bool:
        """An SMT expert or a system administrator (or a superuser): edits the registry, files and
        triages cases, posts needs for any unit, runs the desk's exhibitions."""
        return self.is_active and (self.role in REGISTRY_EDITOR_ROLES or self.is_superuser)

    @property
    def can_edit_registry(self) -> bool:
        return self.is_expert

    def serves_province(self, province_id: int | None) -> bool:
        """Whether this person's province-wide rights reach ``province_id``: their own province;
        every province for national staff (no province) and superusers; anything without a province."""
        return self.is_superuser or self.province_id is None or province_id is None or self.province_id == province_id

    @property
    def province_id(self) -> int | None:
        """The province this person works in, or ``None`` for national staff."""
        if self.organisation_id is None:
            return None
        return self.organisation.province_id  # type: ignore[union-attr]


class LoginFailure(models.Model):
    """A failed sign-in (the login page, the admin's or the API token endpoint): enough of them for one
    username, or from one address, in a short time pause sign-ins (``rownaq.accounts.lockout``)."""

    username = models.CharField(max_length=150, db_index=True)  # folded to lower case
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")

    def __str__(self) -> str:
        return f"{self.username} {self.ip or ''} {self.at:%Y-%m-%d %H:%M}"
