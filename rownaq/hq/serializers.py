"""What the HQ's API shows and accepts. Reading only: every change goes through ``services`` (a meeting's moves
through ``workflow.act``).

A resolution names its case to everyone who sees the resolution, but gives the case's ``id`` only to those who
may open the case (``access.openable_cases``, the obstacles' rule): a liaison bound by a resolution about a
case not referred to their agency gets its reference, not a link.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rownaq.accounts.models import Organisation, User
from rownaq.core.api import read_only_choice
from rownaq.core.api_fields import DateField, FreeTextField, IdField
from rownaq.core.jalali import format_jalali
from rownaq.hq import access, scoreboard, services, workflow
from rownaq.hq.models import (
    AgendaItem,
    Commitment,
    DisruptiveRegulation,
    Meeting,
    MeetingEvent,
    MeetingState,
    NationalStatus,
    Objection,
    ObjectionState,
    Party,
    RegulationKind,
    Resolution,
)
from rownaq.hq.regulations import units_affected
from rownaq.hq.scoreboard import AgencyFigures, ResolutionStatus
from rownaq.obstacles.models import Case


def _viewer(serializer: serializers.BaseSerializer[Any]) -> User | None:
    user = getattr(serializer.context.get("request"), "user", None)
    return user if isinstance(user, User) else None


def _today(serializer: serializers.BaseSerializer[Any]) -> dt.date:
    today = serializer.context.get("today")
    return today if isinstance(today, dt.date) else timezone.localdate()


def _jalali(day: dt.date | dt.datetime | None) -> str:
    return format_jalali(day, persian_digits=False)


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name"]
        read_only_fields = fields


# -- commitments and objections ----------------------------------------------------------------------


class CommitmentSerializer(serializers.ModelSerializer[Commitment]):
    party = read_only_choice(Party)
    party_label = serializers.CharField(source="get_party_display", read_only=True)
    owner = OrganisationSerializer(read_only=True)
    deadline_jalali = serializers.SerializerMethodField()
    done_by: serializers.StringRelatedField[User] = serializers.StringRelatedField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    on_time = serializers.SerializerMethodField()
    may_carry_out = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "id",
            "resolution",
            "party",
            "party_label",
            "owner",
            "text",
            "deadline",
            "deadline_jalali",
            "done_on",
            "done_note",
            "done_by",
            "overdue",
            "on_time",
            "may_carry_out",
        ]
        read_only_fields = fields

    def get_deadline_jalali(self, obj: Commitment) -> str:
        return _jalali(obj.deadline)

    def get_overdue(self, obj: Commitment) -> bool:
        """Past its deadline and not carried out (a draft's commitment is never overdue: it binds nobody yet)."""
        return obj.resolution.is_adopted and obj.is_overdue(_today(self))

    def get_on_time(self, obj: Commitment) -> bool | None:
        """Carried out by its deadline (``false``: late or overdue; ``null``: still within its time)."""
        return obj.on_time()

    def get_may_carry_out(self, obj: Commitment) -> bool:
        """Whether the caller may record it as carried out now (``POST commitments/{id}/carry-out/``)."""
        user = _viewer(self)
        return (
            user is not None and obj.done_on is None and obj.resolution.is_adopted and access.can_carry_out(user, obj)
        )


class ObjectionSerializer(serializers.ModelSerializer[Objection]):
    organisation = OrganisationSerializer(source="agency", read_only=True, help_text="The bound side that objects.")
    filed_by: serializers.StringRelatedField[User] = serializers.StringRelatedField()
    state = read_only_choice(ObjectionState)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "resolution",
            "organisation",
            "text",
            "filed_by",
            "filed_at",
            "state",
            "state_label",
            "decision_note",
        ]
        read_only_fields = fields


# -- resolutions -------------------------------------------------------------------------------------


class MeetingBriefSerializer(serializers.ModelSerializer[Meeting]):
    state = read_only_choice(MeetingState)
    held_on_jalali = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "number", "held_on", "held_on_jalali", "state"]
        read_only_fields = fields

    def get_held_on_jalali(self, obj: Meeting) -> str:
        return _jalali(obj.held_on)


class ResolutionCaseSerializer(serializers.Serializer[Case]):
    id = serializers.IntegerField(allow_null=True, help_text="Only for a caller who may open the case.")
    reference = serializers.CharField()


