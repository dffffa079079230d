"""The forms of the agencies' feeds: the upload of a monthly file, the unit a row is matched to by hand, the
corrected national ID of a row."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rownaq.accounts.models import Organisation
from rownaq.core.normalise import to_persian_digits
from rownaq.core.periods import MONTH_NAMES, Period
from rownaq.monitoring.filters import StyledForm
from rownaq.monitoring.services import last_reportable_month
from rownaq.registry.forms import UnitLookupField
from rownaq.registry.imports import ImportFileError, import_file_check
from rownaq.registry.models import Unit

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEARS_BACK = 3


class FeedUploadForm(StyledForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Organisation.objects.none(), empty_label=None)
    year = forms.TypedChoiceField(label=_("Jalali year"), coerce=int)
    month = forms.TypedChoiceField(
        label=_("Jalali month"), coerce=int, choices=[(n, name) for n, name in enumerate(MONTH_NAMES, start=1)]
    )
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("The first sheet is read. Its header row must use the column titles of the template."),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_MIME}"}),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Organisation], **kwargs: Any) -> None:
        last = Period.current().year
        initial = kwargs.setdefault("initial", {})
        previous = last_reportable_month()
        initial.setdefault("year", previous.year)
        initial.setdefault("month", previous.number)
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (year, to_persian_digits(str(year))) for year in range(last, last - YEARS_BACK - 1, -1)
        ]

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        try:
            import_file_check(file)
        except ImportFileError as exc:
            raise forms.ValidationError(exc.messages[0]) from exc
        return file


class RowUnitForm(StyledForm):
    """Province staff pick the unit of an unmatched row: its national ID or name, with suggestions as they type."""

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitLookupField(
            label=_("Production unit"), units=units, max_length=200, help_text=_("The unit's national ID or name.")
        )
        self.fields["unit"].widget.attrs.update({"class": "form-control form-control-sm", "autocomplete": "off"})


class RowNationalIdForm(StyledForm):
    national_id = forms.CharField(label=_("Correct national ID"), max_length=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["national_id"].widget.attrs.update(
            {"class": "form-control form-control-sm", "dir": "ltr", "inputmode": "numeric"}
        )
