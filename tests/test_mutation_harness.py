"""The harness of ``make mutation`` (docs/mutation-testing.md): what it mutates, with which tests, and one mutant run."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tomllib
from collections import Counter
from functools import cache
from pathlib import Path

from tests.mutation import words

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]


@cache
def every_mutant() -> list[words.Mutant]:
    return words.every_mutant()


def test_mutmut_mutates_the_rules_package_by_directory() -> None:
    assert CONFIG["source_paths"] == ["assessments/rules/"]
    assert "only_mutate" not in CONFIG and "do_not_mutate" not in CONFIG


def test_the_type_check_is_the_lint_s_own_leaving_out_only_the_errors_mutmut_s_copies_make() -> None:
    command = CONFIG["type_check_command"]
    assert command[0] == "mypy" and "--strict" in command and command[-1] == "assessments/rules"
    left_out = {command[i + 1] for i, part in enumerate(command) if part == "--disable-error-code"}
    assert left_out == {"unused-ignore", "no-redef"}
    assert command[command.index("--output") + 1] == "json"


def test_the_words_mutants_come_from_every_module_of_the_rules_directory() -> None:
    assert words.target_files() == sorted((ROOT / "assessments" / "rules").rglob("*.py"))
    modules = {mutant.module for mutant in every_mutant()}
    assert {"assessments.rules.texts", "assessments.rules.facts", "assessments.rules.pathway"} <= modules
    assert {"assessments.rules.referral.texts", "assessments.rules.referral.triage"} <= modules


def test_a_referral_rule_swaps_its_source_for_another_of_the_referral_texts() -> None:
    swaps = [m for m in every_mutant() if m.kind == "swap-source" and m.module == "assessments.rules.referral.triage"]
    assert swaps and all(
        m.what.split("->")[1] in words._source_names(words.RULES / "referral" / "texts.py") for m in swaps
    )
    imports = [s for s in swaps[0].tree.body if isinstance(s, ast.ImportFrom)]
    assert any(s.module == "assessments.rules.referral.texts" for s in imports)


def test_the_mutant_runs_use_only_database_free_rules_tests() -> None:
    files = CONFIG["pytest_add_cli_args_test_selection"]
    assert files[:2] == ["tests/test_words_golden.py", "tests/test_referral_words_golden.py"]
    for name in files:
        source = (ROOT / name).read_text(encoding="utf-8")
        assert "django_db" not in source, name
        fixtures = {
            arg.arg
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
            for arg in node.args.args
        }
        assert not fixtures & {"db", "client", "alice", "bob", "carol", "dave", "alice_client", "live_server"}, name


def test_every_kind_of_words_mutant_is_made_where_mutmut_does_not_reach() -> None:
    mutants = every_mutant()
    kinds = Counter((mutant.path.name, mutant.kind) for mutant in mutants)
    assert kinds[("texts.py", "blank")] > 50  # every alert text, note and source
    assert kinds[("texts.py", "swap-entry")] >= 2 * (len(__import__("assessments.rules").rules.Alert) - 1)
    assert kinds[("facts.py", "drop")] > 0 and kinds[("facts.py", "blank")] > 0  # the f-strings of spell()
    assert kinds[("pathway.py", "swap-source")] >= 9  # each rule names its source
    ids = {mutant.id for mutant in mutants}
    assert len(ids) == len(mutants)
    # mutmut mutates the strings of an undecorated function: the words script leaves those to it.
    assert not any(
        m.kind == "blank" and m.path.name == "pathway.py" and "P8: radioresistant" in m.what for m in mutants
    )


def test_a_swapped_source_is_killed_by_the_rules_tests() -> None:
    (mutant,) = [m for m in every_mutant() if m.kind == "swap-source" and m.what.startswith("SRC_P8->")]
    done = subprocess.run(
        [sys.executable, "-m", "tests.mutation.words", "--jobs", "1", "--only", mutant.id],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"1 mutants, 1 killed .* 0 surviving", done.stdout), done.stdout


LOOPING_AND_DRAWN = """
from hypothesis import given, strategies as st
import tests.mutation.mutant_runs as runs

runs.TEST_CPU_SECONDS = 1.0


def test_loops():
    while True:
        try:
            pass
        except Exception:
            pass


@given(st.integers())
def test_drawn(number):
    pass


def test_worked_case():
    pass
"""


def test_a_mutant_run_deselects_drawn_cases_and_fails_a_test_that_loops(tmp_path: Path) -> None:
    (tmp_path / "test_plugin.py").write_text(LOOPING_AND_DRAWN, encoding="utf-8")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.mutation.mutant_runs"),
            *("-p", "no:django", "--rootdir", str(tmp_path), str(tmp_path / "test_plugin.py")),
        ],
        cwd=ROOT,
        env={**os.environ, "MUTANT_UNDER_TEST": "assessments.rules.reirradiation.x_add_months__mutmut_1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "TestUsedTooMuchCpu" in done.stdout and "1 failed, 1 passed, 1 deselected" in done.stdout, done.stdout


def _summary_of(tmp_path: Path, codes: dict[str, int | None]) -> tuple[int, str]:
    from tests.mutation import summary

    meta = tmp_path / "mutants" / "assessments" / "rules" / "reirradiation.py.meta"
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = summary.main(tmp_path)
    return status, out.getvalue()


def test_the_summary_fails_on_a_survivor_and_on_an_equivalent_listed_for_code_that_has_changed(tmp_path: Path) -> None:
    from tests.mutation.summary import EQUIVALENT

    listed = sorted(EQUIVALENT)
    every_listed = dict.fromkeys(listed, 0)
    assert _summary_of(tmp_path, {**every_listed, "a.x_f__mutmut_1": 1})[0] == 0
    status, printed = _summary_of(tmp_path, {**every_listed, "a.x_f__mutmut_2": 0})
    assert status == 1 and "surviving: a.x_f__mutmut_2" in printed
    status, printed = _summary_of(tmp_path, {**every_listed, listed[0]: 1})
    assert status == 1 and f"listed as equivalent, but killed by this run: {listed[0]}" in printed
    status, printed = _summary_of(tmp_path, dict.fromkeys(listed[1:], 0))
    assert status == 1 and f"listed as equivalent, but not made by this run: {listed[0]}" in printed
    assert _summary_of(tmp_path, {**every_listed, "a.x_f__mutmut_3": None})[0] == 1
