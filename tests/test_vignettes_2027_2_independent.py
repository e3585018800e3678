"""The hand-worked 2027.2 vignettes (tests/vignettes-2027.2/), through the whole validation path.

They cover the re-irradiation spinal cord dose budget (section 4.1), the evaluation date, bony compression (P3 and
the alert ``bony_compression``) and the errors named ``lesions[i].prior_radiation_courses[j].FIELD``. They were worked
out from ``clinical-rules.md`` and ``case-format.md`` alone, by someone who had not read the engine; each file's
``why`` names the rule and the edge it exercises and shows the arithmetic.

A valid vignette's ``expected`` holds the headline outputs (matched as a subset), the complete set of alerts (an
exact set) and every lesion object, ``reirradiation`` included, compared exactly with numbers compared by value. An
invalid vignette gives the exact set of field names its errors must have. ``expected_rationale``, where given, lists
the rationale entries that must be there: section 4.1's entry once for each irradiated lesion (inputs and source
exactly, and no other budget entry), and for another rule, names its inputs must include. A vignette with
``evaluation_date_option`` runs through ``manage.py evaluate_case --evaluation-date``, because the order of the date's
sources (the case's own date, then the option) belongs to the command.
"""

from __future__ import annotations

import json
import numbers
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from assessments.cases.case_format import evaluate_case_object

ROOT = Path(__file__).resolve().parents[1]
VIGNETTES = sorted((ROOT / "tests" / "vignettes-2027.2").glob("*.json"))
MISSING = object()


def same_value(want: Any, got: Any) -> bool:
    """Equal as JSON values, numbers by value (100 equals 100.0), booleans never equal to numbers."""
    if isinstance(want, bool) or isinstance(got, bool):
        return isinstance(want, bool) and isinstance(got, bool) and want == got
    if isinstance(want, numbers.Number) and isinstance(got, numbers.Number):
        return Decimal(str(want)) == Decimal(str(got))
    if isinstance(want, dict) and isinstance(got, dict):
        return want.keys() == got.keys() and all(same_value(want[k], got[k]) for k in want)
    if isinstance(want, list) and isinstance(got, list):
        return len(want) == len(got) and all(same_value(w, g) for w, g in zip(want, got, strict=True))
    return type(want) is type(got) and want == got


