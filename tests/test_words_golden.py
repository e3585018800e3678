"""Golden test of the words: every rationale item and alert of the golden cases, with its source, as a snapshot.

``tests/test_golden.py`` compares every output except the wording; this pins the wording. For each
golden case (the spec's 2027.1 examples, the project's vignettes and a seeded sample of random cases) the
snapshot holds the engine's rationale items (topic, rule, text, inputs, source) and alert details (code,
text, source) exactly as ``Result.to_dict()`` gives them, then the same reasons and alerts as the page
shows them (``presenters.present_result`` of the ``Result.to_snapshot()`` a saved case stores). A test checks that every kind of sentence the engine can
write appears somewhere in the snapshot set, so a reworded or misquoted reason of any kind shows up as a
snapshot difference. Update on purpose with ``pytest tests/test_words_golden.py --snapshot-update``.
No database.
"""

from __future__ import annotations

import json
import random
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from assessments import presenters, rules
from assessments.cases.case_format import validate_case
from assessments.labels import FIELD_ENUMS
from assessments.rules.facts import Form
from tests.test_rules import case_from_dict

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_DIR = ROOT.parent / "shared" / "spec" / "examples-2027.1"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))
VIGNETTES = sorted((ROOT / "tests" / "vignettes-2027.1").glob("*.json"))
VIGNETTES += sorted((ROOT / "tests" / "vignettes").glob("*.json"))
# The 15 re-irradiation and bony-compression examples of 2027.2 (their courses and evaluation date).
EXAMPLES_2027_2 = sorted((ROOT.parent / "shared" / "spec" / "examples-2027.2").glob("ex*-*.json"))
EXAMPLES_2027_2 = [path for path in EXAMPLES_2027_2 if "title" in json.loads(path.read_text(encoding="utf-8"))]
SEED = 20271
RANDOM_CASES = 50


# --------------------------------------------------------------------------------------------
# The golden cases
# --------------------------------------------------------------------------------------------


def _document_cases() -> dict[str, rules.CaseInput]:
    assert len(EXAMPLES) == 10, f"the spec's examples are not at {EXAMPLES_DIR}"
    cases = {}
    for path in [*EXAMPLES, *VIGNETTES]:
        document = json.loads(path.read_text(encoding="utf-8"))
        if "errors" in document["expected"]:
            continue  # an invalid case has no words to pin
        cases[path.stem] = case_from_dict(document["case"])
    assert len(EXAMPLES_2027_2) == 15
    for path in EXAMPLES_2027_2:
        case, errors = validate_case(json.loads(path.read_text(encoding="utf-8"))["case"])
        assert case is not None, errors
        cases[f"2027.2-{path.stem}"] = case
    return cases


