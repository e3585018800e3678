"""Golden test: the engine against the outputs frozen from the untouched 2026.1 engine.

``tests/golden/rules-2026.1.json.xz`` holds the full ``to_dict()`` of the 2026.1 engine for the 52
project vignettes and 3,000 seeded random cases (``tests/golden/generate.py``). No database.
"""

from __future__ import annotations

import json
import lzma
import typing
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from assessments import rules

GOLDEN = Path(__file__).parent / "golden" / "rules-2026.1.json.xz"


def _enum_of(hint: Any) -> type[StrEnum] | None:
    for arg in (*typing.get_args(hint), hint):
        if isinstance(arg, type) and issubclass(arg, StrEnum):
            return arg
    return None


def evaluate_flat(case: dict[str, Any]) -> dict[str, Any]:
    """Evaluate a flat (2026.1-shaped) case dict and return the engine's ``to_dict()``."""
    hints = typing.get_type_hints(rules.CaseInput)
    kwargs: dict[str, Any] = {}
    for name, value in case.items():
        if name == "id":
            continue
        enum = _enum_of(hints[name])
        kwargs[name] = enum(value) if enum is not None and value is not None else value
    return rules.evaluate(rules.CaseInput(**kwargs)).to_dict()


@pytest.fixture(scope="module")
def golden() -> list[dict[str, Any]]:
    return json.loads(lzma.decompress(GOLDEN.read_bytes()))


def test_golden_file_holds_vignettes_and_random_cases(golden: list[dict[str, Any]]) -> None:
    ids = [record["case"]["id"] for record in golden]
    assert len(ids) == len(set(ids)) >= 3052
    assert sum(1 for i in ids if i.startswith("random-")) == 3000


def test_engine_matches_golden_outputs(golden: list[dict[str, Any]]) -> None:
    differences = []
    for record in golden:
        actual = evaluate_flat(record["case"])
        if actual != record["result"]:
            differences.append(record["case"]["id"])
    assert differences == [], f"{len(differences)} cases differ, first: {differences[:5]}"
