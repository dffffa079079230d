"""Transport and caching headers: a Content-Security-Policy on every page (and no template with inline
code for it to refuse), personal answers never cached, and HTTPS settings taken from the environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.accounts.testing import api_client_for, browser_for
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)


def csp(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


def no_store(response: Any) -> bool:
    value = response.get("Cache-Control", "")
    return "private" in value and "no-store" in value


def test_every_kind_of_page_carries_the_policy(expert: User, unit: Unit) -> None:
    answers = [
        Client().get(reverse("accounts-login")),  # anonymous
        Client().get(reverse("expo-exhibition-list")),  # public
        browser_for(expert).get(reverse("registry-overview")),  # logged in
        browser_for(expert).get(reverse("registry-unit-detail", args=[unit.pk])),
        Client().get("/no-such-page/"),  # an error page
        api_client_for(expert).get("/api/v1/units/"),
    ]
    for response in answers:
        directives = csp(response)
        assert directives["default-src"] == "default-src 'self'"
        assert "unsafe-inline" not in directives["script-src"]
        assert "unsafe-eval" not in directives["script-src"]
        assert directives["frame-ancestors"] == "frame-ancestors 'none'"


def test_logged_in_pages_the_api_and_downloads_are_never_cached(expert: User, unit: Unit) -> None:
    page = browser_for(expert)
    assert no_store(page.get(reverse("registry-overview")))
    assert no_store(page.get(reverse("registry-unit-detail", args=[unit.pk])))
    assert no_store(page.get(reverse("registry-unit-export", args=["csv"])))
    assert no_store(api_client_for(expert).get("/api/v1/units/"))
    assert no_store(Client().get("/api/v1/units/"))  # even the refusal
    assert not no_store(Client().get(reverse("expo-exhibition-list")))  # a public page may be cached


def test_an_anonymous_download_is_not_cached(settings: Any) -> None:
    from django.http import FileResponse, HttpRequest

    from rownaq.core.middleware import SecurityHeadersMiddleware

    def view(request: HttpRequest) -> FileResponse:
        return FileResponse(iter([b"x"]), as_attachment=True, filename="a.csv")

    request = HttpRequest()
    request.path = "/expo/file.csv"
    assert no_store(SecurityHeadersMiddleware(view)(request))  # type: ignore[arg-type]


# Inline code the policy refuses: <script> without src, <style>, style="…" and on…="…" attributes.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)
# Rendered by WeasyPrint into a PDF, never served as a page.
NOT_PAGES = {"rownaq/hq/templates/hq/minutes.html"}


def test_no_template_has_inline_code_the_policy_would_refuse() -> None:
    found = []
    for template in sorted(ROOT.glob("rownaq/*/templates/**/*.html")):
        relative = template.relative_to(ROOT).as_posix()
        if relative in NOT_PAGES:
            continue
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            if INLINE.search(line):
                found.append(f"{relative}:{number}: {line.strip()[:100]}")
    assert found == []


def test_https_behind_a_proxy_redirects_and_sends_hsts(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = Client().get(reverse("accounts-login"))
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = Client().get(reverse("accounts-login"), HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000"


def read_settings(env: dict[str, str], *names: str) -> list[str]:
    code = f"import rownaq.settings as s; print(*(repr(getattr(s, n)) for n in {names!r}), sep='\\n')"
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**environment, **env}, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_https_settings_come_from_the_environment() -> None:
    names = ("SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_INCLUDE_SUBDOMAINS")
    assert read_settings({}, *names) == ["0", "False", "None", "False"]
    configured = {
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_SSL_REDIRECT": "on",
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    }
    assert read_settings(configured, *names) == ["31536000", "True", "('HTTP_X_FORWARDED_PROTO', 'https')", "True"]


def test_a_malformed_proxy_header_setting_is_refused_at_start() -> None:
    code = "import rownaq.settings"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER" in done.stderr


def test_the_server_error_page_has_its_style_in_a_file() -> None:
    from django.template.loader import render_to_string

    html = render_to_string("500.html")  # as Django renders it: no request, no context
    assert 'href="/static/rownaq/error.css"' in html
    assert "<style" not in html
