"""The figures of mutmut's last run over the rules (``mutants/``): mutants made, killed, equivalent, surviving.

Reads the ``.meta`` files mutmut writes beside each mutated module. A surviving mutant that ``EQUIVALENT`` does not
list (by mutmut's name for it, with the reason; docs/mutation-testing.md) makes the exit status 1.

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
    "assessments.rules.reirradiation.x_sahgal_2012__mutmut_15": (
        "`smallest <= 0` as `< 0`: at exactly 0 the other branch gives the same answer, "
        "floor(0 * 100) / 100 = 0 and the bounds equal to 0 are the bounds at or below 0"
    ),
    "assessments.rules.reirradiation.x_gy__mutmut_7": (
        'format(value, "F") for "f": the two differ only in spelling infinity and NaN, and every figure is finite'
    ),
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
    # _entry: names set for the type checker. end and month_only are read only when no field is at fault, and then
    # the end date has set both; the assert holds whenever it is reached.
    "assessments.rules.prior_courses.x__entry__mutmut_66": '`end = month_only = ""` for None: never read as such',
    "assessments.rules.prior_courses.x__entry__mutmut_102": "`or` for the assert's last `and`: every part holds",
    "assessments.rules.prior_courses.x__entry__mutmut_103": "`or` for the assert's middle `and`: every part holds",
    "assessments.rules.prior_courses.x__entry__mutmut_104": "`or` for the assert's first `and`: every part holds",
    # months_between: the first guess is the answer or one more, and the loop after it steps down to the largest m
    # with start + m months <= end from any guess above that; a mutant that only makes the guess larger gives the
    # same months (after more steps).
    "assessments.rules.reirradiation.x_months_between__mutmut_6": "`+ start.month` for `- start.month`: a larger guess",
    "assessments.rules.reirradiation.x_months_between__mutmut_9": "`end.year + start.year`: a larger guess",
    "assessments.rules.reirradiation.x_months_between__mutmut_10": "13 months a year: a larger guess",
    "assessments.rules.reirradiation.x_months_between__mutmut_11": "`max(..., 1)` for `max(..., 0)`: a larger guess",
    "assessments.rules.reirradiation.x_budget__mutmut_20": (
        "the cumulative BED summed from 0 instead of Decimal(0): budget() with no entry has returned before, so "
        "there is a course, and 0 + Decimal(x) is Decimal(x)"
    ),
    "assessments.rules.reirradiation.x_budget__mutmut_39": (
        "the exact BED summed from 0 instead of Fraction(0): under limits_apply every entry is cEBRT and has a BED, "
        "and 0 + Fraction(x) is Fraction(x)"
    ),
    "assessments.rules.reirradiation.x__courses__mutmut_19": (
        "sum(beds) started at 0 instead of Decimal(0): a course has at least one phase, and 0 + Decimal(x) is "
        "Decimal(x), exponent and all"
    ),
    "assessments.rules.reirradiation.x_figures__mutmut_1": (
        "`and` for `or`: the cumulative EQD2 is None exactly when the cumulative BED is (it is the BED / 2); "
        "the two tests are there for the type checker"
    ),
    "assessments.rules.reirradiation.x__limits__mutmut_2": (
        "`assert nieder is not None or sahgal is not None` for `and`: _limits runs only under limits_apply, "
        "where budget() sets both; the assert is there for the type checker"
    ),
    "assessments.rules.referral.validation.x__pass_one__mutmut_52": (
        "`nullable=None` for `nullable=False` when reading evaluated_at: the reader reads it only as `if nullable`"
    ),
    # _Plan.applies is read only as `not plan.applies` (its deadline, and the timer it makes), where None is False.
    "assessments.rules.referral.timers.x__acknowledge__mutmut_9": "`_Plan(None, …)` for `_Plan(False, …)`: read as false",
    "assessments.rules.referral.timers.x__imaging__mutmut_6": "`_Plan(None, …)` for `_Plan(False, …)`: read as false",
    "assessments.rules.referral.timers.x__report__mutmut_5": "`_Plan(None, …)` for `_Plan(False, …)`: read as false",
    "assessments.rules.referral.timers.x__decision__mutmut_10": "`_Plan(None, …)` for `_Plan(False, …)`: read as false",
    "assessments.rules.referral.timers.x__treatment__mutmut_17": "`_Plan(None, …)` for `_Plan(False, …)`: read as false",
    "assessments.rules.referral.timers.x__decision__mutmut_11": (
        "the decision timer that does not apply started at None: its start is the report's time only when metastases "
        "are reported, and then it does not apply only when MSCC is excluded, where no carried deadline stands"
    ),
}


def main() -> int:
    metas = sorted((ROOT / "mutants").rglob("*.py.meta"))
    if not metas:
        print("no mutmut results under mutants/: run `make mutation` first")
        return 2
    counts: Counter[str] = Counter()
    surviving: list[str] = []
    for meta in metas:
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
            if code is None:
                counts["not checked"] += 1
            elif code in KILLED:
                counts["killed"] += 1
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
    made = sum(counts.values())
    print(
        f"mutmut: {made} mutants, {counts['killed']} killed, {counts['equivalent']} equivalent, "
        f"{counts['surviving']} surviving"
        + "".join(f", {n} {k}" for k, n in sorted(counts.items()) if k not in ("killed", "equivalent", "surviving"))
    )
    return 1 if surviving or counts["not checked"] else 0


if __name__ == "__main__":
    sys.exit(main())
