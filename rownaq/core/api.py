"""What every app's API shares: the ``version`` an update must send and 409 when it is stale (see
``rownaq.core.versions``), the error bodies its schema documents (``rownaq.core.openapi``), and a 404 in JSON
for an address under /api/ that does not exist."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status

from rownaq.core import openapi
from rownaq.core.normalise import parse_int

VERSION_HELP = (
    "The record's `version` as the caller loaded it; required on every update (PUT or PATCH). "
    "400 if it is missing, 409 if someone else changed the record since."
)


class Conflict(exceptions.APIException):
    """409: someone else changed the record since the caller loaded it."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Someone else changed this record. Load it again and repeat your change.")
    default_code = "stale"


def required_version(data: Any) -> int:
    """The ``version`` an API update sent, or a 400 in the caller's language saying what to send."""
    raw = data.get("version") if hasattr(data, "get") else None
    text = "" if raw is None or isinstance(raw, bool) else str(raw).strip()
    if not text:
        raise exceptions.ValidationError(
            {
                "version": [
                    _(
                        "Send the version of the record you loaded (its “version” field), so that no one else's "
                        "change is overwritten."
                    )
                ]
            }
        )
    version = parse_int(text)
    if version is None or version < 1:
        raise exceptions.ValidationError({"version": [_("The version must be a whole number, such as 3.")]})
    return version


# The largest id a database row can have (a signed 64-bit integer, on SQLite and PostgreSQL alike).
BIGGEST_ID = 2**63 - 1


def id_in_path(text: str) -> int | None:
    """The id a URL names, or None when no row can have it (not a whole number in ASCII digits, or past
    ``BIGGEST_ID``): the caller answers 404, not a server error."""
    if not (text.isascii() and text.isdigit()):
        return None
    return parse_int(text)


def read_only_choice(choices: type[models.Choices], *, blank: bool = False, help_text: str = "") -> Any:
    """A read-only field holding one of ``choices``' values: an enum in the schema (with "" when ``blank``)."""
    return serializers.ChoiceField(
        choices=choices.choices, read_only=True, allow_blank=blank, help_text=help_text or None
    )


# -- the error bodies in the schema ------------------------------------------------------------------------


class Error(serializers.Serializer[Any]):
    """The body of a refusal other than a validation error: ``{"detail": "..."}``."""


class ValidationErrors(serializers.Serializer[Any]):
    """The body of a 400: ``detail``, or each wrong field with its messages."""


class _ErrorSchema(OpenApiSerializerExtension):
    target_class = Error

    def get_name(self, auto_schema: Any, direction: Any) -> str:
        return openapi.ERROR

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return openapi.ERROR_SCHEMA


class _ValidationErrorSchema(OpenApiSerializerExtension):
    target_class = ValidationErrors

    def get_name(self, auto_schema: Any, direction: Any) -> str:
        return openapi.VALIDATION_ERROR

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return openapi.VALIDATION_ERROR_SCHEMA


def refused(description: str) -> OpenApiResponse:
    """A documented refusal (401, 403, 404, 409, ...) with what it means for this operation."""
    return OpenApiResponse(Error, description=description)


def invalid(description: str) -> OpenApiResponse:
    """A documented 400 with what it means for this operation."""
    return OpenApiResponse(ValidationErrors, description=description)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 handler: JSON under /api/ (as DRF's own 404s are), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("There is no such address in the API.")}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)
