"""Golden test: the 2027.2 engine against the outputs frozen from the untouched 2026.1 engine.

``tests/golden/rules-2026.1.json.xz`` holds the full ``to_dict()`` of the 2026.1 engine for the 52
project vignettes and 3,000 seeded random cases (``tests/golden/generate.py``, run once before the
restructure; the golden test passed unchanged after the restructure, commit "Split rules.py ...").

Under 2027.1 every golden case is a one-lesion (flat) case without prognosis inputs. The test maps
each 2026.1 result through :func:`to_2027_1`, an explicit transformation made only of the changes
listed in section 0 of ``clinical-rules.md``, then through ``tests/section_0_2027_2.to_2027_2`` (section 0 of
rule set 2027.2, "Which 2027.1 results change", (a) to (d)), and requires the engine's output to equal
it. Every golden case is evaluated on 2027-03-15. Compared:
every key of the result except ``rationale`` and the wording of ``alert_details`` (the rationale is
pinned by ``tests/test_rationale.py``); ``alert_details`` must still list exactly the raised alerts.
No database.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
import lzma
from pathlib import Path
from typing import Any

import pytest

from assessments import rules
from tests.section_0_2027_2 import to_2027_2

GOLDEN = Path(__file__).parent / "golden" / "rules-2026.1.json.xz"
COMPRESSION = {"1b", "1c", "2", "3"}
OPEN_SURGERY = {"urgent_decompression", "separation_surgery_sbrt", "maximal_excision_cebrt"}
SURGERY = {*OPEN_SURGERY, "stabilization_then_radiation"}
LEVELS = [level.value for level in rules.SpinalLevel]
ALERT_ORDER = [alert.value for alert in rules.Alert]
SITE_NEEDED = {"gastrointestinal", "sarcoma", "other"}
GROWTH_FIXED_BY_HISTOLOGY = {"small_cell_lung", "non_small_cell_lung", "breast", "prostate", "renal_cell"}
GROWTH_FIXED_BY_HISTOLOGY |= {"unknown_primary"}


def evaluate_flat(case: dict[str, Any]) -> dict[str, Any]:
    """Evaluate a flat (2026.1-shaped) case dict and return the engine's ``to_dict()``."""
    values = {name: case[name] for name in rules.FLAT_FIELDS}
    for name, enum in _ENUMS.items():
        if values[name] is not None:
            values[name] = enum(values[name])
    case_input = dataclasses.replace(rules.CaseInput.from_flat(**values), evaluation_date=EVALUATION_DATE)
    return rules.evaluate(case_input).to_dict()


EVALUATION_DATE = datetime.date(2027, 3, 15)


