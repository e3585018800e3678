"""Section 0 of clinical-rules.md, "Which 2027.1 results change", as an explicit transformation of an expected result.

The 2027.1 examples, vignettes and golden results were worked out for rule set 2027.1. Under 2027.2
they change only as section 0 says, and :func:`to_2027_2` makes exactly those changes, (a) to (d), to
an expected result (a subset of the result object, or the whole of one), given the case it belongs to.
Nothing else is changed: a difference anywhere else is a failure of the test that uses it.
"""

from __future__ import annotations

import copy
from typing import Any

from assessments import rules

OPEN = "open_decompression_instrumentation"
RESISTANT = {"melanoma", "renal_cell", "non_small_cell_lung", "gastrointestinal", "sarcoma"}
SENSITIVE = {"lymphoma", "myeloma", "small_cell_lung", "germ_cell", "prostate", "breast", "ovarian"}
# Section 0 (a): a level with the flag and no recorded course.
UNKNOWN_BUDGET: dict[str, Any] = {
    "status": "unknown",
    "no_validated_limit_reasons": [],
    "cord_dose_assumed": False,
    "courses": [],
    "cumulative_bed": None,
    "cumulative_eqd2": None,
    "last_end_date": None,
    "months_since_last": None,
    "nieder_2006": None,
    "sahgal_2012": None,
}


def lesions_of(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The case's lesions: its list, or the one lesion of a flat (2026.1-shaped) case."""
    if isinstance(case.get("lesions"), list):
        return list(case["lesions"])
    return [{name: case[name] for name in rules.LESION_FIELDS} | {"index": True}]


def index_of(case: dict[str, Any]) -> dict[str, Any]:
    lesions = lesions_of(case)
    return lesions[0] if len(lesions) == 1 else next(lesion for lesion in lesions if lesion.get("index"))


def _radiosensitivity(case: dict[str, Any]) -> str:
    histology = case["histology"]
    if histology == "other":
        return str(case["other_radiosensitivity"])
    return "sensitive" if histology in SENSITIVE else "resistant" if histology in RESISTANT else "unknown"


def to_2027_2(case: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """An expected 2027.1 result (or subset) for ``case``, changed exactly as section 0 (a)-(d) says."""
    new = copy.deepcopy(expected)
    lesions = lesions_of(case)
    index = index_of(case)
    high = index["escc_grade"] in ("2", "3")
    alerts = new.get("alerts")
    # (a) Every case with prior_radiation_in_field on a lesion: a reirradiation object with status unknown
    # (2027.1 recorded no courses) and the alert reirradiation_budget_unknown.
    if any(lesion["prior_radiation_in_field"] for lesion in lesions) and alerts is not None:
        alerts.append("reirradiation_budget_unknown")
    if isinstance(new.get("lesions"), list):
        for shown, lesion in zip(new["lesions"], lesions, strict=True):
            shown["reirradiation"] = copy.deepcopy(UNKNOWN_BUDGET) if lesion["prior_radiation_in_field"] else None
    # (b) P3, index high grade with retropulsion, radiosensitive, not irradiated before, a deficit and a
    # survival of 3 months or more: open decompression, so cEBRT 30 Gy in 10.
    pathway = new.get("pathway", {})
    bony = (
        pathway.get("rule") == "P3"
        and high
        and index["retropulsion"]
        and _radiosensitivity(case) == "sensitive"
        and not index["prior_radiation_in_field"]
        and case["neurologic_deficit"]
        and case["expected_survival"] != "lt_3_months"
    )
    if bony:
        pathway["stabilization"] = OPEN
        if "cebrt_regimen" in pathway:
            pathway["cebrt_regimen"] = "30Gy_10fx"
        if "regimen_text" in new:
            new["regimen_text"] = rules.REGIMEN_TEXTS[rules.CebrtRegimen.GY30_10FX]
    # (c) bony_compression where the index lesion is high grade with retropulsion and the pathway has no
    # open decompression.
    if alerts is not None and high and index["retropulsion"] and not _open_decompression(case, pathway):
        alerts.append("bony_compression")
    # (d) rule_set 2027.2 (evaluation_date is new: an expected subset without it is still a subset).
    if "rule_set" in new:
        new["rule_set"] = rules.RULE_SET
    return new


def _open_decompression(case: dict[str, Any], pathway: dict[str, Any]) -> bool:
    """Whether the 2027.2 pathway (after (b)) has open decompression, from its stabilization or its rule."""
    if "stabilization" in pathway:
        return bool(pathway["stabilization"] == OPEN)
    code = pathway["code"]
    if code in ("urgent_decompression", "separation_surgery_sbrt", "maximal_excision_cebrt"):
        return True
    if code != "stabilization_then_radiation":
        return False
    index = index_of(case)
    return index["escc_grade"] in ("2", "3") and (
        _radiosensitivity(case) == "resistant"
        or index["prior_radiation_in_field"]
        or (index["retropulsion"] and case["neurologic_deficit"] and case["expected_survival"] != "lt_3_months")
    )