def _random_case(rng: random.Random) -> rules.CaseInput:
    """One random case: 1 to 8 lesions, every enum drawn uniformly, prognosis inputs each present or not.

    Drawn loosely; the caller keeps only what ``CaseInput`` accepts (the contradictions of spec 1 raise).
    """
    motor = rng.choice(list(rules.MotorStatus))
    deficit = motor == rules.MotorStatus.PARAPLEGIC or rng.random() < 0.5
    histology = rng.choice(list(rules.Histology))
    levels = rng.sample(list(rules.SpinalLevel), rng.choice([1, 1, 1, 2, 2, 3, 4, 8]))
    if rng.random() < 0.5:  # contiguous blocks are what the index-block sentences are about
        start = rng.randrange(len(rules.LEVEL_ORDER) - len(levels) + 1)
        levels = list(rules.LEVEL_ORDER[start : start + len(levels)])
    index = rng.randrange(len(levels))
    lesions = tuple(
        rules.LesionInput(
            spinal_level=level,
            escc_grade=rng.choice(list(rules.EsccGrade)),
            sins_pain=rng.choice(list(rules.SinsPain)),
            sins_bone_lesion=rng.choice(list(rules.SinsBoneLesion)),
            sins_alignment=rng.choice(list(rules.SinsAlignment)),
            sins_collapse=rng.choice(list(rules.SinsCollapse)),
            sins_posterolateral=rng.choice(list(rules.SinsPosterolateral)),
            stability_assessment=rng.choice([*rules.StabilityAssessment, rules.StabilityAssessment.NOT_ASSESSED]),
            retropulsion=rng.random() < 0.3,
            prior_radiation_in_field=rng.random() < 0.3,
            index=position == index,
        )
        for position, level in enumerate(levels)
    )
    site = rules.SITE_BY_HISTOLOGY.get(histology)
    prognosis: dict[str, Any] = {
        "karnofsky": rng.choice([None, *range(10, 101, 10)]),
        "extraspinal_bone_metastases": rng.choice([None, 0, 0, 1, 2, 3, 7]),
        "vertebral_metastases": rng.choice([None, len(levels), len(levels), len(levels) + 1, len(levels) + 5]),
        "visceral_metastases": rng.choice([None, *rules.VisceralMetastases]),
        "frankel_grade": rng.choice([None, *rules.FrankelGrade]),
    }
    if site is None and histology in rules.SITES_ALLOWED and rng.random() < 0.7:
        site = rng.choice(sorted(rules.SITES_ALLOWED[histology]))
        prognosis["primary_site"] = site
    if (site is None or site not in rules.GROWTH_BY_SITE) and histology != rules.Histology.UNKNOWN_PRIMARY:
        prognosis["primary_growth"] = rng.choice([None, *rules.PrimaryGrowth])
    return rules.CaseInput(
        neurologic_deficit=deficit,
        deficit_progressing=deficit and rng.random() < 0.4,
        motor_status=motor,
        hours_nonambulatory=rng.choice([None, 0, 12, 47, 48, 49, 96]),
        urinary_symptoms=rng.random() < 0.3,
        urinary_retention=rng.random() < 0.2,
        histology=histology,
        other_radiosensitivity=(
            rng.choice(list(rules.OtherRadiosensitivity)) if histology == rules.Histology.OTHER else None
        ),
        expected_survival=rng.choice(list(rules.ExpectedSurvival)),
        surgical_candidate=rng.choice(list(rules.SurgicalCandidate)),
        sbrt_available=rng.random() < 0.6,
        oligometastatic=rng.random() < 0.3,
        vte_contraindication=rng.random() < 0.2,
        lesions=lesions,
        **prognosis,
    )


def _random_cases() -> dict[str, rules.CaseInput]:
    rng = random.Random(SEED)
    cases: dict[str, rules.CaseInput] = {}
    while len(cases) < RANDOM_CASES:
        try:
            case = _random_case(rng)
        except rules.InputError:
            continue
        cases[f"random-{len(cases):03d}"] = case
    return cases


@cache
def golden_cases() -> dict[str, rules.CaseInput]:
    return {**_document_cases(), **_random_cases()}


@cache
def golden_results() -> dict[str, rules.Result]:
    return {name: rules.evaluate(case) for name, case in golden_cases().items()}


# --------------------------------------------------------------------------------------------
# The words, as the engine writes them and as the page shows them
# --------------------------------------------------------------------------------------------


def _constants() -> dict[str, str]:
    """The sources and alert texts of ``rules.texts`` by name, each pinned once by its own snapshot."""
    named = {name: value for name, value in vars(rules.texts).items() if name.startswith("SRC_")}
    for code, note in rules.ALERT_TEXTS.items():
        named[f"ALERT_TEXTS[{code}].text"] = note.text
        named[f"ALERT_TEXTS[{code}].source"] = note.source
    return named


CONSTANTS = _constants()
NAME_OF = {value: name for name, value in reversed(CONSTANTS.items())}  # SRC_P2 is SRC_P1: the first name


def _named(text: str) -> str:
    """A source or alert text as the name of the constant it is, so the snapshot spells each out once."""
    return f"<{NAME_OF[text]}>" if text in NAME_OF else text


