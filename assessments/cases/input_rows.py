"""A saved case's inputs as label/value rows for the case page, in the entry form's order and words."""

from __future__ import annotations

from typing import Any

from assessments.cases.forms import COURSES_KEY, CaseFieldsForm, LesionForm, flat_choices, lesion_title
from assessments.presenters.values import EMPTY, course_text


def present_inputs(case: Any) -> list[dict[str, str]]:
    """The case's own saved assessment inputs as label/value rows, in the form's order."""
    return _rows(CaseFieldsForm(), lambda name: getattr(case, name))


def present_lesion_inputs(case: Any) -> list[dict[str, Any]]:
    """Every saved lesion: its title, whether it is the index lesion, and its inputs as label/value rows."""
    form = LesionForm()
    return [
        {
            "position": position,
            "title": lesion_title(position),
            "level": lesion["spinal_level"],
            "index": lesion.get("index", True),
            "rows": _rows(form, lesion.get) + _course_rows(lesion.get(COURSES_KEY)),
        }
        for position, lesion in enumerate(case.stored_lesions())
    ]


def _course_rows(courses: Any) -> list[dict[str, str]]:
    """Each saved prior radiation entry as one row, in the words of its boxes on the form."""
    return [
        {"name": f"{COURSES_KEY}[{number}]", "label": f"Prior course {number + 1}", "value": course_text(course)}
        for number, course in enumerate(courses or [])
    ]


def _rows(form: Any, value_of: Any) -> list[dict[str, str]]:
    rows = []
    for name, field in form.fields.items():
        if name == "DELETE":
            continue
        value = value_of(name)
        if value is None:
            text = EMPTY
        elif value is True or value is False:
            text = "Yes" if value else "No"
        else:
            flat = dict(flat_choices(getattr(field, "choices", [])))
            text = str(flat.get(str(value), value))
        rows.append({"name": name, "label": str(field.label), "value": text})
    return rows
