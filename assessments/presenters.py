"""Display logic for a rules result: labels, badge colours and the SINS gauge geometry.

Works on the result *dictionary* (``Result.to_dict()``), so the live panel and a
saved case's stored snapshot are shown by the same code, exactly as evaluated.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from assessments import rules
from assessments.labels import badge, label

SINS_COMPONENTS = (
    ("location", "Location", "spinal_level"),
    ("pain", "Pain", "sins_pain"),
    ("bone_lesion", "Bone lesion", "sins_bone_lesion"),
    ("alignment", "Alignment", "sins_alignment"),
    ("collapse", "Vertebral body collapse", "sins_collapse"),
    ("posterolateral", "Posterolateral involvement", "sins_posterolateral"),
)
# Gauge: 18 points drawn 10 units each; bands 0-6, 7-12, 13-18.
GAUGE_UNIT = 10


def _label(enum: type, code: str | None) -> str:
    if code is None:
        return "None"
    return label(enum(code))  # type: ignore[call-arg]


@dataclass(frozen=True)
class Line:
    title: str
    value: str
    badge: str = "secondary"


def sins_gauge(total: int | None, max_possible: int | None = None) -> dict[str, int | None]:
    """Geometry of the SVG gauge (attributes, not styles: the CSP forbids inline style)."""
    return {
        "marker_x": None if total is None else total * GAUGE_UNIT + GAUGE_UNIT // 2,
        "range_x": None if total is None else total * GAUGE_UNIT,
        "range_width": None if total is None or max_possible is None else (max_possible - total) * GAUGE_UNIT,
    }


def present_result(result: dict[str, Any]) -> dict[str, Any]:
    """Everything the result panel shows, for a complete evaluation."""
    pathway = result["pathway"]
    sins = result["sins"]
    components = [{"key": key, "title": title, "points": sins["components"][key]} for key, title, _ in SINS_COMPONENTS]
    category = rules.SinsCategory(sins["category"])
    urgency = rules.Urgency(result["urgency"])
    treatment = [
        Line("Stabilization", _label(rules.Stabilization, pathway["stabilization"])),
        Line("Radiation", _label(rules.Radiation, pathway["radiation"])),
    ]
    if pathway["cebrt_regimen"]:
        treatment.append(Line("cEBRT regimen", _label(rules.CebrtRegimen, pathway["cebrt_regimen"])))
    supportive = [
        Line("Steroids", _label(rules.Steroids, result["steroids"])),
        Line("VTE prophylaxis", _label(rules.VteProphylaxis, result["vte_prophylaxis"])),
        Line("Bladder", _label(rules.Bladder, result["bladder"])),
        Line("Mobility", _label(rules.Mobility, result["mobility"])),
    ]
    return {
        "complete": True,
        "rule_set": result["rule_set"],
        "sins_total": sins["total"],
        "sins_components": components,
        "sins_category": label(category),
        "sins_category_code": category.value,
        "sins_badge": badge(category),
        "gauge": sins_gauge(sins["total"]),
        "stability": label(rules.Stability(result["stability"])),
        "radiosensitivity": label(rules.Radiosensitivity(result["radiosensitivity"])),
        "escc_grade": result["escc"]["grade"],
        "high_grade": result["escc"]["high_grade"],
        "pathway_code": pathway["code"],
        "pathway_title": _label(rules.PathwayCode, pathway["code"]),
        "pathway_rule": pathway["rule"],
        "treatment": treatment,
        "supportive": supportive,
        "supportive_always": result.get("supportive_care_always", ""),
        "texts": [
            text
            for text in (
                result.get("regimen_text"),
                result.get("field_text"),
                result.get("sbrt_dose_text"),
                result.get("steroid_dosing_text"),
            )
            if text
        ],
        "urgency": label(urgency),
        "urgency_code": urgency.value,
        "urgency_badge": badge(urgency),
        "alerts": [
            {"code": a["code"], "title": _label(rules.Alert, a["code"]), "text": a["text"], "source": a["source"]}
            for a in result.get("alert_details", [])
        ],
        "rationale": result["rationale"],
        "prognosis": [{"text": note.text, "source": note.source} for note in rules.PROGNOSIS_NOTES],
    }


def present_partial(partial: rules.PartialSins, missing_labels: list[str]) -> dict[str, Any]:
    """What the panel shows while the form is incomplete: SINS so far and what is still needed."""
    components = [{"key": key, "title": title, "points": partial.components[key]} for key, title, _ in SINS_COMPONENTS]
    return {
        "complete": False,
        "sins_total": partial.total_so_far,
        "sins_max_possible": partial.max_possible,
        "sins_components": components,
        "sins_category": label(partial.category) if partial.category else None,
        "sins_badge": badge(partial.category) if partial.category else "secondary",
        "sins_range": None if partial.category else (label(partial.lowest_category), label(partial.highest_category)),
        "gauge": sins_gauge(partial.total_so_far, partial.max_possible),
        "missing": missing_labels,
    }


def urgency_choices() -> list[tuple[str, str]]:
    return [(u.value, label(u)) for u in rules.Urgency]


def present_inputs(case: Any) -> list[dict[str, str]]:
    """The saved assessment inputs as label/value rows, in the form's order."""
    from assessments.forms import AssessmentForm, flat_choices

    form = AssessmentForm()
    rows = []
    for name, field in form.fields.items():
        value = getattr(case, name)
        if value is None:
            text = "—"
        elif value is True or value is False:
            text = "Yes" if value else "No"
        else:
            flat = dict(flat_choices(getattr(field, "choices", [])))
            text = str(flat.get(str(value), value))
        rows.append({"name": name, "label": str(field.label), "value": text})
    return rows


