"""One saved value in words (a code as its label, yes/no, a date), shared by every presenter."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats, timezone

from assessments.labels import code_label
from assessments.models import CaseStatus, Sex

EMPTY = "—"


def value_text(name: str, value: Any) -> str:
    """One saved value in words: a code as its label, yes/no, a date in the site's format, "—" for none."""
    if value is None or value == "":
        return EMPTY
    if value is True or value is False:
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if name == "status":
        return str(dict(CaseStatus.choices).get(value, value))
    if name == "sex":
        return str(dict(Sex.choices).get(value, value))
    return code_label(name, str(value))
