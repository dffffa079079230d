"""Form fields shared by every app: Jalali dates, normalised Persian text and money in billion rials."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _

from rownaq.core.files import ACCEPT, attachment_content_type
from rownaq.core.jalali import JalaliDateError, format_jalali, parse_jalali_date
from rownaq.core.normalise import (
    FREE_TEXT_MAX_LENGTH,
    WHOLE_NUMBER_MAX,
    normalise_paragraphs,
    normalise_text,
    parse_int,
    to_latin_digits,
    to_persian_digits,
)
from rownaq.core.numbers import BILLION, billions_input, format_number

BILLIONS_TEXT = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")  # after digits and separators are normalised


class PersianDigitsInput(forms.TextInput):
    """A number shown in Persian digits and typed left to right in any digits (the field turns them back
    into Latin ones). A text input: browsers neither show nor accept Persian digits in ``type=number``."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"dir": "ltr", "inputmode": "numeric", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        text = super().format_value(value)
        return None if text is None else to_persian_digits(text)


class PlainDecimalInput(PersianDigitsInput):
    """Shows ``900000.00`` as ``۹۰۰۰۰۰`` and ``12.50`` as ``۱۲.۵``; typed left to right."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        return super().format_value(value)


class JalaliDateInput(forms.TextInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "dir": "ltr",
            "inputmode": "numeric",
            "class": "form-control jalali-date",
        }
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # A hint of the order, not an example: a date in the empty field would look filled in.
        if "placeholder" not in self.attrs:
            attrs = {"placeholder": _("year/month/day"), **(attrs or {})}
        return super().get_context(name, value, attrs)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return format_jalali(value)
        return super().format_value(value)


class JalaliDateField(forms.Field):
    """Accepts ``1403/05/12``, ``۱۴۰۳/۰۵/۱۲`` or ``١٤٠٣-٥-١٢`` and cleans to a Gregorian ``date``."""

    widget = JalaliDateInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return parse_jalali_date(str(value))
        except JalaliDateError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class PersianCharField(forms.CharField):
    """A text field whose value is normalised (ی/ک, digits, ZWNJ, spaces) before it is used; with a
    ``Textarea`` its line breaks are kept. Without a ``max_length`` it takes ``FREE_TEXT_MAX_LENGTH``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", FREE_TEXT_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return normalise_paragraphs(value) if isinstance(self.widget, forms.Textarea) else normalise_text(value)


class LatinDigitsIntegerField(forms.IntegerField):
    """An integer typed with Persian, Arabic or Latin digits and optional thousands separators.

    Rendered as a text input: browsers refuse Persian digits in ``type=number``.

    Bounded by default to what a database column holds (``WHOLE_NUMBER_MAX``), so that a number pasted by
    mistake gets an error instead of reaching the database.
    """

    widget = PersianDigitsInput

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("max_value") is None:
            kwargs["max_value"] = WHOLE_NUMBER_MAX
            kwargs["error_messages"] = {"max_value": _("This number is too large."), **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = to_latin_digits(value).replace(",", "").replace("٬", "").strip()
        return super().to_python(value)


class LatinDigitsDecimalField(forms.DecimalField):
    widget = PlainDecimalInput

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = to_latin_digits(value).replace(",", "").replace("٬", "").replace("٫", ".").strip()
        return super().to_python(value)


class BillionRialField(forms.Field):
    """Money typed in billion rials, the unit officials use, and cleaned to whole rials (``int``).

    Accepts Persian, Arabic or Latin digits, ``٫``, ``.`` or ``/`` as the decimal point and ``٬`` or ``,``
    between thousands: ``۲٫۵`` and ``2.5`` are 2,500,000,000 rials. Refuses a negative amount, more than
    ``MAX_BILLIONS`` billion rials (so that it fits a 64-bit integer) and fractions of a rial. A stored
    amount is shown back in billion rials with Persian digits.
    """

    MAX_BILLIONS = 10**9

    widget = forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"})
    default_error_messages = {
        "invalid": _("Enter the amount in billion rials as a number, e.g. ۲٫۵ for two and a half billion rials."),
        "negative": _("The amount cannot be negative."),
        "too_large": _("The amount cannot be more than %(limit)s billion rials."),
        "fraction_of_rial": _("The amount is counted in whole rials: at most nine digits after the decimal point."),
    }

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = to_latin_digits(str(value)).strip()
        for separator in (",", "٬", " ", "\u200c"):
            text = text.replace(separator, "")
        text = text.replace("٫", ".").replace("/", ".")
        if not text:
            return None
        if not BILLIONS_TEXT.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        rials = Decimal(text) * BILLION
        if rials != rials.to_integral_value():
            raise forms.ValidationError(self.error_messages["fraction_of_rial"], code="fraction_of_rial")
        return int(rials)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if value < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if value > self.MAX_BILLIONS * BILLION:
            raise forms.ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={"limit": format_number(self.MAX_BILLIONS)},
            )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return billions_input(value)
        if isinstance(value, str):  # shown back as typed, in Persian digits like the other number fields
            return to_persian_digits(value)
        return value


class VersionField(forms.IntegerField):
    """The version of the shared record the person opened, sent back with their edit in a hidden field, so
    that the service refuses it if someone saved the record in between (``rownaq.core.versions``)."""

    widget = forms.HiddenInput
    default_error_messages = {
        "required": _("This form did not say which version of the record you opened. Open the page again."),
        "invalid": _("This form did not say which version of the record you opened. Open the page again."),
        "min_value": _("This form did not say which version of the record you opened. Open the page again."),
        "max_value": _("This form did not say which version of the record you opened. Open the page again."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", WHOLE_NUMBER_MAX)
        super().__init__(**kwargs)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Several records chosen by id (checkboxes): an id beyond 64 bits is refused as an invalid choice before it
    reaches the ``pk__in`` query, where the database would fail on it."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None:
            for pk in value:
                if not isinstance(pk, models.Model) and parse_int(pk) is None:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)  # type: ignore[misc]


def style_widgets(form: forms.BaseForm) -> None:
    """Give every widget of ``form`` its Bootstrap class (checkbox, select or text input)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        errors = []
        for upload in cleaned:
            try:
                attachment_content_type(upload)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned
