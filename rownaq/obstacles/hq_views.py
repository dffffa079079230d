"""Placeholder until the HQ pages are written."""

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


meeting_list = meeting_create = meeting_detail = meeting_agenda = resolution_create = meeting_minutes = _not_yet
resolution_list = commitment_done = objection_create = objection_decide = _not_yet
regulation_list = regulation_create = regulation_edit = regulation_export = _not_yet