def engine_words(result: dict[str, Any]) -> str:
    lines = ["== rationale"]
    for item in result["rationale"]:
        lines += [
            f"- {item['topic']} | {item['rule']} | {', '.join(item['inputs'])}",
            f"  text: {item['text']}",
            f"  source: {_named(item['source'])}",
        ]
    lines.append("== alerts")
    for alert in result["alert_details"]:
        lines += [f"- {alert['code']}", f"  text: {_named(alert['text'])}", f"  source: {_named(alert['source'])}"]
    return "\n".join(lines)


def page_words(panel: dict[str, Any]) -> str:
    lines = ["== reasons shown"]
    for item in panel["rationale"]:
        lines += [
            f"- {item['element_id']} | {item['rule']}",
            f"  text: {item['text']}",
            f"  findings used: {', '.join(item['inputs'])}",
            f"  source: {_named(item['source'])}",
        ]
    lines.append("== alerts shown")
    for alert in panel["alerts"]:
        lines += [f"- {alert['title']}", f"  text: {_named(alert['text'])}", f"  source: {_named(alert['source'])}"]
    return "\n".join(lines)


def words(result: rules.Result) -> str:
    """The engine's words (``to_dict()``, what ``evaluate_case`` prints) and the page's (from what a case stores)."""
    return f"{engine_words(result.to_dict())}\n{page_words(presenters.present_result(result.to_snapshot()))}\n"


def test_sources_and_alert_texts(snapshot: Any) -> None:
    assert "\n".join(f"{name}: {value}" for name, value in CONSTANTS.items()) == snapshot


@pytest.mark.parametrize("name", list(golden_cases()))
def test_words_of_golden_case(name: str, snapshot: Any) -> None:
    assert words(golden_results()[name]) == snapshot


# --------------------------------------------------------------------------------------------
# Every kind of sentence the engine can write appears in the snapshot set
# --------------------------------------------------------------------------------------------

