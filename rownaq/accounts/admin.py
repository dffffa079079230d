from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rownaq.accounts.forms import AdminLoginForm
from rownaq.accounts.models import LoginFailure, Organisation, User

# The admin's sign-in says plainly when signing in is paused after repeated failures, as the login page does.
admin.site.login_form = AdminLoginForm


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "national_id"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Role in Rownaq"), {"fields": ("role", "organisation", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role in Rownaq"), {"fields": ("role", "organisation")}),
    )


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin[LoginFailure]):
    """Failed sign-ins, to see who is being tried; deleting a username's rows lifts its pause early."""

    list_display = ["username", "ip", "at"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LoginFailure | None = None) -> bool:
        return False
