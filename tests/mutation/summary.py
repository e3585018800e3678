"""The figures of mutmut's last run over the rules (``mutants/``): mutants made, killed, equivalent, surviving.

Reads the ``.meta`` files mutmut writes beside each mutated module. A surviving mutant that ``EQUIVALENT`` does not
list (by mutmut's name for it, with the reason; docs/mutation-testing.md), a mutant not run, and a listed name the run
does not make or kills (the function changed since it was listed) each make the exit status 1. A mutant mypy
refuses (exit code 37, mutmut's ``type_check_command``) counts as killed.

    .venv/bin/python -m tests.mutation.summary
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# mutmut's exit codes (mutmut/stats.py): 1 and 3 are a failing test, 0 a passing run; the timeouts and the
# signals of a killed process count as killed, as mutmut counts them.
KILLED = {1, 3, 24, -24, 152, 255, 36, 37, -9, -11}
SURVIVED = {0}
NO_TESTS = {5, 33}

# Mutants no test can tell from the original, by mutmut's name, with the reason.
EQUIVALENT: dict[str, str] = {
    # _sahgal's three bounds are whole numbers over one denominator and every one of them is even (25 Gy and the
    # EQD2 left in hundredths times 200 or 2, the exact BED's numerator times 100): the smallest is never 1.
    "assessments.rules.reirradiation.x__sahgal__mutmut_16": (
        "`smallest < 0` for `<= 0`: at exactly 0 the other branch gives the same answer, "
        "0 * 100 // d / 100 = 0 and the bounds equal to the smallest are the bounds at or below 0"
    ),
    "assessments.rules.reirradiation.x__sahgal__mutmut_17": "`smallest <= 1` for `<= 0`: no bound is ever 1",
    "assessments.rules.reirradiation.x__sahgal__mutmut_24": "the bounds `<= 1` for `<= 0` as limiting: no bound is 1",
    "assessments.rules.reirradiation.x_months_between__mutmut_16": (
        "`start.day >= end.day` for `>`: on equal days start + m months is end itself, never past it"
    ),
    "assessments.rules.reirradiation.x_gy__mutmut_9": (
        'rstrip("XX0XX") for rstrip("0"): the decimals are digits, so the same characters go'
    ),
    "assessments.rules.reirradiation.x_budget__mutmut_68": (
        "`end >= last_end` for `>`: an end equal to the last end found leaves the same date"
    ),
    "assessments.rules.reirradiation.x_budget__mutmut_78": "zip() without strict: groups and sums grow together",
    "assessments.rules.reirradiation.x_budget__mutmut_79": "zip(strict=False): groups and sums grow together",
    "assessments.rules.reirradiation.x_budget__mutmut_124": (
        "the exact BED summed from 0/2 instead of 0/1: the same fraction with numerator and denominator doubled, "
        "and _sahgal scales every bound by the denominator alike"
    ),
    "assessments.rules.reirradiation.x_no_limit_words__mutmut_1": (
        "the table not read: _no_limit_words makes the same words the table holds (tests/test_rules_tables.py)"
    ),
    "assessments.rules.reirradiation.x_no_limit_words__mutmut_3": (
        "the table's words never returned: _no_limit_words makes the same words again"
    ),
    "assessments.rules.lesions.xǁLesionsǁ__init____mutmut_38": (
        "budget_names worked out with no lesion irradiated: _budget_names then gives () too"
    ),
    "assessments.rules.inputs.xǁCaseInputǁ_check_prognosis__mutmut_9": (
        "Karnofsky `<= 101` for `<= 100`: it must also be a multiple of 10, and none lies between 100 and 101"
    ),
    "assessments.rules.sins.x_sins_partial__mutmut_32": "zip() without strict: both sequences are six long",
    "assessments.rules.sins.x_sins_partial__mutmut_33": "zip(strict=False) for strict=True: both are six long",
    # The reasons prior_courses gives its own ValueError: read_evaluation_date's callers and the reader catch it
    # and write their own message, so its words are never read.
    "assessments.rules.prior_courses.x__end_date__mutmut_21": 'ValueError(None) for ValueError("not a date")',
    "assessments.rules.prior_courses.x__end_date__mutmut_22": 'ValueError("XXnot a dateXX")',
    "assessments.rules.prior_courses.x__end_date__mutmut_23": 'ValueError("NOT A DATE")',
    "assessments.rules.prior_courses.x_read_evaluation_date__mutmut_5": 'ValueError(None) for ValueError("not a date")',
    "assessments.rules.prior_courses.x_read_evaluation_date__mutmut_6": 'ValueError("XXnot a dateXX")',
    "assessments.rules.prior_courses.x_read_evaluation_date__mutmut_7": 'ValueError("NOT A DATE")',
    "assessments.rules.prior_courses.x__dose__mutmut_3": 'ValueError(None) for ValueError("not a number")',
    "assessments.rules.prior_courses.x__dose__mutmut_4": 'ValueError("XXnot a numberXX")',
    "assessments.rules.prior_courses.x__dose__mutmut_5": 'ValueError("NOT A NUMBER")',
    "assessments.rules.referral.timers.x__decision__mutmut_11": (
        "the decision timer that does not apply started at None: its start is the report's time only when metastases "
        "are reported, and then it does not apply only when MSCC is excluded, where no carried deadline stands"
    ),
}


def main(root: Path = ROOT) -> int:
    metas = sorted((root / "mutants").rglob("*.py.meta"))
    if not metas:
        print("no mutmut results under mutants/: run `make mutation` first")
        return 2
    counts: Counter[str] = Counter()
    surviving: list[str] = []
    killed_names: set[str] = set()
    made_names: set[str] = set()
    for meta in metas:
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
            made_names.add(name)
            if code is None:
                counts["not checked"] += 1
            elif code in KILLED:
                counts["killed"] += 1
                killed_names.add(name)
            elif code in SURVIVED and name in EQUIVALENT:
                counts["equivalent"] += 1
            elif code in SURVIVED:
                counts["surviving"] += 1
                surviving.append(name)
            elif code in NO_TESTS:
                counts["no tests"] += 1
                surviving.append(f"{name} (no test runs it)")
            else:
                counts[f"exit code {code}"] += 1
                surviving.append(f"{name} (exit code {code})")
    for name in surviving:
        print(f"surviving: {name}")
    # mutmut numbers a function's mutants afresh when the function changes: a listed name it no longer makes, or
    # one that is now killed, is a reason about code that has gone, and is to be checked again.
    stale = sorted(name for name in EQUIVALENT if name not in made_names or name in killed_names)
    for name in stale:
        print(f"listed as equivalent, but {'killed' if name in killed_names else 'not made'} by this run: {name}")
    made = sum(counts.values())
    print(
        f"mutmut: {made} mutants, {counts['killed']} killed, {counts['equivalent']} equivalent, "
        f"{counts['surviving']} surviving"
        + "".join(f", {n} {k}" for k, n in sorted(counts.items()) if k not in ("killed", "equivalent", "surviving"))
    )
    return 1 if surviving or stale or counts["not checked"] else 0


if __name__ == "__main__":
    sys.exit(main())