def mismatches(expected: dict[str, Any], actual: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, want in expected.items():
        got = actual.get(key, MISSING)
        if got is MISSING:
            out.append(f"{prefix}{key}: missing")
        elif key == "alerts" and not prefix:
            if set(want) != set(got or []):
                out.append(f"alerts: expected {sorted(want)}, got {sorted(got or [])}")
        elif key == "lesions" and not prefix:
            if not same_value(want, got):
                out.append(f"lesions: expected {json.dumps(want)}, got {json.dumps(got, default=str)}")
        elif isinstance(want, dict) and isinstance(got, dict):
            out.extend(mismatches(want, got, prefix=f"{prefix}{key}."))
        elif not same_value(want, got):
            out.append(f"{prefix}{key}: expected {want!r}, got {got!r}")
    return out


BUDGET_RULE = "4.1 Re-irradiation budget"


def names_input(inputs: list[str], name: str) -> bool:
    return any(i == name or i.endswith("." + name) for i in inputs)


def rationale_mismatches(expected: list[dict[str, Any]], rationale: list[dict[str, Any]]) -> list[str]:
    """One budget entry per irradiated lesion, with exactly its inputs; and each listed rule's source and inputs."""
    out = []
    want = sorted(sorted(e["inputs"]) for e in expected if e["rule"] == BUDGET_RULE)
    got = sorted(sorted(r.get("inputs", [])) for r in rationale if r.get("rule") == BUDGET_RULE)
    if want != got:
        out.append(f"{BUDGET_RULE} inputs: expected {want}, got {got}")
    for e in expected:
        entries = [r for r in rationale if r.get("rule") == e["rule"]]
        if "source" in e and not any(r.get("source") == e["source"] for r in entries):
            out.append(f"{e['rule']} source: expected {e['source']!r}, got {[r.get('source') for r in entries]}")
        for name in e.get("inputs_include", []):
            if not any(names_input(r.get("inputs", []), name) for r in entries):
                out.append(f"{e['rule']} inputs: {name} missing from {[r.get('inputs') for r in entries]}")
    return out


def evaluate(document: dict[str, Any]) -> dict[str, Any]:
    option = document.get("evaluation_date_option")
    if option is None:
        return evaluate_case_object(document["case"])
    done = subprocess.run(
        [sys.executable, "manage.py", "evaluate_case", "-", "--evaluation-date", option],
        input=json.dumps(document["case"]),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def documents() -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in VIGNETTES]


def test_there_are_at_least_40_vignettes_for_2027_2() -> None:
    assert len(VIGNETTES) >= 40


def test_every_vignette_says_why_and_is_named_by_its_file() -> None:
    for path, document in zip(VIGNETTES, documents(), strict=True):
        assert document["id"] == document["case"]["id"] == path.stem
        assert len(document["why"]) > 40, path.name


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_vignette_2027_2(path: Path) -> None:
    document = json.loads(path.read_text())
    result = evaluate(document)
    assert result.get("id") == path.stem
    expected = document["expected"]
    if "errors" in expected:
        assert sorted(result.get("errors", {})) == sorted(expected["errors"]), result.get("errors")
        return
    assert "errors" not in result, result.get("errors")
    assert mismatches(expected, result) == []
    if "expected_rationale" in document:
        assert rationale_mismatches(document["expected_rationale"], result.get("rationale", [])) == []


def test_vignettes_cover_every_edge_the_rule_set_adds() -> None:
    valid = [d["expected"] for d in documents() if "errors" not in d["expected"]]
    budgets = [les["reirradiation"] for e in valid for les in e["lesions"] if les["reirradiation"]]
    assert {b["status"] for b in budgets} == {"limits_apply", "no_validated_limit", "unknown"}
    assert {tuple(b["no_validated_limit_reasons"]) for b in budgets} >= {
        ("prior_sbrt_course",),
        ("two_or_more_courses",),
        ("prior_sbrt_course", "two_or_more_courses"),
    }
    phases = [p for b in budgets for c in b["courses"] for p in c["phases"]]
    assert {p["cord_dose_assumed"] for p in phases} == {True, False}
    assert any(p["bed"] is None for p in phases)
    assert any(len(c["phases"]) > 1 for b in budgets for c in b["courses"])
    nieder = [b["nieder_2006"] for b in budgets if b["nieder_2006"]]
    refs = [r for n in nieder for r in n["reference_calculations"]]
    assert {r["band"] for r in refs} == {"le_120", "le_135_5", "gt_135_5"}
    assert {r["cumulative_bed"] for r in refs} >= {120.0, 120.1, 135.5, 135.6}
    assert {r["status"] for r in refs} == {"within_limit", "not_within_limit"}
    assert {n["prior_course_over_98"] for n in nieder} == {True, False}
    assert {n["interval_met"] for n in nieder} == {True, False}
    sahgal = [b["sahgal_2012"] for b in budgets if b["sahgal_2012"]]
    assert {name for s in sahgal for name in s["limited_by"]} == {
        "sbrt_course_max_25",
        "cumulative_max_70",
        "sbrt_share_max_50_percent",
    }
    assert {s["interval_met"] for s in sahgal} == {True, False}
    assert {s["prior_outside_cohort_range"] for s in sahgal} == {True, False}
    assert 0 in {s["remaining_eqd2"] for s in sahgal}
    assert {b["months_since_last"] for b in budgets} >= {0, 4, 5, 6}
    alerts = {a for e in valid for a in e["alerts"]}
    assert {
        "reirradiation_budget_unknown",
        "cord_budget_insufficient",
        "reirradiation_interval_short",
        "reirradiation_no_validated_limit",
        "bony_compression",
    } <= alerts
    bony_rules = {e["pathway"]["rule"] for e in valid if "bony_compression" in e["alerts"]}
    assert bony_rules == {"P2", "P3", "P4", "P5", "P6", "P9"}
    errors = {name for d in documents() for name in d["expected"].get("errors", [])}
    fields = {name.rsplit(".", 1)[-1] for name in errors if "prior_radiation_courses[" in name}
    assert {
        "technique",
        "total_dose_gy",
        "fractions",
        "end_date",
        "cord_max_dose_gy",
        "same_course_as_previous",
    } <= fields
    assert {"evaluation_date", "prior_radiation_courses", "lesions[0].prior_radiation_courses"} <= errors
    assert any(d.get("evaluation_date_option") for d in documents())
    rationale = [r for d in documents() for r in d.get("expected_rationale", [])]
    assert any(r["rule"] == BUDGET_RULE and r["inputs"][0].startswith("lesions[1]") for r in rationale)
    assert any(r["rule"] == "P3" and "retropulsion" in r["inputs_include"] for r in rationale)
