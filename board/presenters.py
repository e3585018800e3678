"""Display of the tumor board's work: queue rows, decisions, the meeting pack and the CSV export."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from assessments import rules
from assessments.labels import badge, label
from assessments.presenters.reirradiation import present_budgets
from assessments.presenters.result import Line, pathway_title, present_lesions, present_result
from assessments.presenters.rule_sets import present_rule_set
from board.models import CLOCK_TARGET, TARGET_HOURS
from escc_site.time_text import span_text

OTHER_PATHWAY_LABEL = "Other (described)"
PATHWAY_CODES = frozenset(p.value for p in rules.PathwayCode)
HOUR = datetime.timedelta(hours=1)


def pathway_label(code: str, other_text: str = "") -> str:
    """The label of a decision's pathway: a spec code, or "Other: <text>"."""
    if code in PATHWAY_CODES:
        return label(rules.PathwayCode(code))
    return f"Other: {other_text}" if other_text else OTHER_PATHWAY_LABEL


def duration_text(delta: datetime.timedelta | None) -> str:
    """A short elapsed time ("40 min", "23 h 5 min", "3 d 4 h"); "—" when unknown or negative."""
    if delta is None or delta < datetime.timedelta(0):
        return "—"
    return span_text(delta)


def hours_text(delta: datetime.timedelta | None) -> str:
    """A duration in hours with one decimal ("20.5 h"), "—" when there is none."""
    if delta is None:
        return "—"
    return f"{delta / HOUR:.1f} h"


def percent_text(part: int, whole: int) -> str:
    """A share with one decimal ("66.7%"), "—" when there is nothing to divide."""
    return f"{100 * part / whole:.1f}%" if whole else "—"


def present_queue_row(case: Any, now: datetime.datetime) -> dict[str, Any]:
    """One board-queue row: the case, time waiting, and time since MRI flagged past the 24 h target."""
    since_mri = now - case.mri_at if case.mri_at else None
    overdue = since_mri is not None and since_mri > CLOCK_TARGET
    return {
        "case": case,
        "urgency": label(rules.Urgency(case.urgency)),
        "urgency_badge": badge(rules.Urgency(case.urgency)),
        "pathway": pathway_title(case.pathway_code, case.pathway_rule),
        "rule_set": present_rule_set(case.rule_set),  # which rule set recommended it
        "histology": label(rules.Histology(case.histology)),
        "waiting": duration_text(now - case.submitted_at if case.submitted_at else None),
        "since_mri": duration_text(since_mri) if since_mri is not None else "not recorded",
        "since_mri_hours": None if since_mri is None else round(since_mri / HOUR, 1),
        "mri_overdue": overdue,
        "mri_class": "mri-overdue" if overdue else "",
        "clinician": case.owner.get_full_name() or case.owner.get_username(),
        "levels": levels_text(case.spinal_level, case.lesion_count),
    }


def levels_text(index_level: str, count: int) -> str:
    """The index level and how many levels the case has ("T7, 1 of 3 levels"); just the level if it is the only one."""
    return index_level if count <= 1 else f"{index_level}, 1 of {count} levels"


def case_words(case: Any) -> str:
    """A case as its clinicians know it, without naming the patient: whose, which level, from when, its number.

    "Alice Example's T6 case of 30 Nov 2026 (case 3)": for e-mail, which leaves the hospital's
    systems, and for a user who may not open the case.
    """
    owner = case.owner.get_full_name() or case.owner.username
    started = timezone.localtime(case.created_at)
    level = levels_text(case.spinal_level, case.lesion_count)
    return f"{owner}'s {level} case of {started.day} {started:%b %Y} (case {case.pk})"


def present_decision(decision: Any, *, is_current: bool) -> dict[str, Any]:
    """A signed decision for the case page: labels, whether it follows the recommendation, its chain link."""
    return {
        "pk": decision.pk,
        "is_current": is_current,
        "pathway_code": decision.pathway_code,
        "pathway": pathway_label(decision.pathway_code, decision.other_pathway_text),
        "recommended": pathway_title(decision.recommended_pathway_code, decision.recommended_rule),
        "recommended_rule": decision.recommended_rule,
        "rule_set": decision.rule_set,
        "follows": decision.follows_recommendation,
        "follows_text": "Follows the recommendation"
        if decision.follows_recommendation
        else "Departs from the recommendation",
        "follows_badge": "success" if decision.follows_recommendation else "warning",
        "reason": decision.reason,
        "attendees": decision.attendees,
        "meeting_date": decision.meeting_date,
        "signed_by": decision.signed_by.get_full_name() or decision.signed_by.get_username(),
        "signed_at": decision.signed_at,
        "supersedes_id": decision.supersedes_id,
        "correction_reason": decision.correction_reason,
    }


def present_letter_budgets(case: Any) -> dict[str, Any]:
    """The cord dose budgets of the decided case's stored result, for the outcome letter (spec 4.1)."""
    return present_budgets(case.result or {})


def present_attendance(rows: list[Any]) -> dict[str, Any] | None:
    """The attendance kept with a decision (``DecisionAttendee`` rows), or None for a decision without one.

    ``present``: "Name (Specialty)" each; ``absent``: the quorum specialties nobody represented;
    ``after_signing``: the rows were copied from the meeting after the decision was signed.
    """
    if not rows:
        return None
    return {
        "present": [str(row) for row in rows if row.present],
        "absent": [row.get_specialty_display() for row in rows if not row.present],
        "after_signing": any(not row.taken_at_signing for row in rows),
    }