# (topic, pattern) for each branch of each rule's sentence and each optional part of it. A branch the
# golden cases never reach would be a sentence no snapshot pins.
_L = rules.LOCATION_POINTS
SENTENCE_KINDS: tuple[tuple[str, str], ...] = (
    # 2.1 SINS: each band, and every point of every component table
    ("sins", r"\(0-6, stable\)"),
    ("sins", r"\(7-12, possible impending instability\)"),
    ("sins", r"\(13-18, unstable\)"),
    *(
        ("sins", rf"spinal_level {level} is {location} \({_L[location]}\)")
        for level, location in rules.LOCATION_BY_LEVEL.items()
    ),
    *(("sins", rf"sins_pain {key} \({points}\)") for key, points in rules.PAIN_POINTS.items()),
    *(("sins", rf"sins_bone_lesion {key} \({points}\)") for key, points in rules.BONE_LESION_POINTS.items()),
    *(("sins", rf"sins_alignment {key} \({points}\)") for key, points in rules.ALIGNMENT_POINTS.items()),
    *(("sins", rf"sins_collapse {key} \({points}\)") for key, points in rules.COLLAPSE_POINTS.items()),
    *(("sins", rf"sins_posterolateral {key} \({points}\)") for key, points in rules.POSTEROLATERAL_POINTS.items()),
    # 2.4 stability
    ("stability", r"^stability_assessment stable: "),
    ("stability", r"^stability_assessment unstable: "),
    ("stability", r"unstable because SINS \d+ is 13 or more\.$"),
    ("stability", r"unstable because sins_pain mechanical"),
    ("stability", r"is 13 or more and sins_pain mechanical"),
    ("stability", r"\(7-12\) without mechanical pain"),
    ("stability", r"\(0-6\) and pain not mechanical"),
    # 2.2, 2.3, 2.5
    *(("escc", rf"^escc_grade {grade}: ") for grade in rules.EsccGrade),
    ("escc", r"so this is high-grade ESCC"),
    ("escc", r"tumor confined to bone; not ESCC"),
    ("escc", r"without cord displacement, so low-grade ESCC"),
    *(("radiosensitivity", rf"^histology {histology}[ :,]") for histology in rules.Histology),
    ("radiosensitivity", r"classified by the clinician as sensitive"),
    ("radiosensitivity", r"classified by the clinician as resistant"),
    ("significant_deficit", r"^neurologic_deficit yes, deficit_progressing yes, .*: significant deficit yes"),
    ("significant_deficit", r"^neurologic_deficit yes, deficit_progressing no, .*: significant deficit yes"),
    ("significant_deficit", r"^neurologic_deficit yes, deficit_progressing no, .*: significant deficit no"),
    ("significant_deficit", r"^neurologic_deficit no, deficit_progressing no, .*: significant deficit no"),
    *(("significant_deficit", rf"motor_status {motor}:") for motor in rules.MotorStatus),
    # 3 pathway, every branch and every optional part
    ("pathway", r"^P1: "),
    ("pathway", r"^P2: .*urgent core biopsy"),
    ("pathway", r"^P2: .*without a significant neurologic deficit\."),
    ("pathway", r"^P2: .*with a significant deficit but escc_grade \w+ \(no compression"),
    ("pathway", r"^P2: .*see the surgical consultation alert\.$"),
    ("pathway", r"^P3: .*Technique: open decompression with instrumentation, because"),
    ("pathway", r"^P3: .*Technique: percutaneous instrumentation \(high-grade ESCC\)"),
    ("pathway", r"^P3: .*Technique: percutaneous instrumentation \(retropulsion yes\)"),
    ("pathway", r"^P3: .*Technique: percutaneous instrumentation \(sins_posterolateral unilateral\)"),
    ("pathway", r"^P3: .*Technique: percutaneous instrumentation \(sins_posterolateral bilateral\)"),
    ("pathway", r"^P3: .*Technique: percutaneous instrumentation \([^)]*, [^)]*\)"),
    ("pathway", r"^P3: .*Technique: cement augmentation"),
    ("pathway", r"^P3: .*Radiation afterwards: SBRT \(radiosensitivity \w+, prior_radiation_in_field yes"),
    ("pathway", r"^P3: .*Radiation afterwards: SBRT \(radiosensitivity resistant, prior_radiation_in_field no"),
    ("pathway", r"^P3: .*Radiation afterwards: cEBRT, although SBRT would be preferred"),
    ("pathway", r"^P3: .*Radiation afterwards: cEBRT \(radiosensitivity \w+, prior_radiation_in_field no\)"),
    ("pathway", r"^P4: .*surgical_candidate is no:"),
    ("pathway", r"^P4: .*surgical_candidate is declines:"),
    ("pathway", r"^P5: .*separation surgery .*whole tumor without overdosing the cord\.$"),
    ("pathway", r"^P5: .*SBRT is not available here \(sbrt_available no\): see alert\.$"),
    ("pathway", r"^P5: .*palliative radiation"),
    ("pathway", r"^P5: .*re-irradiation with SBRT"),
    ("pathway", r"^P5: .*so a second course of cEBRT"),
    *(("pathway", rf"^P6: .*\(stability {value}\)") for value in ("stable", "potentially_unstable")),
    ("pathway", r"^P7: .*: SBRT \(sbrt_available yes\)"),
    ("pathway", r"^P7: .*so cEBRT; surgical excision"),
    ("pathway", r"^P8: .*then SBRT \(sbrt_available yes\)"),
    ("pathway", r"^P8: .*so maximal surgical excision"),
    ("pathway", r"^P9: .*surgical_candidate no:"),
    ("pathway", r"^P9: .*surgical_candidate declines:"),
    # 4 regimen and field
    ("cebrt_regimen", r"^prior_radiation_in_field yes: a second course"),
    ("cebrt_regimen", r"^After open surgery \(stabilization_then_radiation,"),
    ("cebrt_regimen", r"^After open surgery \(maximal_excision_cebrt,"),
    ("cebrt_regimen", r"^Palliative radiation with expected_survival lt_3_months: a single 8 Gy"),
    ("cebrt_regimen", r"^Palliative radiation with expected_survival \w+: a short course of 20 Gy"),
    ("cebrt_regimen", r"^expected_survival lt_3_months: 8 Gy"),
    ("cebrt_regimen", r"favourable prognosis \(oligometastatic yes\)"),
    ("cebrt_regimen", r"favourable prognosis \(histology lymphoma or myeloma\)"),
    ("cebrt_regimen", r"favourable prognosis \(oligometastatic yes, histology lymphoma or myeloma\)"),
    ("cebrt_regimen", r"without a favourable factor"),
    ("cebrt_regimen", r"^expected_survival gt_6_months: a protracted course"),
    ("cebrt_field", r"the index block \(\w+\) and one level"),
    ("cebrt_field", r"the index block \(\w+-\w+\) and one level"),
    ("cebrt_field", r"^cEBRT field occiput to"),
    ("cebrt_field", r"to S5: the index block"),
    # 5 supportive care, 6 urgency
    ("steroids", r"because of neurologic_deficit yes:"),
    ("steroids", r"because of palliative radiation \(glucocorticoids with short-course cEBRT\):"),
    ("steroids", r"because of high-grade ESCC at [\w, ]+ with pain at [\w, ]+:"),
    ("steroids", r"because of neurologic_deficit yes and palliative radiation"),
    ("steroids", r"because of neurologic_deficit yes and high-grade ESCC"),
    ("steroids", r"because of palliative radiation \(glucocorticoids with short-course cEBRT\) and high-grade"),
    ("steroids", r"glucocorticoids are not started routinely"),
    ("steroids", r"consider glucocorticoids as a bridge"),
    ("vte_prophylaxis", r"^Not immobilized"),
    ("vte_prophylaxis", r"^Immobilized \(motor_status \w+\) with vte_contraindication yes"),
    ("vte_prophylaxis", r"^Immobilized \(unstable spine at [\w, ]+\) and the pathway \(\w+\) includes surgery"),
    ("vte_prophylaxis", r"^Immobilized \(motor_status \w+ and unstable spine at [\w, ]+\), no contraindication"),
    ("bladder", r"^urinary_retention yes: insert a urinary"),
    ("bladder", r"^urinary_symptoms yes without confirmed retention"),
    ("bladder", r"^No urinary symptoms or retention"),
    ("mobility", r"^The spine is unstable at"),
    ("mobility", r"^No level is unstable"),
    ("urgency", r"^neurologic_deficit yes with high-grade ESCC at [\w, ]+, deficit_progressing yes, motor_status"),
    ("urgency", r"^neurologic_deficit yes with deficit_progressing yes: an emergency"),
    ("urgency", r"^neurologic_deficit yes with motor_status \w+: an emergency"),
    ("urgency", r"^Urgent because of neurologic_deficit yes, without"),
    ("urgency", r"^Urgent because of high-grade ESCC at [\w, ]+, stability unstable at"),
    ("urgency", r"stability potentially_unstable at \w+"),
    ("urgency", r"^Routine: "),
    # 7 alerts: every alert, and each optional part of the alerts that have one
    *((f"alert:{alert}", r"^Raised because") for alert in rules.Alert),
    ("alert:surgical_consultation", r"^Raised because SINS \d+ is 7 or more at \w+\.$"),
    # 4.1 the budget: each status, and each optional part of its reason and alerts
    *(("reirradiation", rf"reirradiation_status {status}") for status in rules.BudgetStatus),
    *(("reirradiation", rf"nieder_band {band}") for band in rules.NiederBand),
    ("reirradiation", r"not_within_limit"),
    ("reirradiation", r"These figures rest on an assumed cord dose\."),
    ("reirradiation", r"cumulative BED and EQD2 unknown"),
    ("reirradiation", r"prior_sbrt_course, no_validated_limit_reason two_or_more_courses|two_or_more_courses"),
    ("alert:cord_budget_insufficient", r"a course above 98 Gy2"),
    ("alert:reirradiation_no_validated_limit", r"record the SBRT plan's cord maximum"),
    ("alert:bony_compression", r"has no open decompression\.$"),
    ("pathway", r"P3: .*with retropulsed bone"),
    ("alert:surgical_consultation", r"^Raised because stability unstable at \w+\.$"),
    ("alert:surgical_consultation", r"is 7 or more at \w+ and stability unstable at"),
    ("alert:movement_pain_instability", r"not_assessed at \w+, \w+"),
    ("alert:nonambulatory_over_48h", r"is \d+ \(over 48\)"),
    ("alert:time_critical", r"is not known\.$"),
    ("alert:time_critical", r"is \d+ \(48 or less\)"),
    ("alert:vcf_risk_after_sbrt", r"SBRT and sins_bone_lesion lytic\.$"),
    *(("alert:vcf_risk_after_sbrt", rf"sins_collapse {collapse}") for collapse in ("gt_50", "lt_50")),
    *(("alert:vcf_risk_after_sbrt", rf"sins_alignment {value}") for value in ("subluxation", "de_novo_deformity")),
    ("alert:reirradiation_cord_tolerance", r"is yes at \w+, \w+"),
    ("alert:additional_unstable_lesion", r"unstable: \w+, \w+"),
    ("alert:additional_high_grade_lesion", r"high-grade ESCC: \w+, \w+"),
    ("alert:escc_outside_index_block", r"index block \((\w+)-\1\)"),
    ("alert:escc_outside_index_block", r"index block \((\w+)-(?!\1\))\w+\)"),
    ("alert:survival_estimate_discordant", r"\(band lt_6_months\)"),
    ("alert:survival_estimate_discordant", r"\(band gte_12_months\)"),
    # 8.2 prognosis scores, computed in every band and not computed
    *(
        (f"prognosis:{name}", pattern)
        for name in rules.ScoreName
        for pattern in (rf"^{name} \d+ of \d+", rf"^{name} not computed")
    ),
    *(
        ("prognosis:tokuhashi_revised", rf"\(band {band}\)")
        for band in ("lt_6_months", "gte_6_months", "gte_12_months")
    ),
    *(("prognosis:tomita", rf"\(band tomita_{band}\)") for band in ("2_3", "4_5", "6_7", "8_10")),
    *(("prognosis:modified_bauer", rf"\(band bauer_{band}\)") for band in ("0_1", "2", "3_4")),
    ("prognosis:modified_bauer", r"not recorded: histology\."),
)


