"""Rule set 2027.2 through the whole validation path: the spec's examples and its invalid inputs.

The spec's examples are ``../shared/spec/examples-2027.2/``. The hand-worked vignettes of
``tests/vignettes-2027.2/`` run in ``tests/test_vignettes_2027_2_independent.py``.

Each example's ``alerts`` is the complete set raised; ``lesions`` (the re-irradiation budget included)
is compared exactly, numbers by value; every other key of ``expected`` is a subset of the result. The
invalid inputs of case-format.md are each one change to ``ex01-one-course``, naming exactly one field.
"""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from assessments.cases.case_format import evaluate_case_object
from tests.test_vignettes import mismatches

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT.parent / "shared" / "spec" / "examples-2027.2"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))
ONE_COURSE = EXAMPLES_DIR / "ex01-one-course.json"


def test_there_are_25_examples() -> None:
    assert len(EXAMPLES) == 25


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_spec_example_2027_2(path: Path) -> None:
    document = json.loads(path.read_text())
    result = evaluate_case_object(document["case"])
    assert "errors" not in result, result.get("errors")
    expected = dict(document["expected"])
    lesions = expected.pop("lesions", None)
    if lesions is not None:
        assert result["lesions"] == lesions
    assert mismatches(expected, result, exact_alerts=True) == []


def _one_course() -> dict[str, Any]:
    return json.loads(ONE_COURSE.read_text())["case"]


def _course(case: dict[str, Any]) -> dict[str, Any]:
    course: dict[str, Any] = case["lesions"][0]["prior_radiation_courses"][0]
    return course


ENTRY = "lesions[0].prior_radiation_courses[0]."


def _changed(change: Any) -> dict[str, Any]:
    case = _one_course()
    change(case)
    return case


def _set(**values: Any) -> Any:
    return lambda case: _course(case).update(values)


def _without(key: str) -> Any:
    return lambda case: _course(case).pop(key)


INVALID = [
    (
        "flag false with a course",
        lambda c: c["lesions"][0].update(prior_radiation_in_field=False),
        "lesions[0].prior_radiation_courses",
    ),
    *[(f"fractions {v!r}", _set(fractions=v), ENTRY + "fractions") for v in (0, 41, 10.5, True, "10")],
    *[(f"total dose {v!r}", _set(total_dose_gy=v), ENTRY + "total_dose_gy") for v in (85, 0, "30", 30.125)],
    *[
        (f"end date {v!r}", _set(end_date=v), ENTRY + "end_date")
        for v in ("2027-04-01", "2027-04", "2026-02-30", "2026-13", "15/09/2026")
    ],
    ("technique imrt", _set(technique="imrt"), ENTRY + "technique"),
    ("sbrt in 6 fractions", _set(technique="sbrt", fractions=6), ENTRY + "fractions"),
    *[(f"cord max {v!r}", _set(cord_max_dose_gy=v), ENTRY + "cord_max_dose_gy") for v in (0, 81)],
    ("extra key", _set(dose_per_fraction_gy=3), ENTRY + "dose_per_fraction_gy"),
    ("no fractions", _without("fractions"), ENTRY + "fractions"),
    ("same course on the first", _set(same_course_as_previous=True), ENTRY + "same_course_as_previous"),
    (
        "six entries",
        lambda c: c["lesions"][0].update(prior_radiation_courses=[_course(c)] * 6),
        "lesions[0].prior_radiation_courses",
    ),
    ("an object", lambda c: c["lesions"][0].update(prior_radiation_courses={}), "lesions[0].prior_radiation_courses"),
    ("evaluation date 15/03/2027", lambda c: c.update(evaluation_date="15/03/2027"), "evaluation_date"),
]


@pytest.mark.parametrize(("change", "key"), [(change, key) for _, change, key in INVALID], ids=[i[0] for i in INVALID])
def test_invalid_input_names_exactly_its_field(change: Any, key: str) -> None:
    result = evaluate_case_object(_changed(change))
    assert set(result.get("errors", {})) == {key}, result.get("errors")


def test_a_flat_case_with_courses_names_the_field_and_says_to_use_lesions() -> None:
    flat = json.loads((EXAMPLES_DIR / "ex07-prior-rt-low-grade.json").read_text())["case"]
    flat["prior_radiation_courses"] = [_course(_one_course())]
    errors = evaluate_case_object(flat)["errors"]
    assert set(errors) == {"prior_radiation_courses"}
    assert "lesions" in errors["prior_radiation_courses"][0]


def test_a_month_in_the_evaluation_month_is_valid_and_counts_zero_months() -> None:
    result = evaluate_case_object(_changed(_set(end_date="2027-03")))
    budget = result["lesions"][0]["reirradiation"]
    assert budget["last_end_date"] == "2027-03-15" and budget["months_since_last"] == 0
    assert "reirradiation_interval_short" in result["alerts"]


def test_sbrt_in_5_fractions_and_a_hot_spot_are_valid() -> None:
    assert "errors" not in evaluate_case_object(_changed(_set(technique="sbrt", fractions=5)))
    hot = evaluate_case_object(_changed(_set(cord_max_dose_gy=31)))
    assert hot["lesions"][0]["reirradiation"]["courses"][0]["phases"][0]["cord_dose_gy"] == 31


def test_the_case_date_wins_over_the_default_and_the_default_over_today() -> None:
    case = _one_course()
    assert evaluate_case_object(case, evaluation_date=datetime.date(2028, 1, 1))["evaluation_date"] == "2027-03-15"
    case.pop("evaluation_date")
    later = evaluate_case_object(case, evaluation_date=datetime.date(2028, 1, 1))
    assert later["evaluation_date"] == "2028-01-01"
    assert later["lesions"][0]["reirradiation"]["months_since_last"] == 21  # 2026-03-02 + 22 months is 2028-01-02


def test_every_error_is_listed_and_the_contradiction_hides_no_field_error() -> None:
    case = _one_course()
    lesion = case["lesions"][0]
    lesion["prior_radiation_in_field"] = False
    lesion["prior_radiation_courses"] = [copy.deepcopy(_course(case)), {"technique": "x", "fractions": 1}]
    errors = evaluate_case_object(case)["errors"]
    assert set(errors) == {
        "lesions[0].prior_radiation_courses",
        "lesions[0].prior_radiation_courses[1].technique",
        "lesions[0].prior_radiation_courses[1].total_dose_gy",
        "lesions[0].prior_radiation_courses[1].end_date",
    }