def to_current(case: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """A 2026.1 result through section 0 of 2027.1, then of 2027.2 (with this test's evaluation date)."""
    new = to_2027_2(case, to_2027_1(case, old))
    new["alerts"] = sorted(new["alerts"], key=ALERT_ORDER.index)
    new["evaluation_date"] = EVALUATION_DATE.isoformat()
    return new


_ENUMS: dict[str, Any] = {
    "escc_grade": rules.EsccGrade,
    "motor_status": rules.MotorStatus,
    "histology": rules.Histology,
    "other_radiosensitivity": rules.OtherRadiosensitivity,
    "spinal_level": rules.SpinalLevel,
    "sins_pain": rules.SinsPain,
    "sins_bone_lesion": rules.SinsBoneLesion,
    "sins_alignment": rules.SinsAlignment,
    "sins_collapse": rules.SinsCollapse,
    "sins_posterolateral": rules.SinsPosterolateral,
    "stability_assessment": rules.StabilityAssessment,
    "expected_survival": rules.ExpectedSurvival,
    "surgical_candidate": rules.SurgicalCandidate,
}


def _general_regimen(case: dict[str, Any]) -> str:
    """Spec 4, 'any other pathway with radiation cebrt' (unchanged from 2026.1)."""
    survival = case["expected_survival"]
    if survival == "lt_3_months":
        return "8Gy_1fx"
    if survival == "3_to_6_months":
        favourable = case["oligometastatic"] or case["histology"] in ("lymphoma", "myeloma")
        return "30Gy_10fx" if favourable else "20Gy_5fx"
    return "30Gy_10fx"


def to_2027_1(case: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """A 2026.1 result of a one-lesion case, changed exactly as section 0 of the spec says.

    Each numbered step is one bullet of section 0; nothing else changes.
    """
    new = copy.deepcopy(old)
    del new["rationale"], new["alert_details"]
    new["rule_set"] = "2027.1"
    pathway = new["pathway"]
    compression = case["escc_grade"] in COMPRESSION
    # (1) Safety review: P1 needs compression at the index level (grade 1b or higher) ...
    if pathway["rule"] == "P1" and not compression:
        pathway.update(code="biopsy_and_staging", rule="P2", stabilization=None, radiation=None, cebrt_regimen=None)
    # ... and an unknown primary with a significant deficit and no surgery gets biopsy then cEBRT.
    if pathway["rule"] == "P2" and old["significant_deficit"] and compression:
        pathway.update(code="biopsy_then_cebrt", radiation="cebrt", cebrt_regimen=_general_regimen(case))
    # (2) cEBRT to a level irradiated before is never a first-course regimen; cEBRT after open
    # decompression is 30 Gy in 10.
    if pathway["radiation"] == "cebrt":
        if case["prior_radiation_in_field"]:
            pathway["cebrt_regimen"] = "reirradiation_individualized"
        elif pathway["stabilization"] == "open_decompression_instrumentation":
            pathway["cebrt_regimen"] = "30Gy_10fx"
    # (3) New output cebrt_field: one lesion is its own index block, widened by one level each way.
    if pathway["cebrt_regimen"] is None:
        pathway["cebrt_field"] = None
    else:
        at = LEVELS.index(case["spinal_level"])
        pathway["cebrt_field"] = {"from": LEVELS[max(at - 1, 0)], "to": LEVELS[min(at + 1, len(LEVELS) - 1)]}
    # (4) New output lesions: the one lesion is the index lesion.
    sins = {key: old["sins"][key] for key in ("total", "category", "components")}
    new["lesions"] = [
        {
            "spinal_level": case["spinal_level"],
            "index": True,
            "sins": sins,
            "escc": old["escc"],
            "stability": old["stability"],
        }
    ]
    # (5) Steroids: palliative radiation always high dose; no routine steroids without a high-grade
    # lesion and a deficit; the 2026.1 "pain alone" trigger now needs a high-grade lesion.
    high = old["escc"]["high_grade"]
    painful = case["sins_pain"] != "pain_free"
    if case["neurologic_deficit"] or pathway["code"] == "palliative_radiation" or (high and painful):
        new["steroids"] = "high_dose"
    else:
        new["steroids"] = "consider" if high else "not_routine"
    # VTE follows the pathway: step (1) can turn an urgent decompression into no surgery.
    leaves_surgery = old["pathway"]["code"] in SURGERY and pathway["code"] not in SURGERY
    if leaves_surgery and old["vte_prophylaxis"] == "mechanical_until_surgery":
        new["vte_prophylaxis"] = "pharmacologic"
    # (6) New alerts that a one-lesion case without prognosis inputs can raise.
    alerts = set(old["alerts"])
    if pathway["rule"] == "P4" and not high and not case["retropulsion"] and case["sins_posterolateral"] == "none":
        alerts.add("cement_augmentation_option")
    open_surgery = pathway["code"] in OPEN_SURGERY or (
        pathway["code"] == "stabilization_then_radiation"
        and pathway["stabilization"] == "open_decompression_instrumentation"
    )
    if open_surgery and case["expected_survival"] == "lt_3_months":
        alerts.add("short_survival_surgery")
    if case["histology"] == "unknown_primary" and new["steroids"] != "not_routine":
        alerts.add("biopsy_before_steroids")
    new["alerts"] = sorted(alerts, key=ALERT_ORDER.index)
    # Texts that follow the outputs.
    for key in ("regimen_text", "field_text", "steroid_dosing_text"):
        new.pop(key, None)
    if pathway["cebrt_regimen"] is not None:
        new["regimen_text"] = rules.REGIMEN_TEXTS[rules.CebrtRegimen(pathway["cebrt_regimen"])]
    if pathway["radiation"] == "cebrt":
        new["field_text"] = rules.CEBRT_FIELD_TEXT.text
    if new["steroids"] == "high_dose":
        new["steroid_dosing_text"] = rules.STEROID_DOSING_TEXT.text
    # (7) New output prognosis_scores: no prognosis input is recorded, so each lists what it needs.
    new["prognosis_scores"] = _missing_scores(case["histology"])
    return new


def _missing_scores(histology: str) -> dict[str, Any]:
    counts = ["extraspinal_bone_metastases", "vertebral_metastases", "visceral_metastases"]
    site = ["primary_site"] if histology in SITE_NEEDED else []
    growth = [] if site or histology in GROWTH_FIXED_BY_HISTOLOGY else ["primary_growth"]
    return {
        "tokuhashi_revised": {"missing": sorted([*counts, "karnofsky", "frankel_grade", *site])},
        "tomita": {"missing": sorted([*counts, *site, *growth])},
        "modified_bauer": {"missing": ["histology"] if histology == "unknown_primary" else sorted(counts)},
    }


def compared(result: dict[str, Any]) -> dict[str, Any]:
    """The part of a result the golden test compares (see the module docstring)."""
    out = {key: value for key, value in result.items() if key not in ("rationale", "alert_details")}
    assert [item["code"] for item in result["alert_details"]] == result["alerts"]
    return out


@pytest.fixture(scope="module")
def golden() -> list[dict[str, Any]]:
    return json.loads(lzma.decompress(GOLDEN.read_bytes()))


def test_golden_file_holds_vignettes_and_random_cases(golden: list[dict[str, Any]]) -> None:
    ids = [record["case"]["id"] for record in golden]
    assert len(ids) == len(set(ids)) >= 3052
    assert sum(1 for i in ids if i.startswith("random-")) == 3000
    assert {record["result"]["rule_set"] for record in golden} == {"2026.1"}


def test_engine_matches_golden_outputs_changed_only_as_section_0_says(golden: list[dict[str, Any]]) -> None:
    differences = []
    for record in golden:
        actual = compared(evaluate_flat(record["case"]))
        expected = to_current(record["case"], record["result"])
        if actual != expected:
            keys = sorted(k for k in set(actual) | set(expected) if actual.get(k) != expected.get(k))
            differences.append((record["case"]["id"], keys))
    assert differences == [], f"{len(differences)} cases differ, first: {differences[:5]}"


def test_the_transformation_is_not_the_identity(golden: list[dict[str, Any]]) -> None:
    """Every change of section 0 that a flat case can show is exercised by the golden cases."""
    changed = {"steroids": 0, "P1_to_P2": 0, "biopsy_then_cebrt": 0, "reirradiation": 0, "open_30": 0}
    changed |= {"budget_unknown": 0, "bony_open": 0, "bony_compression": 0}
    for record in golden:
        old, new = record["result"], to_current(record["case"], record["result"])
        changed["budget_unknown"] += "reirradiation_budget_unknown" in new["alerts"]
        changed["bony_compression"] += "bony_compression" in new["alerts"]
        changed["bony_open"] += (
            old["pathway"]["code"] == "stabilization_then_radiation"
            and old["pathway"]["stabilization"] == "percutaneous_instrumentation"
            and new["pathway"]["stabilization"] == "open_decompression_instrumentation"
        )
        changed["steroids"] += old["steroids"] != new["steroids"]
        changed["P1_to_P2"] += old["pathway"]["rule"] == "P1" and new["pathway"]["code"] == "biopsy_and_staging"
        changed["biopsy_then_cebrt"] += new["pathway"]["code"] == "biopsy_then_cebrt"
        changed["reirradiation"] += new["pathway"]["cebrt_regimen"] == "reirradiation_individualized"
        changed["open_30"] += (
            old["pathway"]["code"] == "stabilization_then_radiation"
            and old["pathway"]["cebrt_regimen"] != new["pathway"]["cebrt_regimen"]
        )
    assert all(count > 0 for count in changed.values()), changed
