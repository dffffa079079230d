"""The monthly report's forms: its figures and product lines, the confirmation of warnings, the reason
for returning it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rownaq.core.forms import (
    BillionRialField,
    LatinDigitsDecimalField,
    LatinDigitsIntegerField,
    PersianCharField,
    VersionField,
    style_widgets,
)
from rownaq.core.normalise import to_persian_digits
from rownaq.monitoring.models import FIGURE_FIELDS, MONEY_FIELDS, MonthlyReport
from rownaq.registry.models import Product

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
