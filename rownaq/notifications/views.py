"""A person's notices: the list, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from rownaq.accounts.http import AuthenticatedRequest
from rownaq.core.normalise import parse_int
from rownaq.notifications.models import Notification
from rownaq.notifications.services import notifications_mark_read

PAGE_SIZE = 50


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    notices = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request: AuthenticatedRequest) -> HttpResponse:
    """Mark the notices in ``ids`` read (all of them when no ``ids`` is sent), then go back. Ids that are not
    whole numbers are ignored: when all of them are, nothing is marked read."""
    sent = request.POST.getlist("ids")
    ids = [number for value in sent if (number := parse_int(value)) is not None]
    notifications_mark_read(user=request.user, ids=ids if sent else None)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications-list")
