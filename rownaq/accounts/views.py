from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from rownaq.accounts import services
from rownaq.accounts.authentication import token_expires_at, token_is_expired
from rownaq.accounts.http import AuthenticatedRequest


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: AuthenticatedRequest) -> HttpResponse:
    """Show the person's API token and when it expires; POST makes a new one (the old one stops working), or
    with ``revoke`` removes it."""
    if request.method == "POST":
        if "revoke" in request.POST:
            if services.token_revoke(by=request.user):
                messages.success(request, _("Your API token was revoked: it no longer works."))
        else:
            services.token_renew(by=request.user)
            messages.success(request, _("A new API token was made; the old one no longer works."))
        return redirect("accounts-api-token")
    token = Token.objects.filter(user=request.user).first()
    context = {
        "token": token,
        "expires": token_expires_at(token) if token else None,
        "expired": token_is_expired(token) if token else False,
    }
    return render(request, "accounts/api_token.html", context)
