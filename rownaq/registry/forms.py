"""Forms of the unit pages: what a person types, checked and normalised, with Persian messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from rownaq.accounts.models import Role, User
from rownaq.core.forms import (
    JalaliDateField,
    LatinDigitsDecimalField,
    LatinDigitsIntegerField,
    ModelMultipleChoiceField,
    PersianCharField,
    VersionField,
    style_widgets,
)
from rownaq.core.normalise import is_digits, normalise_digits_only, search_terms, to_persian_digits
from rownaq.geography.models import County, IndustrialEstate
from rownaq.registry.access import units_visible_to
from rownaq.registry.models import Contact, Product, Sector, SectorLevel, Unit, UnitStatus
from rownaq.registry.validators import validate_national_id


def sector_search_attrs() -> dict[str, Any]:
    """A select of ISIC classes gets a search box over it (site.js; the plain select works without it)."""
    return {
        "data-sector-search": reverse_lazy("registry-sector-search"),
        "data-search-label": _("Search activities by Persian or English words or by code"),
        "data-search-placeholder": _("e.g. carpet, cement or 1393"),
        "data-search-empty": _("No activity found"),
    }


class SectorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(sector_search_attrs())

    def label_from_instance(self, obj: Sector) -> str:
        return obj.choice_label


class SectorMultipleChoiceField(ModelMultipleChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(sector_search_attrs())

    def label_from_instance(self, obj: Sector) -> str:
        return obj.choice_label


def sector_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """ISIC classes grouped by division, for a select with one group per division."""
    classes = Sector.objects.filter(level=SectorLevel.CLASS).select_related("parent__parent").order_by("code")
    groups: dict[str, list[tuple[int, str]]] = {}
    for sector in classes:
        division = sector.parent.parent if sector.parent else None  # class → group → division
        label = division.choice_label if division else ""
        groups.setdefault(label, []).append((sector.pk, sector.choice_label))
    return list(groups.items())


class UnitForm(forms.ModelForm):  # type: ignore[type-arg]
    name = PersianCharField(label=_("Name"), max_length=200)
    national_id = forms.CharField(
        label=_("National ID"), max_length=20, widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"})
    )
    owner_name = PersianCharField(
        label=_("Owning company"),
        max_length=200,
        required=False,
        help_text=_("The company that runs the unit; its managers can see and update the unit."),
    )
    sector = SectorChoiceField(label=_("Sector (ISIC class)"), queryset=Sector.objects.filter(level=SectorLevel.CLASS))
    status_since = JalaliDateField(label=_("Status effective from"))
    status_note = PersianCharField(label=_("Reason for the status change"), max_length=300, required=False)
    address = PersianCharField(label=_("Address"), max_length=400, required=False)
    postal_code = forms.CharField(
        label=_("Postal code"), max_length=20, required=False, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    latitude = LatinDigitsDecimalField(
        label=_("Latitude"), required=False, min_value=24, max_value=40, decimal_places=5
    )
    longitude = LatinDigitsDecimalField(
        label=_("Longitude"), required=False, min_value=44, max_value=64, decimal_places=5
    )
    employees = LatinDigitsIntegerField(label=_("Employees"), min_value=0)
    operating_number = PersianCharField(label=_("Operating licence number"), max_length=40, required=False)
    operating_issued_on = JalaliDateField(label=_("Operating licence issued on"), required=False)
    operating_expires_on = JalaliDateField(label=_("Operating licence expires on"), required=False)
    establishment_number = PersianCharField(label=_("Establishment permit number"), max_length=40, required=False)
    establishment_issued_on = JalaliDateField(label=_("Establishment permit issued on"), required=False)
    establishment_expires_on = JalaliDateField(label=_("Establishment permit expires on"), required=False)
    version = VersionField(required=False)  # required when editing: see __init__

    class Meta:
        model = Unit
        fields = [
            "name",
            "national_id",
            "sector",
            "county",
            "estate",
            "address",
            "postal_code",
            "latitude",
            "longitude",
            "employees",
            "status",
            "status_since",
            "is_exporter",
            "is_knowledge_based",
        ]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        province_id = user.province_id
        counties = County.objects.select_related("province")
        estates = IndustrialEstate.objects.select_related("county")
        if province_id is not None:
            counties = counties.filter(province_id=province_id)
            estates = estates.filter(county__province_id=province_id)
        self.fields["county"].queryset = counties.order_by("name")  # type: ignore[attr-defined]
        self.fields["estate"].queryset = estates.order_by("name")  # type: ignore[attr-defined]
        self.fields["sector"].choices = [("", "---------"), *sector_choices()]  # type: ignore[attr-defined]
        self.fields["status"].choices = UnitStatus.choices  # type: ignore[attr-defined]
        if not user.can_edit_registry:
            # A unit manager keeps the unit's identity as the SMT organisation registered it.
            for name in ("national_id", "owner_name"):
                self.fields[name].disabled = True
        style_widgets(self)
        self.fields["employees"].widget.attrs["dir"] = "ltr"
        if self.instance.pk:
            self.fields["version"].required = True  # an edit without it would overwrite others' changes unseen
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("owner_name", self.instance.owner.name if self.instance.owner else "")
            for licence in self.instance.licences.all():
                prefix = licence.kind
                self.initial.setdefault(f"{prefix}_number", licence.number)
                self.initial.setdefault(f"{prefix}_issued_on", licence.issued_on)
                self.initial.setdefault(f"{prefix}_expires_on", licence.expires_on)

    def clean_national_id(self) -> str:
        value = normalise_digits_only(self.cleaned_data["national_id"])
        validate_national_id(value)
        duplicate = Unit.objects.filter(national_id=value).exclude(pk=self.instance.pk).first()
        if duplicate is not None:
            raise forms.ValidationError(_("Another unit already has this national ID."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        county, estate = data.get("county"), data.get("estate")
        if county and estate and estate.county_id != county.pk:
            self.add_error("estate", _("This industrial estate is not in the chosen county."))
        for prefix in ("operating", "establishment"):
            number = data.get(f"{prefix}_number")
            issued, expires = data.get(f"{prefix}_issued_on"), data.get(f"{prefix}_expires_on")
            if (issued or expires) and not number:
                self.add_error(f"{prefix}_number", _("Enter the licence number as well as its dates."))
            if issued and expires and expires < issued:
                self.add_error(f"{prefix}_expires_on", _("The expiry date is before the issue date."))
        return data

    def unit_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}

    def licence_fields(self, kind: str) -> dict[str, Any]:
        return {
            "number": self.cleaned_data.get(f"{kind}_number") or "",
            "issued_on": self.cleaned_data.get(f"{kind}_issued_on"),
            "expires_on": self.cleaned_data.get(f"{kind}_expires_on"),
        }


class ProductForm(forms.ModelForm):  # type: ignore[type-arg]
    name = PersianCharField(label=_("Product"), max_length=200)
    measure = PersianCharField(label=_("Unit of measure"), max_length=30)
    nominal_capacity = LatinDigitsDecimalField(
        label=_("Nominal annual capacity"), min_value=0, max_digits=16, decimal_places=2
    )

    class Meta:
        model = Product
        fields = ["name", "hs_code", "measure", "nominal_capacity"]
        widgets = {"hs_code": forms.TextInput(attrs={"dir": "ltr"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ContactForm(forms.ModelForm):  # type: ignore[type-arg]
    name = PersianCharField(label=_("Name"), max_length=120)
    position = PersianCharField(label=_("Position"), max_length=120, required=False)

    class Meta:
        model = Contact
        fields = ["name", "position", "phone", "email"]
        widgets = {"phone": forms.TextInput(attrs={"dir": "ltr"}), "email": forms.EmailInput(attrs={"dir": "ltr"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


# A unit's page lists its products and contacts: a few, at most a few dozen. More is a mistake or an attack
# (each row is a form to build and validate), refused with a message on the page.
ROWS_MAX = 50


class ProductRows(BaseInlineFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        message = _("A unit can list at most %(count)s products.") % {"count": to_persian_digits(str(ROWS_MAX))}
        super().__init__(*args, error_messages={"too_many_forms": message}, **kwargs)


class ContactRows(BaseInlineFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        message = _("A unit can list at most %(count)s contacts.") % {"count": to_persian_digits(str(ROWS_MAX))}
        super().__init__(*args, error_messages={"too_many_forms": message}, **kwargs)


ProductFormSet = inlineformset_factory(
    Unit,
    Product,
    form=ProductForm,
    formset=ProductRows,
    extra=1,
    can_delete=True,
    max_num=ROWS_MAX,
    validate_max=True,
    absolute_max=ROWS_MAX + 10,
)
ContactFormSet = inlineformset_factory(
    Unit,
    Contact,
    form=ContactForm,
    formset=ContactRows,
    extra=1,
    can_delete=True,
    max_num=ROWS_MAX,
    validate_max=True,
    absolute_max=ROWS_MAX + 10,
)


class UnitLookupField(forms.CharField):
    """A unit typed as its national ID or its name; exactly one unit of ``units`` must match."""

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = units

    def clean(self, value: Any) -> Unit:  # type: ignore[override]
        text = super().clean(value)
        digits = normalise_digits_only(text)
        if is_digits(digits):
            found = list(self.units.filter(national_id=digits)[:2])
        else:
            units = self.units
            for term in search_terms(text):
                units = units.filter(search_text__contains=term)
            found = list(units[:2])
        if not found:
            raise forms.ValidationError(_("No unit of the province has this national ID or name."))
        if len(found) > 1:
            raise forms.ValidationError(_("Several units match; type the national ID."))
        return found[0]


def unit_field(*, user: User, initial: Unit | None = None) -> forms.Field:
    """The field in which a person picks a unit they may act for: a unit manager chooses among their
    company's units; province staff, with hundreds of units, type a national ID or a name."""
    units = units_visible_to(user).select_related("county")
    if user.role == Role.UNIT_MANAGER:
        return forms.ModelChoiceField(label=_("Production unit"), queryset=units.order_by("name_sort"), initial=initial)
    return UnitLookupField(
        label=_("Production unit"),
        units=units,
        max_length=200,
        help_text=_("The unit's national ID or name."),
        initial=initial.national_id if initial else None,
    )