def test_every_kind_of_sentence_appears_in_the_snapshot_set() -> None:
    texts: dict[str, list[str]] = {}
    for result in golden_results().values():
        for item in result.rationale:
            texts.setdefault(item.topic, []).append(item.text)
    never = [
        (topic, pattern)
        for topic, pattern in SENTENCE_KINDS
        if not any(re.search(pattern, text) for text in texts.get(topic, []))
    ]
    assert never == []


def test_every_alert_detail_and_source_appears_in_the_snapshot_set() -> None:
    results = golden_results().values()
    details = {detail.code: detail for result in results for detail in result.alert_details}
    assert set(details) == set(rules.Alert)
    level_prefixed = {
        detail.code for result in results for detail in result.alert_details if detail.text.startswith("Level(s): ")
    }
    assert level_prefixed == {
        rules.Alert.ADDITIONAL_UNSTABLE_LESION,
        rules.Alert.ADDITIONAL_HIGH_GRADE_LESION,
        rules.Alert.ESCC_OUTSIDE_INDEX_BLOCK,
    }
    sources = {item.source for result in results for item in result.rationale}
    cited = {value for name, value in vars(rules.texts).items() if name.startswith("SRC_")}
    assert cited <= sources, cited - sources


def _facts(result: rules.Result) -> list[rules.Fact]:
    facts: list[rules.Fact] = []
    for item in result.rationale:
        for part in item.words:
            if isinstance(part, rules.Listing):
                facts.extend(part.facts)
            elif isinstance(part, rules.Fact):
                facts.append(part)
    return facts


