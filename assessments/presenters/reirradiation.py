"""The spinal cord dose budget of each level irradiated before (spec 4.1), as the rows of one small table per level.

Figures come from the stored result's ``lesions[i].reirradiation``; every code is spelled through
``labels``, every sentence is written here, and every figure that rests on an assumed cord dose carries
the mark in the row it sits in (spec 9). The one template that shows it (``_reirradiation_panel.html``)
only loops: the case form's live panel, the case page, meeting mode, the meeting pack and the outcome
letter all include it. Nothing here is styled or worded as a regimen: the three statements stand above
every budget, the first in the spec's own words.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Final

from django.utils.formats import date_format

from assessments import rules
from assessments.labels import label

ASSUMED: Final = "assumed cord dose"
UNKNOWN: Final = "unknown"
# Spec 9 and 4.1: what is always said beside the budget. The first sentence is the spec's own wording.
STATEMENTS: Final = (
    "Reference calculation for radiation oncology, not a prescription; the dose is set by radiation oncology. "
    "The app does not prescribe or plan a dose.",
    "The budget covers only the spinal cord at this level (below the conus, the thecal sac and cauda equina): "
    "not other organs inside earlier fields, nor overlap with earlier fields at neighbouring levels.",
    "The app assumes that the cord received the prescribed dose of a cEBRT course unless the plan's cord "
    "maximum is recorded; every figure resting on that assumption is marked \u201cassumed cord dose\u201d. "
    "An SBRT prescription is never taken as a cord dose.",
)
# Spec 4.1 RB5, beside each status: what the figures are worth.
STATUS_NOTES: Final = {
    rules.BudgetStatus.UNKNOWN: (
        "No earlier course is recorded, so the cumulative cord dose is unknown: a missing record is not a zero "
        "dose. Record each earlier course's technique, total dose, fractions and end date, and the plan's cord "
        "maximum where known."
    ),
    rules.BudgetStatus.NO_VALIDATED_LIMIT: (
        "No published limit covers this history, so none is stated: the courses and the cumulative figures are "
        "information only, and the new plan needs the earlier plans' doses (Nieder 2006; Sahgal 2012; HyTEC 2021)."
    ),
    rules.BudgetStatus.LIMITS_APPLY: "",
}
# An SBRT entry without its plan's cord maximum (RB3): its cord dose, and every sum over it, is unknown.
NO_CORD_MAXIMUM: Final = "SBRT plan's cord maximum not recorded"
# Spec 4.1 RB6: beside the reference calculations.
NIEDER_NOTE: Final = (
    "Each reference calculation takes the new course's cord dose to be its prescription, which is an "
    "assumption too: a course only 1% hotter at the cord (20.2 Gy in 5 fractions, 61.1 Gy2 instead of 60.0) "
    "adds 1.1 Gy2 to the cumulative BED."
)
# Spec 4.1 RB7: beside the Pmax constraint.
SAHGAL_NOTE: Final = (
    "A constraint on the new plan's thecal-sac point maximum, not a prescription. The source gives the SBRT "
    "course's 25 Gy EQD2 as a range (20\u201325 Gy) and calls 70 Gy and 50% approximate; the app applies all "
    "three as exact limits."
)
SAHGAL_OUTSIDE_COHORT: Final = (
    "The earlier course lies outside the 30\u201350 Gy EQD2 of conventional radiation Sahgal's patients had had."
)


def _gy(value: float | None) -> str:
    """A figure as the result holds it, with at least one decimal (75.0, 37.75); ``unknown`` for null."""
    if value is None:
        return UNKNOWN
    return f"{value:.1f}" if value == int(value) else f"{value:g}"


def _mark(*, assumed: bool, known: bool) -> str:
    """What stands beside a figure: unknown without the SBRT plan's cord maximum, else assumed or not."""
    if not known:
        return NO_CORD_MAXIMUM
    return ASSUMED if assumed else ""


def _met(met: bool) -> str:
    return "met" if met else "not met"


def _months(months: int) -> str:
    return f"{months} month{'' if months == 1 else 's'}"


def _day(iso: str | None) -> str:
    return "" if iso is None else date_format(datetime.date.fromisoformat(iso), "DATE_FORMAT")


def _phase_row(title: str, phase: Mapping[str, Any]) -> dict[str, str]:
    return {
        "title": title,
        "cord_dose": _gy(phase["cord_dose_gy"]),
        "bed": _gy(phase["bed"]),
        "eqd2": _gy(phase["eqd2"]),
        "note": _mark(assumed=phase["cord_dose_assumed"], known=phase["cord_dose_gy"] is not None),
        "kind": "phase",
    }


