"""The spec's public examples and the project's hand-worked vignettes, through the whole validation path.

Each case goes through ``evaluate_case_object`` (AssessmentEntry, then the rules), as
``manage.py evaluate_case`` does. The spec examples give a subset of the result; the
project's vignettes give every headline output and the complete set of alerts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assessments.cases.case_format import evaluate_case_object
from tests.section_0_2027_2 import to_2027_2

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT.parent / "shared" / "spec" / "examples-2027.1").glob("*.json"))
VIGNETTES = sorted((ROOT / "tests" / "vignettes").glob("*.json"))


def mismatches(expected: dict, actual: dict, *, exact_alerts: bool, prefix: str = "") -> list[str]:
    out = []
    for key, want in expected.items():
        got = actual.get(key)
        if key == "alerts":
            if (set(want) != set(got or [])) if exact_alerts else (set(want) - set(got or [])):
                out.append(f"{prefix}alerts: expected {sorted(want)}, got {sorted(got or [])}")
        elif isinstance(want, dict):
            out.extend(mismatches(want, got or {}, exact_alerts=exact_alerts, prefix=f"{prefix}{key}."))
        elif got != want:
            out.append(f"{prefix}{key}: expected {want!r}, got {got!r}")
    return out


def test_there_are_enough_vignettes():
    assert len(VIGNETTES) >= 40
    assert len(EXAMPLES) == 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_spec_example(path):
    document = json.loads(path.read_text())
    result = evaluate_case_object(document["case"])
    assert "errors" not in result, result.get("errors")
    assert mismatches(to_2027_2(document["case"], document["expected"]), result, exact_alerts=False) == []


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_vignette(path):
    document = json.loads(path.read_text())
    result = evaluate_case_object(document["case"])
    assert "errors" not in result, result.get("errors")
    assert result["id"] == path.stem
    assert mismatches(to_2027_2(document["case"], document["expected"]), result, exact_alerts=True) == []


def test_every_rule_and_regimen_is_covered_by_vignettes():
    expected = [json.loads(p.read_text())["expected"] for p in VIGNETTES]
    assert {e["pathway"]["rule"] for e in expected} == {f"P{n}" for n in range(1, 10)}
    regimens = {e["pathway"]["cebrt_regimen"] for e in expected}
    assert regimens == {"8Gy_1fx", "20Gy_5fx", "30Gy_10fx", "reirradiation_individualized", None}
    alerts = {a for e in expected for a in e["alerts"]}
    assert len(alerts) == 14  # the 12 alerts of 2026.1, plus biopsy_before_steroids and cement_augmentation_option
    levels = {json.loads(p.read_text())["case"]["spinal_level"] for p in VIGNETTES}
    assert len(levels) == 30
    totals = {e["sins"]["total"] for e in expected}
    assert {6, 7, 12, 13} <= totals


def run_command(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "evaluate_case", *args],
        input=stdin,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_evaluates_all_examples_as_array():
    cases = [json.loads(p.read_text())["case"] for p in EXAMPLES]
    done = run_command(json.dumps(cases), "-")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert [r["id"] for r in results] == [c["id"] for c in cases]
    assert all(r["rule_set"] == "2027.2" for r in results)


EXAMPLES_2027_2 = sorted((ROOT.parent / "shared" / "spec" / "examples-2027.2").glob("ex*-*.json"))


def test_command_takes_the_evaluation_date_for_cases_without_their_own():
    one = json.loads((ROOT.parent / "shared/spec/examples-2027.2/ex01-one-course.json").read_text())["case"]
    undated = {key: value for key, value in one.items() if key != "evaluation_date"}
    done = run_command(json.dumps([one, undated]), "-", "--evaluation-date", "2026-09-01")
    assert done.returncode == 0, done.stderr
    own, given = json.loads(done.stdout)
    assert own["evaluation_date"] == "2027-03-15" and own["lesions"][0]["reirradiation"]["months_since_last"] == 12
    assert given["evaluation_date"] == "2026-09-01" and given["lesions"][0]["reirradiation"]["months_since_last"] == 5
    assert "reirradiation_interval_short" in given["alerts"]


@pytest.mark.parametrize("value", ["15/03/2027", "2027-02-30", "2027-03"])
def test_command_refuses_an_evaluation_date_that_is_not_a_date(value):
    case = json.loads(EXAMPLES[0].read_text())["case"]
    done = run_command(json.dumps(case), "-", "--evaluation-date", value)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "--evaluation-date" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_command_reads_every_2027_2_example_file_shape():
    cases = [json.loads(p.read_text())["case"] for p in EXAMPLES_2027_2]
    done = run_command(json.dumps(cases), "-")
    assert done.returncode == 0, done.stderr
    assert {r["evaluation_date"] for r in json.loads(done.stdout)} == {"2027-03-15"}


def test_command_reads_a_file_and_answers_an_object(tmp_path):
    case = json.loads(EXAMPLES[0].read_text())["case"]
    path = tmp_path / "one.json"
    path.write_text(json.dumps(case))
    done = run_command("", str(path))
    assert done.returncode == 0
    assert json.loads(done.stdout)["pathway"]["rule"] == "P6"


def test_command_reports_invalid_case_and_still_evaluates_the_rest():
    good = json.loads(EXAMPLES[0].read_text())["case"]
    bad = {**good, "id": "bad", "histology": "other", "other_radiosensitivity": None, "colour": "blue"}
    done = run_command(json.dumps([bad, good]), "-")
    assert done.returncode == 1
    first, second = json.loads(done.stdout)
    assert first["id"] == "bad"
    assert set(first["errors"]) == {"other_radiosensitivity", "colour"}
    assert second["pathway"]["code"] == "cebrt"


@pytest.mark.parametrize("stdin", ["not json", "42", '"text"', "null"])
def test_command_rejects_a_file_that_is_not_a_case(stdin):
    done = run_command(stdin, "-")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1


def test_command_needs_no_database(tmp_path):
    case = json.loads(EXAMPLES[0].read_text())["case"]
    env_db = f"sqlite:///{tmp_path}/does-not-exist/db.sqlite3"
    done = subprocess.run(
        [sys.executable, "manage.py", "evaluate_case", "-"],
        input=json.dumps(case),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "DATABASE_URL": env_db},
    )
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "does-not-exist").exists()
