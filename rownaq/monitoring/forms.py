"""The monthly report's forms: its figures and product lines, the confirmation of warnings, the reason
for returning it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rownaq.core.forms import (
    BillionRialField,
    JalaliDateField,
    LatinDigitsDecimalField,
    LatinDigitsIntegerField,
    PersianCharField,
    VersionField,
    style_widgets,
)
from rownaq.core.normalise import to_persian_digits
from rownaq.geography.models import County, IndustrialEstate, Province
from rownaq.monitoring.filters import StyledForm
from rownaq.monitoring.models import FIGURE_FIELDS, MONEY_FIELDS, MonthlyReport, RevivalCase, RevivalCause
from rownaq.registry.models import Product, Sector, SectorLevel, Unit, UnitStatus

# Money is typed in billion rials, the unit officials use (stored in rials).
LABELS = {
    "sales": _("Sales (billion rials)"),
    "exports": _("Exports (billion rials)"),
    "employees": _("Employees"),
    "electricity_kwh": _("Electricity use (kWh)"),
    "gas_m3": _("Gas use (m³)"),
    "raw_material_days": _("Days of raw-material stock"),
    "overdue_wage_months": _("Overdue wages (months)"),
    "insurance_debt": _("Insurance debt (billion rials)"),
    "returned_cheques": _("Returned cheques (count)"),
    "returned_cheques_amount": _("Returned cheques (billion rials)"),
}
# The labels of the report page, where a money value is shown with its unit (``۷۵ میلیارد ریال``).
SHOWN_LABELS = {
    **LABELS,
    "sales": _("Sales"),
    "exports": _("Exports"),
    "insurance_debt": _("Insurance debt"),
    "returned_cheques_amount": _("Returned cheques (amount)"),
}
QUANTITY_PREFIX = "output_"


class ReportForm(forms.Form):
    """The figures of the month, and the output of each of the unit's products (in the product's measure).
    Negative figures are accepted here: the validation rules refuse them, with their message."""

    version = VersionField(required=False)
    confirm = forms.BooleanField(label=_("I have checked these figures and confirm them"), required=False)
    explanation = PersianCharField(
        label=_("Explanation of the warnings (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, products: list[Product], report: MonthlyReport | None = None, **kwargs: Any) -> None:
        if report is not None and "initial" not in kwargs:
            quantities = {line.product_id: line.quantity for line in report.lines.all()}
            kwargs["initial"] = {
                **report.figures(),
                "version": report.version,
                **{f"{QUANTITY_PREFIX}{p.pk}": quantities.get(p.pk, Decimal(0)) for p in products},
            }
        super().__init__(*args, **kwargs)
        self.products = products
        for name in FIGURE_FIELDS:
            if name in MONEY_FIELDS:
                self.fields[name] = BillionRialField(label=LABELS[name], initial=0)
            else:
                self.fields[name] = LatinDigitsIntegerField(label=LABELS[name], initial=0)
        for product in products:
            self.fields[f"{QUANTITY_PREFIX}{product.pk}"] = LatinDigitsDecimalField(
                label=to_persian_digits(product.name),
                required=False,
                max_digits=16,
                decimal_places=2,
                help_text=to_persian_digits(product.measure),
            )
        style_widgets(self)

    def figure_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in FIGURE_FIELDS]

    def product_fields(self) -> list[tuple[Product, forms.BoundField]]:
        return [(p, self[f"{QUANTITY_PREFIX}{p.pk}"]) for p in self.products]

    def figures(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in FIGURE_FIELDS}

    def quantities(self) -> dict[int, Decimal | None]:
        return {p.pk: self.cleaned_data.get(f"{QUANTITY_PREFIX}{p.pk}") for p in self.products}


class ReturnForm(forms.Form):
    version = VersionField()
    reason = PersianCharField(label=_("Why is it returned?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ActionForm(forms.Form):
    version = VersionField()


# -- revival cases ---------------------------------------------------------------------------------------


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.get_status_display()}، {unit.county.name})"


class RevivalOpenForm(StyledForm):
    """Open a revival case: the unit (an idle or closed unit of the person's province) and why it stopped."""

    unit = forms.ModelChoiceField(label=_("Idle or closed unit"), queryset=Unit.objects.none())
    cause = forms.ChoiceField(label=_("Main cause"), choices=RevivalCause.choices)
    diagnosis = PersianCharField(
        label=_("Diagnosis"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    support_needed = PersianCharField(
        label=_("Support needed"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    related_cases = PersianCharField(
        label=_("Related case references"),
        required=False,
        max_length=300,
        help_text=_("The numbers of related obstacle cases or facility requests, if any."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units.select_related("county").order_by("name_sort", "pk")
        field.label_from_instance = _unit_label  # type: ignore[method-assign,assignment]


class RevivalStepForm(StyledForm):
    title = PersianCharField(label=_("Step"), max_length=300)
    owner = PersianCharField(label=_("Owner (agency or person)"), max_length=200)
    due = JalaliDateField(label=_("Due date"))


class RevivalActionForm(StyledForm):
    """A move of a revival case, with what the move needs (a diagnosis, the restart's figures, a reason)."""

    version = VersionField()
    reason = PersianCharField(
        label=_("Reason or note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    diagnosis = PersianCharField(
        label=_("Diagnosis"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    jobs_restored = LatinDigitsIntegerField(label=_("Jobs restored (employees back)"), required=False, min_value=0)
    capacity_restored = LatinDigitsDecimalField(
        label=_("Capacity restored (% of nominal capacity)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=1,
    )


class RevivalFilterForm(StyledForm):
    """The pipeline's filter: a county, an industrial estate or a sector (ISIC division) of the province."""

    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none(), required=False)
    estate = forms.ModelChoiceField(
        label=_("Industrial estate"), queryset=IndustrialEstate.objects.none(), required=False
    )
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none(), required=False)
    group = forms.ChoiceField(
        label=_("Figures by"),
        required=False,
        choices=[("county", _("County")), ("estate", _("Industrial estate")), ("sector", _("Sector"))],
    )

    def __init__(self, *args: Any, province: Province, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = County.objects.filter(province=province).order_by("name")  # type: ignore[attr-defined]
        self.fields["estate"].queryset = IndustrialEstate.objects.filter(county__province=province).order_by("name")  # type: ignore[attr-defined]
        self.fields["sector"].queryset = Sector.objects.filter(level=SectorLevel.DIVISION).order_by("code")  # type: ignore[attr-defined]
        self.fields["sector"].label_from_instance = lambda s: s.choice_label  # type: ignore[attr-defined]

    def apply(self, cases: QuerySet[RevivalCase]) -> QuerySet[RevivalCase]:
        if not self.is_valid():
            return cases
        data = self.cleaned_data
        if data.get("county"):
            cases = cases.filter(unit__county=data["county"])
        if data.get("estate"):
            cases = cases.filter(unit__estate=data["estate"])
        if data.get("sector"):
            cases = cases.filter(unit__sector__code__startswith=data["sector"].code)
        return cases


class StatusOverrideForm(StyledForm):
    """An expert's decision on a unit's status: the rules leave the unit alone while it holds."""

    status = forms.ChoiceField(label=_("Status"), choices=UnitStatus.choices)
    reason = PersianCharField(label=_("Reason"), max_length=250, widget=forms.Textarea(attrs={"rows": 3}))
    until = JalaliDateField(label=_("Holds until (empty: until lifted)"), required=False)