# --- Tumor board ------------------------------------------------------------------------

OTHER_PATHWAY_LABEL = "Other (described)"
PATHWAY_CODES = frozenset(p.value for p in rules.PathwayCode)
HOUR = datetime.timedelta(hours=1)
MRI_TARGET = datetime.timedelta(hours=24)


def pathway_label(code: str, other_text: str = "") -> str:
    """The label of a decision's pathway: a spec code, or "Other: <text>"."""
    if code in PATHWAY_CODES:
        return label(rules.PathwayCode(code))
    return f"Other: {other_text}" if other_text else OTHER_PATHWAY_LABEL


def duration_text(delta: datetime.timedelta | None) -> str:
    """A short elapsed time: "40 min", "23 h 05 min", "3 d 4 h"; "—" when unknown or negative."""
    if delta is None or delta < datetime.timedelta(0):
        return "—"
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes} min"
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


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
    overdue = since_mri is not None and since_mri > MRI_TARGET
    return {
        "case": case,
        "urgency": label(rules.Urgency(case.urgency)),
        "urgency_badge": badge(rules.Urgency(case.urgency)),
        "pathway": label(rules.PathwayCode(case.pathway_code)),
        "histology": label(rules.Histology(case.histology)),
        "waiting": duration_text(now - case.submitted_at if case.submitted_at else None),
        "since_mri": duration_text(since_mri) if since_mri is not None else "not recorded",
        "since_mri_hours": None if since_mri is None else round(since_mri / HOUR, 1),
        "mri_overdue": overdue,
        "mri_class": "mri-overdue" if overdue else "",
        "clinician": case.owner.get_full_name() or case.owner.get_username(),
    }


