"""The hand-worked 2027.1 vignettes (tests/vignettes-2027.1/), through the whole validation path.

They were worked out from the spec alone by someone who had not read the engine (the working is kept
beside them in WORKING.md). Each gives every headline output and the complete set of alerts; an invalid
case gives the exact set of fields its errors name. Corrections made to them are listed, with the spec's
reason, in tests/vignettes-2027.1/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessments.cases.case_format import evaluate_case_object
from tests.section_0_2027_2 import to_2027_2
from tests.test_vignettes import mismatches

VIGNETTES = sorted((Path(__file__).parent / "vignettes-2027.1").glob("*.json"))


def test_there_are_at_least_40_vignettes_for_2027_1() -> None:
    assert len(VIGNETTES) >= 40


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_vignette_2027_1(path: Path) -> None:
    document = json.loads(path.read_text())
    result = evaluate_case_object(document["case"])
    assert result["id"] == path.stem
    expected = document["expected"]
    if "errors" in expected:
        assert sorted(result.get("errors", {})) == sorted(expected["errors"]), result.get("errors")
        return
    assert "errors" not in result, result.get("errors")
    assert mismatches(to_2027_2(document["case"], expected), result, exact_alerts=True) == []


def test_vignettes_cover_every_2027_1_alert_rule_and_score_band() -> None:
    expected = [json.loads(p.read_text())["expected"] for p in VIGNETTES]
    valid = [e for e in expected if "errors" not in e]
    alerts = {a for e in valid for a in e["alerts"]}
    new = {
        "additional_unstable_lesion",
        "additional_high_grade_lesion",
        "escc_outside_index_block",
        "cement_augmentation_option",
        "short_survival_surgery",
        "biopsy_before_steroids",
        "survival_estimate_discordant",
    }
    assert new <= alerts
    bands = {s["band"] for e in valid for s in e.get("prognosis_scores", {}).values() if "band" in s}
    assert {"lt_6_months", "gte_6_months", "gte_12_months", "bauer_0_1", "bauer_2", "bauer_3_4"} <= bands
    assert {"tomita_2_3", "tomita_4_5", "tomita_6_7", "tomita_8_10"} <= bands
