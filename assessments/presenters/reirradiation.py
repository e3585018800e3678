"""The spinal cord dose budget of each level irradiated before (spec 4.1), as a plain read-only table's rows.

Figures come from the stored result's ``lesions[i].reirradiation``; every code is spelled through
``labels``; every figure that rests on an assumed cord dose carries the mark. Nothing here is styled or
worded as a regimen: the page states beside it that the app does not prescribe or plan a dose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from assessments import rules
from assessments.labels import label

ASSUMED: Final = "assumed cord dose"
# Spec 9 and 4.1: what the page always says beside the budget.
STATEMENTS: Final = (
    "Reference calculation for radiation oncology, not a prescription; the dose is set by radiation oncology. "
    "The app does not prescribe or plan a dose.",
    "The budget covers only the spinal cord at this level (below the conus, the thecal sac and cauda equina): "
    "not other organs inside earlier fields, nor overlap with earlier fields at neighbouring levels.",
    "The app assumes that the cord received the prescribed dose of a cEBRT course unless the plan's cord "
    "maximum is recorded; every figure resting on that assumption is marked \u201cassumed cord dose\u201d.",
)


def _gy(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}" if value != int(value) else f"{value:.1f}"


def _course_rows(budget: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for number, course in enumerate(budget["courses"], start=1):
        phases = course["phases"]
        assumed = any(phase["cord_dose_assumed"] for phase in phases)
        rows.append(
            {
                "title": f"Course {number}" + (f" ({len(phases)} phases)" if len(phases) > 1 else ""),
                "bed": _gy(course["bed"]),
                "eqd2": _gy(course["eqd2"]),
                "assumed": ASSUMED if assumed else "",
                "phases": [
                    {
                        "cord_dose": _gy(phase["cord_dose_gy"]),
                        "bed": _gy(phase["bed"]),
                        "eqd2": _gy(phase["eqd2"]),
                        "assumed": ASSUMED if phase["cord_dose_assumed"] else "",
                    }
                    for phase in phases
                ],
            }
        )
    return rows


def _nieder(budget: Mapping[str, Any]) -> dict[str, Any] | None:
    nieder = budget["nieder_2006"]
    if nieder is None:
        return None
    return {
        "course_over_98": nieder["prior_course_over_98"],
        "interval_met": nieder["interval_met"],
        "rows": [
            {
                "title": label(rules.ReferenceCourse(item["code"])),
                "bed": _gy(item["bed"]),
                "cumulative_bed": _gy(item["cumulative_bed"]),
                "band": label(rules.NiederBand(item["band"])),
                "status": label(rules.LimitStatus(item["status"])),
            }
            for item in nieder["reference_calculations"]
        ],
    }


def _sahgal(budget: Mapping[str, Any]) -> dict[str, Any] | None:
    sahgal = budget["sahgal_2012"]
    if sahgal is None:
        return None
    return {
        "interval_met": sahgal["interval_met"],
        "remaining_eqd2": _gy(sahgal["remaining_eqd2"]),
        "limited_by": [label(rules.SahgalBound(bound)) for bound in sahgal["limited_by"]],
        "outside_cohort": sahgal["prior_outside_cohort_range"],
        "pmax": [{"fractions": n, "gy": _gy(gy)} for n, gy in sahgal["thecal_sac_pmax_constraint_gy"].items()],
    }


def present_budgets(result: Mapping[str, Any]) -> dict[str, Any]:
    """The budget of every lesion irradiated before, in the order given; nothing for a result without one."""
    budgets = []
    for lesion in result.get("lesions", []):
        budget = lesion.get("reirradiation")
        if not budget:
            continue
        assumed = ASSUMED if budget["cord_dose_assumed"] else ""
        budgets.append(
            {
                "level": lesion["spinal_level"],
                "status_code": budget["status"],
                "status": label(rules.BudgetStatus(budget["status"])),
                "reasons": [label(rules.NoLimitReason(r)) for r in budget["no_validated_limit_reasons"]],
                "courses": _course_rows(budget),
                "cumulative_bed": _gy(budget["cumulative_bed"]) if budget["courses"] else "unknown",
                "cumulative_eqd2": _gy(budget["cumulative_eqd2"]) if budget["courses"] else "unknown",
                "assumed": assumed,
                "last_end_date": budget["last_end_date"],
                "months_since_last": budget["months_since_last"],
                "nieder": _nieder(budget),
                "sahgal": _sahgal(budget),
            }
        )
    return {"budgets": budgets, "statements": STATEMENTS if budgets else ()}
