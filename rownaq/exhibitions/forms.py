"""Forms of the exhibition pages: registering as a visitor, booking a B2B meeting, setting an exhibition up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rownaq.accounts.models import Organisation, OrganisationKind
from rownaq.core.forms import (
    JalaliDateField,
    LatinDigitsIntegerField,
    ModelMultipleChoiceField,
    PersianCharField,
    style_widgets,
)
from rownaq.core.jalali import format_jalali_long
from rownaq.core.normalise import FREE_TEXT_MAX_LENGTH, to_latin_digits, to_persian_digits
from rownaq.exhibitions import access, scheduling, services
from rownaq.exhibitions.models import Booth, Exhibition, ExhibitionKind, Hall
from rownaq.needs.models import Capability, Need


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's errors on the form's fields where it has them, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def day_choices(exhibition: Exhibition) -> list[tuple[str, str]]:
    return [(day.isoformat(), format_jalali_long(day)) for day in scheduling.exhibition_days(exhibition)]


class TimeField(forms.TimeField):
    """``17:00`` typed with Persian, Arabic or Latin digits."""

    widget = forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "placeholder": "۱۷:۰۰"})

    def to_python(self, value: Any) -> dt.time | None:
        if isinstance(value, str):
            value = to_latin_digits(value).strip()
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.time):
            return to_persian_digits(value.strftime("%H:%M"))
        return value


class VisitorForm(forms.Form):
    name = PersianCharField(label=_("Full name"), max_length=120)
    organisation = PersianCharField(label=_("Organisation"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"dir": "ltr", "inputmode": "tel", "autocomplete": "tel", "placeholder": "۰۹۱۲۱۲۳۴۵۶۷"}
        ),
    )
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(attrs={"dir": "ltr"}))
    visit_on = forms.ChoiceField(label=_("Day of visit"), required=False)

    def __init__(self, *args: Any, exhibition: Exhibition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visit_on"].choices = [("", _("Not decided yet")), *day_choices(exhibition)]  # type: ignore[attr-defined]
        style_widgets(self)

    def clean_visit_on(self) -> dt.date | None:
        value = self.cleaned_data.get("visit_on")
        return dt.date.fromisoformat(value) if value else None


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search needs and capabilities"), max_length=200, required=False)


class BookingForm(forms.Form):
    """A need × capability pair, a day and a slot: one's own item on one side, a public item on show on the other."""

    need = forms.ModelChoiceField(label=_("Need"), queryset=Need.objects.none())
    capability = forms.ModelChoiceField(label=_("Capability"), queryset=Capability.objects.none())
    day = forms.ChoiceField(label=_("Day"))
    time = forms.ChoiceField(label=_("Time"))

    def __init__(
        self,
        *args: Any,
        exhibition: Exhibition,
        own_needs: list[Need],
        own_capabilities: list[Capability],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.exhibition = exhibition
        need_ids = {need.pk for need in own_needs}
        capability_ids = {capability.pk for capability in own_capabilities}
        if own_capabilities:
            need_ids |= set(access.shown_needs(exhibition).values_list("pk", flat=True))
        if own_needs:
            capability_ids |= set(access.shown_capabilities(exhibition).values_list("pk", flat=True))
        needs = Need.objects.filter(pk__in=need_ids).select_related("unit__owner").order_by("title")
        capabilities = Capability.objects.filter(pk__in=capability_ids).select_related("owner").order_by("title")
        self.fields["need"].queryset = needs  # type: ignore[attr-defined]
        self.fields["capability"].queryset = capabilities  # type: ignore[attr-defined]
        self.fields["need"].label_from_instance = lambda need: to_persian_digits(  # type: ignore[attr-defined]
            f"{need.title} ({need.unit.owner or need.unit})"
        )
        self.fields["capability"].label_from_instance = lambda c: to_persian_digits(f"{c.title} ({c.owner})")  # type: ignore[attr-defined]
        self.fields["day"].choices = day_choices(exhibition)  # type: ignore[attr-defined]
        self.fields["time"].choices = [  # type: ignore[attr-defined]
            (time.strftime("%H:%M"), to_persian_digits(time.strftime("%H:%M")))
            for time in scheduling.slot_times(exhibition)
        ]
        style_widgets(self)

    def starts_at(self) -> dt.datetime:
        day = dt.date.fromisoformat(self.cleaned_data["day"])
        time = dt.time.fromisoformat(self.cleaned_data["time"])
        return scheduling.slot_start(self.exhibition, day, time)


class ExhibitionForm(forms.ModelForm):
    title = PersianCharField(label=_("Title"), max_length=200)
    starts_on = JalaliDateField(label=_("First day"))
    ends_on = JalaliDateField(label=_("Last day"))
    opens_at = TimeField(label=_("Opens at"))
    closes_at = TimeField(label=_("Closes at"))
    venue = PersianCharField(label=_("Venue"), max_length=200)
    meeting_minutes = LatinDigitsIntegerField(label=_("Length of a B2B meeting (minutes)"), min_value=5, max_value=240)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Exhibition
        fields = list(services.EDITABLE_FIELDS)
        widgets = {"slug": forms.TextInput(attrs={"dir": "ltr"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = ExhibitionKind.NEEDS_DESK
        style_widgets(self)

    def validate_unique(self) -> None:
        """The service checks the address name and reports it in Persian."""


class HallForm(forms.Form):
    name = PersianCharField(label=_("Hall name"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class BoothsForm(forms.Form):
    hall = forms.ModelChoiceField(label=_("Hall"), queryset=Hall.objects.none())
    codes = forms.CharField(label=_("Booth codes"), help_text=_("Separated by spaces, e.g. A1 A2 A3."), max_length=500)

    def __init__(self, *args: Any, exhibition: Exhibition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hall"].queryset = exhibition.halls.order_by("name")  # type: ignore[attr-defined]
        self.fields["hall"].label_from_instance = lambda hall: to_persian_digits(hall.name)  # type: ignore[attr-defined]
        style_widgets(self)

    def clean_codes(self) -> list[str]:
        return to_latin_digits(self.cleaned_data["codes"]).split()


class ExhibitorForm(forms.Form):
    """An exhibitor's booth and the items it shows; the organisation is chosen only when adding."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    booth = forms.ModelChoiceField(label=_("Booth"), queryset=Booth.objects.none(), required=False)
    needs = ModelMultipleChoiceField(
        label=_("Needs on show"),
        queryset=Need.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    capabilities = ModelMultipleChoiceField(
        label=_("Capabilities on show"),
        queryset=Capability.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(
        self, *args: Any, exhibition: Exhibition, organisation: Organisation | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        exhibiting = exhibition.exhibitors.values("organisation_id")
        booths = Booth.objects.filter(hall__exhibition=exhibition).select_related("hall").order_by("hall__name", "code")
        if organisation is None:
            self.fields["organisation"].queryset = (  # type: ignore[attr-defined]
                Organisation.objects.filter(
                    kind__in=[
                        OrganisationKind.UNIT_COMPANY,
                        OrganisationKind.UNIVERSITY,
                        OrganisationKind.KNOWLEDGE_FIRM,
                        OrganisationKind.TECH_PARK,
                    ]
                )
                .exclude(pk__in=exhibiting)
                .order_by("name")
            )
            self.fields["booth"].queryset = booths.filter(exhibitor__isnull=True)  # type: ignore[attr-defined]
            del self.fields["needs"], self.fields["capabilities"]
        else:
            del self.fields["organisation"]
            free_or_own = Q(exhibitor__isnull=True) | Q(exhibitor__organisation=organisation)
            self.fields["booth"].queryset = booths.filter(free_or_own)  # type: ignore[attr-defined]
            self.fields["needs"].queryset = (  # type: ignore[attr-defined]
                Need.objects.filter(unit__owner=organisation).select_related("unit").order_by("title")
            )
            self.fields["capabilities"].queryset = Capability.objects.filter(owner=organisation).order_by("title")  # type: ignore[attr-defined]
        self.fields["booth"].label_from_instance = lambda booth: to_persian_digits(f"{booth.hall.name} / {booth.code}")  # type: ignore[attr-defined]
        style_widgets(self)
