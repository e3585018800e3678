"""Benchmark of the clinical rule engine: evaluations per second of ``rules.evaluate``.

Run from the repository root::

    python bench/bench_rules.py [--cases 20000] [--runs 5] [--seed 2026] [--json PATH]

The cases are varied, consistent random ``CaseInput`` objects made once before timing (fixed
seed), so only ``evaluate`` is timed. Two figures are printed:

* ``evaluate (warm)``: the memoized rule functions have already seen the cases, as in a
  long-running server process. Best of ``--runs`` runs.
* ``evaluate (cold)``: every memo cache is cleared before each run, so the first sight of
  each input combination pays for building its rationale texts. Best of ``--runs`` runs.

* ``form + evaluate``: what the live-update endpoint does before rendering: build an
  ``AssessmentForm`` from a POST-like dict of strings, validate it, map it to the rules' input
  and evaluate. Django is set up (``DEBUG=true``, no database access). Best of ``--runs`` runs.

To time more steps later, add a line to ``main`` calling ``bench(name, fn, items)`` with a
one-argument function and its pre-built arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessments import rules


def random_case(rng: random.Random) -> rules.CaseInput:
    """One consistent random case drawn uniformly from every spec enum."""
    histology = rng.choice(list(rules.Histology))
    motor = rng.choice(list(rules.MotorStatus))
    walking = motor in (rules.MotorStatus.AMBULATORY, rules.MotorStatus.AMBULATORY_WITH_AID)
    hours = None if walking or rng.random() < 0.2 else rng.randint(0, 240)
    return rules.CaseInput(
        escc_grade=rng.choice(list(rules.EsccGrade)),
        neurologic_deficit=rng.random() < 0.5,
        deficit_progressing=rng.random() < 0.3,
        motor_status=motor,
        hours_nonambulatory=hours,
        urinary_symptoms=rng.random() < 0.3,
        urinary_retention=rng.random() < 0.15,
        histology=histology,
        other_radiosensitivity=(
            rng.choice(list(rules.OtherRadiosensitivity)) if histology == rules.Histology.OTHER else None
        ),
        prior_radiation_in_field=rng.random() < 0.2,
        spinal_level=rng.choice(list(rules.SpinalLevel)),
        sins_pain=rng.choice(list(rules.SinsPain)),
        sins_bone_lesion=rng.choice(list(rules.SinsBoneLesion)),
        sins_alignment=rng.choice(list(rules.SinsAlignment)),
        sins_collapse=rng.choice(list(rules.SinsCollapse)),
        sins_posterolateral=rng.choice(list(rules.SinsPosterolateral)),
        stability_assessment=rng.choice(list(rules.StabilityAssessment)),
        retropulsion=rng.random() < 0.2,
        expected_survival=rng.choice(list(rules.ExpectedSurvival)),
        surgical_candidate=rng.choice(list(rules.SurgicalCandidate)),
        sbrt_available=rng.random() < 0.7,
        oligometastatic=rng.random() < 0.3,
        vte_contraindication=rng.random() < 0.15,
    )


def clear_rule_caches() -> None:
    """Empty every memo cache of the rules module (for the cold figure)."""
    for value in vars(rules).values():
        cache_clear = getattr(value, "cache_clear", None)
        if callable(cache_clear):
            cache_clear()


def bench(
    name: str,
    fn: Callable[[Any], object],
    items: Sequence[Any],
    *,
    runs: int = 5,
    before_each_run: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Time ``fn`` over ``items``; return the best of ``runs`` as calls per second."""
    best = float("inf")
    for _ in range(runs):
        if before_each_run is not None:
            before_each_run()
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - start)
    return {
        "name": name,
        "calls": len(items),
        "runs": runs,
        "best_seconds": round(best, 6),
        "per_second": round(len(items) / best),
        "microseconds_per_call": round(best / len(items) * 1e6, 3),
    }


def setup_django() -> None:
    """Set Django up with the development settings; the form path needs no database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "escc_site.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def form_payload(case: rules.CaseInput) -> dict[str, str]:
    """The assessment half of a browser's POST for ``case``: every value a string."""
    from assessments.case_format import to_form_data

    values = {name: getattr(case, name) for name in rules.CaseInput.__dataclass_fields__}
    # The form refuses "progressing" without a deficit (the rules accept it): keep payloads valid.
    if values["deficit_progressing"]:
        values["neurologic_deficit"] = True
    return to_form_data({name: value.value if hasattr(value, "value") else value for name, value in values.items()})


def validate_and_evaluate(payload: dict[str, str]) -> rules.Result:
    """Form validation + rules, as the case form view does for an HTMX preview."""
    from assessments.forms import AssessmentForm

    form = AssessmentForm(payload)
    if not form.is_valid():
        raise AssertionError(f"benchmark payload is invalid: {form.errors.as_json()}")
    return rules.evaluate(form.to_case_input())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    import common  # bench/common.py, next to this file

    common.prioritise()

    rng = random.Random(args.seed)
    cases = [random_case(rng) for _ in range(args.cases)]
    setup_django()
    # The form path is ~100x slower than the rules alone: a tenth of the cases keeps the run short.
    payloads = [form_payload(case) for case in cases[: max(1, args.cases // 10)]]

    results = [
        bench("evaluate (cold)", rules.evaluate, cases, runs=args.runs, before_each_run=clear_rule_caches),
        bench("evaluate (warm)", rules.evaluate, cases, runs=args.runs),
        bench("form + evaluate", validate_and_evaluate, payloads, runs=args.runs),
    ]

    print(f"rule set {rules.RULE_SET}; {args.cases} cases, seed {args.seed}, best of {args.runs} runs")
    print(f"Python {platform.python_version()} on {platform.machine()}")
    print(f"{'benchmark':<24} {'calls/s':>12} {'us/call':>10}")
    for row in results:
        print(f"{row['name']:<24} {row['per_second']:>12,} {row['microseconds_per_call']:>10.2f}")

    if args.json is not None:
        payload = {
            "host": common.machine(),
            "rule_set": rules.RULE_SET,
            "cases": args.cases,
            "seed": args.seed,
            "runs": args.runs,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "results": results,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
