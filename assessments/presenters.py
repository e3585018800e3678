"""Display logic for a rules result: labels, badge colours and the SINS gauge geometry.

Works on the result *dictionary* (``Result.to_dict()``), so the live panel and a
saved case's stored snapshot are shown by the same code, exactly as evaluated.
"""

from __future__ import annotations

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
    from assessments.forms import AssessmentForm

    form = AssessmentForm()
    rows = []
    for name, field in form.fields.items():
        value = getattr(case, name)
        if value is None:
            text = "—"
        elif value is True or value is False:
            text = "Yes" if value else "No"
        else:
            flat = dict(_flatten(getattr(field, "choices", [])))
            text = str(flat.get(str(value), value))
        rows.append({"name": name, "label": str(field.label), "value": text})
    return rows


def _flatten(choices: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for code, text in choices:
        out.extend(text if isinstance(text, list | tuple) else [(code, text)])
    return out