STATUSES = [
    ResolutionStatus.DRAFT,
    ResolutionStatus.IN_PROGRESS,
    ResolutionStatus.OVERDUE,
    ResolutionStatus.CARRIED_OUT_ON_TIME,
    ResolutionStatus.CARRIED_OUT_LATE,
]


class ResolutionSerializer(serializers.ModelSerializer[Resolution]):
    meeting = MeetingBriefSerializer(read_only=True)
    reference = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()
    adopted = serializers.BooleanField(source="is_adopted", read_only=True)
    status = serializers.SerializerMethodField()
    objection_until_jalali = serializers.SerializerMethodField()
    objection_window_open = serializers.SerializerMethodField()
    may_object = serializers.SerializerMethodField()
    commitments = CommitmentSerializer(many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)

    class Meta:
        model = Resolution
        fields = [
            "id",
            "meeting",
            "number",
            "reference",
            "text",
            "case",
            "adopted",
            "status",
            "objection_until",
            "objection_until_jalali",
            "objection_window_open",
            "may_object",
            "commitments",
            "objections",
        ]
        read_only_fields = fields

    def get_reference(self, obj: Resolution) -> str:
        """«13/2»: the meeting's number and the resolution's."""
        return str(obj)

    @extend_schema_field(ResolutionCaseSerializer(allow_null=True))
    def get_case(self, obj: Resolution) -> dict[str, Any] | None:
        """The case it is about (``null``: none); its ``id`` only for a caller who may open the case."""
        if obj.case_id is None:
            return None
        openable = self.context.get("openable")
        if openable is None:
            user = _viewer(self)
            openable = access.openable_cases(user, [obj.case_id]) if user is not None else set()
        case = obj.case
        assert case is not None
        return {"id": case.pk if case.pk in openable else None, "reference": case.reference}

    @extend_schema_field(serializers.ChoiceField(choices=STATUSES))
    def get_status(self, obj: Resolution) -> str:
        """draft (its meeting is still to be held), in_progress, overdue, on_time or late."""
        return scoreboard.resolution_status(obj, _today(self))

    def get_objection_until_jalali(self, obj: Resolution) -> str:
        return _jalali(obj.objection_until)

    def get_objection_window_open(self, obj: Resolution) -> bool:
        return obj.is_adopted and services.objection_window_open(obj, _today(self))

    def get_may_object(self, obj: Resolution) -> bool:
        """Whether the caller's organisation is a side the resolution binds (objections: ``POST objections/``)."""
        user = _viewer(self)
        return user is not None and access.may_object_among(user, obj.commitments.all())


# -- meetings ----------------------------------------------------------------------------------------


class MeetingSerializer(MeetingBriefSerializer):
    province = serializers.CharField(source="province.code", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    agenda_count = serializers.IntegerField(read_only=True)
    resolution_count = serializers.IntegerField(read_only=True)

    class Meta(MeetingBriefSerializer.Meta):
        fields = [
            "id",
            "province",
            "number",
            "held_on",
            "held_on_jalali",
            "state",
            "state_label",
            "venue",
            "chair",
            "agenda_count",
            "resolution_count",
        ]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer[AgendaItem]):
    class Meta:
        model = AgendaItem
        fields = ["order", "title", "case"]
        read_only_fields = fields


class MeetingEventSerializer(serializers.ModelSerializer[MeetingEvent]):
    from_state = read_only_choice(MeetingState, blank=True, help_text="Empty when it was planned.")
    to_state = read_only_choice(MeetingState)
    by = serializers.SerializerMethodField()

    class Meta:
        model = MeetingEvent
        fields = ["action", "from_state", "to_state", "by", "at", "comment"]
        read_only_fields = fields

    def get_by(self, obj: MeetingEvent) -> str | None:
        """Who did it; ``null`` for the system."""
        return str(obj.by) if obj.by is not None else None


class MeetingDetailSerializer(MeetingSerializer):
    attendees = serializers.SerializerMethodField()
    agenda = AgendaItemSerializer(many=True, read_only=True)
    resolutions = ResolutionSerializer(many=True, read_only=True)
    events = MeetingEventSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendees", "agenda", "resolutions", "events", "allowed_actions"]
        read_only_fields = fields

    def get_attendees(self, obj: Meeting) -> list[str]:
        return [line for line in obj.attendees.splitlines() if line.strip()]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=list(workflow.ACTIONS))))
    def get_allowed_actions(self, obj: Meeting) -> list[str]:
        """What the caller may do now: the names to POST to ``actions/{name}/``."""
        user = _viewer(self)
        return workflow.allowed_actions(obj, user) if user is not None else []


