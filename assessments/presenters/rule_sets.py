"""Which rule set a stored result came from, and what re-evaluating it under the current one changes.

A saved case keeps the result it was saved with, under the rule set of that day (2026.1 results have
no ``lesions``, ``cebrt_field`` or ``prognosis_scores``); re-evaluating is the owner's explicit action
(``views.case_reevaluate``). These functions read both result shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessments import rules
from assessments.labels import field_label, label


def present_rule_set(rule_set: str | None) -> dict[str, Any]:
    """A rule set as shown beside a recommendation: its code, and whether it is the current one."""
    current = rule_set == rules.RULE_SET
    return {
        "code": rule_set or "",
        "current": current,
        "current_code": rules.RULE_SET,
        "text": f"rule set {rule_set}" if current else f"rule set {rule_set} (earlier rule set)",
        "badge": "light" if current else "warning",
    }


def _words(enum: type, code: str | None) -> str:
    return "None" if code is None else label(enum(code))  # type: ignore[call-arg]


def _rows(result: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    pathway = result["pathway"]
    return {
        "pathway": ("Pathway", f"{_words(rules.PathwayCode, pathway['code'])} (rule {pathway['rule']})"),
        "stabilization": ("Stabilization", _words(rules.Stabilization, pathway["stabilization"])),
        "radiation": ("Radiation", _words(rules.Radiation, pathway["radiation"])),
        "cebrt_regimen": ("cEBRT regimen", _words(rules.CebrtRegimen, pathway["cebrt_regimen"])),
        "steroids": ("Steroids", _words(rules.Steroids, result["steroids"])),
        "vte_prophylaxis": ("VTE prophylaxis", _words(rules.VteProphylaxis, result["vte_prophylaxis"])),
        "bladder": ("Bladder", _words(rules.Bladder, result["bladder"])),
        "mobility": ("Mobility", _words(rules.Mobility, result["mobility"])),
        "urgency": ("Urgency", _words(rules.Urgency, result["urgency"])),
        "sins": ("SINS", f"{result['sins']['total']} ({_words(rules.SinsCategory, result['sins']['category'])})"),
        "stability": ("Stability", _words(rules.Stability, result["stability"])),
    }


def present_reevaluation(stored: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What changes when a stored result is replaced by a new evaluation, in clinical words.

    ``changes`` lists every line that differs (pathway, regimen, steroids, urgency, ...) with both
    values; ``alerts_added`` and ``alerts_removed`` name the alerts by their titles; ``new_outputs``
    names what the new rule set adds that the stored result did not have (the prognosis scores).
    """
    before, after = _rows(stored), _rows(new)
    changes = [
        {"code": key, "label": before[key][0], "old": before[key][1], "new": after[key][1]}
        for key in before
        if before[key][1] != after[key][1]
    ]
    old_alerts, new_alerts = list(stored.get("alerts", [])), list(new.get("alerts", []))
    added = [a for a in new_alerts if a not in old_alerts]
    removed = [a for a in old_alerts if a not in new_alerts]
    texts = {a["code"]: a["text"] for a in new.get("alert_details", [])}
    new_outputs = []
    if "prognosis_scores" in new and "prognosis_scores" not in stored:
        new_outputs.append("Prognosis scores (revised Tokuhashi, Tomita, modified Bauer) beside the survival estimate")
    if "cebrt_field" in new and "cebrt_field" not in stored:
        new_outputs.append("The radiation field (the levels it covers)")
    return {
        "from_rule_set": stored.get("rule_set"),
        "to_rule_set": new.get("rule_set"),
        "changes": changes,
        "alerts_added": [{"code": a, "title": label(rules.Alert(a)), "text": texts.get(a, "")} for a in added],
        "alerts_removed": [{"code": a, "title": label(rules.Alert(a))} for a in removed],
        "new_outputs": new_outputs,
        "same_recommendation": not changes and not added and not removed,
    }


def present_contradiction(error: rules.InputError) -> dict[str, str]:
    """Saved findings the current rule set refuses, named in words, for the re-evaluation page."""
    return {"field": error.field, "label": field_label(error.field), "message": error.message}
