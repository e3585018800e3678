"""Benchmark of the clinical rule engine: ``rules.evaluate`` per call, for one lesion and for eight.

Run from the repository root::

    python bench/bench_rules.py [--cases 5000] [--runs 5] [--seed 2027] [--json PATH]

The cases are consistent random ``CaseInput`` objects made once before timing (fixed seed), so only
the timed step runs in the loop. The process is pinned to one core where the OS allows it
(``bench/common.py``). Figures printed, best of ``--runs`` runs:

* ``evaluate, 1 lesion``: a 2026.1-shaped case with no prognosis inputs.
* ``evaluate, 8 lesions``: eight lesions at random distinct levels and every prognosis input
  recorded, so all three scores are computed. Budget: at most 200 us per call.
* ``evaluate, 8 irradiated``: eight lesions as above, each irradiated before with 3 prior radiation
  entries (spec 1: random techniques, doses, fractions, month-only ends, recorded cord maxima, and
  phases of one course), so every lesion has its re-irradiation budget (4.1). Budget: at most 200 us
  per call.
* ``form + evaluate``: what the live-update endpoint does before rendering: build an
  ``AssessmentEntry`` from a POST-like dict of strings, validate it, map it to the rules' input and
  evaluate (one lesion, the web form's shape). Django is set up (``DEBUG=true``, no database access).

There are no memo caches any more (rule set 2027.1), so there is no cold/warm distinction.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessments import rules


def _lesion(rng: random.Random, level: rules.SpinalLevel, index: bool) -> rules.LesionInput:
    return rules.LesionInput(
        spinal_level=level,
        escc_grade=rng.choice(list(rules.EsccGrade)),
        sins_pain=rng.choice(list(rules.SinsPain)),
        sins_bone_lesion=rng.choice(list(rules.SinsBoneLesion)),
        sins_alignment=rng.choice(list(rules.SinsAlignment)),
        sins_collapse=rng.choice(list(rules.SinsCollapse)),
        sins_posterolateral=rng.choice(list(rules.SinsPosterolateral)),
        stability_assessment=rng.choice(list(rules.StabilityAssessment)),
        retropulsion=rng.random() < 0.2,
        prior_radiation_in_field=rng.random() < 0.2,
        index=index,
    )


FRANKEL = {
    rules.MotorStatus.PARAPLEGIC: rules.FrankelGrade.A,
    rules.MotorStatus.NONAMBULATORY: rules.FrankelGrade.C,
    rules.MotorStatus.AMBULATORY: rules.FrankelGrade.E,
    rules.MotorStatus.AMBULATORY_WITH_AID: rules.FrankelGrade.D,
}


def random_case(rng: random.Random, *, lesions: int = 1, prognosis: bool = False) -> rules.CaseInput:
    """One consistent random case drawn uniformly from every spec enum."""
    histology = rng.choice([h for h in rules.Histology if h not in rules.SITES_ALLOWED])
    motor = rng.choice(list(rules.MotorStatus))
    walking = motor in (rules.MotorStatus.AMBULATORY, rules.MotorStatus.AMBULATORY_WITH_AID)
    deficit = motor == rules.MotorStatus.PARAPLEGIC or rng.random() < 0.5
    levels = rng.sample(list(rules.SpinalLevel), lesions)
    index = rng.randrange(lesions)
    extra: dict[str, Any] = {}
    if prognosis:
        site = rules.SITE_BY_HISTOLOGY[histology]
        extra = {
            "karnofsky": rng.choice(range(10, 101, 10)),
            "extraspinal_bone_metastases": rng.randint(0, 5),
            "vertebral_metastases": rng.randint(lesions, 33),
            "visceral_metastases": rng.choice(list(rules.VisceralMetastases)),
            "frankel_grade": FRANKEL[motor],
            "primary_growth": None if site in rules.GROWTH_BY_SITE else rng.choice(list(rules.PrimaryGrowth)),
        }
    return rules.CaseInput(
        neurologic_deficit=deficit,
        deficit_progressing=deficit and rng.random() < 0.3,
        motor_status=motor,
        hours_nonambulatory=None if walking or rng.random() < 0.2 else rng.randint(0, 240),
        urinary_symptoms=rng.random() < 0.3,
        urinary_retention=rng.random() < 0.15,
        histology=histology,
        other_radiosensitivity=None,
        expected_survival=rng.choice(list(rules.ExpectedSurvival)),
        surgical_candidate=rng.choice(list(rules.SurgicalCandidate)),
        sbrt_available=rng.random() < 0.7,
        oligometastatic=rng.random() < 0.3,
        vte_contraindication=rng.random() < 0.15,
        lesions=tuple(_lesion(rng, level, n == index) for n, level in enumerate(levels)),
        **extra,
    )


# The day the irradiated cases are evaluated on: fixed, so a run does not depend on today's date.
EVALUATION_DATE = date(2027, 6, 1)
PRIOR_ENTRIES = 3


def _prior_course(rng: random.Random, *, first: bool) -> rules.PriorCourse:
    """One consistent random prior radiation entry (spec 1), ending 0 to 5 years before the evaluation date."""
    technique = rules.CourseTechnique.SBRT if rng.random() < 0.2 else rules.CourseTechnique.CEBRT
    if technique == rules.CourseTechnique.SBRT:
        fractions = rng.randint(1, 5)
        total = Decimal(rng.randint(1600, 3500)) / 100
    else:
        fractions = rng.choice((1, 2, 5, 10, 13, 15, 20, 25))
        total = Decimal(rng.choice((800, 1600, 2000, 2400, 3000, 3600, 3900, 4000, 4500, 5000))) / 100
    end = EVALUATION_DATE - timedelta(days=rng.randint(0, 5 * 365))
    month_only = rng.random() < 0.25
    return rules.PriorCourse(
        technique=technique,
        total_dose_gy=total,
        fractions=fractions,
        end_date=end.replace(day=1) if month_only else end,
        month_only=month_only,
        cord_max_dose_gy=Decimal(rng.randint(500, 4500)) / 100 if rng.random() < 0.4 else None,
        same_course_as_previous=not first and rng.random() < 0.5,
    )


def irradiated_case(rng: random.Random, *, lesions: int = 8, entries: int = PRIOR_ENTRIES) -> rules.CaseInput:
    """A random case (every prognosis input) whose every lesion has ``entries`` prior radiation entries."""
    case = random_case(rng, lesions=lesions, prognosis=True)
    irradiated = tuple(
        dataclasses.replace(
            lesion,
            prior_radiation_in_field=True,
            prior_radiation_courses=tuple(_prior_course(rng, first=n == 0) for n in range(entries)),
        )
        for lesion in case.lesions
    )
    return dataclasses.replace(case, lesions=irradiated, evaluation_date=EVALUATION_DATE)


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
    from assessments.cases.case_format import to_form_data

    values = case.flat_values()
    return to_form_data({name: value.value if hasattr(value, "value") else value for name, value in values.items()})


def validate_and_evaluate(payload: dict[str, str]) -> rules.Result:
    """Form validation + rules, as the case form view does for an HTMX preview."""
    from assessments.cases.forms import AssessmentEntry

    entry = AssessmentEntry(payload)
    if not entry.is_valid():
        raise AssertionError(f"benchmark payload is invalid: {entry.error_messages()}")
    return rules.evaluate(entry.to_case_input())


BUDGET_US = 200


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    import common  # bench/common.py, next to this file

    common.prioritise()

    rng = random.Random(args.seed)
    cases = [random_case(rng) for _ in range(args.cases)]
    eight = [random_case(rng, lesions=8, prognosis=True) for _ in range(args.cases)]
    irradiated = [irradiated_case(rng) for _ in range(args.cases)]
    setup_django()
    # The form path is ~100x slower than the rules alone: a tenth of the cases keeps the run short.
    payloads = [form_payload(case) for case in cases[: max(1, args.cases // 10)]]

    results = [
        bench("evaluate, 1 lesion", rules.evaluate, cases, runs=args.runs),
        bench("evaluate, 8 lesions", rules.evaluate, eight, runs=args.runs),
        bench("form + evaluate", validate_and_evaluate, payloads, runs=args.runs),
        bench("evaluate, 8 irradiated", rules.evaluate, irradiated, runs=args.runs),
    ]

    print(f"rule set {rules.RULE_SET}; {args.cases} cases, seed {args.seed}, best of {args.runs} runs")
    print(f"Python {platform.python_version()} on {platform.machine()}")
    print(f"{'benchmark':<24} {'calls/s':>12} {'us/call':>10}")
    for row in results:
        print(f"{row['name']:<24} {row['per_second']:>12,} {row['microseconds_per_call']:>10.2f}")
    eight_us = results[1]["microseconds_per_call"]
    verdict = "met" if eight_us <= BUDGET_US else "NOT met"
    print(f"budget: evaluate for an 8-lesion case <= {BUDGET_US} us: {eight_us:.1f} us, {verdict}")
    irradiated_us = results[3]["microseconds_per_call"]
    verdict = "met" if irradiated_us <= BUDGET_US else "NOT met"
    print(
        f"budget: evaluate for 8 lesions with {PRIOR_ENTRIES} prior radiation entries each <= {BUDGET_US} us: "
        f"{irradiated_us:.1f} us, {verdict}"
    )

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
            "budget_us_8_lesions": BUDGET_US,
            "budget_us_8_irradiated_lesions": BUDGET_US,
            "prior_entries_per_lesion": PRIOR_ENTRIES,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
