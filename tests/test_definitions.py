"""Each shared definition (the clock's target, the not-ambulatory codes, the patient's identifiers) is written once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessments import rules
from assessments.cases.forms import PatientForm
from assessments.models import PATIENT_FIELDS, PATIENT_IDENTIFIERS, Patient
from board import models as board_models
from board.summary import WALKING_BEFORE

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "assessments", "audit", "board", "escc_site")
# A module-level assignment of the name, or a timedelta of the target's length.
DEFINITIONS = {
    "clock target": re.compile(r"timedelta\(hours=(24|TARGET_HOURS)\)"),
    "not-ambulatory codes": re.compile(r"^NOT_AMBULATORY\b[^=\n]*=", re.MULTILINE),
    "patient identifiers": re.compile(r"^PATIENT_IDENTIFIERS\b[^=\n]*=", re.MULTILINE),
}
# "24 h", "24-hour", "24 hours" typed into a page instead of taken from the target.
TARGET_IN_TEXT = re.compile(r"\b24(\s*h\b|-hour|\s+hours)")


def _app_modules() -> list[Path]:
    return [path for app in APPS for path in sorted((ROOT / app).rglob("*.py")) if "migrations" not in path.parts]


@pytest.mark.parametrize("name", DEFINITIONS)
def test_each_shared_definition_is_written_once(name):
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in _app_modules()
        for text in [path.read_text(encoding="utf-8")]
        for match in DEFINITIONS[name].finditer(text)
    ]
    assert len(found) == 1, f"{name} defined at {found}"


def test_no_page_types_the_clock_target():
    """Pages state the target through ``target_hours`` (comments aside), so changing it changes every page."""
    typed = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"))
        typed += [f"{path.relative_to(ROOT)}: {m.group(0)!r}" for m in TARGET_IN_TEXT.finditer(text)]
    assert typed == []


def test_the_target_is_nices_24_hours():
    assert board_models.CLOCK_TARGET.total_seconds() == board_models.TARGET_HOURS * 3600 == 24 * 3600


def test_not_ambulatory_is_a_set_of_motor_statuses_and_walking_before_is_the_rest():
    assert frozenset({rules.MotorStatus.NONAMBULATORY, rules.MotorStatus.PARAPLEGIC}) == rules.NOT_AMBULATORY
    assert set(WALKING_BEFORE) | rules.NOT_AMBULATORY == set(rules.MotorStatus)
    assert not set(WALKING_BEFORE) & rules.NOT_AMBULATORY


def test_patient_identifiers_name_patient_fields_and_open_the_patient_form():
    assert PATIENT_IDENTIFIERS == tuple(PATIENT_FIELDS) == ("mrn", "patient_name", "date_of_birth", "sex")
    assert {Patient._meta.get_field(field).name for field in PATIENT_FIELDS.values()} == set(PATIENT_FIELDS.values())
    assert list(PatientForm().fields)[:4] == list(PATIENT_IDENTIFIERS)
