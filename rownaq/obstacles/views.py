"""Placeholder until the case pages are written (see the obstacles issue)."""

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


case_list = case_file = case_detail = case_action = referral_list = referral_answer = attachment_download = _not_yet
