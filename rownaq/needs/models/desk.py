"""Needs (demand), capabilities (supply), the matches between them, and proposals that become agreements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rownaq.core.normalise import normalise_digits_only, normalise_fields, normalise_text, search_key

if TYPE_CHECKING:
    from rownaq.geography.places import Places


class NeedKind(models.TextChoices):
    PART = "part", _("Part or component")
    RAW_MATERIAL = "raw_material", _("Raw material")
    MACHINE = "machine", _("Machine or equipment")
    PROCESS = "process", _("Process or technology")
    RESEARCH = "research", _("Research problem")
    SERVICE = "service", _("Service")


class SupplySource(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    OTHER_PROVINCE = "other_province", _("From another province")
    PROVINCE = "province", _("From the province")
    NONE = "none", _("Not supplied yet")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    APPROVED = "approved", _("Only people the owner approves")


class NeedState(models.TextChoices):
    OPEN = "open", _("Open")
    AGREED = "agreed", _("Agreement reached")
    CLOSED = "closed", _("Closed")


class NeedQuerySet(models.QuerySet["Need"]):
    # The lookup from a need to its county (``rownaq.geography.places``).
    PLACE = "unit__county"

    def in_places(self, places: Places) -> NeedQuerySet:
        """The needs of units in a county, a province, several provinces or the nation."""
        return self.filter(places.q(self.PLACE))

    def visible_to(self, user: Any) -> NeedQuerySet:
        """The needs ``user`` may find in lists and search (the rule is ``needs.access.needs_visible_to``)."""
        from rownaq.needs.access import needs_visible_to

        return self & needs_visible_to(user)  # type: ignore[return-value]

    def details_visible_to(self, user: Any) -> NeedQuerySet:
        """The needs whose details ``user`` sees (the rule is ``needs.access.needs_with_details_visible_to``)."""
        from rownaq.needs.access import needs_with_details_visible_to

        return self & needs_with_details_visible_to(user)  # type: ignore[return-value]


class Need(models.Model):
    unit = models.ForeignKey(
        "registry.Unit", verbose_name=_("production unit"), on_delete=models.PROTECT, related_name="needs"
    )
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=15, choices=NeedKind.choices)
    sector = models.ForeignKey(
        "registry.Sector",
        verbose_name=_("ISIC class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)
    annual_quantity = models.DecimalField(_("annual quantity"), max_digits=16, decimal_places=2, null=True, blank=True)
    quantity_unit = models.CharField(_("unit of measure"), max_length=30, blank=True)
    supplied_from = models.CharField(_("supplied today"), max_length=15, choices=SupplySource.choices)
    yearly_value = models.BigIntegerField(_("yearly value (rials)"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    visibility = models.CharField(
        _("details shown"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    reply_days = models.PositiveSmallIntegerField(
        _("days to answer a proposal"),
        default=10,
        help_text=_("The owner promises to answer each proposal within this."),
    )
    state = models.CharField(_("state"), max_length=10, choices=NeedState.choices, default=NeedState.OPEN)
    search_text = models.TextField(editable=False, default="")
    # Raised by every saved change: an edit made from an older version is refused (rownaq.core.versions).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "visibility"], name="needs_need_state")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.normalise()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def normalise(self) -> None:
        normalise_fields(self, "title", "description", "quantity_unit")
        self.hs_code = normalise_digits_only(self.hs_code)
        self.search_text = search_key(f"{self.title} {self.description} {self.hs_code}")


def need_attachment_path(instance: NeedAttachment, filename: str) -> str:
    return f"needs/{instance.need_id}/{filename}"


class NeedAttachment(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=need_attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("drawing or specification")
        verbose_name_plural = _("drawings and specifications")

    def __str__(self) -> str:
        return self.name


class NeedAccessState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class NeedAccess(models.Model):
    """An organisation's access to the details of a need shown only to people the owner approves."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="accesses")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=NeedAccessState.choices, default=NeedAccessState.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access to a need")
        verbose_name_plural = _("accesses to needs")
        constraints = [models.UniqueConstraint(fields=["need", "organisation"], name="needs_access_once")]

    def __str__(self) -> str:
        return f"{self.need_id}/{self.organisation_id}: {self.state}"


class CapabilityQuerySet(models.QuerySet["Capability"]):
    def in_places(self, places: Places) -> CapabilityQuerySet:
        """The capabilities of a province, several provinces or the nation. A capability has a province (its
        owner organisation's) and no county: the places of a county hold the capabilities of its province."""
        if places.nation:
            return self.all()
        from rownaq.geography.models import County

        condition = Q(pk__in=[])
        if places.province_ids:
            condition |= Q(province_id__in=sorted(places.province_ids))
        if places.county_ids:
            counties = County.objects.filter(pk__in=sorted(places.county_ids))
            condition |= Q(province_id__in=counties.values("province_id"))
        return self.filter(condition)

    def visible_to(self, user: Any) -> CapabilityQuerySet:
        """The capabilities ``user`` may see (the rule is ``needs.access.capabilities_visible_to``)."""
        from rownaq.needs.access import capabilities_visible_to

        return self & capabilities_visible_to(user)  # type: ignore[return-value]


