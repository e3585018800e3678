"""Tests of the clinical rule engine (``assessments/rules.py``) and its labels. No database.

One test (or parametrized group) per rule and branch of ``clinical-rules.md``, the spec's
example cases, and hypothesis properties over the whole consistent input space.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys
import typing
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from assessments import labels, rules
from assessments.rules import (
    Alert,
    Bladder,
    CaseInput,
    CebrtRegimen,
    EsccGrade,
    ExpectedSurvival,
    Histology,
    Mobility,
    MotorStatus,
    OtherRadiosensitivity,
    PathwayCode,
    Radiation,
    Radiosensitivity,
    Rule,
    SinsAlignment,
    SinsBoneLesion,
    SinsCategory,
    SinsCollapse,
    SinsPain,
    SinsPosterolateral,
    SpinalLevel,
    SpineLocation,
    Stability,
    StabilityAssessment,
    Stabilization,
    Steroids,
    SurgicalCandidate,
    Urgency,
    VteProphylaxis,
    evaluate,
)
from assessments.rules.record import record
from tests.rules_strategies import cases
from tests.section_0_2027_2 import to_2027_2

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO.parent / "shared/spec/examples-2027.1"

# A quiet baseline: radiosensitive solid tumor without an alert of its own, low grade, SINS 1
# (T6 semi-rigid), no deficit, ambulatory. Tests change only what they are about.
BASE: dict[str, Any] = {
    "escc_grade": EsccGrade.GRADE_1A,
    "neurologic_deficit": False,
    "deficit_progressing": False,
    "motor_status": MotorStatus.AMBULATORY,
    "hours_nonambulatory": None,
    "urinary_symptoms": False,
    "urinary_retention": False,
    "histology": Histology.OVARIAN,
    "other_radiosensitivity": None,
    "prior_radiation_in_field": False,
    "spinal_level": SpinalLevel.T6,
    "sins_pain": SinsPain.PAIN_FREE,
    "sins_bone_lesion": SinsBoneLesion.BLASTIC,
    "sins_alignment": SinsAlignment.NORMAL,
    "sins_collapse": SinsCollapse.NONE,
    "sins_posterolateral": SinsPosterolateral.NONE,
    "stability_assessment": StabilityAssessment.NOT_ASSESSED,
    "retropulsion": False,
    "expected_survival": ExpectedSurvival.GT_6_MONTHS,
    "surgical_candidate": SurgicalCandidate.YES,
    "sbrt_available": True,
    "oligometastatic": False,
    "vte_contraindication": False,
}

# Handy combinations
RESISTANT = {"histology": Histology.RENAL_CELL}
HIGH = {"escc_grade": EsccGrade.GRADE_3}
UNSTABLE = {"stability_assessment": StabilityAssessment.UNSTABLE}
NOT_CANDIDATE = {"surgical_candidate": SurgicalCandidate.NO}
NO_SBRT = {"sbrt_available": False}
PRIOR_RT = {"prior_radiation_in_field": True}
UNKNOWN = {"histology": Histology.UNKNOWN_PRIMARY}
SIGNIFICANT = {"neurologic_deficit": True, "deficit_progressing": True}
COMPRESSION = {"escc_grade": EsccGrade.GRADE_1B}


def case(**overrides: Any) -> CaseInput:
    unknown = set(overrides) - set(BASE)
    assert not unknown, unknown
    return CaseInput.from_flat(**{**BASE, **overrides})


def run(**overrides: Any) -> rules.Result:
    return evaluate(case(**overrides))


def topic_items(result: rules.Result, topic: str) -> list[rules.RationaleItem]:
    return [item for item in result.rationale if item.topic == topic]


# --------------------------------------------------------------------------------------------
# Mapping a case-format dict to CaseInput (the Django form does this in production)
# --------------------------------------------------------------------------------------------

_HINTS = {**typing.get_type_hints(CaseInput), **typing.get_type_hints(rules.LesionInput)}


def _typed(data: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        if name in ("id", "lesions"):
            continue
        kind = next(arg for arg in (*typing.get_args(_HINTS[name]), _HINTS[name]) if arg is not type(None))
        if value is not None and isinstance(kind, type) and issubclass(kind, StrEnum):
            value = kind(value)
        kwargs[name] = value
    return kwargs


def case_from_dict(data: dict[str, Any]) -> CaseInput:
    if "lesions" not in data:
        return CaseInput.from_flat(**_typed(data))
    lesions = tuple(rules.LesionInput(**_typed(lesion)) for lesion in data["lesions"])
    return CaseInput(**_typed(data), lesions=lesions)


def assert_subset(expected: Any, actual: Any, path: str = "result") -> None:
    if isinstance(expected, dict):
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing"
            if key == "alerts":
                assert set(value) <= set(actual[key]), f"{path}.alerts {value} not in {actual[key]}"
            else:
                assert_subset(value, actual[key], f"{path}.{key}")
    else:
        assert expected == actual, f"{path}: expected {expected!r}, got {actual!r}"


EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


def test_spec_examples_are_present() -> None:
    assert len(EXAMPLE_FILES) >= 8


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_spec_example_matches_expected_subset(path: Path) -> None:
    example = json.loads(path.read_text(encoding="utf-8"))
    result = evaluate(case_from_dict(example["case"])).to_dict()
    assert_subset(to_2027_2(example["case"], example["expected"]), result)


# --------------------------------------------------------------------------------------------
# Enums and point tables
# --------------------------------------------------------------------------------------------


def test_enum_values_are_the_spec_codes() -> None:
    assert [g.value for g in EsccGrade] == ["0", "1a", "1b", "1c", "2", "3"]
    assert [s.value for s in ExpectedSurvival] == ["lt_3_months", "3_to_6_months", "gt_6_months"]
    assert ExpectedSurvival.FROM_3_TO_6_MONTHS == "3_to_6_months"
    assert [r.value for r in CebrtRegimen] == ["8Gy_1fx", "20Gy_5fx", "30Gy_10fx", "reirradiation_individualized"]
    assert [r.value for r in Rule] == [f"P{n}" for n in range(1, 10)]
    assert len(Alert) == 24
    assert len(Histology) == 14
    assert rules.RULE_SET == "2027.2"


def test_spinal_levels_are_in_anatomical_order() -> None:
    expected = (
        ["occiput"]
        + [f"C{n}" for n in range(1, 8)]
        + [f"T{n}" for n in range(1, 13)]
        + [f"L{n}" for n in range(1, 6)]
        + [f"S{n}" for n in range(1, 6)]
    )
    assert [level.value for level in SpinalLevel] == expected
    assert list(rules.LOCATION_BY_LEVEL) == list(SpinalLevel)


LEVEL_POINTS = {
    **dict.fromkeys(["occiput", "C1", "C2", "C7", "T1", "T2", "T11", "T12", "L1", "L5", "S1"], 3),
    **dict.fromkeys(["C3", "C4", "C5", "C6", "L2", "L3", "L4"], 2),
    **dict.fromkeys([f"T{n}" for n in range(3, 11)], 1),
    **dict.fromkeys(["S2", "S3", "S4", "S5"], 0),
}
LOCATION_OF_POINTS = {3: "junctional", 2: "mobile", 1: "semi_rigid", 0: "rigid"}


@pytest.mark.parametrize("level", list(SpinalLevel), ids=str)
def test_every_spinal_level_has_its_location_points(level: SpinalLevel) -> None:
    points = LEVEL_POINTS[level.value]
    assert rules.location_points(level) == points
    assert rules.LOCATION_BY_LEVEL[level] == LOCATION_OF_POINTS[points]
    result = run(spinal_level=level)
    assert result.sins.components.location == points
    assert result.sins.location == LOCATION_OF_POINTS[points]


def test_point_tables_match_sins() -> None:
    assert dict(rules.LOCATION_POINTS) == {"junctional": 3, "mobile": 2, "semi_rigid": 1, "rigid": 0}
    assert dict(rules.PAIN_POINTS) == {"mechanical": 3, "occasional_nonmechanical": 1, "pain_free": 0}
    assert dict(rules.BONE_LESION_POINTS) == {"lytic": 2, "mixed": 1, "blastic": 0}
    assert dict(rules.ALIGNMENT_POINTS) == {"subluxation": 4, "de_novo_deformity": 2, "normal": 0}
    assert dict(rules.COLLAPSE_POINTS) == {"gt_50": 3, "lt_50": 2, "no_collapse_gt_50_involved": 1, "none": 0}
    assert dict(rules.POSTEROLATERAL_POINTS) == {"bilateral": 3, "unilateral": 1, "none": 0}


def test_point_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        rules.PAIN_POINTS[SinsPain.MECHANICAL] = 0  # type: ignore[index]


# --------------------------------------------------------------------------------------------
# 2.1 SINS
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "category"),
    [(0, "stable"), (6, "stable"), (7, "indeterminate"), (12, "indeterminate"), (13, "unstable"), (18, "unstable")],
)
def test_sins_category_boundaries(total: int, category: str) -> None:
    assert rules.sins_category(total) == category


# Junctional 3 + lytic 2 + unilateral 1 = 6; + occasional pain = 7.
SINS_6 = {
    "spinal_level": SpinalLevel.T12,
    "sins_bone_lesion": SinsBoneLesion.LYTIC,
    "sins_posterolateral": SinsPosterolateral.UNILATERAL,
}
# Junctional 3 + lytic 2 + subluxation 4 + collapse >50% 3 = 12; + occasional pain = 13.
SINS_12 = {
    "spinal_level": SpinalLevel.L1,
    "sins_bone_lesion": SinsBoneLesion.LYTIC,
    "sins_alignment": SinsAlignment.SUBLUXATION,
    "sins_collapse": SinsCollapse.GT_50,
}
OCCASIONAL = {"sins_pain": SinsPain.OCCASIONAL_NONMECHANICAL}


@pytest.mark.parametrize(
    ("overrides", "total", "category", "stability"),
    [
        (SINS_6, 6, "stable", "stable"),
        ({**SINS_6, **OCCASIONAL}, 7, "indeterminate", "potentially_unstable"),
        (SINS_12, 12, "indeterminate", "potentially_unstable"),
        ({**SINS_12, **OCCASIONAL}, 13, "unstable", "unstable"),
    ],
    ids=["6", "7", "12", "13"],
)
def test_sins_total_boundaries_drive_category_and_stability(
    overrides: dict[str, Any], total: int, category: str, stability: str
) -> None:
    result = run(**overrides)
    assert result.sins.total == total
    assert result.sins.category == category
    assert result.stability == stability
    assert (Alert.SURGICAL_CONSULTATION in result.alerts) is (total >= 7)


def test_sins_maximum_is_18() -> None:
    result = run(
        spinal_level=SpinalLevel.C1,
        sins_pain=SinsPain.MECHANICAL,
        sins_bone_lesion=SinsBoneLesion.LYTIC,
        sins_alignment=SinsAlignment.SUBLUXATION,
        sins_collapse=SinsCollapse.GT_50,
        sins_posterolateral=SinsPosterolateral.BILATERAL,
    )
    assert result.sins.total == rules.SINS_MAX == 18
    assert dataclasses.astuple(result.sins.components) == (3, 3, 2, 4, 3, 3)


def test_sins_rationale_names_every_component_and_value() -> None:
    (item,) = topic_items(run(**SINS_6), "sins")
    assert item.rule == "2.1 SINS"
    assert "SINS 6 of 18" in item.text
    assert "spinal_level T12 is junctional (3)" in item.text
    assert "sins_bone_lesion lytic (2)" in item.text
    assert set(item.inputs) == {
        "lesions[0].spinal_level",
        "lesions[0].sins_pain",
        "lesions[0].sins_bone_lesion",
        "lesions[0].sins_alignment",
        "lesions[0].sins_collapse",
        "lesions[0].sins_posterolateral",
    }
    assert "[17]" in item.source


# --------------------------------------------------------------------------------------------
# 2.2 ESCC class
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "high"), [("0", False), ("1a", False), ("1b", False), ("1c", False), ("2", True), ("3", True)]
)
def test_high_grade_is_grades_2_and_3(grade: str, high: bool) -> None:
    result = run(escc_grade=EsccGrade(grade))
    assert result.high_grade is high
    assert result.escc_grade == grade
    (item,) = topic_items(result, "escc")
    assert f"escc_grade {grade}" in item.text
    assert ("high-grade" in item.text) is high


# --------------------------------------------------------------------------------------------
# 2.3 Radiosensitivity
# --------------------------------------------------------------------------------------------

SENSITIVE = ["lymphoma", "myeloma", "small_cell_lung", "germ_cell", "prostate", "breast", "ovarian"]
RESISTANT_LIST = ["melanoma", "renal_cell", "non_small_cell_lung", "gastrointestinal", "sarcoma"]


@pytest.mark.parametrize(
    ("histology", "expected"),
    [
        *((h, "sensitive") for h in SENSITIVE),
        *((h, "resistant") for h in RESISTANT_LIST),
        ("unknown_primary", "unknown"),
    ],
)
def test_radiosensitivity_by_histology(histology: str, expected: str) -> None:
    result = run(histology=Histology(histology))
    assert result.radiosensitivity == expected
    (item,) = topic_items(result, "radiosensitivity")
    assert histology in item.text
    assert item.inputs == ("histology",)


@pytest.mark.parametrize("other", list(OtherRadiosensitivity), ids=str)
def test_other_histology_takes_the_clinicians_classification(other: OtherRadiosensitivity) -> None:
    result = run(histology=Histology.OTHER, other_radiosensitivity=other)
    assert result.radiosensitivity == other.value
    (item,) = topic_items(result, "radiosensitivity")
    assert "other_radiosensitivity" in item.inputs


# --------------------------------------------------------------------------------------------
# 2.4 Stability
# --------------------------------------------------------------------------------------------

ALL_BAD_SINS = {**SINS_12, "sins_pain": SinsPain.MECHANICAL}  # SINS 15 and mechanical pain


def test_surgeon_stable_wins_over_high_sins_and_mechanical_pain() -> None:
    result = run(**ALL_BAD_SINS, stability_assessment=StabilityAssessment.STABLE)
    assert result.sins.total == 15
    assert result.stability == Stability.STABLE
    assert result.mobility == Mobility.AS_TOLERATED
    assert result.pathway.rule == Rule.P6
    # R5: the SINS alone still asks for a surgeon's review.
    assert Alert.SURGICAL_CONSULTATION in result.alerts
    assert Alert.MOVEMENT_PAIN_INSTABILITY not in result.alerts
    assert "spine surgeon judged the spine stable" in topic_items(result, "stability")[0].text


def test_surgeon_unstable_wins_over_low_sins() -> None:
    result = run(**UNSTABLE)
    assert result.sins.total == 1
    assert result.stability == Stability.UNSTABLE
    assert "judged the spine unstable" in topic_items(result, "stability")[0].text


def test_sins_13_alone_is_unstable() -> None:
    result = run(**SINS_12, **OCCASIONAL)
    assert result.stability == Stability.UNSTABLE
    assert "SINS 13 is 13 or more" in topic_items(result, "stability")[0].text


def test_mechanical_pain_alone_is_unstable() -> None:
    result = run(sins_pain=SinsPain.MECHANICAL)
    assert result.sins.total == 4
    assert result.stability == Stability.UNSTABLE
    text = topic_items(result, "stability")[0].text
    assert "mechanical" in text
    assert "13 or more" not in text


def test_high_sins_and_mechanical_pain_both_named() -> None:
    text = topic_items(run(**ALL_BAD_SINS), "stability")[0].text
    assert "SINS 15 is 13 or more and sins_pain mechanical" in text


def test_potentially_unstable_proceeds_as_stable() -> None:
    result = run(**SINS_6, **OCCASIONAL)
    assert result.stability == Stability.POTENTIALLY_UNSTABLE
    assert result.pathway.rule == Rule.P6
    assert result.mobility == Mobility.AS_TOLERATED
    assert result.vte_prophylaxis == VteProphylaxis.STANDARD
    assert result.urgency == Urgency.URGENT
    assert Alert.SURGICAL_CONSULTATION in result.alerts


# --------------------------------------------------------------------------------------------
# 2.5 Significant deficit
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deficit", "progressing", "motor", "expected"),
    [
        (False, False, MotorStatus.NONAMBULATORY, False),
        (True, False, MotorStatus.AMBULATORY, False),
        (True, False, MotorStatus.AMBULATORY_WITH_AID, False),
        (True, True, MotorStatus.AMBULATORY, True),
        (True, False, MotorStatus.NONAMBULATORY, True),
        (True, False, MotorStatus.PARAPLEGIC, True),
    ],
)
def test_significant_deficit(deficit: bool, progressing: bool, motor: MotorStatus, expected: bool) -> None:
    result = run(neurologic_deficit=deficit, deficit_progressing=progressing, motor_status=motor)
    assert result.significant_deficit is expected


# --------------------------------------------------------------------------------------------
# 3. Pathway P1..P9
# --------------------------------------------------------------------------------------------


def assert_pathway(
    result: rules.Result,
    code: str,
    rule: str,
    stabilization: str | None,
    radiation: str | None,
) -> None:
    pathway = result.pathway
    assert (pathway.code, pathway.rule, pathway.stabilization, pathway.radiation) == (
        code,
        rule,
        stabilization,
        radiation,
    )
    (item,) = topic_items(result, "pathway")
    assert item.rule == rule
    assert item.text.startswith(f"{rule}:")


def test_p1_unknown_primary_significant_deficit_candidate() -> None:
    result = run(**UNKNOWN, **SIGNIFICANT, **COMPRESSION)
    assert_pathway(result, "urgent_decompression", "P1", "open_decompression_instrumentation", None)
    assert result.pathway.cebrt_regimen is None


def test_p1_also_beats_an_unstable_spine() -> None:
    result = run(**UNKNOWN, **SIGNIFICANT, **UNSTABLE, **COMPRESSION)
    assert result.pathway.rule == Rule.P1


@pytest.mark.parametrize("grade", [EsccGrade.GRADE_0, EsccGrade.GRADE_1A])
def test_p1_needs_compression_at_the_index_level(grade: EsccGrade) -> None:
    """2027.1 safety review: a deficit without grade 1b or higher is not explained by compression."""
    result = run(**UNKNOWN, **SIGNIFICANT, escc_grade=grade)
    assert_pathway(result, "biopsy_and_staging", "P2", None, None)
    assert f"escc_grade {grade}" in topic_items(result, "pathway")[0].text


@pytest.mark.parametrize("candidate", [SurgicalCandidate.NO, SurgicalCandidate.DECLINES])
@pytest.mark.parametrize("grade", [EsccGrade.GRADE_1B, EsccGrade.GRADE_1C, EsccGrade.GRADE_2, EsccGrade.GRADE_3])
def test_p2_significant_deficit_from_compression_without_surgery_gets_biopsy_then_cebrt(
    candidate: SurgicalCandidate, grade: EsccGrade
) -> None:
    result = run(**UNKNOWN, **SIGNIFICANT, escc_grade=grade, surgical_candidate=candidate)
    assert_pathway(result, "biopsy_then_cebrt", "P2", None, "cebrt")
    assert result.pathway.cebrt_regimen == CebrtRegimen.GY30_10FX
    assert result.pathway.cebrt_field is not None
    assert f"surgical_candidate {candidate}" in topic_items(result, "pathway")[0].text


def test_p2_biopsy_then_cebrt_after_prior_radiation_is_individualized() -> None:
    result = run(**UNKNOWN, **SIGNIFICANT, **COMPRESSION, **NOT_CANDIDATE, **PRIOR_RT)
    assert result.pathway.code == PathwayCode.BIOPSY_THEN_CEBRT
    assert result.pathway.cebrt_regimen == CebrtRegimen.REIRRADIATION_INDIVIDUALIZED


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({}, "without a significant neurologic deficit"),
        ({**SIGNIFICANT, **NOT_CANDIDATE}, "escc_grade 1a (no compression"),
        ({**SIGNIFICANT, "surgical_candidate": SurgicalCandidate.DECLINES}, "escc_grade 1a (no compression"),
    ],
    ids=["no-deficit", "not-candidate", "declines"],
)
def test_p2_unknown_primary_otherwise(overrides: dict[str, Any], why: str) -> None:
    result = run(**UNKNOWN, **overrides)
    assert_pathway(result, "biopsy_and_staging", "P2", None, None)
    assert why in topic_items(result, "pathway")[0].text


def test_p2_with_unstable_spine_keeps_biopsy_and_raises_consultation() -> None:
    result = run(**UNKNOWN, **UNSTABLE)
    assert_pathway(result, "biopsy_and_staging", "P2", None, None)
    assert Alert.SURGICAL_CONSULTATION in result.alerts
    assert result.mobility == Mobility.BRACE_OR_BED_REST
    assert "unstable" in topic_items(result, "pathway")[0].text


@pytest.mark.parametrize(
    ("overrides", "technique"),
    [
        ({**HIGH, **RESISTANT}, "open_decompression_instrumentation"),
        ({**HIGH, **PRIOR_RT}, "open_decompression_instrumentation"),
        (HIGH, "percutaneous_instrumentation"),
        ({"retropulsion": True}, "percutaneous_instrumentation"),
        ({"sins_posterolateral": SinsPosterolateral.UNILATERAL}, "percutaneous_instrumentation"),
        ({"sins_posterolateral": SinsPosterolateral.BILATERAL}, "percutaneous_instrumentation"),
        ({**RESISTANT, "retropulsion": True}, "percutaneous_instrumentation"),
        ({}, "cement_augmentation"),
        (RESISTANT, "cement_augmentation"),
    ],
    ids=[
        "high-resistant",
        "high-prior-rt",
        "high-sensitive",
        "retropulsion",
        "posterolateral-unilateral",
        "posterolateral-bilateral",
        "low-resistant-retropulsion",
        "low-nothing",
        "low-resistant",
    ],
)
def test_p3_stabilization_technique(overrides: dict[str, Any], technique: str) -> None:
    result = run(**UNSTABLE, **overrides)
    assert result.pathway.code == PathwayCode.STABILIZATION_THEN_RADIATION
    assert result.pathway.rule == Rule.P3
    assert result.pathway.stabilization == technique


def test_p3_percutaneous_rationale_lists_every_reason() -> None:
    result = run(**UNSTABLE, **HIGH, retropulsion=True, sins_posterolateral=SinsPosterolateral.BILATERAL)
    text = topic_items(result, "pathway")[0].text
    assert "high-grade ESCC, retropulsion yes, sins_posterolateral bilateral" in text


@pytest.mark.parametrize(
    ("overrides", "radiation", "sbrt_alert"),
    [
        (RESISTANT, "sbrt", False),
        (PRIOR_RT, "sbrt", False),
        ({**RESISTANT, **NO_SBRT}, "cebrt", True),
        ({**PRIOR_RT, **NO_SBRT}, "cebrt", True),
        ({}, "cebrt", False),
        (NO_SBRT, "cebrt", False),
        ({"histology": Histology.OTHER, "other_radiosensitivity": OtherRadiosensitivity.RESISTANT}, "sbrt", False),
    ],
    ids=["resistant", "prior-rt", "resistant-no-sbrt", "prior-rt-no-sbrt", "sensitive", "sensitive-no-sbrt", "other"],
)
def test_p3_radiation_choice(overrides: dict[str, Any], radiation: str, sbrt_alert: bool) -> None:
    result = run(**UNSTABLE, **overrides)
    assert result.pathway.rule == Rule.P3
    assert result.pathway.radiation == radiation
    assert (result.pathway.cebrt_regimen is not None) is (radiation == "cebrt")
    assert (Alert.SBRT_UNAVAILABLE in result.alerts) is sbrt_alert


def test_p3_wins_over_prior_radiation_and_histology() -> None:
    result = run(**UNSTABLE, **PRIOR_RT, **RESISTANT, **HIGH)
    assert result.pathway.rule == Rule.P3
    assert Alert.REIRRADIATION_CORD_TOLERANCE in result.alerts


@pytest.mark.parametrize("candidate", [SurgicalCandidate.NO, SurgicalCandidate.DECLINES], ids=str)
def test_p4_unstable_not_a_candidate(candidate: SurgicalCandidate) -> None:
    result = run(**UNSTABLE, **RESISTANT, **HIGH, surgical_candidate=candidate)
    assert_pathway(result, "bracing_then_cebrt", "P4", "bracing", "cebrt")
    assert result.pathway.cebrt_regimen == CebrtRegimen.GY30_10FX
    assert Alert.SBRT_UNAVAILABLE not in result.alerts
    assert candidate.value in topic_items(result, "pathway")[0].text


def test_p4_beats_p5_with_prior_radiation() -> None:
    result = run(**UNSTABLE, **PRIOR_RT, **NOT_CANDIDATE)
    assert result.pathway.rule == Rule.P4
    assert Alert.REIRRADIATION_CORD_TOLERANCE in result.alerts


def test_p5_high_grade_candidate_gets_separation_surgery() -> None:
    result = run(**PRIOR_RT, **HIGH)
    assert_pathway(result, "separation_surgery_sbrt", "P5", "open_decompression_instrumentation", "sbrt")
    assert result.pathway.cebrt_regimen is None
    assert Alert.REIRRADIATION_CORD_TOLERANCE in result.alerts
    assert Alert.SBRT_UNAVAILABLE not in result.alerts


def test_p5_separation_surgery_without_sbrt_keeps_pathway_and_alerts() -> None:
    result = run(**PRIOR_RT, **HIGH, **NO_SBRT)
    assert_pathway(result, "separation_surgery_sbrt", "P5", "open_decompression_instrumentation", "sbrt")
    assert Alert.SBRT_UNAVAILABLE in result.alerts
    assert "sbrt_available no" in topic_items(result, "pathway")[0].text


@pytest.mark.parametrize(
    ("survival", "regimen"),
    [
        (ExpectedSurvival.LT_3_MONTHS, CebrtRegimen.GY8_1FX),
        (ExpectedSurvival.FROM_3_TO_6_MONTHS, CebrtRegimen.GY20_5FX),
        (ExpectedSurvival.GT_6_MONTHS, CebrtRegimen.GY20_5FX),
    ],
    ids=str,
)
def test_p5_high_grade_not_candidate_gets_palliative_radiation(
    survival: ExpectedSurvival, regimen: CebrtRegimen
) -> None:
    result = run(**PRIOR_RT, **RESISTANT, escc_grade=EsccGrade.GRADE_2, **NOT_CANDIDATE, expected_survival=survival)
    assert_pathway(result, "palliative_radiation", "P5", None, "cebrt")
    # 2027.1: a level irradiated before never gets a first-course regimen.
    assert result.pathway.cebrt_regimen == CebrtRegimen.REIRRADIATION_INDIVIDUALIZED
    assert regimen != result.pathway.cebrt_regimen
    # R11: the hypofractionated SBRT alert belongs to P9 only.
    assert Alert.HYPOFRACTIONATED_SBRT_OPTION not in result.alerts
    assert Alert.SBRT_UNAVAILABLE not in result.alerts


def test_p5_low_grade_reirradiation_with_sbrt() -> None:
    result = run(**PRIOR_RT, **NOT_CANDIDATE)
    assert_pathway(result, "sbrt", "P5", None, "sbrt")
    assert Alert.REIRRADIATION_CORD_TOLERANCE in result.alerts


def test_p5_low_grade_without_sbrt_gets_second_cebrt_course() -> None:
    result = run(**PRIOR_RT, **NO_SBRT, expected_survival=ExpectedSurvival.LT_3_MONTHS)
    assert_pathway(result, "cebrt", "P5", None, "cebrt")
    assert result.pathway.cebrt_regimen == CebrtRegimen.REIRRADIATION_INDIVIDUALIZED
    assert {Alert.SBRT_UNAVAILABLE, Alert.REIRRADIATION_CORD_TOLERANCE} <= set(result.alerts)


@pytest.mark.parametrize("grade", list(EsccGrade), ids=str)
def test_p6_radiosensitive_gets_cebrt_whatever_the_grade(grade: EsccGrade) -> None:
    result = run(escc_grade=grade, sbrt_available=False)
    assert_pathway(result, "cebrt", "P6", None, "cebrt")
    assert Alert.SBRT_UNAVAILABLE not in result.alerts


def test_p7_resistant_low_grade_gets_sbrt() -> None:
    assert_pathway(run(**RESISTANT), "sbrt", "P7", None, "sbrt")


def test_p7_without_sbrt_gets_cebrt_and_alert() -> None:
    result = run(**RESISTANT, **NO_SBRT)
    assert_pathway(result, "cebrt", "P7", None, "cebrt")
    assert result.pathway.cebrt_regimen == CebrtRegimen.GY30_10FX
    assert Alert.SBRT_UNAVAILABLE in result.alerts
    assert "surgical excision followed by cEBRT" in topic_items(result, "pathway")[0].text


def test_p7_grade_0_is_low_grade() -> None:
    result = run(**RESISTANT, escc_grade=EsccGrade.GRADE_0)
    assert result.pathway.rule == Rule.P7
    assert Alert.GRADE0_NOT_ESCC in result.alerts


def test_p8_resistant_high_grade_candidate_gets_separation_surgery() -> None:
    result = run(**RESISTANT, **HIGH)
    assert_pathway(result, "separation_surgery_sbrt", "P8", "open_decompression_instrumentation", "sbrt")
    assert Alert.SBRT_UNAVAILABLE not in result.alerts


def test_p8_without_sbrt_gets_maximal_excision_and_30_gy() -> None:
    result = run(**RESISTANT, **HIGH, **NO_SBRT, expected_survival=ExpectedSurvival.LT_3_MONTHS)
    assert_pathway(result, "maximal_excision_cebrt", "P8", "open_decompression_instrumentation", "cebrt")
    assert result.pathway.cebrt_regimen == CebrtRegimen.GY30_10FX
    assert Alert.SBRT_UNAVAILABLE in result.alerts


def test_p8_reason_words_with_and_without_sbrt() -> None:
    (with_sbrt,) = topic_items(run(**RESISTANT, **HIGH), "pathway")
    assert with_sbrt.text == (
        "P8: radioresistant tumor (radiosensitivity resistant) with high-grade ESCC and surgical_candidate yes: "
        "separation surgery (open decompression with instrumentation), then SBRT (sbrt_available yes)."
    )
    (without,) = topic_items(run(**RESISTANT, **HIGH, **NO_SBRT), "pathway")
    assert without.text == (
        "P8: radioresistant tumor (radiosensitivity resistant) with high-grade ESCC and surgical_candidate yes: "
        "SBRT would be preferred but sbrt_available is no, so maximal surgical excision with instrumentation, "
        "then a protracted course of cEBRT."
    )


@pytest.mark.parametrize(
    ("grade", "sbrt", "hypofractionated"),
    [
        (EsccGrade.GRADE_2, True, True),
        (EsccGrade.GRADE_2, False, False),
        (EsccGrade.GRADE_3, True, False),
    ],
    ids=["grade2-sbrt", "grade2-no-sbrt", "grade3-sbrt"],
)
def test_p9_resistant_high_grade_not_candidate(grade: EsccGrade, sbrt: bool, hypofractionated: bool) -> None:
    result = run(**RESISTANT, escc_grade=grade, surgical_candidate=SurgicalCandidate.DECLINES, sbrt_available=sbrt)
    assert_pathway(result, "palliative_radiation", "P9", None, "cebrt")
    assert (Alert.HYPOFRACTIONATED_SBRT_OPTION in result.alerts) is hypofractionated
    assert Alert.SBRT_UNAVAILABLE not in result.alerts


# --------------------------------------------------------------------------------------------
# 4. cEBRT regimen
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "regimen"),
    [
        ({"expected_survival": ExpectedSurvival.LT_3_MONTHS}, "8Gy_1fx"),
        ({"expected_survival": ExpectedSurvival.LT_3_MONTHS, "oligometastatic": True}, "8Gy_1fx"),
        ({"expected_survival": ExpectedSurvival.FROM_3_TO_6_MONTHS}, "20Gy_5fx"),
        ({"expected_survival": ExpectedSurvival.FROM_3_TO_6_MONTHS, "oligometastatic": True}, "30Gy_10fx"),
        ({"expected_survival": ExpectedSurvival.FROM_3_TO_6_MONTHS, "histology": Histology.LYMPHOMA}, "30Gy_10fx"),
        ({"expected_survival": ExpectedSurvival.FROM_3_TO_6_MONTHS, "histology": Histology.MYELOMA}, "30Gy_10fx"),
        ({"expected_survival": ExpectedSurvival.FROM_3_TO_6_MONTHS, "histology": Histology.BREAST}, "20Gy_5fx"),
        ({"expected_survival": ExpectedSurvival.GT_6_MONTHS}, "30Gy_10fx"),
    ],
    ids=["lt3", "lt3-oligo", "3to6", "3to6-oligo", "3to6-lymphoma", "3to6-myeloma", "3to6-breast", "gt6"],
)
def test_general_cebrt_regimen_by_survival(overrides: dict[str, Any], regimen: str) -> None:
    result = run(**overrides)
    assert result.pathway.rule == Rule.P6
    assert result.pathway.cebrt_regimen == regimen
    (item,) = topic_items(result, "cebrt_regimen")
    assert item.rule == "4 cEBRT regimen"
    assert "expected_survival" in item.text


def test_favourable_regimen_names_both_factors() -> None:
    result = run(
        expected_survival=ExpectedSurvival.FROM_3_TO_6_MONTHS, histology=Histology.MYELOMA, oligometastatic=True
    )
    assert "oligometastatic yes, histology lymphoma or myeloma" in topic_items(result, "cebrt_regimen")[0].text


@pytest.mark.parametrize(
    ("survival", "regimen"),
    [
        (ExpectedSurvival.LT_3_MONTHS, "8Gy_1fx"),
        (ExpectedSurvival.FROM_3_TO_6_MONTHS, "20Gy_5fx"),
        (ExpectedSurvival.GT_6_MONTHS, "20Gy_5fx"),
    ],
    ids=str,
)
def test_palliative_regimen_ignores_favourable_factors(survival: ExpectedSurvival, regimen: str) -> None:
    result = run(**RESISTANT, **HIGH, **NOT_CANDIDATE, expected_survival=survival, oligometastatic=True)
    assert result.pathway.code == PathwayCode.PALLIATIVE_RADIATION
    assert result.pathway.cebrt_regimen == regimen


def test_no_regimen_without_cebrt() -> None:
    result = run(**RESISTANT)
    assert result.pathway.radiation == Radiation.SBRT
    assert result.pathway.cebrt_regimen is None
    assert topic_items(result, "cebrt_regimen") == []


def test_p3_open_decompression_with_cebrt_gets_30_gy_in_10() -> None:
    # 2027.1 safety review: cEBRT after open decompression is 30 Gy in 10, whatever the survival.
    result = run(**UNSTABLE, **HIGH, **RESISTANT, **NO_SBRT, expected_survival=ExpectedSurvival.LT_3_MONTHS)
    assert result.pathway.stabilization == Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION
    assert result.pathway.cebrt_regimen == CebrtRegimen.GY30_10FX
    assert Alert.SHORT_SURVIVAL_SURGERY in result.alerts


def test_p3_percutaneous_with_cebrt_keeps_the_survival_regimen() -> None:
    result = run(**UNSTABLE, **HIGH, expected_survival=ExpectedSurvival.LT_3_MONTHS)
    assert result.pathway.stabilization == Stabilization.PERCUTANEOUS_INSTRUMENTATION
    assert result.pathway.cebrt_regimen == CebrtRegimen.GY8_1FX
    assert Alert.SHORT_SURVIVAL_SURGERY not in result.alerts


# --------------------------------------------------------------------------------------------
# 5. Supportive care
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "steroids", "named"),
    [
        ({"neurologic_deficit": True}, Steroids.HIGH_DOSE, "neurologic_deficit yes"),
        # 2027.1: pain alone with a low-grade lesion and a normal examination is not a reason.
        ({"sins_pain": SinsPain.OCCASIONAL_NONMECHANICAL}, Steroids.NOT_ROUTINE, "no high-grade ESCC"),
        ({"sins_pain": SinsPain.MECHANICAL}, Steroids.NOT_ROUTINE, "no high-grade ESCC"),
        (
            {"sins_pain": SinsPain.OCCASIONAL_NONMECHANICAL, **HIGH},
            Steroids.HIGH_DOSE,
            "high-grade ESCC at T6 with pain at T6",
        ),
        (
            {"sins_pain": SinsPain.MECHANICAL, "neurologic_deficit": True, **HIGH},
            Steroids.HIGH_DOSE,
            "neurologic_deficit yes and high-grade ESCC",
        ),
        ({}, Steroids.NOT_ROUTINE, "no high-grade ESCC"),
        (HIGH, Steroids.CONSIDER, "high-grade"),
        # 2027.1: palliative radiation always comes with high-dose dexamethasone.
        ({**RESISTANT, **HIGH, **NOT_CANDIDATE}, Steroids.HIGH_DOSE, "palliative radiation"),
    ],
    ids=[
        "deficit",
        "pain-low-grade",
        "mechanical-low-grade",
        "pain-high-grade",
        "both",
        "not-routine",
        "consider",
        "palliative",
    ],
)
def test_steroids(overrides: dict[str, Any], steroids: Steroids, named: str) -> None:
    result = run(**overrides)
    assert result.steroids == steroids
    assert named in topic_items(result, "steroids")[0].text


@pytest.mark.parametrize(
    ("overrides", "vte"),
    [
        ({}, VteProphylaxis.STANDARD),
        ({"motor_status": MotorStatus.AMBULATORY_WITH_AID}, VteProphylaxis.STANDARD),
        ({"motor_status": MotorStatus.NONAMBULATORY}, VteProphylaxis.PHARMACOLOGIC),
        (
            {"motor_status": MotorStatus.PARAPLEGIC, "neurologic_deficit": True, "vte_contraindication": True},
            VteProphylaxis.MECHANICAL,
        ),
        ({**UNSTABLE, **NOT_CANDIDATE}, VteProphylaxis.PHARMACOLOGIC),
        (UNSTABLE, VteProphylaxis.MECHANICAL_UNTIL_SURGERY),
        ({**UNSTABLE, "vte_contraindication": True}, VteProphylaxis.MECHANICAL),
        ({"motor_status": MotorStatus.NONAMBULATORY, **RESISTANT, **HIGH}, VteProphylaxis.MECHANICAL_UNTIL_SURGERY),
        (
            {"motor_status": MotorStatus.NONAMBULATORY, **RESISTANT, **HIGH, **NO_SBRT},
            VteProphylaxis.MECHANICAL_UNTIL_SURGERY,
        ),
        (
            {"motor_status": MotorStatus.PARAPLEGIC, **UNKNOWN, **SIGNIFICANT, **COMPRESSION},
            VteProphylaxis.MECHANICAL_UNTIL_SURGERY,
        ),
        ({"motor_status": MotorStatus.PARAPLEGIC, "neurologic_deficit": True, **UNKNOWN}, VteProphylaxis.PHARMACOLOGIC),
        (
            {"motor_status": MotorStatus.PARAPLEGIC, "neurologic_deficit": True, **PRIOR_RT, **HIGH},
            VteProphylaxis.MECHANICAL_UNTIL_SURGERY,
        ),
    ],
    ids=[
        "walking",
        "walking-with-aid",
        "nonambulatory",
        "contraindication",
        "unstable-bracing",
        "unstable-stabilization",
        "unstable-contraindication",
        "separation-surgery",
        "maximal-excision",
        "urgent-decompression",
        "biopsy",
        "p5-separation",
    ],
)
def test_vte_prophylaxis(overrides: dict[str, Any], vte: VteProphylaxis) -> None:
    result = run(**overrides)
    assert result.vte_prophylaxis == vte
    assert topic_items(result, "vte_prophylaxis")[0].rule == "5 Supportive care"


@pytest.mark.parametrize(
    ("retention", "symptoms", "bladder"),
    [
        (True, False, Bladder.CATHETERIZE),
        (True, True, Bladder.CATHETERIZE),
        (False, True, Bladder.BLADDER_SCAN),
        (False, False, Bladder.MONITOR),
    ],
)
def test_bladder(retention: bool, symptoms: bool, bladder: Bladder) -> None:
    assert run(urinary_retention=retention, urinary_symptoms=symptoms).bladder == bladder


@pytest.mark.parametrize(
    ("overrides", "mobility"),
    [
        (UNSTABLE, Mobility.BRACE_OR_BED_REST),
        ({"sins_pain": SinsPain.MECHANICAL}, Mobility.BRACE_OR_BED_REST),
        ({}, Mobility.AS_TOLERATED),
        ({**SINS_12}, Mobility.AS_TOLERATED),
    ],
    ids=["surgeon-unstable", "mechanical", "stable", "potentially-unstable"],
)
def test_mobility(overrides: dict[str, Any], mobility: Mobility) -> None:
    assert run(**overrides).mobility == mobility


# --------------------------------------------------------------------------------------------
# 6. Urgency
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "urgency", "named"),
    [
        ({"neurologic_deficit": True, **HIGH}, Urgency.EMERGENCY, "high-grade ESCC"),
        ({"neurologic_deficit": True, "deficit_progressing": True}, Urgency.EMERGENCY, "deficit_progressing yes"),
        ({"neurologic_deficit": True, "motor_status": MotorStatus.NONAMBULATORY}, Urgency.EMERGENCY, "nonambulatory"),
        ({"neurologic_deficit": True, "motor_status": MotorStatus.PARAPLEGIC}, Urgency.EMERGENCY, "paraplegic"),
        ({"neurologic_deficit": True}, Urgency.URGENT, "neurologic_deficit yes"),
        ({"neurologic_deficit": True, "motor_status": MotorStatus.AMBULATORY_WITH_AID}, Urgency.URGENT, "deficit"),
        (HIGH, Urgency.URGENT, "high-grade ESCC"),
        (UNSTABLE, Urgency.URGENT, "stability unstable"),
        (SINS_12, Urgency.URGENT, "stability potentially_unstable"),
        ({"motor_status": MotorStatus.NONAMBULATORY}, Urgency.ROUTINE, "Routine"),
        ({}, Urgency.ROUTINE, "Routine"),
    ],
    ids=[
        "deficit-high-grade",
        "deficit-progressing",
        "deficit-nonambulatory",
        "deficit-paraplegic",
        "deficit-alone",
        "deficit-walking-with-aid",
        "high-grade-alone",
        "unstable",
        "potentially-unstable",
        "no-deficit",
        "nothing",
    ],
)
def test_urgency(overrides: dict[str, Any], urgency: Urgency, named: str) -> None:
    result = run(**overrides)
    assert result.urgency == urgency
    (item,) = topic_items(result, "urgency")
    assert named in item.text
    assert item.rule == "6 Urgency"


# --------------------------------------------------------------------------------------------
# 7. Alerts: each positive and negative
# --------------------------------------------------------------------------------------------

NONAMB = {"motor_status": MotorStatus.NONAMBULATORY}

ALERT_CASES: list[tuple[Alert, dict[str, Any], dict[str, Any]]] = [
    (Alert.SURGICAL_CONSULTATION, {**SINS_6, **OCCASIONAL}, SINS_6),
    (Alert.SURGICAL_CONSULTATION, UNSTABLE, {"stability_assessment": StabilityAssessment.STABLE}),
    (Alert.MOVEMENT_PAIN_INSTABILITY, {"sins_pain": SinsPain.MECHANICAL}, OCCASIONAL),
    (
        Alert.MOVEMENT_PAIN_INSTABILITY,
        {"sins_pain": SinsPain.MECHANICAL},
        {"sins_pain": SinsPain.MECHANICAL, "stability_assessment": StabilityAssessment.UNSTABLE},
    ),
    (Alert.NONAMBULATORY_OVER_48H, {**NONAMB, "hours_nonambulatory": 49}, {**NONAMB, "hours_nonambulatory": 48}),
    (
        Alert.NONAMBULATORY_OVER_48H,
        {"motor_status": MotorStatus.PARAPLEGIC, "neurologic_deficit": True, "hours_nonambulatory": 72},
        {"motor_status": MotorStatus.AMBULATORY_WITH_AID, "hours_nonambulatory": 72},
    ),
    (Alert.TIME_CRITICAL, {**NONAMB, "hours_nonambulatory": 48}, {**NONAMB, "hours_nonambulatory": 49}),
    (Alert.TIME_CRITICAL, {**NONAMB, "hours_nonambulatory": None}, {"hours_nonambulatory": None}),
    (
        Alert.TIME_CRITICAL,
        {"motor_status": MotorStatus.PARAPLEGIC, "neurologic_deficit": True, "hours_nonambulatory": 0},
        {},
    ),
    (
        Alert.CONSIDER_SURGERY_RADIOSENSITIVE,
        {"histology": Histology.PROSTATE, **HIGH, "neurologic_deficit": True},
        {"histology": Histology.MYELOMA, **HIGH, "neurologic_deficit": True},
    ),
    (
        Alert.CONSIDER_SURGERY_RADIOSENSITIVE,
        {"histology": Histology.BREAST, "escc_grade": EsccGrade.GRADE_2, "neurologic_deficit": True},
        {"histology": Histology.BREAST, "escc_grade": EsccGrade.GRADE_1C, "neurologic_deficit": True},
    ),
    (
        Alert.CONSIDER_SURGERY_RADIOSENSITIVE,
        {**HIGH, "neurologic_deficit": True},
        {**HIGH, "neurologic_deficit": True, **NOT_CANDIDATE},
    ),
    (Alert.CONSIDER_SURGERY_RADIOSENSITIVE, {**HIGH, "neurologic_deficit": True}, HIGH),
    (
        Alert.CONSIDER_SURGERY_RADIOSENSITIVE,
        {**HIGH, "neurologic_deficit": True},
        {**HIGH, "neurologic_deficit": True, **PRIOR_RT},
    ),
    (
        Alert.CONSIDER_SURGERY_RADIOSENSITIVE,
        {"histology": Histology.SMALL_CELL_LUNG, **HIGH, "neurologic_deficit": True},
        {
            "histology": Histology.OTHER,
            "other_radiosensitivity": OtherRadiosensitivity.SENSITIVE,
            **HIGH,
            "neurologic_deficit": True,
        },
    ),
    (Alert.RAPID_STEROID_RESPONSE, {"histology": Histology.LYMPHOMA}, {"histology": Histology.BREAST}),
    (Alert.RAPID_STEROID_RESPONSE, {"histology": Histology.MYELOMA}, {}),
    (Alert.SYSTEMIC_THERAPY_OPTION, {"histology": Histology.LYMPHOMA}, {"histology": Histology.MYELOMA}),
    (Alert.SYSTEMIC_THERAPY_OPTION, {"histology": Histology.GERM_CELL}, {}),
    (Alert.SYSTEMIC_THERAPY_OPTION, {"histology": Histology.BREAST}, {"histology": Histology.OVARIAN}),
    (Alert.SYSTEMIC_THERAPY_OPTION, {"histology": Histology.PROSTATE}, {"histology": Histology.SMALL_CELL_LUNG}),
    (Alert.SBRT_UNAVAILABLE, {**RESISTANT, **NO_SBRT}, RESISTANT),
    (Alert.SBRT_UNAVAILABLE, {**RESISTANT, **HIGH, **NO_SBRT}, {**RESISTANT, **HIGH, **NOT_CANDIDATE, **NO_SBRT}),
    (Alert.SBRT_UNAVAILABLE, {**PRIOR_RT, **NO_SBRT}, NO_SBRT),
    (
        Alert.SBRT_UNAVAILABLE,
        {**UNSTABLE, **RESISTANT, **NO_SBRT},
        {**UNSTABLE, **RESISTANT, **NOT_CANDIDATE, **NO_SBRT},
    ),
    (
        Alert.HYPOFRACTIONATED_SBRT_OPTION,
        {**RESISTANT, "escc_grade": EsccGrade.GRADE_2, **NOT_CANDIDATE},
        {**RESISTANT, "escc_grade": EsccGrade.GRADE_2},
    ),
    (Alert.REIRRADIATION_CORD_TOLERANCE, PRIOR_RT, {}),
    (Alert.REIRRADIATION_CORD_TOLERANCE, {**PRIOR_RT, **UNKNOWN}, UNKNOWN),
    (Alert.VCF_RISK_AFTER_SBRT, {**RESISTANT, "sins_bone_lesion": SinsBoneLesion.LYTIC}, RESISTANT),
    (
        Alert.VCF_RISK_AFTER_SBRT,
        {**RESISTANT, "sins_collapse": SinsCollapse.GT_50},
        {"sins_collapse": SinsCollapse.GT_50},
    ),
    (
        Alert.VCF_RISK_AFTER_SBRT,
        {**RESISTANT, "sins_collapse": SinsCollapse.LT_50},
        {**RESISTANT, "sins_collapse": SinsCollapse.NO_COLLAPSE_GT_50_INVOLVED},
    ),
    (
        Alert.VCF_RISK_AFTER_SBRT,
        {**RESISTANT, "sins_alignment": SinsAlignment.DE_NOVO_DEFORMITY},
        {**RESISTANT, **NO_SBRT, "sins_alignment": SinsAlignment.DE_NOVO_DEFORMITY},
    ),
    (
        Alert.VCF_RISK_AFTER_SBRT,
        {**RESISTANT, **HIGH, "sins_alignment": SinsAlignment.SUBLUXATION},
        {**RESISTANT, **HIGH, **NO_SBRT, "sins_alignment": SinsAlignment.SUBLUXATION},
    ),
    (Alert.GRADE0_NOT_ESCC, {"escc_grade": EsccGrade.GRADE_0}, {"escc_grade": EsccGrade.GRADE_1A}),
]


@pytest.mark.parametrize(("alert", "positive", "negative"), ALERT_CASES, ids=lambda v: str(v)[:40])
def test_alert_positive_and_negative(alert: Alert, positive: dict[str, Any], negative: dict[str, Any]) -> None:
    fired = run(**positive)
    assert alert in fired.alerts
    items = topic_items(fired, f"alert:{alert}")
    assert len(items) == 1
    assert items[0].text.startswith("Raised because")
    assert items[0].source == rules.ALERT_TEXTS[alert].source
    assert alert not in run(**negative).alerts


def test_baseline_has_no_alerts() -> None:
    assert run().alerts == ()


def test_not_ambulatory_gets_exactly_one_time_alert() -> None:
    for hours in (None, 0, 12, 48, 49, 500):
        alerts = set(run(**NONAMB, hours_nonambulatory=hours).alerts)
        assert len(alerts & {Alert.TIME_CRITICAL, Alert.NONAMBULATORY_OVER_48H}) == 1


def test_time_alert_rationale_quotes_hours() -> None:
    assert (
        "hours_nonambulatory is 72 (over 48)"
        in topic_items(run(**NONAMB, hours_nonambulatory=72), "alert:nonambulatory_over_48h")[0].text
    )
    assert "hours_nonambulatory is not known" in topic_items(run(**NONAMB), "alert:time_critical")[0].text
    assert (
        "hours_nonambulatory is 6 (48 or less)"
        in topic_items(run(**NONAMB, hours_nonambulatory=6), "alert:time_critical")[0].text
    )


def test_surgical_consultation_rationale_names_both_reasons() -> None:
    result = run(**SINS_12, **UNSTABLE)
    text = topic_items(result, "alert:surgical_consultation")[0].text
    assert "SINS 12 is 7 or more at L1 and stability unstable at L1" in text


def test_vcf_rationale_names_every_risk_factor() -> None:
    result = run(
        **RESISTANT,
        sins_bone_lesion=SinsBoneLesion.LYTIC,
        sins_collapse=SinsCollapse.LT_50,
        sins_alignment=SinsAlignment.SUBLUXATION,
    )
    text = topic_items(result, "alert:vcf_risk_after_sbrt")[0].text
    assert "sins_bone_lesion lytic, sins_collapse lt_50, sins_alignment subluxation" in text


def test_alerts_come_in_spec_table_order() -> None:
    result = run(
        **RESISTANT,
        **PRIOR_RT,
        **NO_SBRT,
        escc_grade=EsccGrade.GRADE_0,
        sins_pain=SinsPain.MECHANICAL,
        stability_assessment=StabilityAssessment.NOT_ASSESSED,
        motor_status=MotorStatus.NONAMBULATORY,
        neurologic_deficit=True,
        sins_bone_lesion=SinsBoneLesion.LYTIC,
    )
    order = list(Alert)
    assert list(result.alerts) == sorted(result.alerts, key=order.index)
    assert len(result.alerts) >= 5


def test_alert_items_have_text_and_source() -> None:
    result = run(**PRIOR_RT, histology=Histology.LYMPHOMA, escc_grade=EsccGrade.GRADE_0)
    items = result.alert_items
    assert [item.code for item in items] == list(result.alerts)
    for item in items:
        assert item.text
        # The cord dose budget's alerts cite the papers of spec 4.1 first; every other alert the review.
        assert item.source.startswith(rules.REVIEW) or item.source.startswith("Nieder 2006")


def test_alert_texts_cover_every_alert() -> None:
    assert set(rules.ALERT_TEXTS) == set(Alert)
    for text, source in rules.ALERT_TEXTS.values():
        assert text
        assert "[" in source or "Spine 30:2186" in source or "IJROBP 66:1446" in source


# --------------------------------------------------------------------------------------------
# Result: rationale and to_dict
# --------------------------------------------------------------------------------------------

REQUIRED_KEYS = {
    "rule_set",
    "evaluation_date",
    "sins",
    "escc",
    "radiosensitivity",
    "stability",
    "pathway",
    "urgency",
    "steroids",
    "vte_prophylaxis",
    "bladder",
    "mobility",
    "alerts",
    "rationale",
    "lesions",
    "prognosis_scores",
}
EXTRA_KEYS = {
    "significant_deficit",
    "alert_details",
    "supportive_care_always",
    "regimen_text",
    "field_text",
    "sbrt_dose_text",
    "steroid_dosing_text",
}


def test_to_dict_has_the_case_format_shape() -> None:
    data = run(**UNSTABLE, sins_pain=SinsPain.MECHANICAL).to_dict()
    assert REQUIRED_KEYS <= set(data) <= REQUIRED_KEYS | EXTRA_KEYS
    assert set(data["sins"]) == {"total", "category", "components", "location"}  # type: ignore[arg-type]
    assert set(data["sins"]["components"]) == {  # type: ignore[index]
        "location",
        "pain",
        "bone_lesion",
        "alignment",
        "collapse",
        "posterolateral",
    }
    assert data["escc"] == {"grade": "1a", "high_grade": False}
    assert set(data["pathway"]) == {"code", "rule", "stabilization", "radiation", "cebrt_regimen", "cebrt_field"}  # type: ignore[arg-type]
    for item in data["rationale"]:  # type: ignore[attr-defined]
        assert set(item) == {"rule", "text", "source", "topic", "inputs"}
        assert isinstance(item["inputs"], list)
    for detail in data["alert_details"]:  # type: ignore[attr-defined]
        assert set(detail) == {"code", "text", "source"}
    assert data["rule_set"] == "2027.2"
    assert set(data["prognosis_scores"]) == {"tokuhashi_revised", "tomita", "modified_bauer"}  # type: ignore[arg-type]


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(type(key) is str and _plain(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    return value is None or type(value) in (str, int, bool)


def test_to_dict_values_are_plain_json_types() -> None:
    data = run(**PRIOR_RT, **HIGH, **RESISTANT).to_dict()
    assert _plain(data)
    assert json.loads(json.dumps(data)) == data


def test_to_dict_texts_follow_the_pathway() -> None:
    cebrt = run().to_dict()
    assert "regimen_text" in cebrt and "field_text" in cebrt
    assert "sbrt_dose_text" not in cebrt
    assert "steroid_dosing_text" not in cebrt
    sbrt = run(**RESISTANT, neurologic_deficit=True).to_dict()
    assert "sbrt_dose_text" in sbrt and "regimen_text" not in sbrt and "field_text" not in sbrt
    assert "steroid_dosing_text" in sbrt
    hypo = run(**RESISTANT, escc_grade=EsccGrade.GRADE_2, **NOT_CANDIDATE).to_dict()
    assert "sbrt_dose_text" in hypo and "field_text" in hypo
    assert cebrt["supportive_care_always"] == rules.SUPPORTIVE_CARE_ALWAYS.text


def test_rationale_covers_every_topic_with_source() -> None:
    result = run(**NONAMB, neurologic_deficit=True)
    topics = [item.topic for item in result.rationale]
    assert topics[:13] == [
        "sins",
        "escc",
        "stability",
        "radiosensitivity",
        "significant_deficit",
        "pathway",
        "cebrt_regimen",
        "cebrt_field",
        "steroids",
        "vte_prophylaxis",
        "bladder",
        "mobility",
        "urgency",
    ]
    for item in result.rationale:
        assert item.text and item.source and item.rule and item.inputs


def test_case_input_rejects_missing_other_radiosensitivity() -> None:
    with pytest.raises(ValueError, match=r"^other_radiosensitivity"):
        case(histology=Histology.OTHER)


def test_case_input_rejects_other_radiosensitivity_for_a_known_histology() -> None:
    with pytest.raises(ValueError, match=r"^other_radiosensitivity"):
        case(other_radiosensitivity=OtherRadiosensitivity.SENSITIVE)


def test_case_input_rejects_negative_hours() -> None:
    with pytest.raises(ValueError, match=r"^hours_nonambulatory"):
        case(hours_nonambulatory=-1)


def test_flat_fields_are_the_23_fields_of_a_2026_1_case_in_order() -> None:
    assert list(rules.FLAT_FIELDS) == list(BASE)
    assert len(BASE) == 23
    assert set(rules.FLAT_FIELDS) == set(rules.CASE_FIELDS) | set(rules.LESION_FIELDS)


def test_results_are_immutable() -> None:
    result = run()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.urgency = Urgency.EMERGENCY  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# Partial SINS
# --------------------------------------------------------------------------------------------


def test_sins_partial_with_nothing_given() -> None:
    partial = rules.sins_partial()
    assert partial.total_so_far == 0
    assert partial.max_possible == 18
    assert partial.category is None
    assert partial.location is None
    assert partial.missing == (
        "spinal_level",
        "sins_pain",
        "sins_bone_lesion",
        "sins_alignment",
        "sins_collapse",
        "sins_posterolateral",
    )
    assert (partial.lowest_category, partial.highest_category) == ("stable", "unstable")
    assert set(partial.components.values()) == {None}


def test_sins_partial_with_some_components() -> None:
    partial = rules.sins_partial(spinal_level=SpinalLevel.T12, sins_pain=SinsPain.MECHANICAL)
    assert partial.components["location"] == 3
    assert partial.components["pain"] == 3
    assert partial.components["collapse"] is None
    assert partial.total_so_far == 6
    assert partial.max_possible == 6 + 2 + 4 + 3 + 3
    assert partial.location == SpineLocation.JUNCTIONAL
    assert partial.category is None
    assert "sins_pain" not in partial.missing


def test_sins_partial_complete_matches_evaluate() -> None:
    given = {
        "spinal_level": SpinalLevel.L3,
        "sins_pain": SinsPain.OCCASIONAL_NONMECHANICAL,
        "sins_bone_lesion": SinsBoneLesion.MIXED,
        "sins_alignment": SinsAlignment.DE_NOVO_DEFORMITY,
        "sins_collapse": SinsCollapse.NO_COLLAPSE_GT_50_INVOLVED,
        "sins_posterolateral": SinsPosterolateral.UNILATERAL,
    }
    partial = rules.sins_partial(**given)
    result = run(**given)
    assert partial.missing == ()
    assert partial.total_so_far == partial.max_possible == result.sins.total == 8
    assert partial.category == result.sins.category == SinsCategory.INDETERMINATE
    assert partial.lowest_category == partial.highest_category == partial.category


# --------------------------------------------------------------------------------------------
# Hypothesis properties over the consistent input space
# --------------------------------------------------------------------------------------------


consistent_cases = cases  # 1 to 8 lesions, with or without prognosis inputs (tests/rules_strategies.py)


PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


@PROPERTY_SETTINGS
@given(consistent_cases())
def test_property_sins_total_and_category_are_consistent(case_input: CaseInput) -> None:
    sins = evaluate(case_input).sins
    assert sins.total == sum(dataclasses.astuple(sins.components))
    assert 0 <= sins.total <= 18
    expected = "stable" if sins.total <= 6 else "indeterminate" if sins.total <= 12 else "unstable"
    assert sins.category == expected
    assert sins.location == rules.LOCATION_BY_LEVEL[case_input.index_lesion.spinal_level]


@PROPERTY_SETTINGS
@given(consistent_cases())
def test_property_exactly_one_pathway_from_p1_to_p9(case_input: CaseInput) -> None:
    result = evaluate(case_input)
    assert isinstance(result.pathway.code, PathwayCode)
    assert isinstance(result.pathway.rule, Rule)
    pathway_items = topic_items(result, "pathway")
    assert len(pathway_items) == 1
    assert pathway_items[0].rule == result.pathway.rule.value
    assert (result.pathway.cebrt_regimen is None) is (result.pathway.radiation != Radiation.CEBRT)
    assert len(topic_items(result, "cebrt_regimen")) == (0 if result.pathway.cebrt_regimen is None else 1)


@PROPERTY_SETTINGS
@given(consistent_cases())
def test_property_surgeons_judgement_wins(case_input: CaseInput) -> None:
    result = evaluate(case_input)
    for lesion, derived in zip(case_input.lesions, result.lesions, strict=True):
        if lesion.stability_assessment != StabilityAssessment.NOT_ASSESSED:
            assert derived.stability == lesion.stability_assessment.value


@PROPERTY_SETTINGS
@given(consistent_cases())
def test_property_every_output_is_a_spec_code(case_input: CaseInput) -> None:
    result = evaluate(case_input)
    assert result.rule_set == rules.RULE_SET
    assert isinstance(result.sins.category, SinsCategory)
    assert isinstance(result.sins.location, SpineLocation)
    assert isinstance(result.escc_grade, EsccGrade)
    assert isinstance(result.high_grade, bool)
    assert isinstance(result.significant_deficit, bool)
    assert isinstance(result.radiosensitivity, Radiosensitivity)
    assert isinstance(result.stability, Stability)
    assert result.pathway.stabilization is None or isinstance(result.pathway.stabilization, Stabilization)
    assert result.pathway.radiation is None or isinstance(result.pathway.radiation, Radiation)
    assert result.pathway.cebrt_regimen is None or isinstance(result.pathway.cebrt_regimen, CebrtRegimen)
    assert isinstance(result.urgency, Urgency)
    assert isinstance(result.steroids, Steroids)
    assert isinstance(result.vte_prophylaxis, VteProphylaxis)
    assert isinstance(result.bladder, Bladder)
    assert isinstance(result.mobility, Mobility)
    assert all(isinstance(code, Alert) for code in result.alerts)
    assert len(set(result.alerts)) == len(result.alerts)
    assert list(result.alerts) == sorted(result.alerts, key=list(Alert).index)


def input_names(case_input: CaseInput) -> set[str]:
    """Every input field name a rationale item may cite for this case."""
    lesion_names = {f"lesions[{i}].{name}" for i in range(len(case_input.lesions)) for name in rules.LESION_FIELDS}
    lesion_names |= {f"lesions[{i}].{name}" for i in range(len(case_input.lesions)) for name in EXTRA_LESION_INPUTS}
    return set(rules.CASE_FIELDS) | set(rules.PROGNOSIS_FIELDS) | lesion_names | {"evaluation_date"}


EXTRA_LESION_INPUTS = ("index", "prior_radiation_courses")


@PROPERTY_SETTINGS
@given(consistent_cases())
def test_property_every_alert_and_item_is_explained(case_input: CaseInput) -> None:
    result = evaluate(case_input)
    alert_topics = [item.topic for item in result.rationale if item.topic.startswith("alert:")]
    assert alert_topics == [f"alert:{code}" for code in result.alerts]
    for item in result.rationale:
        assert item.text and item.source and item.rule and item.inputs
        assert set(item.inputs) <= input_names(case_input), item


@PROPERTY_SETTINGS
@given(consistent_cases())
def test_property_to_dict_is_json_serialisable(case_input: CaseInput) -> None:
    data = evaluate(case_input).to_dict()
    assert _plain(data)
    assert REQUIRED_KEYS <= set(data) <= REQUIRED_KEYS | EXTRA_KEYS
    json.dumps(data)


@PROPERTY_SETTINGS
@given(consistent_cases())
def test_property_unknown_primary_is_p1_or_p2(case_input: CaseInput) -> None:
    result = evaluate(case_input)
    unknown = case_input.histology == Histology.UNKNOWN_PRIMARY
    assert (result.radiosensitivity == Radiosensitivity.UNKNOWN) is unknown
    assert (result.pathway.rule in (Rule.P1, Rule.P2)) is unknown


# --------------------------------------------------------------------------------------------
# Module boundaries and labels
# --------------------------------------------------------------------------------------------


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


RULES_MODULES = sorted((REPO / "assessments" / "rules").glob("*.py"))


@pytest.mark.parametrize(
    "path", [*RULES_MODULES, REPO / "assessments" / "labels.py"], ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_rules_and_labels_import_no_django(path: Path) -> None:
    imported = _imported_modules(path)
    assert imported
    assert not [name for name in imported if name.split(".")[0] == "django"]


@pytest.mark.parametrize("path", RULES_MODULES, ids=lambda p: p.name)
def test_rules_imports_only_the_standard_library(path: Path) -> None:
    imported = _imported_modules(path)
    outside = {name for name in imported if not name.startswith(".")}
    assert {name.split(".")[0] for name in outside} <= set(sys.stdlib_module_names) | {"__future__"}


def test_importing_the_rules_package_loads_no_django() -> None:
    code = "import sys, assessments.rules; sys.exit(1 if any(m.split('.')[0] == 'django' for m in sys.modules) else 0)"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_labels_imports_only_the_standard_library_and_rules() -> None:
    imported = _imported_modules(REPO / "assessments" / "labels.py")
    others = {name for name in imported if name.split(".")[0] not in sys.stdlib_module_names | {"__future__"}}
    assert others == {"assessments"}


RULE_ENUMS = list(
    dict.fromkeys(  # de-duplicated: the module also holds a short alias of SpinalLevel
        value
        for value in vars(rules).values()
        if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
    )
)


def test_rules_defines_the_expected_enums() -> None:
    assert len(RULE_ENUMS) == 41


@pytest.mark.parametrize("enum", RULE_ENUMS, ids=lambda enum: enum.__name__)
def test_every_enum_value_has_a_label(enum: type[StrEnum]) -> None:
    for member in enum:
        text = labels.label(member)
        assert text.strip()
        assert "_" not in text or enum is SpinalLevel


def test_labels_examples() -> None:
    assert labels.label(PathwayCode.SEPARATION_SURGERY_SBRT) == "Separation surgery, then SBRT"
    assert labels.label(CebrtRegimen.GY30_10FX) == "30 Gy in 10 fractions"
    assert labels.label(SpinalLevel.T6) == "T6"
    assert labels.label(SpinalLevel.OCCIPUT) == "Occiput"
    assert labels.ESCC_GRADE_DESCRIPTIONS[EsccGrade.GRADE_1A] == "1a: epidural, thecal sac not deformed"
    assert labels.label(EsccGrade.GRADE_1A) == "1a: epidural, thecal sac not deformed"
    # Equal codes of different enums keep their own labels.
    assert labels.label(SinsCategory.STABLE) != labels.label(StabilityAssessment.STABLE)


def test_help_texts_cover_every_input_field() -> None:
    assert set(labels.HELP_TEXTS) == set(BASE)
    assert all(labels.HELP_TEXTS.values())


@pytest.mark.parametrize(
    ("value", "colour"),
    [
        (Urgency.EMERGENCY, "danger"),
        (Urgency.URGENT, "warning"),
        (Urgency.ROUTINE, "success"),
        (SinsCategory.UNSTABLE, "danger"),
        (SinsCategory.INDETERMINATE, "warning"),
        (SinsCategory.STABLE, "success"),
        (Stability.POTENTIALLY_UNSTABLE, "warning"),
        (PathwayCode.SBRT, "secondary"),
        (StabilityAssessment.STABLE, "secondary"),
    ],
    ids=str,
)
def test_badge_colours(value: StrEnum, colour: str) -> None:
    assert labels.badge(value) == colour


def test_prognosis_and_information_texts_have_sources() -> None:
    notes = [
        *rules.PROGNOSIS_NOTES,
        rules.SUPPORTIVE_CARE_ALWAYS,
        rules.STEROID_DOSING_TEXT,
        rules.SBRT_DOSES_TEXT,
        rules.CEBRT_FIELD_TEXT,
    ]
    for text, source in notes:
        assert text
        assert source.startswith(rules.REVIEW)
    assert any("[46]" in source for _, source in rules.PROGNOSIS_NOTES)
    assert set(rules.REGIMEN_TEXTS) == set(CebrtRegimen)


def test_a_record_is_a_frozen_dataclass_whose_defaults_are_values():
    @record
    class Point:
        x: int
        y: int = 0

    point = Point(3)
    assert (point, dataclasses.astuple(point), dataclasses.replace(point, y=4)) == (Point(3, 0), (3, 0), Point(3, 4))
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 4  # type: ignore[misc]
    assert Point.__init__.__qualname__ == f"{Point.__qualname__}.__init__"  # as a traceback names it
    with pytest.raises(TypeError) as refused:

        @record
        class Bag:
            items: list[int] = dataclasses.field(default_factory=list)

    assert str(refused.value) == (
        "test_a_record_is_a_frozen_dataclass_whose_defaults_are_values.<locals>.Bag: "
        "a record's defaults are values, not factories"
    )
