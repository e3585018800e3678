"""The spec's referral examples (examples-2027.2-referral/), each through ``manage.py evaluate_referral``.

A valid example's ``expected`` is the whole result without ``rationale`` and must equal it, every list in
its specified order; an invalid one must name exactly the fields of its ``errors``. Also the command's
conventions (case-format.md, last section): arrays, exit statuses, ``--evaluated-at``, standard input.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

SPEC = Path(__file__).resolve().parent.parent.parent / "shared" / "spec"
EXAMPLES = sorted((SPEC / "examples-2027.2-referral").glob("t*.json"))
# An evaluation time no example uses: each fixes its own, and its own wins.
ELSEWHEN = "2000-01-01T00:00:00+00:00"


def run(tmp_path: Path, document: object, *options: str) -> tuple[int, Any, str]:
    """Run the command on ``document`` written to a file: (exit status, parsed output, standard error)."""
    path = tmp_path / "referral.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    out, err = io.StringIO(), io.StringIO()
    real_err = sys.stderr
    sys.stderr = err
    try:
        call_command("evaluate_referral", str(path), *options, stdout=out)
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    finally:
        sys.stderr = real_err
    text = out.getvalue()
    return status, json.loads(text) if text.strip() else None, err.getvalue()


def test_there_are_fourteen_valid_and_three_invalid_examples() -> None:
    names = [path.stem[:2] for path in EXAMPLES]
    assert names.count("tx") == 14
    assert names.count("tv") == 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_passes_exactly(tmp_path: Path, path: Path) -> None:
    document = json.loads(path.read_text())
    status, result, _ = run(tmp_path, document["referral"], "--evaluated-at", ELSEWHEN)
    expected = document["expected"]
    assert result["id"] == path.stem
    if "errors" in expected:
        assert status == 1
        assert set(result["errors"]) == set(expected["errors"])
        assert all(
            messages and all(isinstance(m, str) and m for m in messages) for messages in result["errors"].values()
        )
        return
    assert status == 0
    rationale = result.pop("rationale")
    assert result == expected
    assert rationale and all(item["source"] and item["inputs"] is not None for item in rationale)


def test_an_array_gives_an_array_and_one_invalid_referral_gives_status_1(tmp_path: Path) -> None:
    referrals = [json.loads(path.read_text())["referral"] for path in EXAMPLES]
    status, results, _ = run(tmp_path, referrals)
    assert status == 1
    assert [item["id"] for item in results] == [path.stem for path in EXAMPLES]
    assert ["errors" in item for item in results] == [path.stem.startswith("tv") for path in EXAMPLES]


def test_all_valid_array_exits_0(tmp_path: Path) -> None:
    referrals = [json.loads(path.read_text())["referral"] for path in EXAMPLES if path.stem.startswith("tx")]
    status, results, _ = run(tmp_path, referrals)
    assert status == 0
    assert len(results) == 14


def _tx01() -> dict[str, Any]:
    return json.loads((SPEC / "examples-2027.2-referral" / "tx01-pain-only-known-cancer.json").read_text())


def test_evaluated_at_option_is_used_when_the_referral_has_none(tmp_path: Path) -> None:
    referral = _tx01()["referral"]
    del referral["evaluated_at"]
    # Eight days after the referral: the 7-day imaging deadline has passed with no scan.
    status, result, _ = run(tmp_path, referral, "--evaluated-at", "2027-03-09T09:00:00+00:00")
    assert status == 0
    assert result["timers"]["imaging"]["status"] == "breached"
    status, result, _ = run(tmp_path, referral, "--evaluated-at", "2027-03-01T10:00:00+00:00")
    assert result["timers"]["imaging"]["status"] == "running"


def test_the_referrals_own_evaluated_at_wins(tmp_path: Path) -> None:
    document = _tx01()
    status, result, _ = run(tmp_path, document["referral"], "--evaluated-at", "2027-03-09T09:00:00+00:00")
    assert status == 0
    result.pop("rationale")
    assert result == document["expected"]


@pytest.mark.parametrize("value", ["yesterday", "2027-03-01T09:00:00", "2027-13-01T09:00:00+00:00"])
def test_a_bad_evaluated_at_option_is_a_usage_error(tmp_path: Path, value: str) -> None:
    status, result, err = run(tmp_path, _tx01()["referral"], "--evaluated-at", value)
    assert status == 2
    assert result is None
    assert err.startswith("evaluate_referral: --evaluated-at") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "words"),
    [("{not json", "not valid JSON"), ('"a string"', "must hold a JSON object"), ("3", "must hold a JSON object")],
)
def test_a_file_that_is_not_a_referral_document_is_status_2(tmp_path: Path, text: str, words: str) -> None:
    status, result, err = run(tmp_path, text)
    assert status == 2
    assert result is None
    assert words in err and err.count("\n") == 1


def test_a_missing_file_is_status_2(tmp_path: Path) -> None:
    err = io.StringIO()
    real_err, sys.stderr = sys.stderr, err
    try:
        with pytest.raises(SystemExit) as exit_info:
            call_command("evaluate_referral", str(tmp_path / "absent.json"), stdout=io.StringIO())
    finally:
        sys.stderr = real_err
    assert exit_info.value.code == 2
    assert "cannot read" in err.getvalue()


def test_standard_input_is_read_for_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    document = _tx01()
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(document["referral"])))
    out = io.StringIO()
    call_command("evaluate_referral", "-", stdout=out)
    result = json.loads(out.getvalue())
    result.pop("rationale")
    assert result == document["expected"]


def test_an_element_that_is_not_an_object_is_named_and_the_rest_evaluated(tmp_path: Path) -> None:
    status, results, _ = run(tmp_path, [7, _tx01()["referral"]])
    assert status == 1
    assert results[0] == {"id": None, "errors": {"__all__": [results[0]["errors"]["__all__"][0]]}}
    assert results[1]["triage"] == "suspected_spinal_metastases"


def test_a_huge_number_id_is_named_not_a_crash(tmp_path: Path) -> None:
    referral = _tx01()["referral"]
    text = json.dumps(referral).replace('"tx01-pain-only-known-cancer"', "1" + "0" * 40, 1)
    status, result, _ = run(tmp_path, text)
    assert status == 1
    assert list(result["errors"]) == ["id"]
    assert "41 digits" in result["id"]


def test_the_command_runs_with_no_database_or_configuration() -> None:
    import os
    import subprocess

    from tests.test_foundation import ROOT, TEST_ONLY_ENV

    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV | {"DATABASE_URL"}}
    document = _tx01()
    done = subprocess.run(
        [sys.executable, "manage.py", "evaluate_referral", "-"],
        input=json.dumps(document["referral"]),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    result.pop("rationale")
    assert result == document["expected"]
