"""An obstacle case: what a production unit reports, who must answer it, and what came of it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rownaq.core.models import TransitionRecord
from rownaq.core.normalise import normalise_fields, normalise_text, search_key
from rownaq.geography.places import Places


class ObstacleCategory(models.Model):
    """A kind of obstacle, from the World Bank Enterprise Surveys' list and Iran's own specifics.

    ``agency_codes`` name the executive agencies a case of this category is referred to by default
    (``Organisation.agency_code``); a case is routed to those of its own province.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150)
    parent = models.ForeignKey(
        "self", verbose_name=_("group"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=[("wbes", _("World Bank Enterprise Surveys")), ("iran", _("Iranian specific"))],
        default="wbes",
    )
    agency_codes = models.JSONField(
        _("agencies that answer it"),
        default=list,
        blank=True,
        help_text=_("Agency codes (see organisations), e.g. tax, social_security, electricity."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("obstacle category")
        verbose_name_plural = _("obstacle categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = normalise_text(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Urgency(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical: production stops")


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged with another case")
    REFERRED = "referred", _("Referred to agencies")
    ANSWERED = "answered", _("Answered by the agencies")
    ON_AGENDA = "on_agenda", _("On the HQ agenda")
    DECIDED = "decided", _("Decided by an HQ resolution")
    RESOLVED = "resolved", _("Resolved, awaiting the unit's confirmation")
    CLOSED = "closed", pgettext_lazy("case state", "Closed")
    REOPENED = "reopened", _("Reopened")


OPEN_STATES = frozenset(
    {
        CaseState.SUBMITTED,
        CaseState.ACCEPTED,
        CaseState.REFERRED,
        CaseState.ANSWERED,
        CaseState.ON_AGENDA,
        CaseState.DECIDED,
        CaseState.RESOLVED,
        CaseState.REOPENED,
    }
)


class OutcomeKind(models.TextChoices):
    MONEY_RELEASED = "money_released", _("Money released (facility, guarantee, refund)")
    LICENCE_ISSUED = "licence_issued", _("Licence or permit issued")
    SUPPLY_RESTORED = "supply_restored", _("Supply restored (energy, raw material, currency)")
    DEBT_RESCHEDULED = "debt_rescheduled", _("Debt or fine rescheduled")
    REGULATION_CHANGED = "regulation_changed", _("Regulation changed or interpreted")
    OTHER = "other", _("Other")


class CaseQuerySet(models.QuerySet["Case"]):
    def in_places(self, places: Places) -> CaseQuerySet:
        """The cases of units in ``places`` (a county, a province, several, the nation)."""
        return self.filter(places.q("unit__county"))

    def visible_to(self, user: Any) -> CaseQuerySet:
        """The cases ``user`` may see (the rule is ``obstacles.access.cases_visible_to``)."""
        from rownaq.obstacles.access import cases_visible_to

        return self & cases_visible_to(user)  # type: ignore[return-value]


class Case(models.Model):
    unit = models.ForeignKey(
        "registry.Unit", verbose_name=_("production unit"), on_delete=models.PROTECT, related_name="cases"
    )
    category = models.ForeignKey(
        ObstacleCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    amount = models.BigIntegerField(_("amount involved (rials)"), null=True, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    state = models.CharField(_("state"), max_length=12, choices=CaseState.choices, default=CaseState.SUBMITTED)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    from_visit = models.BooleanField(_("found on a visit"), default=False)
    agencies_concerned = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("agencies concerned"), blank=True, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    outcome_kind = models.CharField(_("outcome"), max_length=20, choices=OutcomeKind.choices, blank=True)
    outcome_note = models.TextField(_("what changed"), blank=True)
    money_released = models.BigIntegerField(_("money released (rials)"), null=True, blank=True)
    unit_confirmed_at = models.DateTimeField(_("confirmed by the unit at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("obstacle case")
        verbose_name_plural = _("obstacle cases")
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["state", "filed_at"], name="obstacles_case_state")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.normalise()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"title", "description"} & set(update_fields)):  # type: ignore[call-overload]
            kwargs["update_fields"] = {*update_fields, "search_text"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean_fields(self, exclude: object = None) -> None:
        self.normalise()
        super().clean_fields(exclude=exclude)  # type: ignore[arg-type]

    def normalise(self) -> None:
        normalise_fields(self, "title", "description", "outcome_note")
        self.search_text = search_key(f"{self.title} {self.description}")

    @property
    def reference(self) -> str:
        """The number people quote: «م-۱۲۳»."""
        return f"م-{self.pk or 0}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseEvent(TransitionRecord):
    """One step of a case's history: who did what, when, from which state to which, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=12, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=CaseState.choices)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class ReferralState(models.TextChoices):
    OPEN = "open", _("Awaiting the agency's answer")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RETURNED = "returned", _("Returned by the agency as not its own")


# A referral withdrawn by the expert or returned by the agency no longer ties the agency to the case: its
# liaison does not see the case through it, and it is in nobody's queue.
ENDED_REFERRAL_STATES = frozenset({ReferralState.WITHDRAWN, ReferralState.RETURNED})


class AnswerDecision(models.TextChoices):
    """What an agency decided on a referral (answers recorded before decisions were asked for have none)."""

    DONE = "done", _("Done")
    PARTLY_DONE = "partly_done", _("Partly done")
    NEEDS_DOCUMENTS = "needs_documents", _("Needs documents from the unit")
    REFUSED = "refused", _("Refused")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def in_places(self, places: Places) -> ReferralQuerySet:
        """The referrals of cases of units in ``places``."""
        return self.filter(places.q("case__unit__county"))

    def visible_to(self, user: Any) -> ReferralQuerySet:
        """The referrals ``user`` may see (the rule is ``obstacles.access.referrals_visible_to``)."""
        from rownaq.obstacles.access import referrals_visible_to

        return self & referrals_visible_to(user)  # type: ignore[return-value]


class Referral(models.Model):
    """A case sent to one executive agency, with a due date in working days."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    agency = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="referrals"
    )
    state = models.CharField(_("state"), max_length=10, choices=ReferralState.choices, default=ReferralState.OPEN)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    working_days = models.PositiveSmallIntegerField(_("working days to answer"))
    due_on = models.DateField(_("due on"))
    answer = models.TextField(_("answer"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=16, choices=AnswerDecision.choices, blank=True, help_text=_("Empty: not recorded.")
    )
    amount = models.BigIntegerField(
        _("amount (rials)"),
        null=True,
        blank=True,
        help_text=_("Where money is concerned, e.g. the facility a bank approved."),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the HQ at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn or returned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("withdrawn or returned at"), null=True, blank=True)
    end_reason = models.TextField(_("why it was withdrawn or returned"), blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["state", "due_on"], name="obstacles_referral_due")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.agency_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        normalise_fields(self, "answer", "end_reason")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class Attachment(models.Model):
    """A file of a case: filed with it, or (``referral``) sent with an agency's answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("with the answer to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
