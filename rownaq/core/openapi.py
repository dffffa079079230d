"""The API's OpenAPI schema says which errors each operation answers with, and in what shape.

drf-spectacular documents what views declare; the errors that DRF and Django give on their own (a field
that does not validate, a caller not signed in, an object the caller may not see, a page past the end, a
record someone else changed) come from here, added to every operation that can give them
(``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``). What a view declares itself stays as it is; a declared
error with no body gets the shared one.

The bodies: ``Error`` (``{"detail": "..."}``, for 401, 403, 404, 405, 409, 415, 429) and ``ValidationError``
(400: ``detail`` for the request as a whole, or each wrong field with its messages). And files go only in
multipart/form-data: the JSON and urlencoded forms of a body that has files are documented without them.
"""

from __future__ import annotations

from typing import Any

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Why the request was refused, in the caller's language (Persian by default).",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

_MESSAGES = {"type": "array", "items": {"type": "string"}}

VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "description": "What was wrong with the request, in the caller's language: `detail` for the request as a "
    "whole (a state or a rule that does not allow it), or each wrong field's name with its messages "
    "(`non_field_errors` for a rule over several fields; an object for a field with fields of its own). "
    "A few refusals send the list of messages alone.",
    "anyOf": [
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}, "non_field_errors": _MESSAGES},
            "additionalProperties": {
                "anyOf": [_MESSAGES, {"type": "string"}, {"type": "object"}, {"type": "array"}],
            },
        },
        _MESSAGES,
    ],
}

# What each status means when the operation itself says nothing more.
DESCRIPTIONS = {
    "400": "The request does not validate: the body names each wrong field, or says why in `detail`.",
    "401": "Not signed in: no token, a wrong one, or one that has expired (ask /api/v1/auth/token for a new one).",
    "403": "The caller's role or part does not allow it.",
    "404": "No such object for the caller (or a page past the end of the list).",
    "409": "Someone else changed the record since the caller loaded it: load it again and repeat the change.",
    "415": "The body is not in one of the media types the operation accepts.",
}

_WRITES = {"post", "put", "patch", "delete"}
_METHODS = {"get", "post", "put", "patch", "delete"}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(name)}}


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return dict(components.get(ref.rsplit("/", 1)[1], {}))
    return schema


def _sends_version(operation: dict[str, Any], components: dict[str, Any]) -> bool:
    """Whether the body carries the record's ``version``: an edit that answers 409 when it is stale."""
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = _resolve(media.get("schema", {}), components)
        if "version" in schema.get("properties", {}):
            return True
    return False


def _signed_in_only(operation: dict[str, Any]) -> bool:
    security: list[dict[str, Any]] = operation.get("security") or []
    return bool(security) and {} not in security


def _statuses(method: str, operation: dict[str, Any], components: dict[str, Any]) -> list[str]:
    """The errors an operation can give on its own, besides those its view declares."""
    parameters = operation.get("parameters", [])
    in_path = any(p.get("in") == "path" for p in parameters)
    in_query = any(p.get("in") == "query" for p in parameters)
    paged = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
    statuses = []
    if "requestBody" in operation or in_query:
        statuses.append("400")  # a field, or a filter, that does not validate
    if _signed_in_only(operation):
        statuses += ["401", "403"]
    if in_path or paged:
        statuses.append("404")
    if method in ("put", "patch") or (method in _WRITES and _sends_version(operation, components)):
        statuses.append("409")
    if "requestBody" in operation:
        statuses.append("415")
    return statuses


def _is_file(schema: dict[str, Any]) -> bool:
    return schema.get("format") == "binary" or schema.get("items", {}).get("format") == "binary"


def _without_files(name: str, components: dict[str, Any]) -> str | None:
    """The name of a component like ``name`` without its file fields (made on first use), or None if it has none:
    files travel only in multipart/form-data, never in JSON or a urlencoded form."""
    schema = components.get(name, {})
    files = [field for field, spec in schema.get("properties", {}).items() if _is_file(spec)]
    if not files:
        return None
    plain = f"{name}WithoutFiles"
    if plain not in components:
        components[plain] = {
            **schema,
            "properties": {k: v for k, v in schema["properties"].items() if k not in files},
            "description": f"As {name}, without its files ({', '.join(files)}): those go as multipart/form-data.",
        }
        if "required" in schema:
            components[plain]["required"] = [k for k in schema["required"] if k not in files]
    return plain


def _files_only_in_multipart(operation: dict[str, Any], components: dict[str, Any]) -> None:
    for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
        ref = media.get("schema", {}).get("$ref", "")
        if media_type != "multipart/form-data" and ref.startswith("#/components/schemas/"):
            plain = _without_files(ref.rsplit("/", 1)[1], components)
            if plain is not None:
                media["schema"] = _ref(plain)


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the shared error bodies, and the errors of every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(ERROR, ERROR_SCHEMA)
    components.setdefault(VALIDATION_ERROR, VALIDATION_ERROR_SCHEMA)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            _files_only_in_multipart(operation, components)
            responses = operation.setdefault("responses", {})
            for status in _statuses(method, operation, components):
                responses.setdefault(status, {"description": DESCRIPTIONS[status]})
            for status, response in responses.items():
                if status.startswith("4") and not response.get("content"):
                    response["content"] = _body(VALIDATION_ERROR if status == "400" else ERROR)
            operation["responses"] = dict(sorted(responses.items()))
    return result
