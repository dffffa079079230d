"""Forms of the HQ pages: meetings and their agendas, resolutions, commitments carried out, objections,
and the register of disruptive regulations. The forms only clean input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rownaq.accounts.models import Organisation
from rownaq.core.forms import (
    JalaliDateField,
    LatinDigitsIntegerField,
    ModelMultipleChoiceField,
    PersianCharField,
    style_widgets,
)
from rownaq.core.normalise import FREE_TEXT_MAX_LENGTH, to_persian_digits
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.hq.models import (
    ATTENDEES_MAX_LINES,
    MEETING_NUMBER_MAX,
    DisruptiveRegulation,
    Meeting,
    NationalStatus,
    RegulationKind,
)
from rownaq.hq.scoreboard import ResolutionStatus
from rownaq.obstacles.forms import agencies_for
from rownaq.obstacles.models import Case

STATUS_CHOICES = [
    ("", _("Any status")),
    (ResolutionStatus.OVERDUE, _("Overdue")),
    (ResolutionStatus.IN_PROGRESS, _("In progress")),
    (ResolutionStatus.CARRIED_OUT_ON_TIME, _("Carried out on time")),
    (ResolutionStatus.CARRIED_OUT_LATE, _("Carried out late")),
    (ResolutionStatus.DRAFT, _("Draft: the meeting is still to be held")),
]
STATUS_LABELS = dict(STATUS_CHOICES)


class CaseChoiceField(forms.ModelChoiceField[Case]):
    def label_from_instance(self, obj: Case) -> str:
        return f"{to_persian_digits(obj.reference)}: {obj.title} ({obj.unit.name})"


class CaseMultipleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Case) -> str:
        return f"{to_persian_digits(obj.reference)}: {obj.title} ({obj.unit.name})"


class MeetingForm(forms.Form):
    number = LatinDigitsIntegerField(label=_("Meeting number"), min_value=1, max_value=MEETING_NUMBER_MAX)
    held_on = JalaliDateField(label=_("Date"))
    venue = PersianCharField(label=_("Venue"), max_length=200, required=False)
    chair = PersianCharField(label=_("Chaired by"), max_length=200, required=False)
    attendees = forms.CharField(  # normalised line by line when the meeting is saved
        label=_("Attendees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One person or agency per line."),
        max_length=FREE_TEXT_MAX_LENGTH,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean_attendees(self) -> str:
        text: str = self.cleaned_data["attendees"]
        if len([line for line in text.splitlines() if line.strip()]) > ATTENDEES_MAX_LINES:
            raise forms.ValidationError(
                _("Write at most %(count)s attendees, one per line.")
                % {"count": to_persian_digits(str(ATTENDEES_MAX_LINES))}
            )
        return text


class MeetingActionForm(forms.Form):
    """What a move of a meeting posts (``workflow.act``): a comment, and for ``hold`` the day it was held."""

    held_on = JalaliDateField(
        label=_("Held on"), required=False, help_text=_("Empty means the day it was planned for, or today.")
    )
    comment = PersianCharField(label=_("Comment"), required=False, max_length=2000)

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if action != "hold":
            del self.fields["held_on"]
        style_widgets(self)


class AgendaForm(forms.Form):
    """The cases waiting for the HQ, all ticked, and one free-text item: the agenda in one click."""

    cases = CaseMultipleChoiceField(
        label=_("Cases waiting for the HQ"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    item = PersianCharField(label=_("Another agenda item"), max_length=300, required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cases"]
        assert isinstance(field, CaseMultipleChoiceField)
        field.queryset = candidates
        self.initial.setdefault("cases", [c.pk for c in candidates])
        self.fields["item"].widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("cases") and not data.get("item"):
            raise forms.ValidationError(_("Tick a case or write an item."))
        return data


class ResolutionForm(forms.Form):
    """A resolution with the agency's commitment and, where there is one, the unit's."""

    text = PersianCharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    case = CaseChoiceField(label=_("Case"), queryset=Case.objects.none(), required=False)
    agency = forms.ModelChoiceField(label=_("Agency responsible"), queryset=Organisation.objects.none())
    agency_text = PersianCharField(label=_("The agency's commitment"), max_length=2000)
    agency_deadline = JalaliDateField(label=_("Agency deadline"))
    unit_owner = forms.ModelChoiceField(
        label=_("Unit company responsible"), queryset=Organisation.objects.none(), required=False
    )
    unit_text = PersianCharField(label=_("The unit's commitment"), max_length=2000, required=False)
    unit_deadline = JalaliDateField(label=_("Unit deadline"), required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case_ids = meeting.agenda.filter(case__isnull=False).values("case_id")
        cases = Case.objects.filter(pk__in=case_ids).select_related("unit").order_by("pk")
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]
        self.fields["agency"].queryset = agencies_for(meeting.province_id)  # type: ignore[attr-defined]
        companies = Organisation.objects.filter(units__in=cases.values("unit_id")).distinct().order_by("name")
        self.fields["unit_owner"].queryset = companies  # type: ignore[attr-defined]
        style_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit_parts = [data.get("unit_owner"), data.get("unit_text"), data.get("unit_deadline")]
        if any(unit_parts) and not all(unit_parts):
            raise forms.ValidationError(_("For the unit's commitment give the company, the commitment and a deadline."))
        if data.get("unit_owner") and not data.get("case"):
            self.add_error("case", _("A unit's commitment needs the case it is about."))
        return data


class CommitmentDoneForm(forms.Form):
    note = PersianCharField(label=_("How it was carried out"), widget=forms.Textarea(attrs={"rows": 2}))
    done_on = JalaliDateField(label=_("Carried out on"), required=False, help_text=_("Empty means today."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ObjectionForm(forms.Form):
    text = PersianCharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ObjectionDecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("0", _("Dismiss: the resolution stands")), ("1", _("Uphold: the resolution is revised"))],
        coerce=lambda value: value == "1",
    )
    note = PersianCharField(label=_("The HQ's answer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class MeetingChoiceField(forms.ModelChoiceField[Meeting]):
    def label_from_instance(self, obj: Meeting) -> str:
        return str(_("Meeting %(n)s") % {"n": to_persian_digits(str(obj.number))})


class RegulationFilterForm(forms.Form):
    q = PersianCharField(label=_("Search the titles"), required=False)
    national_status = forms.ChoiceField(
        label=_("Status at the national level"),
        choices=[("", _("Any status")), *NationalStatus.choices],
        required=False,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *RegulationKind.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class RegulationForm(forms.ModelForm[DisruptiveRegulation]):
    title = PersianCharField(label=_("Title"), max_length=300)
    article = PersianCharField(label=_("Article or clause"), max_length=100, required=False)
    issuing_body = PersianCharField(label=_("Issuing body"), max_length=200)
    issued_on = JalaliDateField(label=_("Issued on"), required=False)
    cases = CaseMultipleChoiceField(
        label=_("Cases it blocks"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    problem = PersianCharField(label=_("How it blocks production"), widget=forms.Textarea(attrs={"rows": 3}))
    proposal = PersianCharField(label=_("The HQ's proposal"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    sent_on = JalaliDateField(label=_("Sent on"), required=False)
    sent_to = PersianCharField(label=_("Sent to"), max_length=200, required=False)

    class Meta:
        model = DisruptiveRegulation
        fields = [
            "title",
            "kind",
            "article",
            "issuing_body",
            "issued_on",
            "cases",
            "problem",
            "proposal",
            "national_status",
            "sent_on",
            "sent_to",
        ]

    def __init__(self, *args: Any, province: Province, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cases = Case.objects.in_places(Places.province(province)).select_related("unit", "unit__county").order_by("-pk")
        self.fields["cases"].queryset = cases  # type: ignore[attr-defined]
        style_widgets(self)
