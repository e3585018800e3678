"""Build valid cases and form posts for tests."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from assessments import rules
from assessments.cases import services
from assessments.cases.case_format import to_form_data
from assessments.cases.inputs import build_case_input, case_input_from_mapping
from assessments.models import Case

# ex03 of the spec: melanoma, grade 3, operable -> P8 separation surgery + SBRT.
ASSESSMENT: dict[str, Any] = {
    "escc_grade": "3",
    "neurologic_deficit": True,
    "deficit_progressing": False,
    "motor_status": "ambulatory_with_aid",
    "hours_nonambulatory": None,
    "urinary_symptoms": False,
    "urinary_retention": False,
    "histology": "melanoma",
    "other_radiosensitivity": None,
    "prior_radiation_in_field": False,
    "spinal_level": "T6",
    "sins_pain": "occasional_nonmechanical",
    "sins_bone_lesion": "mixed",
    "sins_alignment": "normal",
    "sins_collapse": "none",
    "sins_posterolateral": "none",
    "stability_assessment": "not_assessed",
    "retropulsion": False,
    "expected_survival": "gt_6_months",
    "surgical_candidate": "yes",
    "sbrt_available": True,
    "oligometastatic": False,
    "vte_contraindication": False,
}

PATIENT: dict[str, Any] = {
    "mrn": "H1234567",
    "patient_name": "Ann Example",
    "date_of_birth": datetime.date(1960, 5, 17),
    "sex": "female",
    "clinical_notes": "",
}


def make_case(
    owner: Any, *, patient: dict[str, Any] | None = None, lesions: list[dict[str, Any]] | None = None, **assessment: Any
) -> Case:
    """A saved draft case for ``owner``; keyword arguments override assessment fields.

    ``lesions`` (case-format lesion objects) gives several levels; each starts from the index lesion
    of ``ASSESSMENT`` and overrides what it names. A patient named without an MRN gets one derived
    from the name, so differently named patients are different people (one MRN is one patient).
    """
    values = {**ASSESSMENT, **assessment}
    if lesions is None:
        case_input = case_input_from_mapping(values)
    else:
        base = {name: values[name] for name in rules.LESION_FIELDS}
        case_input = build_case_input(
            case_values={name: values[name] for name in rules.CASE_FIELDS},
            lesions=[{**base, "index": False, **lesion} for lesion in lesions],
        )
    patient = {**(patient or {})}
    if "patient_name" in patient and "mrn" not in patient:
        patient["mrn"] = mrn_for(patient["patient_name"])
    return services.case_create(owner=owner, patient={**PATIENT, **patient}, assessment=case_input)


def mrn_for(name: str) -> str:
    """A stable, plausible hospital number for a test patient's name."""
    return "N" + hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:7].upper()


def lesion(level: str, *, index: bool = False, **fields: Any) -> dict[str, Any]:
    """One lesion object for ``make_case(lesions=...)`` and ``form_post(lesions=...)``."""
    return {"spinal_level": level, "index": index, **fields}


def form_post(*, lesions: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, str]:
    """POST data for the case form (patient + assessment), as a browser would send it.

    One lesion card by default (``ASSESSMENT``'s); ``lesions`` gives several cards, each starting from
    that lesion. A lesion field named flat (``sins_pain="none"``) is the first card's; another card's
    field goes by its form name (``**{"lesions-1-sins_pain": "none"}``).
    """
    case = dict(ASSESSMENT)
    if lesions is not None:
        base = {name: ASSESSMENT[name] for name in rules.LESION_FIELDS}
        case["lesions"] = [{**base, "index": False, **lesion} for lesion in lesions]
    data = {
        **to_form_data(case),
        "mrn": PATIENT["mrn"],
        "patient_name": PATIENT["patient_name"],
        "date_of_birth": "1960-05-17",
        "sex": "female",
        "clinical_notes": "",
    }
    for key, value in overrides.items():
        # A lesion field by its flat name is the first card's (``lesions-0-<name>``).
        key = f"lesions-0-{key}" if key in rules.LESION_FIELDS else key
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
