"""The ``label`` filter: any spec code, yes/no or time in the words a clinician reads.

``{{ result.pathway|label }}`` for an enum member of the typed result;
``{{ code|label:"histology" }}`` for a bare code with the field it belongs to.
Labels themselves live in :mod:`assessments.labels`; this only looks them up.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django import template

from assessments import labels
from assessments.presenters import value_text

register = template.Library()


@register.filter(name="label")
def label(value: Any, field: str = "") -> str:
    """The words for ``value``: an enum member's label, or a field's value as :func:`value_text` gives it."""
    if isinstance(value, StrEnum):
        try:
            return labels.label(value)
        except KeyError:
            return value.value
    return value_text(field, value)


@register.filter(name="field_label")
def field_label(name: str) -> str:
    """The short clinical name of a case field ("pathway_code" → "Pathway")."""
    return labels.field_label(name)
