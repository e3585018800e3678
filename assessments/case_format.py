"""The JSON case-file format of ``case-format.md``: parse one case, evaluate it, export one.

Shared by ``manage.py evaluate_case``, case import and case export, so all three
validate through ``AssessmentForm`` and speak the same field names and codes.
"""

from __future__ import annotations

import json
from typing import Any

from assessments import rules
from assessments.forms import AssessmentForm
from assessments.models import ASSESSMENT_FIELDS, Case

KNOWN_KEYS = frozenset(ASSESSMENT_FIELDS) | {"id"}
# A case is a flat object; an array of cases adds one level. Deeper files are refused
# before parsing (Python's parser would run out of stack thousands of levels down).
MAX_NESTING = 20
# No field of a case needs more digits; a longer integer is kept as a HugeNumber so
# the error can name its field (Python refuses to convert more than 4,300 digits).
MAX_DIGITS = 20


class CaseFileError(ValueError):
    """A case file that cannot be read as JSON at all; the message says why, for the user."""


class HugeNumber:
    """An integer literal with more digits than any field takes; never converted."""

    def __init__(self, literal: str) -> None:
        self.digits = len(literal.lstrip("-"))

    def __str__(self) -> str:
        return f"<a number of {self.digits} digits>"


def load_case_json(text: str) -> Any:
    """Parse a case file, refusing nesting deeper than MAX_NESTING; long integers become HugeNumber."""
    depth = _nesting_depth(text)
    if depth > MAX_NESTING:
        raise CaseFileError(f"The file nests more than {MAX_NESTING} levels deep; a case is one flat JSON object.")
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise CaseFileError(f"The file is not valid JSON: {exc}") from None


def _parse_int(literal: str) -> int | HugeNumber:
    return HugeNumber(literal) if len(literal.lstrip("-")) > MAX_DIGITS else int(literal)


def _nesting_depth(text: str) -> int:
    """The deepest bracket nesting outside strings, stopping once past the limit."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                break
        elif char in "]}":
            depth -= 1
    return deepest


# Every field is required (clinical-rules.md section 1); these two take null.
NULLABLE_KEYS = frozenset({"hours_nonambulatory", "other_radiosensitivity"})


def validate_case(data: object) -> tuple[rules.CaseInput | None, dict[str, list[str]]]:
    """Validate one case object; return (input, {}) or (None, {field: [messages]})."""
    if not isinstance(data, dict):
        return None, {"__all__": ["A case must be a JSON object with the assessment fields."]}
    errors: dict[str, list[str]] = {}
    for key, value in data.items():
        if isinstance(value, HugeNumber):
            errors[str(key)] = [f"A number of {value.digits} digits: far more than this field takes."]
    present = set(data)
    data = {k: v for k, v in data.items() if not isinstance(v, HugeNumber)}
    for key in sorted(present - KNOWN_KEYS):
        errors.setdefault(str(key), []).append("Unknown field: the case format has no such key.")
    for key in NULLABLE_KEYS - present:
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
    if isinstance(case_id, HugeNumber):
        case_id = str(case_id)
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
