"""How every form's fields render and refuse: the site's form renderer and the shared typed-text fields.

``FORM_RENDERER`` points here, so each form of the site (the apps', crispy's and Django's own, such as the
log-in form) builds its fields with ``FieldShown``: "required" and a text limit are refused with the
field's name, and the limit is shown as a counter, never enforced by ``maxlength``, which silently cuts off
what is typed or pasted. Django ties each field's errors to it (``aria-describedby`` ``<id>_error``,
``aria-invalid``).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django import forms
from django.forms.renderers import TemplatesSetting


class PlainCopy:
    """A field or widget copied as ``copy.copy`` copies a plain object (a new instance, the same ``__dict__``),
    made directly instead of through the pickle protocol's generic path.

    Django deep-copies each declared field and its widget for every form it builds (``Field.__deepcopy__``
    and ``Widget.__deepcopy__`` each start with ``copy.copy(self)``): the live update with eight lesion cards
    builds about 150 (docs/performance.md).
    """

    def __copy__(self) -> Any:
        copied = self.__class__.__new__(self.__class__)
        copied.__dict__.update(self.__dict__)
        return copied


class FieldShown(forms.BoundField):
    """A bound field whose refusals name it; its text limit is a counter (``data-maxlength``, static/js/app.js)."""

    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        super().__init__(form, field, name)
        # The form's own deep copy of the field: changing it changes no other form.
        required = field.error_messages.get("required")
        default = forms.Field.default_error_messages["required"]
        # Most fields hold Django's lazy default itself: comparing by identity first spares translating it
        # for every field of every form built (the live update builds about a hundred).
        if required is default or required == default:
            field.error_messages["required"] = f"{self.label}: this is required."
        limit = getattr(field, "max_length", None)
        if isinstance(field, forms.CharField) and limit is not None:
            field.widget.attrs.pop("maxlength", None)
            field.widget.attrs["data-maxlength"] = str(limit)
            field.error_messages["max_length"] = (
                f"{self.label}: at most %(limit_value)d characters, this has %(show_value)d. "
                "Shorten it; nothing was cut off."
            )


class FormRenderer(TemplatesSetting):
    """The project's templates (and the installed apps'), every field built as ``FieldShown``."""

    bound_field_class = FieldShown


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,30}")
# Above this a limit is the database's, not one a user needs to read: the words say "or more".
_LARGEST_SHOWN = 10**9


class WholeNumberField(PlainCopy, forms.IntegerField):
    """A whole number typed as text, refused with the field's name, the allowed range and the unit in words.

    The box is a text input with a numeric keyboard, never ``<input type=number>``: that hands the server
    an empty value for "3e" and so turns a typing slip into "not recorded". Only plain digits are taken
    ("1O" is refused, not read as 1); JSON booleans and fractions (case files) are refused too.
    """

    widget = forms.TextInput

    def __init__(self, *, label: str, unit: str, min_value: int, max_value: int, note: str = "", **kwargs: Any) -> None:
        self.unit, self.note = unit, note
        super().__init__(label=label, min_value=min_value, max_value=max_value, **kwargs)
        self.validators = []  # the range is checked in validate(), with a message in words
        self.error_messages["required"] = f"{label}: give {self.range_words()}."

    def range_words(self) -> str:
        """The allowed values in words: "a whole number from 0 to 43800 hours (5 years)"."""
        assert self.min_value is not None and self.max_value is not None
        if self.max_value >= _LARGEST_SHOWN:
            return f"a whole number, {self.min_value} or more"
        unit = f" {self.unit}" if self.unit else ""
        note = f" ({self.note})" if self.note else ""
        return f"a whole number from {self.min_value} to {self.max_value}{unit}{note}"

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "numeric"}

    def _refuse(self, value: Any) -> forms.ValidationError:
        return forms.ValidationError(
            "%(label)s: %(value)s is not a whole number. Give %(range)s.",
            code="invalid",
            params={"label": self.label, "value": f'"{value}"', "range": self.range_words()},
        )

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self._refuse(value)
        if isinstance(value, str):
            if not _WHOLE_NUMBER.fullmatch(value.strip()):
                raise self._refuse(value)
            value = int(value.strip())
        return value

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        assert self.min_value is not None and self.max_value is not None
        if not self.min_value <= value <= self.max_value:
            raise forms.ValidationError(
                "%(label)s: %(value)s is out of range. Give %(range)s.",
                code="out_of_range",
                params={"label": self.label, "value": value, "range": self.range_words()},
            )


# Digits, an optional point and digits: no exponent ("3e1"), no sign, no comma (a typed "30,5" is refused by
# name, never read as 305 or 30).
_DECIMAL = re.compile(r"[0-9]{1,30}(?:\.[0-9]{1,30})?")


class DecimalAmountField(PlainCopy, forms.Field):
    """An amount typed as decimal text and kept exact (a ``Decimal`` from the text typed, never a float).

    Refused with the field's name: text that is not a plain decimal number, more decimals than the field
    keeps (never rounded), and a value outside ``(0, max_value]``. JSON numbers are read from their
    shortest decimal text; booleans are refused.
    """

    widget = forms.TextInput

    def __init__(self, *, label: str, unit: str, max_value: Decimal, decimal_places: int, **kwargs: Any) -> None:
        self.unit, self.max_value, self.decimal_places = unit, max_value, decimal_places
        super().__init__(label=label, **kwargs)
        self.error_messages["required"] = f"{self.named()}: give {self.range_words()}."

    def named(self) -> str:
        """The field's name in a refusal: its label without the unit in brackets ("total dose")."""
        return re.sub(r"\s*\([^)]*\)$", "", str(self.label))

    def range_words(self) -> str:
        """The allowed values in words: "a number of Gy above 0 and at most 80, with at most 2 decimals"."""
        return (
            f"a number of {self.unit} above 0 and at most {self.max_value}, with at most {self.decimal_places} decimals"
        )

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def _refuse(self, code: str, why: str, value: Any) -> forms.ValidationError:
        return forms.ValidationError(
            "%(name)s: %(value)s %(why)s. Give %(range)s.",
            code=code,
            params={"name": self.named(), "value": value, "why": why, "range": self.range_words()},
        )

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self._refuse("invalid", "is not a number", f'"{value}"')
        text = value.strip() if isinstance(value, str) else str(value)
        if not _DECIMAL.fullmatch(text):
            raise self._refuse("invalid", "is not a number", f'"{value}"')
        return Decimal(text)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -self.decimal_places:
            raise self._refuse("decimals", f"has more than {self.decimal_places} decimals (nothing was rounded)", value)
        if not Decimal(0) < value <= self.max_value:
            raise self._refuse("out_of_range", "is out of range", value)


