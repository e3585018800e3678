"""The JSON case-file format of ``case-format.md``: read one case (either shape), evaluate it, export one.

Shared by ``manage.py evaluate_case``, case import and case export, so all three validate through the
web page's own form, ``AssessmentEntry`` (the file's values bound to it as they are, one lesion card per
lesion), and speak the same field names and codes. What is checked here is the file's shape only:
unknown keys, the nulls it must hold, the lesions list and its ``index`` marks.

Two shapes are read:

- rule sets 2027.1 and 2027.2: the case's fields, a ``lesions`` list (1 to 8) and optional prognosis
  inputs; errors inside a lesion are named ``lesions[i].field`` (0-based). A lesion may carry
  ``prior_radiation_courses`` (checked by ``rules.read_courses``; errors named
  ``lesions[i].prior_radiation_courses[j].field``);
- rule set 2026.1: a flat object with the lesion fields at the top level, read as one index lesion; it
  may not carry ``prior_radiation_courses``.

Either shape may carry ``evaluation_date``: the case's own wins, then the caller's default
(``evaluate_case --evaluation-date``), then today in the site's time zone.
A case that mixes the two (``lesions`` and a flat lesion key) is an error naming the flat key.

Either shape may carry ``record``, the app's documented extension (docs/case-file.md): the clinical
record around the inputs, which the rules do not read: when the file was written, when its result was
evaluated, the time walking was lost and the other NICE time points (ISO 8601 with their offset), and
the clinical notes. An import counts the hours since loss of ambulation anew from that time.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from assessments import rules
from assessments.cases.case_json import HugeNumber
from assessments.cases.forms import COURSES_KEY, COURSES_PREFIX, INDEX_KEY, LESION_PREFIX, AssessmentEntry
from assessments.cases.inputs import hours_since
from assessments.models import ASSESSMENT_FIELDS, Case
from assessments.models.common import TEXT_MAX

LESION_KEYS = frozenset(rules.LESION_FIELDS)
CASE_KEYS = frozenset(rules.CASE_FIELDS)
PROGNOSIS_KEYS = frozenset(rules.PROGNOSIS_FIELDS)
RECORD = "record"
DATE_KEY = "evaluation_date"
KNOWN_FLAT_KEYS = frozenset(ASSESSMENT_FIELDS) | PROGNOSIS_KEYS | {"id", DATE_KEY, RECORD}
KNOWN_LESION_CASE_KEYS = CASE_KEYS | PROGNOSIS_KEYS | {"id", "lesions", DATE_KEY, RECORD}
# The extension's times: when the file was written and its result evaluated, then the case's own time
# points under the web form's names. The case page's clinical notes go beside them.
RECORD_FILE_TIMES = ("exported_at", "evaluated_at")
RECORD_CASE_TIMES = ("ambulation_lost_at", "symptom_onset_at", "mri_at", "decision_at", "treatment_start_at")
RECORD_KEYS = frozenset({*RECORD_FILE_TIMES, *RECORD_CASE_TIMES, "clinical_notes"})
FORM_TIME = "%Y-%m-%dT%H:%M"
# Every field is required (clinical-rules.md section 1); these two take null.
NULLABLE_KEYS = frozenset({"hours_nonambulatory", "other_radiosensitivity"})
Errors = dict[str, list[str]]


def _given(data: dict[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """The keys a form should see: a JSON null is "not given"."""
    return {k: v for k, v in data.items() if k in keys and v is not None}


def _entry(data: dict[str, Any], lesions: list[dict[str, Any]], index: int | None) -> AssessmentEntry:
    """The web page's form, bound to the file's values as they are (JSON types kept for the strict fields)."""
    entries: dict[str, Any] = {
        **_given(data, CASE_KEYS | PROGNOSIS_KEYS),
        f"{LESION_PREFIX}-TOTAL_FORMS": str(len(lesions)),
        f"{LESION_PREFIX}-INITIAL_FORMS": "0",
    }
    for position, lesion in enumerate(lesions):
        entries.update({f"{LESION_PREFIX}-{position}-{k}": v for k, v in _given(lesion, LESION_KEYS).items()})
    if index is not None:
        entries[INDEX_KEY] = str(index)
    return AssessmentEntry(entries)


def _entry_errors(entry: AssessmentEntry, *, flat: bool = False, skipped: frozenset[int] = frozenset()) -> Errors:
    """The form's errors under the file's names: ``lesions[i].field``, or ``field`` for a flat file's lesion.

    The index is the file's ``index`` marks, checked by the readers; the errors of a lesion that is not
    an object (already named as such) are left out.
    """
    errors: Errors = {}
    for name, messages in entry.error_messages().items():
        if name == INDEX_KEY or any(name.startswith(f"{LESION_PREFIX}[{position}].") for position in skipped):
            continue
        errors[name.removeprefix(f"{LESION_PREFIX}[0].") if flat else name] = messages
    return errors


def _read_flat(data: dict[str, Any]) -> tuple[rules.CaseInput | None, Errors]:
    errors: Errors = {}
    for key in sorted(set(data) - KNOWN_FLAT_KEYS):
        errors[str(key)] = ["Unknown field: the case format has no such key."]
    if COURSES_KEY in data:
        errors[COURSES_KEY] = [
            "A flat (2026.1-shaped) case cannot record prior radiation courses: use a lesions list and give them "
            "inside the lesion."
        ]
    for key in sorted(NULLABLE_KEYS - set(data)):
        errors[key] = ["This field is required: give null when it does not apply."]
    entry = _entry(data, [data], index=0)
    errors.update(_entry_errors(entry, flat=True))
    if not set(data) & LESION_KEYS:
        # Neither shape's lesions: one error naming the list, not "required" on every lesion field.
        errors = {key: messages for key, messages in errors.items() if key not in LESION_KEYS}
        errors["lesions"] = [
            f"Give a lesions list of 1 to {rules.MAX_LESIONS} lesions, one object per involved level "
            "(or, in the 2026.1 shape, the lesion fields at the top level)."
        ]
    if errors:
        return None, errors
    return entry.to_case_input(), {}


def _read_lesions(data: dict[str, Any]) -> tuple[rules.CaseInput | None, Errors]:
    errors: Errors = {}
    for key in sorted(set(data) & LESION_KEYS):
        errors[key] = [
            "This case has a lesions list: give this field inside each lesion, not at the top level "
            "(a case cannot mix the 2027.1 and 2026.1 shapes)."
        ]
    for key in sorted(set(data) - KNOWN_LESION_CASE_KEYS - LESION_KEYS):
        errors[str(key)] = ["Unknown field: the case format has no such key."]
    for key in sorted(NULLABLE_KEYS - set(data)):
        errors[key] = ["This field is required: give null when it does not apply."]
    lesions = data["lesions"]
    if not isinstance(lesions, list) or not 1 <= len(lesions) <= rules.MAX_LESIONS:
        errors["lesions"] = [f"Give a list of 1 to {rules.MAX_LESIONS} lesions, one object per involved level."]
        return None, errors
    cards: list[dict[str, Any]] = []
    marked: list[int] = []
    skipped: set[int] = set()
    for position, lesion in enumerate(lesions):
        prefix = f"lesions[{position}]."
        if not isinstance(lesion, dict):
            errors[f"lesions[{position}]"] = ["A lesion must be a JSON object with the lesion fields."]
            cards.append({})
            skipped.add(position)
            continue
        cards.append(lesion)
        for key in sorted(set(lesion) - LESION_KEYS - {"index", COURSES_KEY}):
            errors[f"{prefix}{key}"] = ["Unknown field: a lesion has no such key."]
        index = lesion.get("index")
        if "index" not in lesion and len(lesions) > 1:
            # Spec 1: with several lesions every lesion carries index, "otherwise the case is invalid, naming lesions".
            errors["lesions"] = [
                f"Every lesion needs index (true or false) when there are several; lesions[{position}] has none."
            ]
        elif "index" in lesion and not isinstance(index, bool):
            errors[f"{prefix}index"] = ["Give true or false."]
        elif lesion.get("index", True) is True:
            marked.append(position)
    entry = _entry(data, cards, index=marked[0] if len(marked) == 1 else None)
    errors.update(_entry_errors(entry, skipped=frozenset(skipped)))
    if errors:
        return None, errors
    if len(marked) != 1:
        return None, {"lesions": ["Exactly one lesion must be the index lesion."]}
    return entry.to_case_input(), {}


def _without_huge_numbers(data: dict[Any, Any], prefix: str = "") -> tuple[Errors, dict[Any, Any]]:
    """Errors naming each field whose number has far too many digits, and the object without them."""
    errors: Errors = {
        f"{prefix}{key}": [f"A number of {value.digits} digits: far more than this field takes."]
        for key, value in data.items()
        if isinstance(value, HugeNumber)
    }
    return errors, {k: v for k, v in data.items() if not isinstance(v, HugeNumber)}


def _history(
    data: dict[str, Any], default_date: datetime.date | None
) -> tuple[datetime.date | None, dict[int, tuple[rules.PriorCourse, ...]], Errors]:
    """Spec 1: the evaluation date (the case's, the caller's, or today) and each lesion's prior radiation entries."""
    errors: Errors = {}
    evaluation_date: datetime.date | None = None
    try:
        evaluation_date = rules.read_evaluation_date(data.get(DATE_KEY))
    except ValueError:
        errors[DATE_KEY] = ["Give the evaluation date as YYYY-MM-DD (a real date), or null."]
    else:
        evaluation_date = evaluation_date or default_date or timezone.localdate()
    courses: dict[int, tuple[rules.PriorCourse, ...]] = {}
    lesions = data.get("lesions")
    for position, lesion in enumerate(lesions if isinstance(lesions, list) else []):
        if not isinstance(lesion, dict):
            continue
        flag = lesion.get("prior_radiation_in_field")
        found, course_errors = rules.read_courses(
            lesion.get(COURSES_KEY),
            name=f"lesions[{position}].{COURSES_KEY}",
            flagged=flag if isinstance(flag, bool) else None,
            evaluation_date=evaluation_date,
        )
        errors.update(course_errors)
        courses[position] = found
    return evaluation_date, courses, errors


