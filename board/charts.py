"""The quality dashboard: numbers, texts and the geometry of its server-rendered SVG charts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from board.models import TARGET_HOURS
from board.presenters import hours_text, pathway_label, percent_text

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
    "mri_to_decision": f"MRI to decision within {TARGET_HOURS} h",
    "decision_to_treatment": f"Decision to treatment within {TARGET_HOURS} h",
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
