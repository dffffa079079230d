"""The form for uploading an Excel file of units; the checks of the file itself are in ``imports.checks``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("The first sheet is read. Its header row must use the column titles of the template."),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_MIME}", "class": "form-control"}),
    )
