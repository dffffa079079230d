"""Placeholder until the notification pages are written."""

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest) -> HttpResponse:
    raise Http404


notification_list = notification_read = _not_yet
