"""Serializer fields every app's API uses for what a caller sends: whole numbers and ids no larger than a
database column holds, free text of a bounded length and dates in the years the platform accepts. The
same bounds as the pages' form fields (``rownaq.core.forms``), so that the API refuses with a field error
(400) what would otherwise fail in the database or slow every page that shows it.

``ModelSerializer`` applies them to the fields a model serializer builds from its model."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rownaq.core.jalali import JalaliDateError, check_date_range
from rownaq.core.normalise import FREE_TEXT_MAX_LENGTH, WHOLE_NUMBER_MAX

_Model = TypeVar("_Model", bound=models.Model)


class WholeNumberField(serializers.IntegerField):
    """A whole number from 0 (or ``min_value``) to ``max_value``, by default the largest a column holds."""

    default_error_messages = {
        "invalid": _("Enter a whole number."),
        "max_value": _("This number is too large."),
        "max_string_length": _("This number is too large."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", WHOLE_NUMBER_MAX)
        super().__init__(**kwargs)


class IdField(WholeNumberField):
    """A record's id: from 1 to the largest a column holds."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


class FreeTextField(serializers.CharField):
    """Free text (a description, an answer, a message): at most ``FREE_TEXT_MAX_LENGTH`` characters."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", FREE_TEXT_MAX_LENGTH)
        super().__init__(**kwargs)


class DateField(serializers.DateField):
    """An ISO date (``2025-03-21``) within the Jalali years the platform accepts (1300 to 1499)."""

    def to_internal_value(self, value: Any) -> dt.date:
        day = super().to_internal_value(value)
        try:
            return check_date_range(day)
        except JalaliDateError as exc:
            raise serializers.ValidationError(str(exc), code="range") from exc


class DateTimeField(serializers.DateTimeField):
    """An ISO date and time within the Jalali years the platform accepts (1300 to 1499)."""

    def to_internal_value(self, value: Any) -> dt.datetime:
        if isinstance(value, str):
            try:
                day = dt.date.fromisoformat(value[:10])
            except ValueError:
                day = None
            if day is not None:
                try:
                    check_date_range(day)
                except JalaliDateError as exc:  # before a time zone is applied: year 1 would overflow
                    raise serializers.ValidationError(str(exc), code="range") from exc
        moment = super().to_internal_value(value)
        try:
            check_date_range(moment)
        except JalaliDateError as exc:
            raise serializers.ValidationError(str(exc), code="range") from exc
        return moment


class ModelSerializer(serializers.ModelSerializer[_Model]):
    """A model serializer whose fields built from the model take the bounds above: text fields at most
    ``FREE_TEXT_MAX_LENGTH`` characters, dates within the accepted years, integers within a column's range
    (Django's model fields already carry those validators)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: DateField,
    }

    def build_standard_field(self, field_name: str, model_field: models.Field[Any, Any]) -> tuple[type, dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.TextField) and "choices" not in kwargs and not kwargs.get("read_only"):
            kwargs.setdefault("max_length", FREE_TEXT_MAX_LENGTH)
        return field_class, kwargs
