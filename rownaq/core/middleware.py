"""Persian first: the language is Persian unless the person chose another one; and the security headers
every response carries."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChosenLanguageMiddleware:
    """Activate the language chosen with ``set_language`` (its cookie), else ``LANGUAGE_CODE``.

    Unlike Django's ``LocaleMiddleware`` it ignores the browser's Accept-Language: most people in Iran
    use browsers set to English, and they still expect the platform in Persian.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SecurityHeadersMiddleware:
    """Headers every response needs beyond Django's own:

    - ``Content-Security-Policy`` (``settings.ROWNAQ_CONTENT_SECURITY_POLICY``) on every page, unless the view
      set its own: scripts, styles, fonts and images only from the platform itself, so an injected
      ``<script>`` or event attribute does not run. The pages keep their scripts in static files.
    - ``Cache-Control: private, no-store`` on what is personal: every page of a logged-in person, every API
      answer and every download, so neither a shared proxy nor the browser's cache keeps it.

    It sits after the authentication middleware (it asks who is logged in) and after whitenoise (static
    files are public and cached as whitenoise decides).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.ROWNAQ_CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        if self._personal(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _personal(request: HttpRequest, response: HttpResponse) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        if request.path.startswith("/api/"):
            return True
        return isinstance(response, FileResponse) or "attachment" in response.get("Content-Disposition", "")


def allow_inline_styles(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view whose page may use inline styles (never inline scripts): for a third-party page that writes its
    styles at run time (Redoc's styled-components). ``SecurityHeadersMiddleware`` keeps the policy it sets."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        policy = settings.ROWNAQ_CONTENT_SECURITY_POLICY
        if policy:
            response["Content-Security-Policy"] = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        return response

    return wrapped
