"""Rownaq settings, read from environment variables with safe defaults.

With nothing set, Rownaq runs on an embedded SQLite database in ``var/`` with DEBUG off.
``DATABASE_URL`` (``postgres://user:pass@host:port/name``) picks PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ROWNAQ_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envheader(name: str) -> tuple[str, str] | None:
    """``HTTP_X_FORWARDED_PROTO,https``: the header a reverse proxy sets, and its value for HTTPS."""
    parts = envlist(name, [])
    if not parts:
        return None
    if len(parts) != 2 or not parts[0].startswith("HTTP_"):
        raise ImproperlyConfigured(f"{name} must be HEADER,value such as HTTP_X_FORWARDED_PROTO,https")
    return (parts[0], parts[1])


DEBUG = envbool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and envbool("ROWNAQ_PRODUCTION", False):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    # Local and demo runs get a key that is stable per checkout but never used in production.
    SECRET_KEY = "insecure-local-key-" + str(BASE_DIR)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# The province this deployment serves by default (SCI/ISO code; 25 = Qom).
ROWNAQ_DEFAULT_PROVINCE = os.environ.get("ROWNAQ_DEFAULT_PROVINCE", "25")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "django_tasks",
    "rownaq.core.tasks_app.TasksDatabaseConfig",
    "rownaq.core",
    "rownaq.accounts",
    "rownaq.geography",
    "rownaq.registry",
    "rownaq.matching",
    "rownaq.workdays",
    "rownaq.notifications",
    "rownaq.obstacles",
    "rownaq.hq",
    "rownaq.needs",
    "rownaq.exhibitions",
    "rownaq.monitoring",
    "rownaq.front",
    "rownaq.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rownaq.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "rownaq.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "rownaq.urls"
WSGI_APPLICATION = "rownaq.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "rownaq.core.context_processors.rownaq",
                "rownaq.notifications.context_processors.notifications",
                "rownaq.front.context_processors.navigation",
            ],
            "builtins": ["rownaq.core.templatetags.persian"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rownaq.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the background worker use the file at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "registry-overview"
LOGOUT_REDIRECT_URL = "accounts-login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's backend, pausing sign-ins after repeated failures (rownaq.accounts.lockout): after
# ROWNAQ_LOGIN_FAILURES wrong passwords for one username, or ROWNAQ_LOGIN_FAILURES_PER_IP from one address,
# within ROWNAQ_LOGIN_WINDOW_MINUTES, sign-ins are refused for ROWNAQ_LOGIN_LOCKOUT_MINUTES.
AUTHENTICATION_BACKENDS = ["rownaq.accounts.backends.LockoutModelBackend"]
ROWNAQ_LOGIN_FAILURES = envint("ROWNAQ_LOGIN_FAILURES", 5)
ROWNAQ_LOGIN_FAILURES_PER_IP = envint("ROWNAQ_LOGIN_FAILURES_PER_IP", 20)
ROWNAQ_LOGIN_WINDOW_MINUTES = envint("ROWNAQ_LOGIN_WINDOW_MINUTES", 15)
ROWNAQ_LOGIN_LOCKOUT_MINUTES = envint("ROWNAQ_LOGIN_LOCKOUT_MINUTES", 15)
# Behind a reverse proxy, the request header that carries the client's address (its last entry is used),
# e.g. HTTP_X_FORWARDED_FOR; empty: REMOTE_ADDR. Only set it when the proxy always writes that header.
ROWNAQ_CLIENT_IP_HEADER = os.environ.get("ROWNAQ_CLIENT_IP_HEADER", "")
# API tokens stop working this many days after they were made (rownaq.accounts.authentication).
ROWNAQ_API_TOKEN_DAYS = envint("ROWNAQ_API_TOKEN_DAYS", 30)

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("ROWNAQ_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
ROWNAQ_IMPORT_MAX_BYTES = envint("ROWNAQ_IMPORT_MAX_BYTES", 20 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", False)
X_FRAME_OPTIONS = "DENY"
# HTTPS (docs/deployment.md): off by default so that `make run` works on plain http://127.0.0.1.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)


# Behind a reverse proxy that ends HTTPS: how Django knows a request came over HTTPS. Set it only when the
# proxy always sets (or strips) that header.
SECURE_PROXY_SSL_HEADER = envheader("SECURE_PROXY_SSL_HEADER")
# On every page (rownaq.core.middleware.SecurityHeadersMiddleware): nothing inline, nothing from elsewhere.
# data: images are Bootstrap's icons; blob: workers are Redoc's search. Empty: no header.
ROWNAQ_CONTENT_SECURITY_POLICY = os.environ.get(
    "ROWNAQ_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rownaq.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bounded in size and depth (rownaq.core.parsers); forms and files as DRF parses them.
    "DEFAULT_PARSER_CLASSES": [
        "rownaq.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "rownaq.core.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rownaq API",
    "DESCRIPTION": (
        "HTTP API of Rownaq, the platform for supporting industrial production.\n\n"
        "Sign in with a token (`Authorization: Token <key>`, from `POST /api/v1/auth/token`). Lists come in pages "
        "of 50 (`count`, `next`, `previous`, `results`; `?page=N`). An update sends the `version` it loaded: "
        '409 if someone else changed the record since. Errors answer with `{"detail": ...}`, or for a 400 with '
        "each wrong field and its messages, in Persian (or in the language chosen on the site: the "
        "`django_language` cookie)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request and response components: what a client sends (files as binary, no read-only fields)
    # is not what it gets back.
    "COMPONENT_SPLIT_REQUEST": True,
    # The errors every operation can answer with, and their bodies (after the default enum hook).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "rownaq.core.openapi.document_errors",
    ],
    # Choice sets that share a field name ("kind") get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ExhibitionKindEnum": "rownaq.exhibitions.models.ExhibitionKind",
        "CaseStateEnum": "rownaq.obstacles.models.CaseState",
        "ReferralStateEnum": "rownaq.obstacles.models.ReferralState",
        "NeedStateEnum": "rownaq.needs.models.NeedState",
        "NeedKindEnum": "rownaq.needs.models.NeedKind",
        "NeedAccessStateEnum": "rownaq.needs.models.NeedAccessState",
        "ProposalStateEnum": "rownaq.needs.models.ProposalState",
        "DeclineReasonEnum": "rownaq.needs.models.DeclineReason",
        "MeetingStateEnum": "rownaq.hq.models.MeetingState",
        "ObjectionStateEnum": "rownaq.hq.models.ObjectionState",
        "RegulationKindEnum": "rownaq.hq.models.RegulationKind",
        "MonthlyReportStateEnum": "rownaq.monitoring.models.ReportState",
        "VisitOutlookEnum": "rownaq.monitoring.visit_models.Outlook",
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("ROWNAQ_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUDITLOG_INCLUDE_ALL_MODELS = False

# The periodic background tasks that ``manage.py run_scheduler`` enqueues at every tick; each app declares
# its own in its tasks.py (idempotent: a tick may come while the previous run is still queued).
ROWNAQ_PERIODIC_TASKS = [
    "rownaq.obstacles.tasks.escalate_overdue_referrals",
    "rownaq.needs.tasks.remind_overdue_proposals",
    "rownaq.monitoring.tasks.remind_missing_reports",
    "rownaq.monitoring.tasks.evaluate_unit_statuses",
    "rownaq.monitoring.tasks.score_risk_monthly",
]

# Obstacles and the facilitation HQ.
ROWNAQ_REFERRAL_WORKING_DAYS = envint("ROWNAQ_REFERRAL_WORKING_DAYS", 10)  # default time an agency has to answer
ROWNAQ_OBJECTION_DAYS = envint("ROWNAQ_OBJECTION_DAYS", 15)  # an agency may object to a resolution within this
ROWNAQ_SCOREBOARD_MIN_CASES = envint("ROWNAQ_SCOREBOARD_MIN_CASES", 5)  # fewer cases: no ranking shown
# The Industry Needs Desk.
ROWNAQ_MATCHES_PER_NEED = envint("ROWNAQ_MATCHES_PER_NEED", 20)  # matches stored for each need
ROWNAQ_ATTACHMENT_MAX_BYTES = envint("ROWNAQ_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Monitoring: the first Jalali month units report (missed months are counted from it at the earliest), the
# day of the next month a report is due by, and the day after which the missing are reminded.
ROWNAQ_MONITORING_START = os.environ.get("ROWNAQ_MONITORING_START", "1404/01")
ROWNAQ_REPORT_DUE_DAY = envint("ROWNAQ_REPORT_DUE_DAY", 10)
ROWNAQ_REPORT_REMINDER_DAY = envint("ROWNAQ_REPORT_REMINDER_DAY", 5)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rownaq@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
