"""Forms of the desk's pages: needs, capabilities, filters, proposals and their actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rownaq.accounts.models import Organisation, User
from rownaq.core.forms import (
    BillionRialField,
    JalaliDateField,
    LatinDigitsDecimalField,
    LatinDigitsIntegerField,
    MultipleFileField,
    PersianCharField,
    VersionField,
    style_widgets,
)
from rownaq.needs.access import CAPABILITY_OWNER_KINDS, own_capabilities
from rownaq.needs.models import Capability, DeclineReason, NeedKind, SupplySource, Visibility
from rownaq.registry.forms import SectorChoiceField, SectorMultipleChoiceField, unit_field
from rownaq.registry.models import Sector, SectorLevel, Unit


def sector_classes() -> QuerySet[Sector]:
    return Sector.objects.filter(level=SectorLevel.CLASS).order_by("code")


# Codes are digits read left to right.
CODE_INPUT = forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"})


class NeedForm(forms.Form):
    title = PersianCharField(label=_("Title"), max_length=200)
    description = PersianCharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    kind = forms.ChoiceField(label=_("Kind"), choices=NeedKind.choices)
    sector = SectorChoiceField(label=_("ISIC class"), queryset=Sector.objects.none(), required=False)
    hs_code = forms.CharField(label=_("HS code"), max_length=14, required=False, widget=CODE_INPUT)
    annual_quantity = LatinDigitsDecimalField(
        label=_("Annual quantity"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    quantity_unit = PersianCharField(label=_("Unit of measure"), max_length=30, required=False)
    supplied_from = forms.ChoiceField(label=_("Supplied today"), choices=SupplySource.choices)
    yearly_value = BillionRialField(label=_("Yearly value (billion rials)"), required=False)
    deadline = JalaliDateField(label=_("Deadline"), required=False)
    visibility = forms.ChoiceField(label=_("Details shown"), choices=Visibility.choices, initial=Visibility.PUBLIC)
    reply_days = LatinDigitsIntegerField(
        label=_("Working days to answer a proposal"), min_value=1, max_value=60, initial=10
    )
    attachments = MultipleFileField(
        label=_("Drawings and specifications"), required=False, help_text=_("PDF, PNG or JPEG files.")
    )

    def __init__(self, *args: Any, user: User, unit: Unit | None = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sector_classes()  # type: ignore[attr-defined]
        if editing:
            self.fields["version"] = VersionField()
        else:
            self.fields["unit"] = unit_field(user=user, initial=unit)
            self.order_fields(["unit"])
        style_widgets(self)


class CapabilityForm(forms.Form):
    title = PersianCharField(label=_("Title"), max_length=200)
    description = PersianCharField(label=_("What it can make or do"), widget=forms.Textarea(attrs={"rows": 6}))
    sectors = SectorMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    hs_codes = forms.CharField(
        label=_("HS codes"), max_length=200, required=False, help_text=_("Separated by spaces."), widget=CODE_INPUT
    )
    equipment = PersianCharField(label=_("Equipment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    certifications = PersianCharField(
        label=_("Certifications"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    capacity = PersianCharField(label=_("Capacity"), max_length=200, required=False)
    references = PersianCharField(label=_("References"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_public = forms.BooleanField(label=_("In the public catalogue"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sectors"].queryset = sector_classes()  # type: ignore[attr-defined]
        if editing:
            self.fields["version"] = VersionField()
        elif user.is_expert:
            owners = Organisation.objects.filter(kind__in=CAPABILITY_OWNER_KINDS).order_by("name")
            if user.province_id is not None:
                owners = owners.filter(province_id=user.province_id)
            self.fields["owner"] = forms.ModelChoiceField(label=_("Owner"), queryset=owners)
            self.order_fields(["owner"])
        style_widgets(self)


class ProposalForm(forms.Form):
    capability = forms.ModelChoiceField(label=_("Capability"), queryset=Capability.objects.none())
    text = PersianCharField(label=_("Offer"), widget=forms.Textarea(attrs={"rows": 4}))
    price = BillionRialField(label=_("Price (billion rials)"), required=False)
    delivery = PersianCharField(label=_("Delivery time"), max_length=100, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["capability"].queryset = own_capabilities(user).order_by("title")  # type: ignore[attr-defined]
        style_widgets(self)


class MessageForm(forms.Form):
    text = PersianCharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ShortlistForm(forms.Form):
    pass


class AcceptForm(forms.Form):
    value = BillionRialField(label=_("Value of the agreement (billion rials)"))
    signed_on = JalaliDateField(label=_("Signed on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "---------"), *DeclineReason.choices])
    note = PersianCharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class WithdrawForm(forms.Form):
    pass


class DeliverForm(forms.Form):
    delivered_on = JalaliDateField(label=_("Delivered on"))
    import_value_replaced = BillionRialField(label=_("Imports replaced per year (billion rials)"), required=False)
    currency_saved_usd = LatinDigitsDecimalField(
        label=_("Foreign currency saved per year (US dollars)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What are you looking for?"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


PROPOSAL_ACTION_FORMS: dict[str, type[forms.Form]] = {
    "shortlist": ShortlistForm,
    "accept": AcceptForm,
    "decline": DeclineForm,
    "withdraw": WithdrawForm,
}
