"""The form for uploading a month's reports from Excel: the Jalali month and the file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rownaq.core.forms import style_widgets
from rownaq.core.periods import Period, PeriodError
from rownaq.monitoring import services
from rownaq.registry.import_forms import XLSX_MIME


class ReportImportForm(forms.Form):
    month = forms.CharField(
        label=_("Month of the reports"), max_length=10, help_text=_("The Jalali month, as 1404/05.")
    )
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("The first sheet is read. Its header row must use the column titles of the template."),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_MIME}"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean_month(self) -> Period:
        try:
            period = Period.parse(self.cleaned_data["month"])
        except PeriodError:
            raise forms.ValidationError(_("Write the month as 1404/05.")) from None
        if period.kind != "month":
            raise forms.ValidationError(_("Write the month as 1404/05."))
        try:
            services.check_month_reportable(period)
        except services.ReportError as exc:
            raise forms.ValidationError(str(exc)) from None
        return period
