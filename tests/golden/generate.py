"""Golden outputs of the rule engine: the seeded random cases and the project's vignettes.

``python tests/golden/generate.py`` writes ``tests/golden/rules-2026.1.json.xz``: for every case
its flat (2026.1-shaped) input and the engine's full ``to_dict()``. It was run once, on the
untouched 2026.1 engine (``assessments/rules.py``, commit before the restructure), and is never
regenerated: ``tests/test_golden.py`` compares today's engine against it.

The random cases are consistent by construction (the contradictions of spec section 1 are never
drawn, including the 2027.1 ones: a paraplegic patient always has ``neurologic_deficit``), so every
case is valid under both rule sets.
"""

from __future__ import annotations

import json
import lzma
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("rules-2026.1.json.xz")
SEED = 20261
RANDOM_CASES = 3000

LEVELS = ["occiput", *[f"C{n}" for n in range(1, 8)], *[f"T{n}" for n in range(1, 13)]]
LEVELS += [*[f"L{n}" for n in range(1, 6)], *[f"S{n}" for n in range(1, 6)]]
HISTOLOGIES = [
    "lymphoma", "myeloma", "small_cell_lung", "germ_cell", "prostate", "breast", "ovarian", "melanoma",
    "renal_cell", "non_small_cell_lung", "gastrointestinal", "sarcoma", "other", "unknown_primary",
]  # fmt: skip


def random_flat_case(rng: random.Random, number: int) -> dict[str, Any]:
    """One consistent random 2026.1-shaped case, every enum drawn uniformly."""
    histology = rng.choice(HISTOLOGIES)
    motor = rng.choice(["ambulatory", "ambulatory_with_aid", "nonambulatory", "paraplegic"])
    walking = motor in ("ambulatory", "ambulatory_with_aid")
    deficit = motor == "paraplegic" or rng.random() < 0.5
    return {
        "id": f"random-{number:04d}",
        "escc_grade": rng.choice(["0", "1a", "1b", "1c", "2", "3"]),
        "neurologic_deficit": deficit,
        "deficit_progressing": deficit and rng.random() < 0.4,
        "motor_status": motor,
        "hours_nonambulatory": None if walking or rng.random() < 0.2 else rng.choice([0, 12, 47, 48, 49, 96, 240]),
        "urinary_symptoms": rng.random() < 0.3,
        "urinary_retention": rng.random() < 0.15,
        "histology": histology,
        "other_radiosensitivity": rng.choice(["sensitive", "resistant"]) if histology == "other" else None,
        "prior_radiation_in_field": rng.random() < 0.25,
        "spinal_level": rng.choice(LEVELS),
        "sins_pain": rng.choice(["mechanical", "occasional_nonmechanical", "pain_free"]),
        "sins_bone_lesion": rng.choice(["lytic", "mixed", "blastic"]),
        "sins_alignment": rng.choice(["subluxation", "de_novo_deformity", "normal"]),
        "sins_collapse": rng.choice(["gt_50", "lt_50", "no_collapse_gt_50_involved", "none"]),
        "sins_posterolateral": rng.choice(["bilateral", "unilateral", "none"]),
        "stability_assessment": rng.choice(["not_assessed", "not_assessed", "stable", "unstable"]),
        "retropulsion": rng.random() < 0.2,
        "expected_survival": rng.choice(["lt_3_months", "3_to_6_months", "gt_6_months"]),
        "surgical_candidate": rng.choice(["yes", "no", "declines"]),
        "sbrt_available": rng.random() < 0.7,
        "oligometastatic": rng.random() < 0.3,
        "vte_contraindication": rng.random() < 0.2,
    }


def golden_cases() -> list[dict[str, Any]]:
    """The project's 2026.1 vignettes (tests/vignettes, as committed before 2027.1), then the random cases."""
    cases = [json.loads(p.read_text())["case"] for p in sorted((ROOT / "tests" / "vignettes").glob("*.json"))]
    rng = random.Random(SEED)
    cases.extend(random_flat_case(rng, n) for n in range(RANDOM_CASES))
    return cases


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.test_golden import evaluate_flat  # the 2026.1 engine, at the time it was run

    records = [{"case": case, "result": evaluate_flat(case)} for case in golden_cases()]
    payload = json.dumps(records, sort_keys=True, separators=(",", ":")).encode()
    GOLDEN.write_bytes(lzma.compress(payload, preset=9 | lzma.PRESET_EXTREME))
    print(f"{len(records)} cases, {len(payload)} bytes raw, {GOLDEN.stat().st_size} bytes xz -> {GOLDEN}")


if __name__ == "__main__":
    main()
