"""The sign-in forms (the login page's and the admin's): they say plainly when signing in is paused after
repeated failures (``rownaq.accounts.lockout``), instead of "wrong password"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from rownaq.accounts import lockout


class LockoutMessageMixin:
    """For an ``AuthenticationForm``: refuse at once while paused, and say so when a failure starts a pause."""

    request: Any
    data: Any

    def _refuse_if_paused(self) -> None:
        username = self.data.get("username", "") if self.data else ""
        until = lockout.locked_until(username=username, ip=lockout.client_ip(self.request))
        if until is not None:
            raise forms.ValidationError(lockout.locked_message(until), code="locked")

    def clean(self) -> dict[str, Any]:
        self._refuse_if_paused()
        try:
            return super().clean()  # type: ignore[misc,no-any-return]
        except forms.ValidationError:
            self._refuse_if_paused()  # this failure may be the one that starts the pause
            raise


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not correct."),
    }


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass
