"""The facilitation HQ (ستاد تسهیل و رفع موانع تولید): meetings, resolutions that bind both sides,
objections within the window, and the register of disruptive regulations.

The models were in ``obstacles`` until the HQ became an app of its own; they keep their tables
(``obstacles_meeting``…, and ``obstacles_disruptiveregulation_cases`` for the regulations' cases).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rownaq.core.models import TransitionRecord
from rownaq.core.normalise import normalise_fields, normalise_text


class MeetingState(models.TextChoices):
    """A meeting is planned, then held (its resolutions are adopted), then its minutes are final (its agenda
    and resolutions no longer change). The moves are ``rownaq.hq.workflow.MEETING_STATES``."""

    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    MINUTES_FINAL = "final", _("Minutes final")


# The states of a meeting whose resolutions are adopted (binding, to be carried out, open to objections).
ADOPTING_STATES = frozenset({MeetingState.HELD, MeetingState.MINUTES_FINAL})


MEETING_NUMBER_MAX = 99_999  # a running number: a provincial HQ meets a few dozen times a year
ATTENDEES_MAX_LINES = 100  # the minutes list each on a line of their PDF


class Meeting(models.Model):
    province = models.ForeignKey(
        "geography.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="hq_meetings"
    )
    number = models.PositiveIntegerField(_("number"), help_text=_("The HQ's running meeting number, e.g. 13."))
    held_on = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    chair = models.CharField(_("chaired by"), max_length=200, blank=True)
    attendees = models.TextField(_("attendees"), blank=True, help_text=_("One person or agency per line."))
    state = models.CharField(_("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "obstacles_meeting"
        verbose_name = _("HQ meeting")
        verbose_name_plural = _("HQ meetings")
        ordering = ["-held_on", "-number"]
        constraints = [models.UniqueConstraint(fields=["province", "number"], name="obstacles_meeting_number")]

    def __str__(self) -> str:
        return f"{self.number} ({self.province_id})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.venue, self.chair = normalise_text(self.venue), normalise_text(self.chair)
        self.attendees = "\n".join(normalise_text(line) for line in self.attendees.splitlines() if line.strip())
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_held(self) -> bool:
        return self.state in ADOPTING_STATES


class MeetingEvent(TransitionRecord):
    """One step of a meeting's history: planned, held, minutes final (who, when, why)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=12, choices=MeetingState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=MeetingState.choices)

    class Meta:
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.action}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    case = models.ForeignKey(
        "obstacles.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("item"), max_length=300)

    class Meta:
        db_table = "obstacles_agendaitem"
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"], condition=models.Q(case__isnull=False), name="obstacles_agenda_case_once"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.title = normalise_text(self.title)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ResolutionQuerySet(models.QuerySet["Resolution"]):
    def adopted(self) -> ResolutionQuerySet:
        """The resolutions of meetings that were held (not the drafts prepared for a meeting still to come)."""
        return self.filter(meeting__state__in=ADOPTING_STATES)

    def drafts(self) -> ResolutionQuerySet:
        return self.exclude(meeting__state__in=ADOPTING_STATES)


class Resolution(models.Model):
    """A decision of the HQ (مصوبه): binding on the agency and, where there is one, on the unit.

    A resolution may be drafted before its meeting; it is adopted when the meeting is held (``is_adopted``),
    and only then binds: its commitments are carried out and objected to, and it counts on the scoreboard.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("resolution"))
    case = models.ForeignKey(
        "obstacles.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    objection_until = models.DateField(_("objections accepted until"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        db_table = "obstacles_resolution"
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="obstacles_resolution_number")]

    def __str__(self) -> str:
        return f"{self.meeting.number}/{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        normalise_fields(self, "text")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_adopted(self) -> bool:
        """Adopted at a held meeting; a draft until then."""
        return self.meeting.is_held


class Party(models.TextChoices):
    AGENCY = "agency", _("Agency")
    UNIT = "unit", _("Unit")


class Commitment(models.Model):
    """One side's part of a resolution, with its owner and deadline."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="commitments")
    party = models.CharField(_("side"), max_length=10, choices=Party.choices)
    owner = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="commitments"
    )
    text = models.TextField(_("commitment"))
    deadline = models.DateField(_("deadline"))
    done_on = models.DateField(_("carried out on"), null=True, blank=True)
    done_note = models.TextField(_("how it was carried out"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "obstacles_commitment"
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["done_on", "deadline"], name="obstacles_commitment_due")]

    def __str__(self) -> str:
        return self.text[:60]

    def save(self, *args: object, **kwargs: object) -> None:
        normalise_fields(self, "text", "done_note")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.done_on is None and self.deadline < (today or timezone.localdate())

    def on_time(self) -> bool | None:
        """True if carried out by its deadline, False if late or overdue, None while still within time."""
        if self.done_on is not None:
            return self.done_on <= self.deadline
        return False if self.is_overdue() else None


class ObjectionState(models.TextChoices):
    PENDING = "pending", _("Awaiting the HQ")
    UPHELD = "upheld", _("Upheld: the resolution is revised")
    DISMISSED = "dismissed", _("Dismissed: the resolution stands")


class Objection(models.Model):
    """A bound side's objection to a resolution within the window: an agency, or the unit's company (the field
    keeps its first name, ``agency``, for the organisation that objects)."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="objections")
    agency = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("objecting organisation"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("objection"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.PENDING)
    decision_note = models.TextField(_("the HQ's answer"), blank=True)

    class Meta:
        db_table = "obstacles_objection"
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["filed_at"]

    def __str__(self) -> str:
        return self.text[:60]


class RegulationKind(models.TextChoices):
    LAW = "law", _("Law")
    BYLAW = "bylaw", _("By-law")
    CIRCULAR = "circular", _("Circular or directive")
    PRACTICE = "practice", _("Administrative practice")


class NationalStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified in the province")
    PROPOSED = "proposed", _("HQ proposal approved")
    SENT = "sent", _("Sent to the national level")
    UNDER_REVIEW = "under_review", _("Under review nationally")
    AMENDED = "amended", _("Amended or repealed")
    REJECTED = "rejected", _("Proposal not accepted")


class DisruptiveRegulation(models.Model):
    """A law, by-law or circular that blocks production (قوانین مزاحم), to be sent upward."""

    province = models.ForeignKey("geography.Province", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=RegulationKind.choices)
    article = models.CharField(_("article or clause"), max_length=100, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    cases = models.ManyToManyField("obstacles.Case", verbose_name=_("cases it blocks"), blank=True, related_name="+")
    problem = models.TextField(_("how it blocks production"))
    proposal = models.TextField(_("the HQ's proposal"), blank=True)
    national_status = models.CharField(
        _("status at the national level"),
        max_length=15,
        choices=NationalStatus.choices,
        default=NationalStatus.IDENTIFIED,
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_to = models.CharField(_("sent to"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "obstacles_disruptiveregulation"
        verbose_name = _("disruptive regulation")
        verbose_name_plural = _("disruptive regulations")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        normalise_fields(self, "title", "article", "issuing_body", "problem", "proposal", "sent_to")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