def test_every_form_of_fact_and_every_code_a_reason_names_appears_in_the_snapshot_set() -> None:
    """Each code a reason names by its label ("Motor status: walks with an aid") is spelled in some snapshot."""
    facts = [fact for result in golden_results().values() for fact in _facts(result)]
    assert {fact.form for fact in facts} == set(Form)
    named = {fact.field for fact in facts if fact.form in (Form.PAIR, Form.IS, Form.POINTS)}
    never = {
        field: sorted(
            {code.value for code in FIELD_ENUMS[field]} - {str(fact.code) for fact in facts if fact.field == field}
        )
        for field in named & set(FIELD_ENUMS)
    }
    assert {field: codes for field, codes in never.items() if codes} == {}
    locations = {fact.code for fact in facts if fact.form == Form.LOCATION}
    assert locations == {location.value for location in rules.SpineLocation}


# The field each fact names is stored with the result (``Result.to_snapshot``, ``rationale[].words``) and decides
# how the page spells it, so the vocabulary is pinned whole: by form, every field a reason of the golden cases names.
FACT_FIELDS: dict[Form, set[str]] = {
    Form.BAND: {"band"},
    Form.CODE: {
        *("cumulative_bed", "cumulative_eqd2", "months_since_last", "pmax_gy", "remaining_eqd2"),
        *("limit_status", "reference_calculation"),
        *("expected_survival", "histology", "other_radiosensitivity", "spinal_level"),
        *("pathway", "pathway_rule", "steroids", "significant_deficit", "sins_total"),
        *("score", "score_band", "score_total", "tokuhashi_revised"),
    },
    Form.IS: {
        *("escc_grade", "expected_survival", "histology", "hours_nonambulatory", "motor_status"),
        *("prior_radiation_in_field", "radiosensitivity", "sbrt_available", "sins_pain", "stability_assessment"),
        "surgical_candidate",
    },
    Form.ITEM: {
        *("bone_metastases", "extraspinal_bone_metastases", "frankel_grade", "karnofsky", "no_visceral_metastases"),
        *("primary_breast_kidney_lymphoma_myeloma", "primary_growth", "primary_not_lung", "primary_site"),
        *("solitary_skeletal_metastasis", "vertebral_metastases", "visceral_metastases"),
    },
    Form.LOCATION: {"spinal_level"},
    Form.MISSING: {
        *("extraspinal_bone_metastases", "frankel_grade", "histology", "karnofsky", "primary_growth"),
        *("primary_site", "vertebral_metastases", "visceral_metastases"),
    },
    Form.PAIR: {
        *("deficit_progressing", "escc_grade", "expected_survival", "histology", "motor_status"),
        *("neurologic_deficit", "oligometastatic", "prior_radiation_in_field", "retropulsion", "sbrt_available"),
        *("surgical_candidate", "urinary_retention", "urinary_symptoms", "vte_contraindication"),
        *("sins_alignment", "sins_bone_lesion", "sins_collapse", "sins_pain", "sins_posterolateral"),
        *("radiosensitivity", "stability", "stability_assessment"),
        *("nieder_band", "no_validated_limit_reason", "reirradiation_status"),
    },
    Form.POINTS: {"sins_alignment", "sins_bone_lesion", "sins_collapse", "sins_pain", "sins_posterolateral"},
}


def test_every_fact_names_a_field_of_the_vocabulary_and_the_golden_cases_name_them_all() -> None:
    named: dict[Form, set[str]] = {form: set() for form in Form}
    for result in golden_results().values():
        for fact in _facts(result):
            named[fact.form].add(fact.field)
    assert named == FACT_FIELDS