def _course_rows(budget: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per single-phase course; a course of several phases gets a row per phase, then its total."""
    rows = []
    for number, course in enumerate(budget["courses"], start=1):
        phases = course["phases"]
        title = f"Course {number}"
        if len(phases) == 1:
            rows.append(_phase_row(title, phases[0]))
            continue
        rows += [_phase_row(f"{title}, phase {n}", phase) for n, phase in enumerate(phases, start=1)]
        assumed = any(phase["cord_dose_assumed"] for phase in phases)
        rows.append(
            {
                "title": f"{title}, total",
                "cord_dose": "",
                "bed": _gy(course["bed"]),
                "eqd2": _gy(course["eqd2"]),
                "note": _mark(assumed=assumed, known=course["bed"] is not None),
                "kind": "total",
            }
        )
    return rows


def _cumulative_row(budget: Mapping[str, Any]) -> dict[str, str]:
    return {
        "title": "Cumulative",
        "cord_dose": "",
        "bed": _gy(budget["cumulative_bed"]),
        "eqd2": _gy(budget["cumulative_eqd2"]),
        "note": _mark(assumed=budget["cord_dose_assumed"], known=budget["cumulative_bed"] is not None),
        "kind": "cumulative",
    }


def _interval(budget: Mapping[str, Any], evaluation_date: str | None) -> str:
    months = budget["months_since_last"]
    counted = f", counted to {_day(evaluation_date)}" if evaluation_date else ""
    return f"Interval since the last course: {_months(months)} (it ended {_day(budget['last_end_date'])}{counted})."


def _nieder(budget: Mapping[str, Any]) -> dict[str, Any] | None:
    nieder = budget["nieder_2006"]
    if nieder is None:
        return None
    assumed = ASSUMED if budget["cord_dose_assumed"] else ""
    course = budget["courses"][0]
    return {
        "caption": "Nieder 2006, for a further cEBRT course: reference calculations of the cumulative BED",
        "conditions": (
            f"Nieder's conditions: the earlier course at most 98 Gy2 ({_gy(course['bed'])} Gy2): "
            f"{_met(not nieder['prior_course_over_98'])}; at least 6 months since the last course "
            f"({_months(budget['months_since_last'])}): {_met(nieder['interval_met'])}."
        ),
        "rows": [
            {
                "title": label(rules.ReferenceCourse(item["code"])),
                "bed": _gy(item["bed"]),
                # The mark sits in the figure's own cell: the table stays narrow enough for the side panel.
                "cumulative_bed": _gy(item["cumulative_bed"]) + (f" ({assumed})" if assumed else ""),
                "band": label(rules.NiederBand(item["band"])),
                "status": label(rules.LimitStatus(item["status"])),
            }
            for item in nieder["reference_calculations"]
        ],
        "note": NIEDER_NOTE,
    }


def _sahgal(budget: Mapping[str, Any]) -> dict[str, Any] | None:
    sahgal = budget["sahgal_2012"]
    if sahgal is None:
        return None
    limited_by = ", ".join(label(rules.SahgalBound(bound)) for bound in sahgal["limited_by"])
    pmax = sahgal["thecal_sac_pmax_constraint_gy"]
    return {
        "caption": "Sahgal 2012, for a further SBRT course: thecal-sac Pmax constraint per fraction count",
        "fractions": [f"{n} fraction{'' if n == '1' else 's'}" for n in pmax],
        "pmax": [_gy(gy) for gy in pmax.values()],
        "pmax_title": "Pmax at most (Gy)",
        "note_cell": ASSUMED if budget["cord_dose_assumed"] else "",
        "conditions": (
            f"EQD2 left for the SBRT course: {_gy(sahgal['remaining_eqd2'])} Gy, limited by {limited_by}. "
            f"At least 5 months since the conventional course ({_months(budget['months_since_last'])}): "
            f"{_met(sahgal['interval_met'])}."
        ),
        "notes": [SAHGAL_OUTSIDE_COHORT, SAHGAL_NOTE] if sahgal["prior_outside_cohort_range"] else [SAHGAL_NOTE],
    }


def present_budgets(result: Mapping[str, Any]) -> dict[str, Any]:
    """The budget of every lesion irradiated before, in the order given; nothing for a result without one.

    ``statements`` are the three sentences shown above the budgets (empty when there is none). Each
    budget has its ``caption`` (the level and its status in words, with the reasons for no validated
    limit), ``rows`` (each course or phase, its total, and the cumulative row last) and the ``interval``
    unless no course is recorded, the status's ``note``, and, when published limits apply, ``limits``:
    ``nieder`` (a further cEBRT course) and ``sahgal`` (a further SBRT course).
    """
    budgets = []
    for lesion in result.get("lesions") or []:
        budget = lesion.get("reirradiation")
        if not budget:
            continue
        status = rules.BudgetStatus(budget["status"])
        reasons = [label(rules.NoLimitReason(r)) for r in budget["no_validated_limit_reasons"]]
        caption = f"{lesion['spinal_level']}: {label(status)}" + (f" ({'; '.join(reasons)})" if reasons else "")
        recorded = status != rules.BudgetStatus.UNKNOWN  # unknown: no course, so no figure to tabulate
        nieder, sahgal = _nieder(budget), _sahgal(budget)
        budgets.append(
            {
                "level": lesion["spinal_level"],
                "status_code": status.value,
                "caption": caption,
                "rows": [*_course_rows(budget), _cumulative_row(budget)] if recorded else [],
                "interval": _interval(budget, result.get("evaluation_date")) if recorded else "",
                "note": STATUS_NOTES[status],
                "limits": None if nieder is None or sahgal is None else {"nieder": nieder, "sahgal": sahgal},
            }
        )
    return {"budgets": budgets, "statements": STATEMENTS if budgets else ()}
