"""The hand-worked referral vignettes (tests/vignettes-referral/), worked from section 10 without the engine.

Each JSON file has the shape of the spec's referral examples: ``{"id", "title", "referral", "expected"}``.
A valid vignette's ``expected`` gives result keys (all of them, or some) and each must equal the result's,
lists in their specified order and each timer given whole; an invalid one gives ``{"id", "errors"}`` and
the set of fields named must match. The referral fixes its ``evaluated_at``; the time passed here is one no
vignette could mean, so a vignette without its own shows up as wrong rather than depending on today.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from assessments.rules.referral import evaluate_referral_object

VIGNETTES = sorted((Path(__file__).parent / "vignettes-referral").glob("*.json"))
NO_EVALUATION_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def mismatches(expected: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """Each key of ``expected`` whose value differs from the result's (timers compared one by one).

    ``rationale`` is never compared: its words are the engine's own (10.12 fixes only what it names).
    """
    found = []
    for key, value in expected.items():
        if key == "rationale":
            continue
        if key == "timers" and isinstance(value, dict) and isinstance(result.get("timers"), dict):
            found += [
                f"timers.{name}: expected {timer}, got {result['timers'].get(name)}"
                for name, timer in value.items()
                if result["timers"].get(name) != timer
            ]
        elif result.get(key, "<absent>") != value:
            found.append(f"{key}: expected {value!r}, got {result.get(key, '<absent>')!r}")
    return found


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_referral_vignette(path: Path) -> None:
    document = json.loads(path.read_text())
    result = evaluate_referral_object(document["referral"], evaluated_at=NO_EVALUATION_TIME)
    expected = document["expected"]
    if "errors" in expected:
        assert sorted(result.get("errors", {})) == sorted(expected["errors"]), result.get("errors")
        return
    assert "errors" not in result, result.get("errors")
    assert mismatches(expected, result) == []


def test_mismatches_names_each_differing_key_and_timer() -> None:
    result = {"triage": "not_suspected", "timers": {"imaging": {"status": "met"}}, "alerts": []}
    expected = {"triage": "suspected_mscc", "timers": {"imaging": {"status": "running"}}, "alerts": []}
    found = mismatches(expected, result)
    assert len(found) == 2
    assert found[0].startswith("triage:") and found[1].startswith("timers.imaging:")
    assert mismatches(result, result) == []
    assert mismatches({"rationale": [{"text": "mine"}]}, {"rationale": []}) == []