def present_decision(decision: Any, *, is_current: bool) -> dict[str, Any]:
    """A signed decision for the case page: labels, whether it follows the recommendation, its chain link."""
    return {
        "pk": decision.pk,
        "is_current": is_current,
        "pathway_code": decision.pathway_code,
        "pathway": pathway_label(decision.pathway_code, decision.other_pathway_text),
        "recommended": label(rules.PathwayCode(decision.recommended_pathway_code)),
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
        f"; level {case.spinal_level}; retropulsion {yes_no[case.retropulsion]}"
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


_PACK_OMITS = frozenset({"cebrt_field", "prognosis:tokuhashi_revised", "prognosis:tomita", "prognosis:modified_bauer"})


def present_pack_page(case: Any, now: datetime.datetime) -> dict[str, Any]:
    """One page of the meeting pack: the queue row, the NOMS summary and the stored result."""
    panel = present_result(case.result)
    # One A4 per case: until issue 13 brings lesions and scores to the pages, the pack leaves out the
    # 2027.1 rationale lines they would show (prognosis scores, cEBRT field), which pushed a case over a page.
    panel["rationale"] = [item for item in panel["rationale"] if item.get("topic", "") not in _PACK_OMITS]
    return {
        **present_queue_row(case, now),
        "noms": present_noms_summary(case, case.result),
        "panel": panel,
    }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text: a leading = + - @ (or tab, CR) gets an apostrophe.

    OWASP "CSV injection": such a cell would otherwise run as a formula when opened.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def months_back(today: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months - 1`` months before ``today``'s: a window of ``months`` whole months."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return datetime.date(index // 12, index % 12 + 1, 1)


# --- Dashboard charts (server-rendered SVG: geometry here, attributes in the template) ------

CHART_WIDTH = 600
BAR_GAP = 6


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    # A second, overlaid bar (the concordant part of a month's decisions).
    part_y: float = 0
    part_height: float = 0
    text_x: float = 0
    text_y: float = 0


def month_starts(since: datetime.date, today: datetime.date) -> list[datetime.date]:
    """First days of the months from ``since`` to ``today``, inclusive."""
    months, current = [], since.replace(day=1)
    while current <= today:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def column_chart(rows: list[dict[str, Any]], *, height: int = 160) -> dict[str, Any]:
    """Columns for decisions per month, with the concordant part drawn over each column."""
    top, bottom = 16, 22
    plot = height - top - bottom
    peak = max((r["total"] for r in rows), default=0) or 1
    step = CHART_WIDTH / max(len(rows), 1)
    bars = []
    for i, row in enumerate(rows):
        h = plot * row["total"] / peak
        part = plot * row["concordant"] / peak
        x = i * step + BAR_GAP / 2
        bars.append(
            Bar(
                label=row["label"],
                value=row["total"],
                x=round(x, 1),
                y=round(top + plot - h, 1),
                width=round(step - BAR_GAP, 1),
                height=round(h, 1),
                part_y=round(top + plot - part, 1),
                part_height=round(part, 1),
                text_x=round(x + (step - BAR_GAP) / 2, 1),
                text_y=round(top + plot - h - 3, 1),
            )
        )
    return {"width": CHART_WIDTH, "height": height, "bars": bars, "axis_y": top + plot, "label_y": height - 6}


def row_chart(rows: list[tuple[str, float, str]], *, maximum: float | None = None) -> dict[str, Any]:
    """Horizontal bars: (label, value, text shown at the bar's end), scaled to ``maximum`` or the largest."""
    label_width, row_height, text_room = 230, 22, 60
    plot = CHART_WIDTH - label_width - text_room
    peak = maximum or max((value for _, value, _ in rows), default=0) or 1
    bars = []
    for i, (text_label, value, text) in enumerate(rows):
        width = plot * value / peak
        y = i * row_height
        bars.append(
            {
                "label": text_label,
                "text": text,
                "x": label_width,
                "y": y + 3,
                "width": round(width, 1),
                "height": row_height - BAR_GAP,
                "label_y": y + row_height / 2 + 4,
                "text_x": round(label_width + width + 4, 1),
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": max(len(rows), 1) * row_height,
        "bars": bars,
        "label_x": label_width - 6,
        "plot_width": plot,
    }


def present_dashboard(metrics: dict[str, Any], *, since: datetime.date, today: datetime.date) -> dict[str, Any]:
    """Numbers, texts and chart geometry for the quality dashboard (selectors.board_quality's output)."""
    by_month = {(r["month"].year, r["month"].month): r for r in metrics["per_month"]}
    months = []
    for start in month_starts(since, today):
        row = by_month.get((start.year, start.month), {"total": 0, "concordant": 0})
        months.append(
            {
                "label": start.strftime("%b %Y"),
                "short": start.strftime("%b"),
                "total": row["total"],
                "concordant": row["concordant"],
                "share": percent_text(row["concordant"], row["total"]),
            }
        )
    total = sum(m["total"] for m in months)
    concordant = sum(m["concordant"] for m in months)
    pathways = [
        {"code": p["pathway_code"], "label": pathway_label(p["pathway_code"]), "n": p["n"]} for p in metrics["pathways"]
    ]
    intervals = {key: _present_interval(metrics[key]) for key in ("mri_to_decision", "decision_to_treatment")}
    return {
        "decided_cases": metrics["decided_cases"],
        "total": total,
        "concordant": concordant,
        "departed": total - concordant,
        "concordance": percent_text(concordant, total),
        "months": months,
        "month_chart": column_chart([{**m, "label": m["short"]} for m in months]),
        "pathways": [{**p, "share": percent_text(p["n"], total)} for p in pathways],
        "pathway_chart": row_chart([(p["label"], p["n"], str(p["n"])) for p in pathways]),
        "departures": [
            {
                "recommended": pathway_label(d["recommended_pathway_code"]),
                "chosen": pathway_label(d["pathway_code"]),
                "n": d["n"],
            }
            for d in metrics["departures"]
        ],
        "recent_departures": [
            {
                "case_id": d.case_id,
                "signed_at": d.signed_at,
                "recommended": pathway_label(d.recommended_pathway_code),
                "recommended_rule": d.recommended_rule,
                "chosen": pathway_label(d.pathway_code, d.other_pathway_text),
                "reason": d.reason,
            }
            for d in metrics["recent_departures"]
        ],
        **intervals,
        "target_chart": row_chart(
            [
                (TARGET_LABELS[key], intervals[key]["share_value"], intervals[key]["share"])
                for key in ("mri_to_decision", "decision_to_treatment")
            ],
            maximum=100,
        ),
    }


TARGET_LABELS = {
    "mri_to_decision": "MRI to decision within 24 h",
    "decision_to_treatment": "Decision to treatment within 24 h",
}


def _present_interval(values: dict[str, Any]) -> dict[str, Any]:
    n, within = values["n"], values["within"]
    return {
        **values,
        "median_text": hours_text(values["median"]),
        "share": percent_text(within, n),
        "share_value": 100 * within / n if n else 0,
        "over": n - within,
    }