def validate_case(
    data: object, *, evaluation_date: datetime.date | None = None
) -> tuple[rules.CaseInput | None, Errors]:
    """Validate one case object of either shape; return (input, {}) or (None, {field: [messages]}).

    ``evaluation_date`` is the date for a case without its own (``evaluate_case --evaluation-date``);
    without either, today in the site's time zone.
    """
    if not isinstance(data, dict):
        return None, {"__all__": ["A case must be a JSON object with the assessment fields."]}
    id_errors, data = _without_huge_numbers(data)
    if isinstance(data.get("lesions"), list):
        lesions = []
        for position, lesion in enumerate(data["lesions"]):
            if isinstance(lesion, dict):
                huge, lesion = _without_huge_numbers(lesion, prefix=f"lesions[{position}].")
                id_errors.update(huge)
            lesions.append(lesion)
        data = {**data, "lesions": lesions}
    if "id" in data and data["id"] is not None and not isinstance(data["id"], str):
        id_errors["id"] = ["The id must be a string."]
    case_input, errors = _read_lesions(data) if "lesions" in data else _read_flat(data)
    when, courses, history_errors = _history(data, evaluation_date)
    # a huge number is named as such, not as "required"
    errors = {**errors, **history_errors, **id_errors, **_record_errors(data)}
    if errors or case_input is None:
        return None, errors
    lesions = tuple(
        dataclasses.replace(lesion, prior_radiation_courses=courses.get(position, ()))
        for position, lesion in enumerate(case_input.lesions)
    )
    return dataclasses.replace(case_input, lesions=lesions, evaluation_date=when), {}


