"""A case's result as plain text for the hospital's notes: the one place the *Copy summary* text is written."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from assessments import rules
from assessments.labels import label
from assessments.presenters.values import EMPTY


def _lesion_line(row: dict[str, Any]) -> str:
    return f"{row['level']}{' (index)' if row['index'] else ''}"


def _levels(case: Any, panel: dict[str, Any]) -> list[str]:
    rows = panel.get("lesions") or []
    if rows:
        return [_lesion_line(row) for row in rows]
    return [case.spinal_level] if case.spinal_level else []


def _sins(panel: dict[str, Any]) -> str:
    rows = panel.get("lesions") or []
    if rows:
        return "; ".join(f"{row['level']} {row['sins_total']} of 18 ({row['sins_category']})" for row in rows)
    return f"{panel['sins_total']} of 18 ({panel['sins_category']})"


def _high(high_grade: bool) -> str:
    return " (high grade)" if high_grade else ""


def _grades(panel: dict[str, Any]) -> str:
    rows = panel.get("lesions") or []
    if rows:
        return "; ".join(f"{row['level']} {row['escc_grade']}{_high(row['high_grade'])}" for row in rows)
    return f"{label(rules.EsccGrade(panel['escc_grade']))}{_high(panel['high_grade'])}"


def _sources(panel: dict[str, Any]) -> list[str]:
    found = [item["source"] for item in panel.get("rationale", [])] + [a["source"] for a in panel.get("alerts", [])]
    return list(dict.fromkeys(source for source in found if source))


def case_summary_text(*, case: Any, panel: dict[str, Any]) -> str:
    """The case page's result (``present_result``) as lines to paste into the notes, with nothing left to look up.

    Patient, levels, SINS and ESCC grade (each lesion's when there are several), pathway and its rule,
    treatment with the cEBRT regimen, steroids, urgency, each alert, the rule set and when it was
    evaluated, and the sources the reasons cite.
    """
    patient = case.patient
    born = patient.date_of_birth.strftime("%d/%m/%Y") if patient.date_of_birth else EMPTY
    evaluated = timezone.localtime(case.evaluated_at).strftime("%d/%m/%Y %H:%M") if case.evaluated_at else EMPTY
    lines = [
        f"ESCC assessment, case {case.pk} version {case.version} ({case.get_status_display()})",
        f"Patient: {patient.name}, MRN {patient.mrn}, born {born}, {patient.get_sex_display()}",
        f"Levels: {', '.join(_levels(case, panel)) or EMPTY}",
        f"SINS: {_sins(panel)}",
        f"ESCC grade: {_grades(panel)}",
        f"Recommended pathway: {panel['pathway_title']} (rule {panel['pathway_rule']})",
        f"Urgency: {panel['urgency']}",
        *(f"{line.title}: {line.value}" for line in panel["treatment"]),
        f"Steroids: {panel['steroids']}",
    ]
    if panel["alerts"]:
        lines.append("Alerts:")
        lines.extend(f"- {alert['title']}. {alert['text']}" for alert in panel["alerts"])
    else:
        lines.append("Alerts: none")
    lines.append(f"Rule set: {panel['rule_set']}, evaluated {evaluated}")
    sources = _sources(panel)
    if sources:
        lines.append("Sources:")
        lines.extend(f"- {source}" for source in sources)
    lines.append(f"A suggestion from {panel['rule_set_view']['text']}: the treating team and tumor board decide.")
    return "\n".join(lines)