_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


class DayOrMonth(NamedTuple):
    """A date known to the day, or only to the month (``month_only``: ``day`` is then the month's first)."""

    day: date
    month_only: bool

    @property
    def iso(self) -> str:
        """``YYYY-MM-DD``, or ``YYYY-MM`` when only the month is known."""
        return self.day.isoformat()[:7] if self.month_only else self.day.isoformat()

    def after(self, day: date) -> bool:
        """Whether this date is after ``day``; a month only when it is a later month (its own month is not after)."""
        if self.month_only:
            return (self.day.year, self.day.month) > (day.year, day.month)
        return self.day > day


class DayOrMonthField(PlainCopy, forms.Field):
    """A date typed as ``YYYY-MM-DD``, or ``YYYY-MM`` when only the month is known; refused with the field's name."""

    widget = forms.TextInput
    words = "YYYY-MM-DD, or YYYY-MM when only the month is known"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages["required"] = f"{self.label}: give the date as {self.words}."

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "placeholder": "YYYY-MM-DD or YYYY-MM"}

    def to_python(self, value: Any) -> DayOrMonth | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, DayOrMonth):
            return value
        text = value.strip() if isinstance(value, str) else None
        try:
            if text is not None and (found := _DAY.fullmatch(text)):
                return DayOrMonth(date(*(int(part) for part in found.groups())), month_only=False)
            if text is not None and (found := _MONTH.fullmatch(text)):
                return DayOrMonth(date(int(found.group(1)), int(found.group(2)), 1), month_only=True)
        except ValueError:
            raise forms.ValidationError(
                "%(label)s: %(value)s is not a date in the calendar. Give %(words)s.",
                code="invalid_date",
                params={"label": self.label, "value": f'"{value}"', "words": self.words},
            ) from None
        raise forms.ValidationError(
            "%(label)s: %(value)s is not a date. Give %(words)s.",
            code="invalid",
            params={"label": self.label, "value": f'"{value}"', "words": self.words},
        )

    def prepare_value(self, value: Any) -> Any:
        return value.iso if isinstance(value, DayOrMonth) else value
