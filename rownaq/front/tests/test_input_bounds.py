"""Every field a person or an API client fills is bounded: whole numbers no larger than a column holds,
free text of at most ``FREE_TEXT_MAX_LENGTH`` characters, dates of the accepted Jalali years. A new form
or input serializer with an unbounded field fails here, before a fuzzer finds the server error."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

from django import forms
from rest_framework import serializers

import rownaq
from rownaq.core import api_fields
from rownaq.core.forms import JalaliDateField, ModelMultipleChoiceField
from rownaq.core.normalise import FREE_TEXT_MAX_LENGTH
from rownaq.registry.api import UnitSerializer

_MODULES = [
    importlib.import_module(info.name)
    for info in pkgutil.walk_packages(rownaq.__path__, "rownaq.")
    if not re.search(r"\.(tests|migrations|management)(\.|$)", info.name) and info.name != "rownaq.wsgi"
]


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _unbounded_form_field(field: forms.Field) -> bool:
    if isinstance(field.widget, forms.HiddenInput | forms.PasswordInput):
        return False
    if isinstance(field, forms.ModelMultipleChoiceField):  # ids go into a pk__in query unchecked
        return not isinstance(field, ModelMultipleChoiceField)
    if isinstance(field, forms.DecimalField):
        return field.max_digits is None and field.max_value is None
    if isinstance(field, forms.IntegerField):
        return field.max_value is None
    if isinstance(field, forms.CharField) and not isinstance(field, forms.ChoiceField):
        return field.max_length is None or field.max_length > FREE_TEXT_MAX_LENGTH
    return isinstance(field, forms.DateField | forms.DateTimeField) and not isinstance(field, JalaliDateField)


def test_every_form_field_is_bounded() -> None:
    unbounded = sorted(
        f"{form.__module__}.{form.__name__}.{name}"
        for form in set(_subclasses(forms.BaseForm))
        if form.__module__.startswith("rownaq.")
        and ".tests" not in form.__module__
        and not form.__module__.startswith("rownaq.accounts.")  # the sign-in forms: Django's own
        for name, field in getattr(form, "base_fields", {}).items()
        if _unbounded_form_field(field)
    )
    assert unbounded == []


def _input_serializers() -> set[type[serializers.Serializer[Any]]]:
    """The serializers the API reads requests with: every ``...Serializer(data=...)`` of an ``api`` module,
    and the unit's (the one model serializer that writes)."""
    found: set[type[serializers.Serializer[Any]]] = {UnitSerializer}
    for module in _MODULES:
        if not module.__name__.endswith(".api"):
            continue
        for name in re.findall(r"(\w+Serializer)\(data=", inspect.getsource(module)):
            found.add(getattr(module, name))
    return found


def _unbounded_serializer_fields(fields: dict[str, Any], prefix: str) -> Iterator[str]:
    for name, field in fields.items():
        where = f"{prefix}.{name}"
        if field.read_only:
            continue
        if isinstance(field, serializers.ListField):
            if field.max_length is None and not isinstance(field.child, serializers.FileField):
                yield where
            yield from _unbounded_serializer_fields({"[]": field.child}, where)
        elif isinstance(field, serializers.IntegerField):
            if field.max_value is None:
                yield where
        elif isinstance(field, serializers.CharField) and not isinstance(field, serializers.ChoiceField):
            if field.max_length is None or field.max_length > FREE_TEXT_MAX_LENGTH:
                yield where
        elif isinstance(field, serializers.DateField | serializers.DateTimeField):
            if not isinstance(field, api_fields.DateField | api_fields.DateTimeField):
                yield where
        elif isinstance(field, serializers.Serializer):
            yield from _unbounded_serializer_fields(dict(field.fields), where)


def test_every_input_serializer_field_is_bounded() -> None:
    inputs = _input_serializers()
    assert len(inputs) > 10
    unbounded = sorted(
        where
        for serializer in inputs
        for where in _unbounded_serializer_fields(dict(serializer(context={}).fields), serializer.__name__)
    )
    assert unbounded == []