# -- the register and the scoreboard --------------------------------------------------------------------


class RegulationSerializer(serializers.ModelSerializer[DisruptiveRegulation]):
    province = serializers.CharField(source="province.code", read_only=True)
    kind = read_only_choice(RegulationKind)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    national_status = read_only_choice(NationalStatus)
    national_status_label = serializers.CharField(source="get_national_status_display", read_only=True)
    cases = serializers.SerializerMethodField()
    units_affected = serializers.SerializerMethodField()

    class Meta:
        model = DisruptiveRegulation
        fields = [
            "id",
            "province",
            "title",
            "kind",
            "kind_label",
            "article",
            "issuing_body",
            "issued_on",
            "problem",
            "proposal",
            "national_status",
            "national_status_label",
            "sent_on",
            "sent_to",
            "cases",
            "units_affected",
            "updated_at",
        ]
        read_only_fields = fields

    def get_cases(self, obj: DisruptiveRegulation) -> list[int]:
        """The IDs of the cases it blocks."""
        return [case.pk for case in obj.cases.all()]

    @extend_schema_field(OrganisationSerializer(many=True))
    def get_units_affected(self, obj: DisruptiveRegulation) -> list[dict[str, Any]]:
        """The units whose cases it blocks (``id``, ``name``)."""
        return [{"id": unit.pk, "name": unit.name} for unit in units_affected(obj)]


class AgencyFiguresSerializer(serializers.Serializer[AgencyFigures]):
    agency_id = serializers.IntegerField()
    name = serializers.CharField()
    received = serializers.IntegerField(help_text="Referrals received.")
    answered = serializers.IntegerField()
    answered_on_time = serializers.IntegerField()
    overdue_now = serializers.IntegerField()
    judged = serializers.IntegerField(help_text="Answered or overdue: the sample the agency is judged on.")
    on_time_share = serializers.FloatField(allow_null=True)
    average_days = serializers.FloatField(allow_null=True, help_text="Average working days to answer.")
    resolutions_judged = serializers.IntegerField(help_text="Its HQ commitments carried out or past their deadline.")
    resolutions_on_time = serializers.IntegerField()
    resolutions_share = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True, help_text="None below the minimum sample.")


class MeetingShareSerializer(serializers.Serializer[Any]):
    meeting = MeetingBriefSerializer()
    judged = serializers.IntegerField(help_text="Adopted resolutions carried out or past a deadline.")
    on_time = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class ObstacleCountsSerializer(serializers.Serializer[Any]):
    resolved_this_year = serializers.IntegerField()
    money_unlocked = serializers.IntegerField(help_text="Rials released by the cases resolved this year.")
    open_cases = serializers.IntegerField()
    overdue_referrals = serializers.IntegerField()


class ScoreboardSerializer(serializers.Serializer[Any]):
    province = serializers.CharField(help_text="The province's code.")
    minimum = serializers.IntegerField(help_text="Judged referrals an agency needs to be ranked.")
    agencies = AgencyFiguresSerializer(many=True)
    counts = ObstacleCountsSerializer()
    meetings = MeetingShareSerializer(many=True)


# -- input -------------------------------------------------------------------------------------------


class MeetingActionSerializer(serializers.Serializer[Meeting]):
    held_on = DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="hold: the day it was held (default: the day it was planned for, or today if that is to come)",
    )
    comment = FreeTextField(required=False, allow_blank=True, default="")


class CarryOutSerializer(serializers.Serializer[Commitment]):
    note = FreeTextField(help_text="How it was carried out.")
    done_on = DateField(required=False, allow_null=True, default=None, help_text="Default: today.")


class ObjectionFileSerializer(serializers.Serializer[Objection]):
    resolution = IdField(help_text="The resolution's ID (one that binds the caller's organisation).")
    text = FreeTextField()


class ObjectionDecideSerializer(serializers.Serializer[Objection]):
    upheld = serializers.BooleanField(help_text="true: the resolution is revised; false: it stands.")
    note = FreeTextField(required=False, allow_blank=True, default="")