def _record_errors(data: dict[str, Any]) -> Errors:
    """The ``record`` extension's errors, each named ``record.KEY`` (``hours_nonambulatory`` when the two disagree)."""
    if RECORD not in data:
        return {}
    record = data[RECORD]
    if not isinstance(record, dict):
        return {RECORD: ["The record must be a JSON object of times and notes (docs/case-file.md)."]}
    errors: Errors = {}
    for key in sorted(set(record) - RECORD_KEYS, key=str):
        errors[f"{RECORD}.{key}"] = ["Unknown field: the record has no such key."]
    for key in (*RECORD_FILE_TIMES, *RECORD_CASE_TIMES):
        value = record.get(key)
        if value is not None and _moment(value) is None:
            errors[f"{RECORD}.{key}"] = [
                "Give an ISO 8601 date and time with its offset, for example 2027-03-15T09:30:00+00:00, or null."
            ]
    notes = record.get("clinical_notes")
    if notes is not None and not isinstance(notes, str):
        errors[f"{RECORD}.clinical_notes"] = ["Give the clinical notes as text, or null."]
    elif isinstance(notes, str) and len(notes) > TEXT_MAX:
        errors[f"{RECORD}.clinical_notes"] = [
            f"The clinical notes have {len(notes)} characters; at most {TEXT_MAX} are kept. Shorten them."
        ]
    lost, written, hours = _moment(record.get("ambulation_lost_at")), _moment(record.get("exported_at")), None
    if lost is not None and written is not None and isinstance(data.get("hours_nonambulatory"), int):
        hours = data["hours_nonambulatory"]
        if abs(hours - hours_since(lost, written)) > 1:
            errors["hours_nonambulatory"] = [
                f"{hours} hours disagrees with the record: walking was lost {hours_since(lost, written)} hours "
                "before the file was written (record.ambulation_lost_at, record.exported_at). Correct one of them."
            ]
    return errors


