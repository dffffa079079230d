"""What every app's API shares about edits: the ``version`` an update must send, and 409 when it is stale
(see ``rownaq.core.versions``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status

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
