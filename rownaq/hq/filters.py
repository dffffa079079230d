"""Filtering the resolution list: one set of filters for the page (``/hq/resolutions/``) and the API.

The status is computed in the database as ``scoreboard.resolution_status`` computes it for one resolution: a
draft until its meeting is held; then carried out on time or late once every commitment is carried out,
overdue while one is past its deadline, in progress otherwise. The agency filter is the secretariat's (a bound
side sees only what binds it); the meetings offered are those of the resolutions the person sees.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from rownaq.accounts.models import Organisation, User
from rownaq.core.filters import FilterSet, IdFilter
from rownaq.geography.models import Province
from rownaq.hq.forms import STATUS_CHOICES, MeetingChoiceField
from rownaq.hq.models import ADOPTING_STATES, Commitment, Meeting, Party, Resolution
from rownaq.hq.scoreboard import ResolutionStatus
from rownaq.obstacles.filters import StyledForm
from rownaq.obstacles.forms import agencies_for


class MeetingFilter(django_filters.ModelChoiceFilter):
    field_class = MeetingChoiceField


def status_q(status: str, today: dt.date | None = None) -> Q:
    """The resolutions whose ``scoreboard.resolution_status`` is ``status``, as a condition on the database."""
    today = today or timezone.localdate()
    commitments = Commitment.objects.filter(resolution=OuterRef("pk"))
    has_any = Q(Exists(commitments))
    still_open = Q(Exists(commitments.filter(done_on__isnull=True)))
    late = Q(Exists(commitments.filter(done_on__gt=F("deadline"))))
    overdue = Q(Exists(commitments.filter(done_on__isnull=True, deadline__lt=today)))
    adopted = Q(meeting__state__in=ADOPTING_STATES)
    all_done = has_any & ~still_open
    conditions: dict[str, Q] = {
        ResolutionStatus.DRAFT: ~adopted,
        ResolutionStatus.CARRIED_OUT_ON_TIME: adopted & all_done & ~late,
        ResolutionStatus.CARRIED_OUT_LATE: adopted & all_done & late,
        ResolutionStatus.OVERDUE: adopted & ~all_done & overdue,
        ResolutionStatus.IN_PROGRESS: adopted & ~all_done & ~overdue,
    }
    return conditions[status]


class ResolutionFilter(FilterSet):
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=Organisation.objects.none(), method="filter_agency"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[choice for choice in STATUS_CHOICES if choice[0]],
        empty_label=STATUS_CHOICES[0][1],
        method="filter_status",
    )
    meeting = MeetingFilter(label=_("Meeting"), queryset=Meeting.objects.none())
    case = IdFilter(label=_("Case (ID)"), field_name="case_id")

    class Meta:
        model = Resolution
        form = StyledForm
        fields = ["agency", "status", "meeting", "case"]

    def __init__(self, *args: Any, province: Province | None = None, **kwargs: Any) -> None:
        """``province``: the page's (the agencies offered are its own and the national ones); in the API, the
        person's own (every agency for national staff)."""
        super().__init__(*args, **kwargs)
        seen = self.queryset if self.queryset is not None else Resolution.objects.none()
        self.filters["meeting"].queryset = Meeting.objects.filter(pk__in=seen.values("meeting_id")).order_by("-number")
        user = getattr(self.request, "user", None)
        if isinstance(user, User) and user.is_province_staff:
            self.filters["agency"].queryset = agencies_for(province.pk if province else user.province_id)
        else:
            del self.filters["agency"]  # a bound side sees only what binds it

    @extend_schema_field(OpenApiTypes.INT)
    def filter_agency(self, queryset: QuerySet[Resolution], name: str, value: Organisation) -> QuerySet[Resolution]:
        bound = Commitment.objects.filter(party=Party.AGENCY, owner=value).values("resolution_id")
        return queryset.filter(pk__in=bound)

    def filter_status(self, queryset: QuerySet[Resolution], name: str, value: str) -> QuerySet[Resolution]:
        return queryset.filter(status_q(value))
