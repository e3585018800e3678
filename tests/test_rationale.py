"""The rationale is tested, not just present: every rule and alert cites its source and exactly the inputs it read.

Each expected input list is written out by hand from the spec rule (a dropped or extra input fails), and
each source is the named constant of ``assessments/rules/texts.py`` for that rule (citing another rule's
source fails). No database.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal
from typing import Any

import pytest

from assessments import rules
from assessments.rules import (
    Alert,
    CaseInput,
    EsccGrade,
    ExpectedSurvival,
    FrankelGrade,
    Histology,
    LesionInput,
    MotorStatus,
    SinsBoneLesion,
    SinsCollapse,
    SinsPain,
    SpinalLevel,
    StabilityAssessment,
    VisceralMetastases,
    evaluate,
)
from assessments.rules import texts as T
from assessments.rules.facts import Form
from tests.test_rules import (
    BASE,
    COMPRESSION,
    HIGH,
    NO_SBRT,
    NOT_CANDIDATE,
    PRIOR_RT,
    RESISTANT,
    SIGNIFICANT,
    UNKNOWN,
    UNSTABLE,
    run,
)
from tests.test_rules import case as case_input

L = "lesions[0]."
SINS = [f"{L}{name}" for name in ("spinal_level", "sins_pain", "sins_bone_lesion", "sins_alignment")]
SINS += [f"{L}sins_collapse", f"{L}sins_posterolateral"]
STABILITY = [f"{L}stability_assessment", *SINS]
DEFICIT = ["neurologic_deficit", "deficit_progressing", "motor_status"]
UNKNOWN_INPUTS = ["histology", *DEFICIT, f"{L}escc_grade", "surgical_candidate"]
P5 = ["histology", f"{L}stability_assessment", f"{L}prior_radiation_in_field", f"{L}escc_grade"]
P5 += ["surgical_candidate", "sbrt_available"]
P6 = ["histology", "other_radiosensitivity", f"{L}stability_assessment", f"{L}prior_radiation_in_field"]
# Spec 4.1 "Rationale": the inputs of the budget's item and of every budget alert.
BUDGET = [f"{L}prior_radiation_in_field", f"{L}prior_radiation_courses", "evaluation_date"]
P3 = [
    "histology",
    "other_radiosensitivity",
    *STABILITY,
    "surgical_candidate",
    f"{L}escc_grade",
    f"{L}prior_radiation_in_field",
    f"{L}retropulsion",
    "sbrt_available",
]

PATHWAYS: dict[str, tuple[dict[str, Any], str, str, list[str]]] = {
    "P1": ({**UNKNOWN, **SIGNIFICANT, **COMPRESSION}, "P1", T.SRC_P1, UNKNOWN_INPUTS),
    "P2-biopsy-then-cebrt": (
        {**UNKNOWN, **SIGNIFICANT, **COMPRESSION, **NOT_CANDIDATE},
        "P2",
        T.SRC_P2_BIOPSY_THEN_CEBRT,
        UNKNOWN_INPUTS,
    ),
    "P2-staging": (UNKNOWN, "P2", T.SRC_P2, [*UNKNOWN_INPUTS, *STABILITY]),
    "P3": (UNSTABLE, "P3", T.SRC_P3, P3),
    "P3-retropulsed-bone": (
        {**UNSTABLE, **HIGH, "retropulsion": True, "neurologic_deficit": True},
        "P3",
        T.SRC_P3_RETROPULSION,
        [*P3, "neurologic_deficit", "expected_survival"],
    ),
    "P4": ({**UNSTABLE, **NOT_CANDIDATE}, "P4", T.SRC_P4, ["histology", *STABILITY, "surgical_candidate"]),
    "P5-separation": ({**PRIOR_RT, **HIGH}, "P5", T.SRC_P5_SURGERY, P5),
    "P5-palliative": ({**PRIOR_RT, **HIGH, **NOT_CANDIDATE}, "P5", T.SRC_P5_PALLIATIVE, P5),
    "P5-reirradiation": (PRIOR_RT, "P5", T.SRC_P5_REIRRADIATION, P5),
    "P6": ({}, "P6", T.SRC_P6, P6),
    "P7": (RESISTANT, "P7", T.SRC_P7, [*P6, f"{L}escc_grade", "sbrt_available"]),
    "P8": ({**RESISTANT, **HIGH}, "P8", T.SRC_P8, [*P6, f"{L}escc_grade", "surgical_candidate", "sbrt_available"]),
    "P9": (
        {**RESISTANT, **HIGH, **NOT_CANDIDATE},
        "P9",
        T.SRC_P9,
        [*P6, f"{L}escc_grade", "surgical_candidate", "sbrt_available"],
    ),
}


def only(result: rules.Result, topic: str) -> rules.RationaleItem:
    (item,) = [item for item in result.rationale if item.topic == topic]
    return item


@pytest.mark.parametrize("name", PATHWAYS)
def test_pathway_rule_cites_its_source_and_exact_inputs(name: str) -> None:
    overrides, rule, source, inputs = PATHWAYS[name]
    item = only(run(**overrides), "pathway")
    assert (item.rule, item.source, list(item.inputs)) == (rule, source, inputs)


REGIMENS: dict[str, tuple[dict[str, Any], str, list[str]]] = {
    "reirradiation": (
        {**PRIOR_RT, **HIGH, **NOT_CANDIDATE},
        T.SRC_REGIMEN_REIRRADIATION,
        [f"{L}prior_radiation_in_field"],
    ),
    "open-decompression": (
        {**UNSTABLE, **HIGH, **RESISTANT, **NO_SBRT},
        T.SRC_REGIMEN_EXCISION,
        [f"{L}prior_radiation_in_field", "expected_survival"],
    ),
    "palliative": (
        {**RESISTANT, **HIGH, **NOT_CANDIDATE},
        T.SRC_REGIMEN_SHORT,
        [f"{L}prior_radiation_in_field", "expected_survival"],
    ),
    "short": (
        {"expected_survival": ExpectedSurvival.LT_3_MONTHS},
        T.SRC_REGIMEN_SHORT,
        [f"{L}prior_radiation_in_field", "expected_survival"],
    ),
    "middle": (
        {"expected_survival": ExpectedSurvival.FROM_3_TO_6_MONTHS},
        T.SRC_REGIMEN_MIDDLE,
        [f"{L}prior_radiation_in_field", "expected_survival", "oligometastatic", "histology"],
    ),
    "favourable": (
        {"expected_survival": ExpectedSurvival.FROM_3_TO_6_MONTHS, "oligometastatic": True},
        T.SRC_REGIMEN_FAVOURABLE,
        [f"{L}prior_radiation_in_field", "expected_survival", "oligometastatic", "histology"],
    ),
    "long": ({}, T.SRC_REGIMEN_LONG, [f"{L}prior_radiation_in_field", "expected_survival"]),
}


def test_the_regimen_after_open_surgery_names_the_expected_survival_as_a_fact() -> None:
    overrides = REGIMENS["open-decompression"][0]
    item = only(run(**overrides), "cebrt_regimen")
    survival = BASE["expected_survival"]
    assert rules.Fact("expected_survival", str(survival), form=Form.CODE) in item.words


@pytest.mark.parametrize("name", REGIMENS)
def test_regimen_cites_its_source_and_exact_inputs(name: str) -> None:
    overrides, source, inputs = REGIMENS[name]
    item = only(run(**overrides), "cebrt_regimen")
    assert (item.rule, item.source, list(item.inputs)) == ("4 cEBRT regimen", source, inputs)


def test_derived_values_and_supportive_care_cite_their_sources_and_exact_inputs() -> None:
    result = run(**UNSTABLE, **HIGH, neurologic_deficit=True)
    expected = {
        "sins": (T.SRC_SINS, SINS),
        "escc": (T.SRC_ESCC, [f"{L}escc_grade"]),
        "stability": (T.SRC_STABILITY, STABILITY),
        "radiosensitivity": (T.SRC_RADIOSENSITIVITY, ["histology"]),
        "significant_deficit": (T.SRC_SIGNIFICANT_DEFICIT, DEFICIT),
        "cebrt_field": (T.SRC_CEBRT_FIELD, [f"{L}spinal_level", f"{L}index"]),
        "steroids": (T.SRC_STEROIDS_HIGH, ["neurologic_deficit", f"{L}escc_grade", f"{L}sins_pain"]),
        "vte_prophylaxis": (T.SRC_VTE, ["motor_status", *STABILITY, "vte_contraindication"]),
        "bladder": (T.SRC_BLADDER, ["urinary_retention", "urinary_symptoms"]),
        "mobility": (T.SRC_MOBILITY, STABILITY),
        "urgency": (T.SRC_URGENCY, [*DEFICIT, f"{L}escc_grade", *STABILITY]),
    }
    for topic, (source, inputs) in expected.items():
        item = only(result, topic)
        assert (topic, item.source, list(item.inputs)) == (topic, source, inputs)


@pytest.mark.parametrize(
    ("overrides", "source"),
    [
        ({}, T.SRC_STEROIDS_NOT_ROUTINE),
        (HIGH, T.SRC_STEROIDS_CONSIDER),
        ({**RESISTANT, **HIGH, **NOT_CANDIDATE}, T.SRC_STEROIDS_PALLIATIVE),
        ({"neurologic_deficit": True}, T.SRC_STEROIDS_HIGH),
    ],
    ids=["not-routine", "consider", "palliative", "deficit"],
)
def test_each_steroid_branch_cites_its_source(overrides: dict[str, Any], source: str) -> None:
    assert only(run(**overrides), "steroids").source == source


def test_other_histology_radiosensitivity_reads_the_clinicians_classification() -> None:
    item = only(
        run(histology=Histology.OTHER, other_radiosensitivity=rules.OtherRadiosensitivity.SENSITIVE), "radiosensitivity"
    )
    assert list(item.inputs) == ["histology", "other_radiosensitivity"]
    assert item.words[2] == rules.Fact("other_radiosensitivity", "sensitive", form=Form.CODE)


def test_significant_deficit_words_end_with_the_answer_as_a_fact() -> None:
    item = only(run(**SIGNIFICANT), "significant_deficit")
    assert rules.Fact("significant_deficit", "yes", form=Form.CODE) in item.words
    item = only(run(), "significant_deficit")
    assert rules.Fact("significant_deficit", "no", form=Form.CODE) in item.words


@pytest.mark.parametrize(
    ("name", "maximum", "overrides"),
    [
        ("tokuhashi_revised", 15, {}),
        ("tomita", 10, {}),
        ("modified_bauer", 4, {}),
        ("modified_bauer", 4, UNKNOWN),  # not computed for want of a primary, whatever else is recorded
    ],
)
def test_a_score_not_computed_keeps_its_maximum(name: str, maximum: int, overrides: dict[str, Any]) -> None:
    score = next(score for score in run(**overrides).prognosis_scores if score.name == name)
    assert score.score is None and score.missing and score.maximum == maximum


def test_sbrt_unavailable_names_the_rule_that_prefers_sbrt_as_a_fact() -> None:
    result = run(**RESISTANT, **NO_SBRT)
    item = only(result, "alert:sbrt_unavailable")
    assert item.words[1] == rules.Fact("pathway_rule", result.pathway.rule, form=Form.CODE)


ALERTS: dict[Alert, tuple[dict[str, Any], list[str]]] = {
    Alert.SURGICAL_CONSULTATION: (UNSTABLE, STABILITY),
    Alert.MOVEMENT_PAIN_INSTABILITY: (
        {"sins_pain": SinsPain.MECHANICAL},
        [f"{L}sins_pain", f"{L}stability_assessment"],
    ),
    Alert.NONAMBULATORY_OVER_48H: (
        {"motor_status": MotorStatus.NONAMBULATORY, "hours_nonambulatory": 72},
        ["motor_status", "hours_nonambulatory"],
    ),
    Alert.TIME_CRITICAL: ({"motor_status": MotorStatus.NONAMBULATORY}, ["motor_status", "hours_nonambulatory"]),
    Alert.CONSIDER_SURGERY_RADIOSENSITIVE: (
        {"histology": Histology.BREAST, "neurologic_deficit": True, **HIGH},
        ["histology", f"{L}escc_grade", "neurologic_deficit", "surgical_candidate"],
    ),
    Alert.RAPID_STEROID_RESPONSE: ({"histology": Histology.MYELOMA}, ["histology"]),
    Alert.SYSTEMIC_THERAPY_OPTION: ({"histology": Histology.BREAST}, ["histology"]),
    Alert.SBRT_UNAVAILABLE: (
        {**RESISTANT, **NO_SBRT},
        ["sbrt_available", "histology", f"{L}escc_grade", f"{L}prior_radiation_in_field"],
    ),
    Alert.HYPOFRACTIONATED_SBRT_OPTION: (
        {**RESISTANT, "escc_grade": EsccGrade.GRADE_2, **NOT_CANDIDATE},
        [f"{L}escc_grade", "surgical_candidate", "sbrt_available"],
    ),
    Alert.REIRRADIATION_CORD_TOLERANCE: (PRIOR_RT, [f"{L}prior_radiation_in_field"]),
    Alert.VCF_RISK_AFTER_SBRT: (
        {**RESISTANT, "sins_bone_lesion": SinsBoneLesion.LYTIC},
        [f"{L}sins_bone_lesion", f"{L}sins_collapse", f"{L}sins_alignment"],
    ),
    Alert.GRADE0_NOT_ESCC: ({"escc_grade": EsccGrade.GRADE_0}, [f"{L}escc_grade"]),
    Alert.CEMENT_AUGMENTATION_OPTION: (
        {**UNSTABLE, **NOT_CANDIDATE},
        [f"{L}escc_grade", f"{L}retropulsion", f"{L}sins_posterolateral"],
    ),
    Alert.SHORT_SURVIVAL_SURGERY: (
        {**RESISTANT, **HIGH, "expected_survival": ExpectedSurvival.LT_3_MONTHS},
        ["expected_survival", "surgical_candidate"],
    ),
    Alert.BIOPSY_BEFORE_STEROIDS: (
        {**UNKNOWN, "neurologic_deficit": True},
        ["histology", "neurologic_deficit", f"{L}escc_grade", f"{L}sins_pain"],
    ),
    Alert.REIRRADIATION_BUDGET_UNKNOWN: (PRIOR_RT, BUDGET),
    Alert.BONY_COMPRESSION: (
        {**UNSTABLE, **HIGH, "retropulsion": True},
        [f"{L}spinal_level", f"{L}escc_grade", f"{L}retropulsion"],
    ),
}


@pytest.mark.parametrize("alert", ALERTS, ids=str)
def test_one_lesion_alert_cites_its_source_and_exact_inputs(alert: Alert) -> None:
    overrides, inputs = ALERTS[alert]
    result = run(**overrides)
    assert alert in result.alerts
    item = only(result, f"alert:{alert}")
    assert (item.rule, item.source, list(item.inputs)) == ("7 Alerts", rules.ALERT_TEXTS[alert].source, inputs)


def lesion(level: SpinalLevel, *, index: bool = False, **overrides: Any) -> LesionInput:
    values = {name: BASE[name] for name in rules.LESION_FIELDS}
    return LesionInput(**{**values, "spinal_level": level, **overrides}, index=index)


def multi(*lesions: LesionInput, **overrides: Any) -> rules.Result:
    values = {name: BASE[name] for name in rules.CASE_FIELDS}
    return evaluate(CaseInput(**{**values, **overrides}, lesions=lesions))


def test_multilevel_alerts_name_the_levels_and_cite_the_other_lesions() -> None:
    result = multi(
        lesion(SpinalLevel.T6, index=True),
        lesion(SpinalLevel.T7, stability_assessment=StabilityAssessment.UNSTABLE),
        lesion(SpinalLevel.L3, escc_grade=EsccGrade.GRADE_2),
    )
    stability_of = [
        f"lesions[{i}].{name}" for i in (1, 2) for name in ("stability_assessment", *rules.texts.SINS_INPUTS)
    ]
    unstable = only(result, "alert:additional_unstable_lesion")
    assert (unstable.source, list(unstable.inputs)) == (
        rules.ALERT_TEXTS[Alert.ADDITIONAL_UNSTABLE_LESION].source,
        stability_of,
    )
    high = only(result, "alert:additional_high_grade_lesion")
    assert list(high.inputs) == ["lesions[1].escc_grade", "lesions[2].escc_grade"]
    assert "L3" in high.text
    outside = only(result, "alert:escc_outside_index_block")
    assert list(outside.inputs) == [
        *(f"lesions[{i}].{name}" for i in range(3) for name in ("spinal_level", "index")),
        "lesions[2].escc_grade",
    ]
    assert outside.source == rules.ALERT_TEXTS[Alert.ESCC_OUTSIDE_INDEX_BLOCK].source
    details = {item.code: item.text for item in result.alert_items}
    assert details[Alert.ADDITIONAL_UNSTABLE_LESION].startswith("Level(s): T7.")
    assert details[Alert.ESCC_OUTSIDE_INDEX_BLOCK].startswith("Level(s): L3.")
    assert result.pathway.cebrt_field == rules.CebrtField(from_level=SpinalLevel.T5, to_level=SpinalLevel.T8)


FULL_PROGNOSIS = {
    "karnofsky": 80,
    "extraspinal_bone_metastases": 0,
    "vertebral_metastases": 1,
    "visceral_metastases": VisceralMetastases.NONE,
    "frankel_grade": FrankelGrade.E,
}


def scored(**overrides: Any) -> rules.Result:
    values = {name: BASE[name] for name in rules.CASE_FIELDS}
    values.update(histology=Histology.RENAL_CELL, **FULL_PROGNOSIS)
    values.update(overrides)
    return evaluate(CaseInput(**values, lesions=(lesion(SpinalLevel.T8, index=True),)))


def test_each_prognosis_score_reason_names_its_score_total_and_band_as_facts() -> None:
    result = scored()
    for score in result.prognosis_scores:
        words = only(result, f"prognosis:{score.name}").words
        assert words[:5] == (
            rules.Fact("score", score.name, form=Form.CODE),
            " ",
            rules.Fact("score_total", str(score.score), form=Form.CODE),
            f" of {score.maximum} (",
            rules.Fact("band", score.band, form=Form.BAND),
        )


def test_each_prognosis_score_rationale_names_every_item_with_its_points() -> None:
    result = scored()
    for score in result.prognosis_scores:
        item = only(result, f"prognosis:{score.name}")
        assert item.rule == "8.2 Prognosis scores"
        assert f"{score.name} {score.score} of {score.maximum}" in item.text
        for name, points in score.items:
            assert f"{name} {points}" in item.text
    assert only(result, "prognosis:tokuhashi_revised").source == T.SRC_TOKUHASHI
    assert only(result, "prognosis:tomita").source == T.SRC_TOMITA
    assert only(result, "prognosis:modified_bauer").source == T.SRC_BAUER
    assert list(only(result, "prognosis:tokuhashi_revised").inputs) == [
        "karnofsky",
        "extraspinal_bone_metastases",
        "vertebral_metastases",
        "visceral_metastases",
        "frankel_grade",
        "histology",
    ]
    assert list(only(result, "prognosis:tomita").inputs) == [
        "histology",
        "visceral_metastases",
        "extraspinal_bone_metastases",
        "vertebral_metastases",
    ]
    assert list(only(result, "prognosis:modified_bauer").inputs) == [
        "histology",
        "visceral_metastases",
        "extraspinal_bone_metastases",
        "vertebral_metastases",
    ]


def test_discordance_alert_cites_the_estimate_and_every_tokuhashi_item() -> None:
    result = scored(expected_survival=ExpectedSurvival.LT_3_MONTHS)
    item = only(result, "alert:survival_estimate_discordant")
    assert list(item.inputs) == ["expected_survival", *(name for name, _ in result.prognosis_scores[0].items)]
    assert item.source == rules.ALERT_TEXTS[Alert.SURVIVAL_ESTIMATE_DISCORDANT].source
    detail = next(d for d in result.alert_items if d.code == Alert.SURVIVAL_ESTIMATE_DISCORDANT)
    assert "gte_12_months" in detail.text and "lt_3_months" in detail.text


def test_every_alert_has_a_rationale_test() -> None:
    multilevel = {Alert.ADDITIONAL_UNSTABLE_LESION, Alert.ADDITIONAL_HIGH_GRADE_LESION, Alert.ESCC_OUTSIDE_INDEX_BLOCK}
    tested = set(ALERTS) | multilevel | {Alert.SURVIVAL_ESTIMATE_DISCORDANT} | set(BUDGET_ALERTS)
    assert tested == set(Alert)


def courses(*entries: rules.PriorCourse, **overrides: Any) -> rules.Result:
    """A one-lesion case irradiated before, with ``entries`` recorded, evaluated on 2027-03-15."""
    base = case_input(**{**PRIOR_RT, **overrides})
    lesion_input = dataclasses.replace(base.lesions[0], prior_radiation_courses=entries)
    return evaluate(dataclasses.replace(base, lesions=(lesion_input,), evaluation_date=DAY))


def entry(dose: int, fractions: int, end: datetime.date, technique: str = "cebrt") -> rules.PriorCourse:
    return rules.PriorCourse(rules.CourseTechnique(technique), Decimal(dose), fractions, end)


DAY = datetime.date(2027, 3, 15)
BUDGET_ALERTS: dict[Alert, tuple[rules.PriorCourse, ...]] = {
    Alert.CORD_BUDGET_INSUFFICIENT: (entry(50, 25, datetime.date(2026, 1, 5)),),
    Alert.REIRRADIATION_INTERVAL_SHORT: (entry(20, 5, datetime.date(2026, 12, 1)),),
    Alert.REIRRADIATION_NO_VALIDATED_LIMIT: (entry(24, 2, datetime.date(2026, 1, 5), "sbrt"),),
}


@pytest.mark.parametrize("alert", BUDGET_ALERTS, ids=str)
def test_budget_alert_cites_its_source_and_the_budget_inputs(alert: Alert) -> None:
    result = courses(*BUDGET_ALERTS[alert])
    assert alert in result.alerts
    item = only(result, f"alert:{alert}")
    assert (item.rule, item.source, list(item.inputs)) == ("7 Alerts", rules.ALERT_TEXTS[alert].source, BUDGET)
    assert "T6" in item.text


@pytest.mark.parametrize(
    ("entries", "status", "says"),
    [
        ((), "unknown", ["cumulative cord dose is unknown", "not a zero dose"]),
        (
            (entry(30, 10, datetime.date(2026, 3, 2)),),
            "limits_apply",
            [
                "T6: reirradiation_status limits_apply; cumulative BED 75.0 Gy2, EQD2 37.5 Gy (assumed cord dose)",
                "12 months since the last course",
                "ref_8Gy_1fx reaches 115.0 Gy2, nieder_band le_120, within_limit",
                "ref_20Gy_5fx reaches 135.0 Gy2, nieder_band le_135_5, within_limit",
                "(25.0 Gy EQD2 left): 9.0 Gy in 1, 12.2 Gy in 2, 14.5 Gy in 3, 17.9 Gy in 5",
            ],
        ),
        (
            (entry(24, 2, datetime.date(2026, 1, 20), "sbrt"),),
            "no_validated_limit",
            ["no_validated_limit_reason prior_sbrt_course", "cumulative BED and EQD2 unknown", "13 months since"],
        ),
    ],
)
def test_budget_reason_states_status_figures_interval_limits_and_not_a_prescription(
    entries: tuple[rules.PriorCourse, ...], status: str, says: list[str]
) -> None:
    item = only(courses(*entries), "reirradiation")
    assert (item.rule, item.source, list(item.inputs)) == (
        "4.1 Re-irradiation budget",
        T.SRC_REIRRADIATION_BUDGET,
        BUDGET,
    )
    assert f"reirradiation_status {status}" in item.text
    assert "not a prescription" in item.text
    for phrase in says:
        assert phrase in item.text, (phrase, item.text)


def test_a_level_without_prior_radiation_has_no_budget_reason() -> None:
    assert [item for item in run().rationale if item.topic == "reirradiation"] == []


def test_rationale_items_are_frozen() -> None:
    item = run().rationale[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.text = "changed"  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# The words of a reason as data: what a saved case stores beside the case-format text
# --------------------------------------------------------------------------------------------


def _every_form() -> rules.Result:
    """A case whose reasons use every form of fact: SINS points and location, flags, codes, levels, scores."""
    return multi(
        lesion(SpinalLevel.T6, index=True, sins_pain=SinsPain.MECHANICAL),
        lesion(SpinalLevel.L3, escc_grade=EsccGrade.GRADE_2),
        histology=Histology.RENAL_CELL,
        **{**FULL_PROGNOSIS, "vertebral_metastases": 2},
    )


def test_snapshot_is_the_case_format_object_with_each_reasons_words() -> None:
    result = _every_form()
    plain, stored = result.to_dict(), result.to_snapshot()
    assert [{k: v for k, v in entry.items() if k != "words"} for entry in stored["rationale"]] == plain["rationale"]
    assert {k: v for k, v in stored.items() if k != "rationale"} == {k: v for k, v in plain.items() if k != "rationale"}
    assert all("words" not in entry for entry in plain["rationale"])


@pytest.mark.parametrize("result", [_every_form(), run()], ids=["scored", "not-scored"])
def test_stored_words_read_back_to_the_same_facts_and_text(result: rules.Result) -> None:
    stored = json.loads(json.dumps(result.to_snapshot()))
    for item, entry in zip(result.rationale, stored["rationale"], strict=True):
        words = rules.words_from_json(entry["words"])
        assert words == item.words
        assert rules.text_of(words) == entry["text"] == item.text


def test_the_two_results_use_every_form_of_fact() -> None:
    forms = set()
    for result in (_every_form(), run()):
        for item in result.rationale:
            for part in item.words:
                if isinstance(part, rules.Listing):
                    forms |= {fact.form for fact in part.facts}
                elif isinstance(part, rules.Fact):
                    forms.add(part.form)
    assert forms == set(Form)


def test_a_reason_names_its_facts_not_only_words() -> None:
    sins = only(run(sins_pain=SinsPain.MECHANICAL), "sins")
    (components,) = [part for part in sins.words if isinstance(part, rules.Listing)]
    assert components.facts[0] == rules.Fact("spinal_level", "semi_rigid", 1, SpinalLevel.T6, Form.LOCATION)
    assert components.facts[1] == rules.Fact("sins_pain", SinsPain.MECHANICAL, 3, form=Form.POINTS)


def test_surgical_consultation_words_name_the_total_the_stability_and_the_level() -> None:
    result = run(
        sins_pain=SinsPain.MECHANICAL,
        sins_bone_lesion=SinsBoneLesion.LYTIC,
        sins_collapse=SinsCollapse.GT_50,
        stability_assessment=StabilityAssessment.UNSTABLE,
    )
    item = only(result, "alert:surgical_consultation")
    assert item.text == "Raised because SINS 9 is 7 or more at T6 and stability unstable at T6."
    level = {"field": "spinal_level", "code": "T6", "form": "code"}
    assert rules.words_to_json(item.words) == [
        "Raised because ",
        "SINS ",
        {"field": "sins_total", "code": "9", "form": "code"},
        " is 7 or more at ",
        level,
        " and ",
        {"field": "stability", "code": "unstable", "form": "pair"},
        " at ",
        level,
        ".",
    ]


def test_movement_pain_words_name_the_pain_the_assessment_and_the_levels() -> None:
    item = only(run(sins_pain=SinsPain.MECHANICAL), "alert:movement_pain_instability")
    assert item.text == "Raised because sins_pain is mechanical and stability_assessment is not_assessed at T6."
    assert rules.words_to_json(item.words) == [
        "Raised because ",
        {"field": "sins_pain", "code": "mechanical", "form": "is"},
        " and ",
        {"field": "stability_assessment", "code": "not_assessed", "form": "is"},
        " at ",
        {"list": [{"field": "spinal_level", "code": "T6", "form": "code"}], "separator": ", "},
        ".",
    ]


def test_time_critical_words_when_the_hours_are_not_known() -> None:
    item = only(run(neurologic_deficit=True, motor_status=MotorStatus.NONAMBULATORY), "alert:time_critical")
    assert item.text == "Raised because motor_status is nonambulatory and hours_nonambulatory is not known."


def test_consider_surgery_words_name_the_histology_the_deficit_and_the_candidate() -> None:
    result = run(
        histology=Histology.BREAST, escc_grade=EsccGrade.GRADE_3, neurologic_deficit=True, deficit_progressing=True
    )
    item = only(result, "alert:consider_surgery_radiosensitive")
    assert rules.words_to_json(item.words) == [
        "Raised because P6 chose cEBRT for a solid radiosensitive tumor (",
        {"field": "histology", "code": "breast", "form": "pair"},
        ") with high-grade ESCC at the index level, ",
        {"field": "neurologic_deficit", "code": "yes", "form": "pair"},
        " and ",
        {"field": "surgical_candidate", "code": "yes", "form": "pair"},
        ".",
    ]


def test_a_list_of_levels_names_each_as_a_spinal_level() -> None:
    listed = rules.facts.levels(("T7", "L2"))
    assert listed.facts == (
        rules.Fact("spinal_level", "T7", form=Form.CODE),
        rules.Fact("spinal_level", "L2", form=Form.CODE),
    )
    assert rules.words_to_json((listed,)) == [
        {
            "list": [
                {"field": "spinal_level", "code": "T7", "form": "code"},
                {"field": "spinal_level", "code": "L2", "form": "code"},
            ],
            "separator": ", ",
        }
    ]


def test_stored_points_or_level_of_the_wrong_type_are_read_as_absent() -> None:
    stored = [{"field": "sins_pain", "code": "mechanical", "form": "points", "points": "3", "level": 7}]
    assert rules.words_from_json(stored) == (rules.Fact("sins_pain", "mechanical", None, None, Form.POINTS),)


def test_words_that_are_not_parts_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^not a part of a reason: 7$"):
        rules.words_from_json(["Raised because ", 7])


def test_budget_words_name_each_figure_reference_calculation_and_pmax_constraint() -> None:
    item = only(courses(entry(30, 10, datetime.date(2026, 3, 2))), "reirradiation")

    def code(field: str, value: str) -> dict[str, str]:
        return {"field": field, "code": value, "form": "code"}

    def pair(field: str, value: str) -> dict[str, str]:
        return {"field": field, "code": value, "form": "pair"}

    assert rules.words_to_json(item.words) == [
        code("spinal_level", "T6"),
        ": ",
        pair("reirradiation_status", "limits_apply"),
        "; ",
        "cumulative BED ",
        code("cumulative_bed", "75.0"),
        " Gy2, EQD2 ",
        code("cumulative_eqd2", "37.5"),
        " Gy",
        " (assumed cord dose)",
        "; ",
        code("months_since_last", "12"),
        " months since the last course.",
        " Nieder 2006 reference calculations for a further cEBRT course: ",
        code("reference_calculation", "ref_8Gy_1fx"),
        " reaches ",
        code("cumulative_bed", "115.0"),
        " Gy2, ",
        pair("nieder_band", "le_120"),
        ", ",
        code("limit_status", "within_limit"),
        "; ",
        code("reference_calculation", "ref_20Gy_5fx"),
        " reaches ",
        code("cumulative_bed", "135.0"),
        " Gy2, ",
        pair("nieder_band", "le_135_5"),
        ", ",
        code("limit_status", "within_limit"),
        ". Sahgal 2012 thecal-sac Pmax constraint for a further SBRT course (",
        code("remaining_eqd2", "25.0"),
        " Gy EQD2 left): ",
        code("pmax_gy", "9.0"),
        " Gy in 1",
        ", ",
        code("pmax_gy", "12.2"),
        " Gy in 2",
        ", ",
        code("pmax_gy", "14.5"),
        " Gy in 3",
        ", ",
        code("pmax_gy", "17.9"),
        " Gy in 5",
        ".",
        " These figures rest on an assumed cord dose.",
        " Reference figures for radiation oncology, not a prescription; radiation oncology sets the dose.",
    ]


def test_budget_words_without_a_limit_name_each_reason_and_the_unknown_figures() -> None:
    sbrt_then_cebrt = (entry(24, 2, datetime.date(2026, 1, 20), "sbrt"), entry(20, 5, datetime.date(2026, 2, 1)))
    item = only(courses(*sbrt_then_cebrt), "reirradiation")
    assert rules.words_to_json(item.words) == [
        {"field": "spinal_level", "code": "T6", "form": "code"},
        ": ",
        {"field": "reirradiation_status", "code": "no_validated_limit", "form": "pair"},
        " (",
        {"field": "no_validated_limit_reason", "code": "prior_sbrt_course", "form": "pair"},
        ", ",
        {"field": "no_validated_limit_reason", "code": "two_or_more_courses", "form": "pair"},
        ")",
        "; ",
        "cumulative BED and EQD2 unknown (an SBRT entry has no recorded cord maximum)",
        "; ",
        {"field": "months_since_last", "code": "13", "form": "code"},
        " months since the last course.",
        " Reference figures for radiation oncology, not a prescription; radiation oncology sets the dose.",
    ]
