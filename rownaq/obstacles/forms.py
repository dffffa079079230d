"""Forms of the case pages: filing a case and one small form per workflow action (the list's filters are
``filters.CaseFilter``)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rownaq.accounts.models import Organisation, User
from rownaq.core.forms import (
    BillionRialField,
    LatinDigitsIntegerField,
    ModelMultipleChoiceField,
    MultipleFileField,
    PersianCharField,
    style_widgets,
)
from rownaq.core.normalise import WHOLE_NUMBER_MAX, parse_int, to_latin_digits
from rownaq.obstacles.access import cases_visible_to, files_from_visits
from rownaq.obstacles.hooks import open_matters
from rownaq.obstacles.models import (
    AnswerDecision,
    Case,
    ObstacleCategory,
    OutcomeKind,
    Referral,
    ReferralState,
    Urgency,
)
from rownaq.obstacles.workflow import default_agencies
from rownaq.registry.forms import unit_field
from rownaq.registry.models import Unit


def category_choices() -> list[tuple[Any, Any]]:
    """Active categories for a select, one group per parent category."""
    categories = list(ObstacleCategory.objects.filter(is_active=True).select_related("parent"))
    parents = {c.parent_id for c in categories if c.parent_id is not None}
    groups: dict[str, list[tuple[int, str]]] = {}
    for category in sorted(categories, key=lambda c: (c.parent.order, c.parent.code) if c.parent else (-1, "")):
        if category.pk in parents:
            continue  # a group heading, not a choice
        label = category.parent.name if category.parent else ""
        groups.setdefault(label, []).append((category.pk, category.name))
    choices: list[tuple[Any, Any]] = [("", "---------")]
    for label, options in groups.items():
        if label:
            choices.append((label, options))
        else:
            choices.extend(options)
    return choices


def agencies_for(province_id: int | None) -> QuerySet[Organisation]:
    """Executive agencies and banks a case of this province may be referred to (its own and national ones)."""
    agencies = Organisation.objects.exclude(agency_code="")
    if province_id is not None:
        agencies = agencies.filter(Q(province_id=province_id) | Q(province__isnull=True))
    return agencies.order_by("agency_code", "name")


class CaseFileForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Kind of obstacle"), coerce=int)
    title = PersianCharField(label=_("Title"), max_length=200)
    description = PersianCharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    amount = BillionRialField(
        label=_("Amount involved (billion rials)"),
        required=False,
        help_text=_("The money the obstacle holds up, if any."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    agencies = ModelMultipleChoiceField(
        label=_("Agencies concerned"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    from_visit = forms.BooleanField(label=_("Found on a visit"), required=False)
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, PNG or JPEG files."),
    )

    def __init__(self, *args: Any, user: User, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"] = unit_field(user=user, initial=unit)
        if not isinstance(self.fields["unit"], forms.ModelChoiceField):
            self.fields["unit"].widget.attrs["list"] = "unit-options"  # suggestions as the expert types (htmx)
        self.order_fields(["unit"])
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]
        self.fields["agencies"].queryset = agencies_for(user.province_id)  # type: ignore[attr-defined]
        if not files_from_visits(user):
            del self.fields["from_visit"]
        style_widgets(self)
        self.fields["agencies"].widget.attrs.pop("class", None)

    def clean_category(self) -> ObstacleCategory:
        return ObstacleCategory.objects.get(pk=self.cleaned_data["category"], is_active=True)


# -- the workflow's actions ------------------------------------------------------------------------


class ActionForm(forms.Form):
    """What every action posts: the version of the case the person saw, and a comment."""

    version = forms.IntegerField(widget=forms.HiddenInput, max_value=WHOLE_NUMBER_MAX)
    comment = PersianCharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": case.version})
        super().__init__(*args, **kwargs)
        self.case, self.user = case, user
        self.setup()
        style_widgets(self)
        self.styled()

    def setup(self) -> None:
        """Per-action changes to the fields."""

    def styled(self) -> None:
        """Per-action changes after the Bootstrap classes are set."""


class ReasonForm(ActionForm):
    def setup(self) -> None:
        self.fields["comment"].required = True
        self.fields["comment"].label = _("Reason")


class DecideForm(ActionForm):
    def setup(self) -> None:
        self.fields["comment"].required = True
        self.fields["comment"].label = _("The HQ's resolution")


class MergeForm(ActionForm):
    into = forms.CharField(
        label=_("Merge into case number"), max_length=20, widget=forms.TextInput(attrs={"placeholder": "م-۱۲"})
    )

    def clean_into(self) -> Case:
        digits = "".join(re.findall(r"[0-9]", to_latin_digits(self.cleaned_data["into"])))  # «م-۱۲» → 12
        number = parse_int(digits)
        into = (
            None
            if number is None
            else cases_visible_to(self.user).select_related("unit__county").filter(pk=number).first()
        )
        if into is None:
            raise forms.ValidationError(_("There is no case with this number."))
        return into


class ReferForm(ActionForm):
    agencies = ModelMultipleChoiceField(
        label=_("Agencies"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    working_days = LatinDigitsIntegerField(label=_("Working days to answer"), min_value=1, max_value=120)

    def setup(self) -> None:
        self.fields["agencies"].queryset = agencies_for(self.case.unit.county.province_id)  # type: ignore[attr-defined]
        preselected = {a.pk for a in default_agencies(self.case)} | {a.pk for a in self.case.agencies_concerned.all()}
        self.initial.setdefault("agencies", sorted(preselected))
        self.initial.setdefault("working_days", settings.ROWNAQ_REFERRAL_WORKING_DAYS)
        self.order_fields(["version", "agencies", "working_days", "comment"])

    def styled(self) -> None:
        self.fields["agencies"].widget.attrs.pop("class", None)


class ResolveForm(ActionForm):
    outcome_kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices)
    money_released = BillionRialField(label=_("Money released (billion rials)"), required=False)
    reason = PersianCharField(
        label=_("Why the outcome is recorded now"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def setup(self) -> None:
        self.fields["comment"].required = True
        self.fields["comment"].label = _("What changed for the unit")
        self.order_fields(["version", "outcome_kind", "comment", "money_released", "reason"])
        matters = open_matters(self.case)  # asked only while something is still open on the case
        if matters:
            self.fields["reason"].help_text = " ".join(matters)
        else:
            del self.fields["reason"]


class RecategoriseForm(ActionForm):
    category = forms.TypedChoiceField(label=_("New category"), coerce=int)

    def setup(self) -> None:
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]
        self.order_fields(["version", "category", "comment"])

    def clean_category(self) -> ObstacleCategory:
        return ObstacleCategory.objects.get(pk=self.cleaned_data["category"], is_active=True)


class WithdrawReferralForm(ReasonForm):
    """The expert chooses the open referral sent to the wrong agency and says why it is withdrawn."""

    referral = forms.ModelChoiceField(label=_("Referral to withdraw"), queryset=Referral.objects.none())

    def setup(self) -> None:
        super().setup()
        referrals = self.case.referrals.filter(state=ReferralState.OPEN).select_related("agency")
        self.fields["referral"].queryset = referrals  # type: ignore[attr-defined]
        self.fields["referral"].label_from_instance = lambda r: r.agency.name  # type: ignore[attr-defined]
        self.order_fields(["version", "referral", "comment"])


class ReturnReferralForm(ReasonForm):
    """The agency's liaison says why the case is not their agency's."""

    def setup(self) -> None:
        super().setup()
        self.fields["comment"].label = _("Why it is not your agency's")


class AnswerForm(forms.Form):
    """An agency's answer: its decision, the text, an amount where money is concerned and files."""

    version = forms.IntegerField(widget=forms.HiddenInput, max_value=WHOLE_NUMBER_MAX)
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", "---------"), *AnswerDecision.choices])
    answer = PersianCharField(label=_("The agency's answer"), widget=forms.Textarea(attrs={"rows": 4}))
    amount = BillionRialField(
        label=_("Amount (billion rials)"),
        required=False,
        help_text=_("Where money is concerned, e.g. the facility a bank approved."),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False, help_text=_("PDF, PNG or JPEG files."))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": case.version})
        super().__init__(*args, **kwargs)
        style_widgets(self)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "accept": ActionForm,
    "reject": ReasonForm,
    "merge": MergeForm,
    "refer": ReferForm,
    "put_on_agenda": ActionForm,
    "decide": DecideForm,
    "resolve": ResolveForm,
    "confirm": ActionForm,
    "reopen": ReasonForm,
    "recategorise": RecategoriseForm,
    "withdraw_referral": WithdrawReferralForm,
    "return_referral": ReturnReferralForm,
}
