"""Rule set 2027.1 properties and the case-file reader (no database).

Hypothesis properties over consistent cases with 1 to 8 lesions and any subset of the prognosis inputs
(``tests/rules_strategies.py``), and the two shapes of ``case-format.md`` through ``case_format``.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import rules
from assessments.cases.case_format import evaluate_case_object, to_form_data, validate_case
from assessments.rules import Alert, CaseInput, LesionInput, evaluate
from tests.rules_strategies import cases, flat_cases

SETTINGS = settings(max_examples=150, deadline=None)


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


@SETTINGS
@given(flat_cases())
def test_property_one_lesion_case_equals_its_flat_form(flat: dict[str, Any]) -> None:
    lesion = LesionInput(**{name: flat[name] for name in rules.LESION_FIELDS})
    shaped = CaseInput(**{name: flat[name] for name in rules.CASE_FIELDS}, lesions=(lesion,))
    assert evaluate(shaped).to_dict() == evaluate(CaseInput.from_flat(**flat)).to_dict()


@settings(max_examples=40, deadline=None)
@given(flat_cases())
def test_property_one_lesion_case_file_equals_its_flat_file(flat: dict[str, Any]) -> None:
    data = {name: _plain(value) for name, value in flat.items()}
    lesion = {name: data.pop(name) for name in rules.LESION_FIELDS}
    shaped = {**data, "lesions": [{**lesion, "index": True}]}
    flat_result = evaluate_case_object({**data, **lesion})
    assert "errors" not in flat_result or flat_result["errors"].keys() <= {"hours_nonambulatory"}
    assert evaluate_case_object(shaped) == flat_result


def _by_level(result: dict[str, Any], levels: list[str]) -> str:
    """The result as JSON with every ``lesions[i]`` renamed by its level, items in a fixed order."""
    text = re.sub(r"lesions\[(\d+)\]", lambda m: f"lesions[{levels[int(m.group(1))]}]", json.dumps(result))
    data = json.loads(text)
    data["lesions"] = sorted(data["lesions"], key=lambda lesion: lesion["spinal_level"])
    for item in data["rationale"]:
        item["inputs"] = sorted(item["inputs"])  # any-lesion rules list the lesions in the order given
    data["rationale"] = sorted(data["rationale"], key=lambda item: json.dumps(item, sort_keys=True))
    return json.dumps(data, sort_keys=True)


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_property_reordering_lesions_changes_only_their_order(case_input: CaseInput, rng: Any) -> None:
    shuffled = list(case_input.lesions)
    rng.shuffle(shuffled)
    other = CaseInput(
        **{f: getattr(case_input, f) for f in (*rules.CASE_FIELDS, *rules.PROGNOSIS_FIELDS)}, lesions=tuple(shuffled)
    )
    before, after = evaluate(case_input).to_dict(), evaluate(other).to_dict()
    assert [lesion["spinal_level"] for lesion in after["lesions"]] == [lesion.spinal_level for lesion in shuffled]
    assert _by_level(before, [v.spinal_level for v in case_input.lesions]) == _by_level(
        after, [v.spinal_level for v in shuffled]
    )


NEEDS = {
    "tokuhashi_revised": (
        "karnofsky",
        "extraspinal_bone_metastases",
        "vertebral_metastases",
        "visceral_metastases",
        "frankel_grade",
    ),
    "tomita": ("extraspinal_bone_metastases", "vertebral_metastases", "visceral_metastases"),
    "modified_bauer": ("extraspinal_bone_metastases", "vertebral_metastases", "visceral_metastases"),
}


@SETTINGS
@given(cases())
def test_property_no_score_is_computed_from_a_missing_input(case_input: CaseInput) -> None:
    result = evaluate(case_input)
    for score in result.prognosis_scores:
        unrecorded = {name for name in NEEDS[score.name] if getattr(case_input, name) is None}
        if case_input.primary_site_resolved is None and score.name != "modified_bauer":
            unrecorded.add("primary_site")
        if score.score is None:
            assert score.missing and list(score.missing) == sorted(score.missing)
            assert set(score.missing) <= unrecorded | {"primary_growth", "histology"}
            assert score.band is None and score.items == ()
        else:
            assert not unrecorded, (score, unrecorded)
            assert sum(points for _, points in score.items) == score.score <= score.maximum
    if case_input.histology == rules.Histology.UNKNOWN_PRIMARY:
        assert result.prognosis_scores[2].missing == ("histology",)


def _without_prognosis(case_input: CaseInput) -> CaseInput:
    return CaseInput(**{f: getattr(case_input, f) for f in rules.CASE_FIELDS}, lesions=case_input.lesions)


def _decisions(result: rules.Result) -> dict[str, Any]:
    data = result.to_dict()
    for key in ("prognosis_scores", "rationale", "alert_details"):
        data.pop(key)
    data["alerts"] = [a for a in data["alerts"] if a != Alert.SURVIVAL_ESTIMATE_DISCORDANT]  # type: ignore[attr-defined]
    return data


@SETTINGS
@given(cases())
def test_property_pathway_never_depends_on_the_prognosis_inputs(case_input: CaseInput) -> None:
    assert _decisions(evaluate(case_input)) == _decisions(evaluate(_without_prognosis(case_input)))


@SETTINGS
@given(cases())
def test_property_any_lesion_rules_see_every_lesion(case_input: CaseInput) -> None:
    result = evaluate(case_input)
    unstable = any(lesion.stability == rules.Stability.UNSTABLE for lesion in result.lesions)
    assert (result.mobility == rules.Mobility.BRACE_OR_BED_REST) is unstable
    assert (Alert.REIRRADIATION_CORD_TOLERANCE in result.alerts) is any(
        lesion.prior_radiation_in_field for lesion in case_input.lesions
    )
    index = result.lesions[case_input.index_position]
    assert (result.sins, result.stability, result.escc_grade) == (index.sins, index.stability, index.escc_grade)
    field = result.pathway.cebrt_field
    assert (field is None) is (result.pathway.cebrt_regimen is None)
    if field is not None:
        order = rules.LEVEL_ORDER
        block = rules.index_block(tuple(lesion.spinal_level for lesion in case_input.lesions), index.spinal_level)
        assert order.index(field.from_level) == max(order.index(block[0]) - 1, 0)
        assert order.index(field.to_level) == min(order.index(block[-1]) + 1, len(order) - 1)


# --------------------------------------------------------------------------------------------
# The case-file reader: both shapes, one validation path
# --------------------------------------------------------------------------------------------

FLAT = {
    "id": "flat",
    "escc_grade": "2",
    "neurologic_deficit": True,
    "deficit_progressing": False,
    "motor_status": "ambulatory_with_aid",
    "hours_nonambulatory": None,
    "urinary_symptoms": False,
    "urinary_retention": False,
    "histology": "breast",
    "other_radiosensitivity": None,
    "prior_radiation_in_field": False,
    "spinal_level": "T7",
    "sins_pain": "mechanical",
    "sins_bone_lesion": "lytic",
    "sins_alignment": "normal",
    "sins_collapse": "lt_50",
    "sins_posterolateral": "unilateral",
    "stability_assessment": "not_assessed",
    "retropulsion": False,
    "expected_survival": "gt_6_months",
    "surgical_candidate": "yes",
    "sbrt_available": True,
    "oligometastatic": False,
    "vte_contraindication": False,
}
LESION_KEYS = set(rules.LESION_FIELDS)


def shaped(*extra_lesions: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    case = {k: v for k, v in FLAT.items() if k not in LESION_KEYS}
    first = {k: v for k, v in FLAT.items() if k in LESION_KEYS}
    lesions = [{**first, "index": True}, *({**first, "index": False, **e} for e in extra_lesions)]
    return {**case, "lesions": lesions, **overrides}


def test_flat_and_lesion_shapes_give_the_same_result() -> None:
    assert evaluate_case_object(FLAT) == evaluate_case_object(shaped(id="flat"))


def test_mixing_shapes_names_the_flat_key() -> None:
    result = evaluate_case_object({**shaped(), "escc_grade": "2"})
    assert list(result["errors"]) == ["escc_grade"]
    assert "lesions" in result["errors"]["escc_grade"][0]


def test_errors_inside_a_lesion_are_named_by_position() -> None:
    result = evaluate_case_object(shaped({"spinal_level": "L2", "sins_pain": "sharp", "bogus": 1}))
    assert set(result["errors"]) == {"lesions[1].sins_pain", "lesions[1].bogus"}


def test_case_level_errors_are_named_once_without_a_lesion_prefix() -> None:
    result = evaluate_case_object(shaped({"spinal_level": "L2"}, histology="thyroid"))
    assert list(result["errors"]) == ["histology"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (shaped(lesions=[]), "lesions"),
        (shaped(lesions="T7"), "lesions"),
        (shaped(lesions=[1]), "lesions[0]"),
        (shaped({"spinal_level": "L2", "index": "no"}), "lesions[1].index"),
        (shaped({"spinal_level": "T7"}), "lesions[1].spinal_level"),
        (shaped({"spinal_level": "L2", "index": True}), "lesions"),
        (shaped(karnofsky=75), "karnofsky"),
        (shaped(karnofsky=80, frankel_grade="A"), "frankel_grade"),
        (shaped({"spinal_level": "L2"}, vertebral_metastases=1), "vertebral_metastases"),
        (shaped(primary_site="colon"), "primary_site"),
        (shaped(hours_nonambulatory=None, other_radiosensitivity=None, id=3), "id"),
        ({k: v for k, v in shaped().items() if k != "hours_nonambulatory"}, "hours_nonambulatory"),
        ({**FLAT, "karnofsky": 5}, "karnofsky"),
        ({k: v for k, v in FLAT.items() if k != "other_radiosensitivity"}, "other_radiosensitivity"),
        ({**FLAT, "motor_status": "paraplegic", "neurologic_deficit": False}, "neurologic_deficit"),
    ],
)
def test_invalid_cases_name_the_field(data: dict[str, Any], field: str) -> None:
    case_input, errors = validate_case(data)
    assert case_input is None
    assert field in errors, errors


def test_missing_index_among_several_lesions_names_lesions() -> None:
    data = shaped({"spinal_level": "L2"})
    del data["lesions"][1]["index"]
    assert list(validate_case(data)[1]) == ["lesions"]


def test_single_lesion_may_omit_index() -> None:
    data = shaped()
    del data["lesions"][0]["index"]
    case_input, errors = validate_case(data)
    assert errors == {} and case_input is not None and case_input.index_lesion.index


def test_prognosis_inputs_are_read_and_scored() -> None:
    data = shaped(karnofsky=80, extraspinal_bone_metastases=0, vertebral_metastases=1, visceral_metastases="none")
    data["frankel_grade"] = "D"
    result = evaluate_case_object(data)
    assert result["prognosis_scores"]["tokuhashi_revised"]["score"] == 14
    assert result["prognosis_scores"]["modified_bauer"] == {
        "score": 4,
        "max": 4,
        "band": "bauer_3_4",
        "items": {
            "no_visceral_metastases": 1,
            "primary_not_lung": 1,
            "primary_breast_kidney_lymphoma_myeloma": 1,
            "solitary_skeletal_metastasis": 1,
        },
    }


def test_web_import_reader_takes_several_lesions_and_prognosis_inputs() -> None:
    several = shaped({"spinal_level": "L2"})
    case_input, errors = validate_case(several)  # one card per lesion
    assert errors == {} and case_input is not None and len(case_input.lesions) == 2
    assert validate_case(shaped(karnofsky=70))[1] == {}, "the web form holds prognosis inputs (13c)"
    assert validate_case(shaped())[1] == {}
    assert validate_case({"bad": 1})[0] is None


def test_one_lesion_file_fills_one_card_as_a_flat_file_does() -> None:
    assert to_form_data(shaped()) == to_form_data(FLAT)


# --------------------------------------------------------------------------------------------
# CaseInput's own checks (the last line of defence for callers other than the forms)
# --------------------------------------------------------------------------------------------

CASE = {name: rules.CaseInput.from_flat(**{k: v for k, v in FLAT.items() if k != "id"}) for name in ("x",)}["x"]


def _case(**overrides: Any) -> CaseInput:
    values = {f: getattr(CASE, f) for f in (*rules.CASE_FIELDS, *rules.PROGNOSIS_FIELDS)}
    values["lesions"] = CASE.lesions
    return CaseInput(**{**values, **overrides})


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"neurologic_deficit": False, "deficit_progressing": True}, "deficit_progressing"),
        ({"neurologic_deficit": False, "motor_status": rules.MotorStatus.PARAPLEGIC}, "neurologic_deficit"),
        ({"lesions": ()}, "lesions"),
        ({"karnofsky": 75}, "karnofsky"),
        ({"karnofsky": 0}, "karnofsky"),
        ({"extraspinal_bone_metastases": 100}, "extraspinal_bone_metastases"),
        ({"vertebral_metastases": 34}, "vertebral_metastases"),
        ({"primary_site": rules.PrimarySite.COLON}, "primary_site"),
    ],
)
def test_case_input_rejects_contradictions_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(rules.InputError) as raised:
        _case(**overrides)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lesions": ()}, "lesions: give 1 to 8 lesions"),
        ({"frankel_grade": rules.FrankelGrade.C}, "frankel_grade: Frankel C contradicts motor_status"),
        ({"karnofsky": 75}, "karnofsky: a multiple of 10 from 10 to 100"),
        ({"extraspinal_bone_metastases": 100}, "extraspinal_bone_metastases: a number from 0 to 99"),
        ({"vertebral_metastases": 34}, "vertebral_metastases: a number from 1 to 33"),
    ],
)
def test_case_input_says_what_is_wrong_in_words(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(rules.InputError) as raised:
        _case(**overrides)
    assert str(raised.value) == message


def test_case_input_names_the_later_lesion_that_repeats_a_level() -> None:
    first = CASE.lesions[0]
    repeat = dataclasses.replace(first, index=False)
    with pytest.raises(rules.InputError) as raised:
        _case(lesions=(first, repeat))
    assert raised.value.field == "lesions[1].spinal_level"


def test_case_input_needs_exactly_one_index_lesion_among_several() -> None:
    first = CASE.lesions[0]
    other = dataclasses.replace(first, spinal_level=rules.SpinalLevel.L2)
    with pytest.raises(rules.InputError) as raised:
        _case(lesions=(first, other))  # both marked as the index
    assert raised.value.field == "lesions"
    assert "exactly one" in str(raised.value)


def test_flat_values_are_the_index_lesions_and_the_cases() -> None:
    two = _case(
        lesions=(
            CASE.lesions[0],
            LesionInput(**{**_lesion_values(), "spinal_level": rules.SpinalLevel.L2}, index=False),
        )
    )
    flat = two.flat_values()
    assert list(flat) == list(rules.FLAT_FIELDS)
    assert flat["spinal_level"] == rules.SpinalLevel.T7 and flat["histology"] == rules.Histology.BREAST


def _lesion_values() -> dict[str, Any]:
    return {name: getattr(CASE.lesions[0], name) for name in rules.LESION_FIELDS}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("C7", "T1", True), ("T12", "L1", True), ("L5", "S1", True), ("occiput", "C1", True), ("T1", "T3", False)],
)
def test_contiguous_levels_cross_the_junctions(a: str, b: str, expected: bool) -> None:
    assert rules.contiguous(rules.SpinalLevel(a), rules.SpinalLevel(b)) is expected
    assert rules.contiguous(rules.SpinalLevel(b), rules.SpinalLevel(a)) is expected


@pytest.mark.parametrize(
    ("levels", "index", "block"),
    [
        (("occiput", "S5"), "occiput", ("occiput",)),
        (("occiput", "C1", "S5"), "C1", ("occiput", "C1")),
        (("occiput", "S4", "S5"), "S5", ("S4", "S5")),
    ],
)
def test_the_index_block_stops_at_either_end_of_the_spine(
    levels: tuple[str, ...], index: str, block: tuple[str, ...]
) -> None:
    assert rules.index_block(tuple(rules.SpinalLevel(level) for level in levels), rules.SpinalLevel(index)) == tuple(
        rules.SpinalLevel(level) for level in block
    )


def _entry(**overrides: Any) -> rules.PriorCourse:
    values: dict[str, Any] = {
        "technique": rules.CourseTechnique.CEBRT,
        "total_dose_gy": Decimal(30),
        "fractions": 10,
        "end_date": datetime.date(2026, 3, 2),
    }
    return rules.PriorCourse(**{**values, **overrides})


def _irradiated(lesion: LesionInput, *entries: rules.PriorCourse, flag: bool = True) -> LesionInput:
    return dataclasses.replace(lesion, prior_radiation_in_field=flag, prior_radiation_courses=entries)


_INDEX = CASE.lesions[0]
_OTHER = dataclasses.replace(_INDEX, spinal_level=rules.SpinalLevel.L2, index=False)
_ON = {"evaluation_date": datetime.date(2026, 6, 1)}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"histology": rules.Histology.OTHER}, "other_radiosensitivity: required when histology is 'other'"),
        (
            {"other_radiosensitivity": rules.OtherRadiosensitivity.SENSITIVE},
            "other_radiosensitivity: must be empty unless histology is 'other'",
        ),
        ({"hours_nonambulatory": -1}, "hours_nonambulatory: must be 0 or more"),
        (
            {"neurologic_deficit": False, "deficit_progressing": True},
            "deficit_progressing: a progressing deficit needs neurologic_deficit",
        ),
        (
            {"neurologic_deficit": False, "motor_status": rules.MotorStatus.PARAPLEGIC},
            "neurologic_deficit: paraplegia is a neurologic deficit",
        ),
        (
            {"lesions": (_irradiated(_INDEX, *[_entry()] * 6),)},
            "lesions[0].prior_radiation_courses: give at most 5 entries",
        ),
        (
            {"lesions": (_irradiated(_INDEX, _entry(), flag=False),)},
            "lesions[0].prior_radiation_courses: entries need prior_radiation_in_field",
        ),
        (
            {"lesions": (_INDEX, _irradiated(_OTHER, _entry(fractions=0))), **_ON},
            "lesions[1].prior_radiation_courses[0].fractions: a whole number of fractions from 1 to 40",
        ),
        (
            {"lesions": (_irradiated(_INDEX, _entry(), _entry(end_date=datetime.date(2026, 6, 2))),), **_ON},
            "lesions[0].prior_radiation_courses[1].end_date: after the evaluation date",
        ),
        (
            {"lesions": (_INDEX, dataclasses.replace(_INDEX, index=False))},
            "lesions[1].spinal_level: each lesion must be at a different level",
        ),
        (
            {"lesions": (_INDEX, dataclasses.replace(_OTHER, index=True))},
            "lesions: exactly one lesion must be the index lesion",
        ),
        (
            {"lesions": (_INDEX, _OTHER), "vertebral_metastases": 1},
            "vertebral_metastases: cannot be fewer than the lesions listed",
        ),
        ({"primary_site": rules.PrimarySite.THYROID}, "primary_site: the histology already fixes the primary site"),
        (
            {"histology": rules.Histology.GASTROINTESTINAL, "primary_site": rules.PrimarySite.THYROID},
            "primary_site: not a primary site of this histology",
        ),
        ({"primary_growth": rules.PrimaryGrowth.SLOW}, "primary_growth: the primary site already fixes the growth"),
    ],
)
def test_case_input_says_each_contradiction_in_words(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(rules.InputError) as raised:
        _case(**overrides)
    assert (str(raised.value), f"{raised.value.field}: {raised.value.message}") == (message, message)


def test_case_input_takes_each_count_and_score_at_its_limit() -> None:
    at_limits = _case(karnofsky=100, extraspinal_bone_metastases=99, vertebral_metastases=33)
    assert (at_limits.karnofsky, at_limits.extraspinal_bone_metastases, at_limits.vertebral_metastases) == (100, 99, 33)
    assert _case(karnofsky=10, extraspinal_bone_metastases=0, vertebral_metastases=1).karnofsky == 10
