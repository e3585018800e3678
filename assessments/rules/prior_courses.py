"""Spec section 1, the prior radiation entries and the evaluation date as a case file gives them: read and checked.

:func:`read_courses` turns a lesion's ``prior_radiation_courses`` (JSON values as parsed) into
:class:`PriorCourse` s, or names every error (``lesions[i].prior_radiation_courses[j].FIELD``);
:func:`read_evaluation_date` does the same for ``evaluation_date``. Every error found is listed; the
contradiction with ``prior_radiation_in_field`` does not hide the entries' own errors.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Final

from .codes import CourseTechnique
from .inputs import (
    COURSE_FIELDS,
    COURSE_REQUIRED_FIELDS,
    MAX_COURSES,
    MAX_FRACTIONS,
    MAX_SBRT_FRACTIONS,
    PriorCourse,
    dose_problem,
)

Errors = dict[str, list[str]]
_DAY: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH: Final = re.compile(r"(\d{4})-(\d{2})")


def read_evaluation_date(value: object) -> date | None:
    """An ``evaluation_date`` (``YYYY-MM-DD``); raises ``ValueError`` with the reason when it is not one."""
    if value is None:
        return None
    if isinstance(value, str):
        found = _DAY.fullmatch(value)
        if found:
            return date(*(int(part) for part in found.groups()))  # ValueError for 2027-02-30
    raise ValueError("not a date")


def _end_date(value: object) -> tuple[date, bool]:
    """An ``end_date``: ``YYYY-MM-DD``, or ``YYYY-MM`` (month only: the first of the month, flagged)."""
    if isinstance(value, str):
        found = _DAY.fullmatch(value)
        if found:
            return date(*(int(part) for part in found.groups())), False
        found = _MONTH.fullmatch(value)
        if found:
            return date(int(found.group(1)), int(found.group(2)), 1), True
    raise ValueError("not a date")


def _dose(value: object) -> Decimal:
    """A dose in Gy from a JSON number (never a string or a boolean), exact from its decimal text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("not a number")
    return Decimal(str(value))  # the shortest decimal text of a float: 30.125 stays 30.125


_MESSAGES: Final = {
    "technique": "Give cebrt or sbrt.",
    "total_dose_gy": "Give the prescribed dose in Gy: a number above 0 and at most 80, with at most 2 decimals.",
    "fractions": "Give the number of fractions: a whole number from 1 to 40 (1 to 5 for SBRT).",
    "end_date": "Give the last day of this entry as YYYY-MM-DD, or YYYY-MM when only the month is known.",
    "cord_max_dose_gy": "Give the plan's cord maximum in Gy (above 0, at most 80, at most 2 decimals), or null.",
    "same_course_as_previous": "Give true or false (or null).",
}


_TECHNIQUES: Final = {technique.value: technique for technique in CourseTechnique}


def _technique(raw: object) -> CourseTechnique | None:
    return _TECHNIQUES.get(raw) if isinstance(raw, str) else None


def _entry(entry: dict[object, object], name: str, errors: Errors, *, first: bool) -> PriorCourse | None:
    """One entry read, or None with each of its errors added under ``name``.FIELD."""
    bad: dict[str, str] = {str(key): "Unknown field: a prior radiation entry has no such key." for key in entry}
    for key in COURSE_FIELDS:
        bad.pop(key, None)
    for key in COURSE_REQUIRED_FIELDS:
        if entry.get(key) is None:
            bad[key] = f"This field is required. {_MESSAGES[key]}"
    technique = _technique(entry.get("technique"))
    if technique is None and "technique" not in bad:
        bad["technique"] = _MESSAGES["technique"]
    doses: dict[str, Decimal] = {}
    for key in ("total_dose_gy", "cord_max_dose_gy"):
        raw = entry.get(key)
        if raw is None:
            continue
        try:
            doses[key] = _dose(raw)
        except ValueError:
            bad[key] = _MESSAGES[key]
            continue
        if dose_problem(doses[key]) is not None:
            bad[key] = _MESSAGES[key]
    fractions = entry.get("fractions")
    if fractions is not None:
        if isinstance(fractions, bool) or not isinstance(fractions, int) or not 1 <= fractions <= MAX_FRACTIONS:
            bad["fractions"] = _MESSAGES["fractions"]
        elif technique == CourseTechnique.SBRT and fractions > MAX_SBRT_FRACTIONS:
            bad["fractions"] = f"SBRT is given in 1 to {MAX_SBRT_FRACTIONS} fractions."
    end = month_only = None
    if entry.get("end_date") is not None:
        try:
            end, month_only = _end_date(entry["end_date"])
        except ValueError:
            bad["end_date"] = _MESSAGES["end_date"]
    same = entry.get("same_course_as_previous")
    if same is not None and not isinstance(same, bool):
        bad["same_course_as_previous"] = _MESSAGES["same_course_as_previous"]
    elif same is True and first:
        bad["same_course_as_previous"] = "The first entry has no entry above it to continue."
    for key, message in bad.items():
        errors[f"{name}.{key}"] = [message]
    if bad:
        return None
    assert technique is not None and isinstance(fractions, int) and end is not None and month_only is not None
    return PriorCourse(
        technique=technique,
        total_dose_gy=doses["total_dose_gy"],
        fractions=fractions,
        end_date=end,
        month_only=month_only,
        cord_max_dose_gy=doses.get("cord_max_dose_gy"),
        same_course_as_previous=same is True,
    )


def read_courses(
    value: object, *, name: str, flagged: bool | None, evaluation_date: date | None
) -> tuple[tuple[PriorCourse, ...], Errors]:
    """A lesion's ``prior_radiation_courses`` read and checked (spec 1); ``name`` is its case-file name.

    ``flagged`` is the lesion's ``prior_radiation_in_field`` (None when that is itself invalid);
    ``evaluation_date`` the date the end dates may not pass (None when it is invalid). Absent, null and
    ``[]`` all mean "not recorded".
    """
    if value is None:
        return (), {}
    if not isinstance(value, list) or len(value) > MAX_COURSES:
        return (), {name: [f"Give a list of at most {MAX_COURSES} prior radiation entries, or null."]}
    errors: Errors = {}
    if value and flagged is False:
        errors[name] = ["Prior radiation entries need prior radiation in the field: set it, or remove the entries."]
    courses: list[PriorCourse] = []
    for number, entry in enumerate(value):
        entry_name = f"{name}[{number}]"
        if not isinstance(entry, dict):
            errors[entry_name] = ["A prior radiation entry must be a JSON object."]
            continue
        course = _entry(entry, entry_name, errors, first=number == 0)
        if course is None:
            continue
        if evaluation_date is not None and course.ends_after(evaluation_date):
            errors[f"{entry_name}.end_date"] = ["This entry ends after the evaluation date."]
        courses.append(course)
    return (tuple(courses), {}) if not errors else ((), errors)