def _levels_words(case: Any, result: dict[str, Any]) -> str:
    """The levels of a case for the pack: the index level, the others, the index block and the field."""
    lesions = result.get("lesions") or []
    if len(lesions) <= 1:
        return f"level {case.spinal_level}"
    others = ", ".join(lesion["spinal_level"] for lesion in lesions if not lesion["index"])
    shown = present_lesions(result)
    words = f"index level {shown['index_level']} (block {shown['index_block']}); other levels {others}"
    if shown["cebrt_field"]:
        words += f"; cEBRT field {shown['cebrt_field']}"
    return words


def present_noms_summary(case: Any, result: dict[str, Any]) -> list[Line]:
    """The four NOMS lines of a meeting pack, from the stored inputs and the stored result."""
    yes_no = {True: "yes", False: "no"}
    hours = f", not walking for {case.hours_nonambulatory} h" if case.hours_nonambulatory is not None else ""
    neurologic = (
        f"ESCC grade {label(rules.EsccGrade(case.escc_grade))}; deficit {yes_no[case.neurologic_deficit]}"
        f" (progressing {yes_no[case.deficit_progressing]}); {label(rules.MotorStatus(case.motor_status))}{hours};"
        f" urinary symptoms {yes_no[case.urinary_symptoms]}, retention {yes_no[case.urinary_retention]}"
    )
    oncologic = (
        f"{label(rules.Histology(case.histology))}; "
        f"{label(rules.Radiosensitivity(result['radiosensitivity']))}; "
        f"prior radiation in the field {yes_no[case.prior_radiation_in_field]}"
    )
    mechanical = (
        f"SINS {result['sins']['total']}/18, {label(rules.SinsCategory(result['sins']['category']))}; "
        f"{label(rules.Stability(result['stability']))} ({label(rules.StabilityAssessment(case.stability_assessment))})"
        f"; {_levels_words(case, result)}; retropulsion {yes_no[case.retropulsion]}"
    )
    systemic = (
        f"Expected survival {label(rules.ExpectedSurvival(case.expected_survival)).lower()}; "
        f"surgical candidate: {label(rules.SurgicalCandidate(case.surgical_candidate)).lower()}; "
        f"oligometastatic {yes_no[case.oligometastatic]}; SBRT available {yes_no[case.sbrt_available]}"
    )
    return [
        Line("Neurologic", neurologic),
        Line("Oncologic", oncologic),
        Line("Mechanical", mechanical),
        Line("Systemic", systemic),
    ]


# The page prints the cord dose budget's own table, so the reasons it restates are left out too: the
# budget's ("reirradiation") and those of the alerts that say its status or interval (their titles stay).
_PACK_OMITS = frozenset(
    {
        "cebrt_field",
        "prognosis:tokuhashi_revised",
        "prognosis:tomita",
        "prognosis:modified_bauer",
        "reirradiation",
        "alert:reirradiation_budget_unknown",
        "alert:reirradiation_no_validated_limit",
        "alert:reirradiation_interval_short",
    }
)


def present_pack_page(case: Any, now: datetime.datetime) -> dict[str, Any]:
    """One page of the meeting pack: the queue row, the NOMS summary, the stored result and the discussion.

    Times are absolute (the pack is read later, on paper); the board's current decision, when there
    is one, is printed instead of blank lines to fill in.
    """
    decisions = list(case.decisions.all())
    superseded = {d.supersedes_id for d in decisions if d.supersedes_id is not None}
    current = next((d for d in decisions if d.pk not in superseded), None)
    panel = present_result(case.result)
    # One A4 per case: the pack leaves out the 2027.1 rationale lines (prognosis scores, cEBRT field),
    # which pushed a case over a page.
    panel["rationale"] = [item for item in panel["rationale"] if item.get("topic", "") not in _PACK_OMITS]
    return {
        **present_queue_row(case, now),
        "noms": present_noms_summary(case, case.result),
        "panel": panel,
        "comments": [
            {
                "author": c.author.get_full_name() or c.author.get_username(),
                "at": c.created_at,
                "text": c.text,
                "kind": c.get_kind_display(),
            }
            for c in case.comments.all()
        ],
        "decision": None if current is None else present_decision(current, is_current=True),
    }


# The queue's CSV: a header a person reads, and codes kept beside the labels for a spreadsheet.
CSV_COLUMNS = (
    "Case", "MRN", "Patient name", "Date of birth", "Urgency", "Urgency code", "Recommended pathway",
    "Pathway code", "Rule", "Rule set", "SINS total", "Histology", "Histology code", "ESCC grade", "MRI at",
    "Hours since MRI", f"Over {TARGET_HOURS} h since MRI", "Submitted at", "Board meeting date",
    "Question for the board", "Clinician",
)  # fmt: skip


def csv_row(row: dict[str, Any]) -> list[Any]:
    """One queue row (``present_queue_row``) as CSV cells, in ``CSV_COLUMNS`` order; ISO dates and times."""
    case = row["case"]
    return [
        case.pk,
        case.patient.mrn,
        case.patient.name,
        case.patient.date_of_birth.isoformat(),
        row["urgency"],
        case.urgency,
        row["pathway"],
        case.pathway_code,
        case.pathway_rule,
        case.rule_set,  # which rule set made the recommendation
        case.sins_total,
        row["histology"],
        case.histology,
        case.escc_grade,
        _iso(case.mri_at),
        "" if row["since_mri_hours"] is None else row["since_mri_hours"],
        "yes" if row["mri_overdue"] else "no",
        _iso(case.submitted_at),
        case.meeting_date.isoformat() if case.meeting_date else "",
        case.board_question,
        row["clinician"],
    ]


def _iso(value: datetime.datetime | None) -> str:
    from django.utils import timezone

    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def months_back(today: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months - 1`` months before ``today``'s: a window of ``months`` whole months."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return datetime.date(index // 12, index % 12 + 1, 1)
