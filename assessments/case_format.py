"""The JSON case-file format of ``case-format.md``: parse one case, evaluate it, export one.

Shared by ``manage.py evaluate_case``, case import and case export, so all three
validate through ``AssessmentForm`` and speak the same field names and codes.
"""

from __future__ import annotations

from typing import Any

from assessments import rules
from assessments.forms import AssessmentForm
from assessments.models import ASSESSMENT_FIELDS, Case

KNOWN_KEYS = frozenset(ASSESSMENT_FIELDS) | {"id"}
# Every field is required (clinical-rules.md section 1); these two take null.
NULLABLE_KEYS = frozenset({"hours_nonambulatory", "other_radiosensitivity"})


def validate_case(data: object) -> tuple[rules.CaseInput | None, dict[str, list[str]]]:
    """Validate one case object; return (input, {}) or (None, {field: [messages]})."""
    if not isinstance(data, dict):
        return None, {"__all__": ["A case must be a JSON object with the assessment fields."]}
    errors: dict[str, list[str]] = {}
    for key in sorted(set(data) - KNOWN_KEYS):
        errors[str(key)] = ["Unknown field: the case format has no such key."]
    for key in NULLABLE_KEYS - set(data):
        errors[key] = ["This field is required: give null when it does not apply."]
    if "id" in data and data["id"] is not None and not isinstance(data["id"], str):
        errors["id"] = ["The id must be a string."]
    # A JSON null is "not given": every field but the two nullable ones is required.
    form = AssessmentForm(data={k: v for k, v in data.items() if k in ASSESSMENT_FIELDS and v is not None})
    if not form.is_valid():
        for field, messages in form.errors.get_json_data().items():
            errors.setdefault(field, []).extend(m["message"] for m in messages)
    if errors:
        return None, errors
    return form.to_case_input(), {}


def evaluate_case_object(data: object) -> dict[str, Any]:
    """The result object for one case (or its errors), with the id echoed first."""
    case_id = data.get("id") if isinstance(data, dict) else None
    case_input, errors = validate_case(data)
    if case_input is None:
        return {"id": case_id, "errors": errors}
    return {"id": case_id, **rules.evaluate(case_input).to_dict()}


def export_case(case: Case) -> dict[str, Any]:
    """One saved case in the case-file format (inputs only, plus its id)."""
    out: dict[str, Any] = {name: getattr(case, name) for name in ASSESSMENT_FIELDS}
    out["id"] = f"case-{case.pk}"
    return out


def to_form_data(data: dict[str, Any]) -> dict[str, str]:
    """A case object as HTML form data (true/false and empty strings), to pre-fill the web form."""
    out: dict[str, str] = {}
    for name in ASSESSMENT_FIELDS:
        value = data.get(name)
        if value is True or value is False:
            out[name] = "true" if value else "false"
        elif value is None:
            out[name] = ""
        else:
            out[name] = str(value)
    return out
