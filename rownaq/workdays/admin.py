from __future__ import annotations

from django.contrib import admin
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

from rownaq.core.admin import JALALI_DATE_OVERRIDES
from rownaq.core.jalali import format_jalali
from rownaq.workdays.models import Holiday, WeeklyDayOff


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


@admin.register(WeeklyDayOff)
class WeeklyDayOffAdmin(admin.ModelAdmin[WeeklyDayOff]):
    """Friday off everywhere (no province); add Thursday for a province whose offices close on Thursdays."""

    list_display = ["weekday", "where"]
    list_filter = ["weekday", "province"]
    list_select_related = ["province"]
    ordering = ["province__code", "weekday"]

    @admin.display(description=_("province"), ordering="province__code")
    def where(self, day_off: WeeklyDayOff) -> str:
        return day_off.province.name if day_off.province is not None else str(_("every province"))
