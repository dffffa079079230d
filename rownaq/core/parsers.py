"""The API's JSON parser, bounded: a body of at most ``MAX_BODY_BYTES`` and arrays and objects nested at
most ``MAX_DEPTH`` deep. Python's parser recurses once per level: a small body nested tens of thousands
deep would exhaust the stack (a server error) and a large one hold a worker; both get a 400 in the
caller's language instead."""

from __future__ import annotations

import json
import re
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser

from rownaq.core.normalise import to_persian_digits

MAX_BODY_BYTES = 1_000_000
MAX_DEPTH = 32

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class JSONParser(DRFJSONParser):
    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        body = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(body) > MAX_BODY_BYTES:
            raise ParseError(_("The request is too large: send at most one megabyte of JSON."))
        try:
            text = body.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(_("The request is not valid JSON text (UTF-8).")) from exc
        if json_depth(text) > MAX_DEPTH:
            raise ParseError(
                _("The JSON of the request nests too deep: at most %(depth)s levels of arrays and objects.")
                % {"depth": to_persian_digits(str(MAX_DEPTH))}
            )
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("The request is not valid JSON.")) from exc
        if _has_nul(data):  # no text field may hold it (PostgreSQL refuses it even in a lookup)
            raise ParseError(_("The request holds a NUL character (\\u0000), which no text may contain."))
        return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")