class Capability(models.Model):
    """What a university lab, a knowledge-based firm, a technology-park company or a unit can make or do."""

    owner = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="capabilities"
    )
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what it can make or do"))
    sectors = models.ManyToManyField("registry.Sector", verbose_name=_("sectors"), blank=True, related_name="+")
    hs_codes = models.CharField(_("HS codes"), max_length=200, blank=True, help_text=_("Separated by spaces."))
    equipment = models.TextField(_("equipment"), blank=True)
    certifications = models.TextField(_("certifications"), blank=True)
    capacity = models.CharField(_("capacity"), max_length=200, blank=True)
    references = models.TextField(_("references"), blank=True)
    province = models.ForeignKey(
        "geography.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    is_public = models.BooleanField(_("in the public catalogue"), default=True)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)  # as a need's
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CapabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.normalise()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def normalise(self) -> None:
        normalise_fields(self, "title", "description", "equipment", "certifications", "capacity", "references")
        self.hs_codes = " ".join(normalise_digits_only(code) for code in self.hs_codes.split() if code.strip())
        self.search_text = search_key(f"{self.title} {self.description} {self.equipment} {self.hs_codes}")


class Match(models.Model):
    """A capability ranked for a need by the matching engine, with the reasons shown to people."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["need", "rank"]
        constraints = [models.UniqueConstraint(fields=["need", "capability"], name="needs_match_once")]
        indexes = [models.Index(fields=["capability", "score"], name="needs_match_capability")]

    def __str__(self) -> str:
        return f"{self.need_id} ~ {self.capability_id}: {self.score:.3f}"


class SynonymKind(models.TextChoices):
    EQUIVALENT = "equivalent", _("Same meaning")
    RELATED = "related", _("Related concepts")


class SynonymGroup(models.Model):
    """Vocabulary experts extend: words that mean the same thing in Persian industrial text (قالب / مولد;
    CNC / سی‌ان‌سی), or related concepts that answer each other (نیتراسیون / عملیات حرارتی)."""

    terms = models.TextField(
        _("terms"),
        help_text=_(
            "One term per line. Same meaning: all lines can replace each other. Related concepts: a need "
            "written with one is often answered by a capability written with another; they count less than "
            "a shared word."
        ),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=SynonymKind.choices, default=SynonymKind.EQUIVALENT)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vocabulary group")
        verbose_name_plural = _("vocabulary groups")

    def __str__(self) -> str:
        return " / ".join(self.term_list()[:4])

    def term_list(self) -> list[str]:
        return [normalise_text(line) for line in self.terms.splitlines() if line.strip()]


class ProposalState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DeclineReason(models.TextChoices):
    PRICE = "price", _("The price is too high")
    QUALITY = "quality", _("The quality or specification does not fit")
    CAPACITY = "capacity", _("The capacity is not enough")
    TIME = "time", _("It cannot be delivered in time")
    EXPERIENCE = "experience", _("Not enough experience or references")
    SOLVED = "solved", _("The need has been met otherwise")
    OTHER = "other", _("Other")


class ProposalQuerySet(models.QuerySet["Proposal"]):
    # The lookup from a proposal to the county of its need's unit (``rownaq.geography.places``).
    PLACE = "need__unit__county"

    def in_places(self, places: Places) -> ProposalQuerySet:
        """The proposals on needs of units in a county, a province, several provinces or the nation."""
        return self.filter(places.q(self.PLACE))

    def visible_to(self, user: Any) -> ProposalQuerySet:
        """The proposals ``user`` may see (the rule is ``needs.access.proposals_visible_to``)."""
        from rownaq.needs.access import proposals_visible_to

        return self & proposals_visible_to(user)  # type: ignore[return-value]


class Proposal(models.Model):
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="proposals")
    capability = models.ForeignKey(
        Capability,
        verbose_name=_("capability"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="proposals")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("offer"))
    price = models.BigIntegerField(_("price (rials)"), null=True, blank=True)
    delivery = models.CharField(_("delivery time"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=ProposalState.choices, default=ProposalState.SUBMITTED)
    decline_reason = models.CharField(_("reason"), max_length=12, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    first_reply_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "organisation"],
                condition=~models.Q(state="withdrawn"),
                name="needs_one_live_proposal_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.need_id} ← {self.organisation_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        normalise_fields(self, "text", "decline_note")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ProposalMessage(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def save(self, *args: object, **kwargs: object) -> None:
        normalise_fields(self, "text")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ProposalEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Proposal submitted")
    SHORTLISTED = "shortlisted", _("Added to the shortlist")
    MESSAGE = "message", _("Message written")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REMINDED = "reminded", _("The need's owner was reminded to answer")


class ProposalEvent(models.Model):
    """One step in a proposal's history, written by the service that took it (``by`` is empty for the
    reminder job)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=ProposalEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal history")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.kind}"


class Agreement(models.Model):
    """An accepted proposal; once delivered, it counts as domestic manufacture achieved."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="agreement")
    value = models.BigIntegerField(_("value (rials)"))
    signed_on = models.DateField(_("signed on"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    import_value_replaced = models.BigIntegerField(
        _("imports replaced per year (rials)"),
        null=True,
        blank=True,
        help_text=_("What is no longer bought from outside."),
    )
    currency_saved_usd = models.DecimalField(
        _("foreign currency saved per year (US dollars)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.value}"


class DomesticTarget(models.Model):
    """The province's target of domestic manufacture for a Jalali year, in rials."""

    province = models.ForeignKey("geography.Province", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    value = models.BigIntegerField(_("target (rials)"))

    class Meta:
        verbose_name = _("domestic-manufacture target")
        verbose_name_plural = _("domestic-manufacture targets")
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="needs_target_once")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}"