def _moment(value: object) -> datetime.datetime | None:
    """An ISO 8601 date and time as an aware datetime (one without an offset is the site's local time)."""
    if not isinstance(value, str):
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def record_times(data: dict[str, Any]) -> dict[str, datetime.datetime]:
    """The times of a valid file's ``record`` (those given), as aware datetimes."""
    record = data.get(RECORD) or {}
    return {
        key: moment
        for key in (*RECORD_FILE_TIMES, *RECORD_CASE_TIMES)
        if (moment := _moment(record.get(key))) is not None
    }


def record_initial(data: dict[str, Any]) -> dict[str, Any]:
    """A valid file's recorded time points and notes as the case page's initial values (patient part)."""
    record = data.get(RECORD) or {}
    times = record_times(data)
    initial: dict[str, Any] = {key: times[key] for key in RECORD_CASE_TIMES if key in times}
    if record.get("clinical_notes"):
        initial["clinical_notes"] = record["clinical_notes"]
    return initial


def evaluate_case_object(data: object, *, evaluation_date: datetime.date | None = None) -> dict[str, Any]:
    """The result object for one case (or its errors), with the id echoed first.

    ``evaluation_date`` is used for a case that has no ``evaluation_date`` of its own.
    """
    case_id = data.get("id") if isinstance(data, dict) else None
    if isinstance(case_id, HugeNumber):
        case_id = str(case_id)
    case_input, errors = validate_case(data, evaluation_date=evaluation_date)
    if case_input is None:
        return {"id": case_id, "errors": errors}
    return {"id": case_id, **rules.evaluate(case_input).to_dict()}


