from __future__ import annotations

from django.contrib import admin
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

from rownaq.core.admin import JALALI_DATE_OVERRIDES
from rownaq.core.jalali import format_jalali
from rownaq.workdays.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin[Holiday]):
    formfield_overrides = JALALI_DATE_OVERRIDES
    list_display = ["jalali_date", "weekday", "name"]
    search_fields = ["name"]
    ordering = ["date"]

    @admin.display(description=_("date"), ordering="date")
    def jalali_date(self, holiday: Holiday) -> str:
        return format_jalali(holiday.date)

    @admin.display(description=_("weekday"))
    def weekday(self, holiday: Holiday) -> str:
        return date_format(holiday.date, "l")
