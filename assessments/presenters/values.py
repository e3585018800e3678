"""One saved value in words (a code as its label, yes/no, a date), shared by every presenter."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats, timezone

from assessments import rules
from assessments.labels import code_label, label
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
    if name == "prior_radiation_courses":
        return "; ".join(f"{number}. {course_text(course)}" for number, course in enumerate(value, start=1))
    return code_label(name, str(value))


def course_text(course: dict[str, Any]) -> str:
    """One saved prior radiation entry (case-file object) in the words of its boxes on the form."""
    fractions = course["fractions"]
    parts = [
        label(rules.CourseTechnique(course["technique"])),
        f"{course['total_dose_gy']} Gy in {fractions} fraction{'s' if fractions != 1 else ''}",
        f"ended {course['end_date']}",
    ]
    if course.get("cord_max_dose_gy") is not None:
        parts.append(f"cord maximum {course['cord_max_dose_gy']} Gy")
    if course.get("same_course_as_previous"):
        parts.append("a further phase of the course above")
    return ", ".join(parts)