def export_case(case: Case, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """One saved case in the case-file format, its id, and the ``record`` extension.

    The case's own fields, then ``lesions`` (every lesion in its order, each with ``index`` and its
    ``prior_radiation_courses`` when recorded); no patient details. ``hours_nonambulatory`` is counted
    from the time walking was lost up to ``now`` (the moment the file is written, ``record.exported_at``),
    and ``record`` carries that time, the result's evaluation time, the other time points and the clinical
    notes, so a reader can count the hours again at its own time. :func:`validate_case` reads it back.
    """
    now = now or timezone.now()
    out: dict[str, Any] = {name: getattr(case, name) for name in rules.CASE_FIELDS}
    if case.ambulation_lost_at is not None and case.motor_status in rules.NOT_AMBULATORY:
        out["hours_nonambulatory"] = hours_since(case.ambulation_lost_at, now)
    out["lesions"] = [
        {name: lesion[name] for name in (*rules.LESION_FIELDS, "index", COURSES_KEY) if name in lesion}
        for lesion in case.stored_lesions()
    ]
    # The prognosis inputs, when recorded (absent = not recorded, as the format allows).
    out.update({name: getattr(case, name) for name in rules.PROGNOSIS_FIELDS if getattr(case, name) is not None})
    out["id"] = f"case-{case.pk}"
    out[RECORD] = {
        "exported_at": _iso(now),
        "evaluated_at": _iso(case.evaluated_at),
        **{name: _iso(getattr(case, name)) for name in RECORD_CASE_TIMES},
        "clinical_notes": case.clinical_notes,
    }
    return out


def _iso(moment: datetime.datetime | None) -> str | None:
    """A time as ISO 8601 with its UTC offset, to the second; None stays None."""
    return None if moment is None else moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat()


def _form_value(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    return "" if value is None else str(value)


def course_form_data(prefix: str, courses: object) -> dict[str, str]:
    """A lesion's prior radiation entries as its card's course boxes (a formset under ``prefix``).

    Doses keep the file's decimal text (a JSON number's shortest form), a further phase is a ticked box.
    """
    entries = [course for course in courses if isinstance(course, dict)] if isinstance(courses, list) else []
    out = {f"{prefix}-TOTAL_FORMS": str(len(entries)), f"{prefix}-INITIAL_FORMS": "0"}
    for number, course in enumerate(entries):
        for name in rules.COURSE_FIELDS:
            value = course.get(name)
            if name == "same_course_as_previous":
                if value is True:
                    out[f"{prefix}-{number}-{name}"] = "on"
            elif value is not None:
                out[f"{prefix}-{number}-{name}"] = _form_value(value)
    return out


def lesion_form_data(lesions: list[dict[str, Any]]) -> dict[str, str]:
    """Lesion objects as the web form's lesion cards (a Django formset: management keys, one card each, its courses).

    The card marked ``index`` is the index (the only card, when there is one).
    """
    prefix = LESION_PREFIX
    out = {f"{prefix}-TOTAL_FORMS": str(len(lesions)), f"{prefix}-INITIAL_FORMS": "0"}
    for position, lesion in enumerate(lesions):
        for name in rules.LESION_FIELDS:
            if name in lesion:
                out[f"{prefix}-{position}-{name}"] = _form_value(lesion[name])
        out.update(course_form_data(f"{prefix}-{position}-{COURSES_PREFIX}", lesion.get(COURSES_KEY)))
        if lesion.get("index") is True or len(lesions) == 1:
            out[INDEX_KEY] = str(position)
    return out


def to_form_data(data: dict[str, Any]) -> dict[str, str]:
    """A case object of either shape as HTML form data (true/false and empty strings), to fill the web form.

    The case's own fields at the top level and one lesion card per lesion (a flat 2026.1 case is one card).
    """
    lesions = data.get("lesions")
    if not isinstance(lesions, list):
        lesions = [{name: data[name] for name in rules.LESION_FIELDS if name in data}]
    out = {name: _form_value(data.get(name)) for name in (*rules.CASE_FIELDS, *rules.PROGNOSIS_FIELDS)}
    out.update(lesion_form_data([lesion for lesion in lesions if isinstance(lesion, dict)]))
    return out
