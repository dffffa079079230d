"""Admin pieces shared by every app: dates in the admin are typed and shown in the Jalali calendar."""

from __future__ import annotations

from typing import Any

from django.db import models

from rownaq.core.forms import JalaliDateField, JalaliDateInput

JALALI_DATE_OVERRIDES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.DateField: {"form_class": JalaliDateField, "widget": JalaliDateInput},
}
