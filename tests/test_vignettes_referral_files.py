"""The hand-worked referral vignettes (tests/vignettes-referral/) are well formed and agree with themselves.

They were worked out from clinical-rules.md section 10 alone, by someone who had not read the engine, in
the shape of the spec's referral examples plus a ``why`` naming the rule and the edge. These tests read
only the files: each parses, has its parts, lists in the orders section 10 fixes, every deadline is its
anchor's time plus its target, every timer status follows 10.10 from the file's own times, and together
the files reach every category, window, advice value, escalation, next step and alert. Whether the
engine agrees is the runner's job.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

FOLDER = Path(__file__).parent / "vignettes-referral"
FILES = sorted(FOLDER.glob("*.json"))

REQUIRED = {
    "received_at",
    "suspected_at",
    "referrer_name",
    "referrer_organisation",
    "referrer_contact",
    "patient_location",
    "cancer_status",
    "cancer_type",
    "pain_features",
    "neuro_history",
    "neuro_examination",
    "neuro_findings",
    "deficit_progressing",
    "ambulatory_status",
    "walking_lost_at",
    "urinary_retention_confirmed",
    "imaging_status",
    "imaging_modality",
    "imaging_booked_for",
    "imaging_at",
    "imaging_reported_at",
    "imaging_scope",
    "imaging_finding",
    "imaging_levels",
    "mri_contraindicated",
    "dexamethasone_given_at",
    "steroid_contraindication",
}
OPTIONAL = {"id", "evaluated_at", "events", "previous_deadlines"}
RESULT_KEYS = {
    "id",
    "rule_set",
    "triage",
    "triage_rule",
    "missing",
    "imaging_within",
    "imaging",
    "contact_coordinator",
    "mobility",
    "steroids",
    "bladder",
    "initial_advice",
    "escalation",
    "alerts",
    "next_step",
    "timers",
    "prefill",
}
TIMERS = ("acknowledge", "imaging", "report", "decision", "treatment")
TIMER_FIELDS = {"start", "anchor", "target", "deadline", "stop", "status", "basis"}
# The orders of the tables in 10.6 (T13 initial_advice) and 10.9 (alerts).
ADVICE_ORDER = [
    "admit_via_emergency_department",
    "expert_stability_advice_within_24h",
    "gastroprotection_and_glucose_monitoring",
    "discuss_with_haematology_mdt",
    "prompt_analgesia_pain_assessment",
    "vte_bleeding_risk_assessment",
    "no_plain_xray",
    "safety_net_neuro_symptoms",
    "clinical_review_if_pain_changes",
]
ALERT_ORDER = [
    "time_critical",
    "nonambulatory_over_48h",
    "biopsy_before_steroids",
    "whole_spine_imaging_needed",
    "booked_imaging_after_deadline",
    "examination_not_done",
    "cancer_type_not_recorded",
]
DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def valid_documents() -> list[dict]:
    return [d for d in map(load, FILES) if "errors" not in d["expected"]]


def when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def duration(text: str) -> timedelta:
    match = DURATION.match(text)
    assert match and text not in ("P", "PT"), text
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def anchor_time(referral: dict, anchor: str) -> datetime | None:
    events = referral.get("events", {})
    if anchor == "suspected_at":
        return when(referral["suspected_at"] or referral["received_at"])
    if anchor == "decision_at":
        return when(events.get("decision_at"))
    return when(referral[anchor])


def test_there_are_at_least_30_vignettes() -> None:
    assert len(FILES) >= 30
    assert len(valid_documents()) >= 30


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_vignette_has_its_parts(path: Path) -> None:
    document = load(path)
    assert set(document) == {"id", "title", "why", "referral", "expected"}
    assert document["id"] == path.stem == document["referral"]["id"] == document["expected"]["id"]
    assert document["title"].strip() and len(document["why"].strip()) > 40
    assert re.search(r"\bT\d{1,2}\b|10\.\d+", document["why"]), "the why names the rule it exercises"
    expected = document["expected"]
    if "errors" in expected:
        assert set(expected) == {"id", "errors"}
        assert expected["errors"] and all(isinstance(m, list) and m for m in expected["errors"].values())
        return
    referral = document["referral"]
    assert REQUIRED <= set(referral) <= REQUIRED | OPTIONAL
    assert "evaluated_at" in referral, "a vignette fixes its own evaluation time"
    assert set(expected) == RESULT_KEYS
    assert expected["rule_set"] == "2027.2"
    assert set(expected["timers"]) == set(TIMERS)
    assert all(set(timer) == TIMER_FIELDS for timer in expected["timers"].values())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_lists_keep_the_orders_of_section_10(path: Path) -> None:
    expected = load(path)["expected"]
    if "errors" in expected:
        return
    assert expected["initial_advice"] == [c for c in ADVICE_ORDER if c in expected["initial_advice"]]
    assert len(set(expected["initial_advice"])) == len(expected["initial_advice"])
    assert expected["alerts"] == [c for c in ALERT_ORDER if c in expected["alerts"]]
    assert expected["missing"] == sorted(expected["missing"])
    assert (expected["missing"] != []) == (expected["triage_rule"] == "T4")
    assert (expected["prefill"] is not None) == (expected["next_step"] == "create_assessment")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_timers_agree_with_the_files_own_times(path: Path) -> None:
    document = load(path)
    referral, expected = document["referral"], document["expected"]
    if "errors" in expected:
        return
    evaluated_at = when(referral["evaluated_at"])
    carried = referral.get("previous_deadlines", {})
    for name, timer in expected["timers"].items():
        start, stop, deadline = when(timer["start"]), when(timer["stop"]), when(timer["deadline"])
        status = timer["status"]
        if status == "not_applicable":
            assert all(timer[k] is None for k in TIMER_FIELDS - {"status"}), name
            continue
        if timer["basis"] == "carried":
            assert timer["anchor"] == "previous_deadlines" and timer["target"] is None, name
            assert timer["deadline"] == carried[name], name
        elif deadline is not None:
            assert deadline == anchor_time(referral, timer["anchor"]) + duration(timer["target"]), name
        if name in carried and name != "acknowledge" and deadline is not None:
            assert deadline <= when(carried[name]), f"{name}: a carried deadline only moves earlier"
        if status == "met":
            assert stop is not None and (deadline is None or stop <= deadline), name
        elif status == "breached":
            assert deadline is not None, name
            assert (stop is not None and stop > deadline) or (stop is None and evaluated_at > deadline), name
        elif status == "not_started":
            assert start is None and stop is None, name
            assert deadline is None or evaluated_at <= deadline, name
        else:
            assert status == "running", name
            assert start is not None and stop is None, name
            assert deadline is None or evaluated_at <= deadline, name


def test_the_vignettes_reach_every_output_value() -> None:
    results = valid_documents()

    def seen(key: str) -> set:
        return {d["expected"][key] for d in results}

    assert {"T2", "T3", "T4", "T5", "T6", "T7"} <= seen("triage_rule")
    assert {"immediately", "24_hours", "1_week", None} <= seen("imaging_within")
    assert {"mri_whole_spine", "ct_whole_spine", None} <= seen("imaging")
    assert {"immediately", "within_24_hours", "not_required"} <= seen("contact_coordinator")
    assert {"brace_or_bed_rest", "consider_brace_or_bed_rest", "as_tolerated", None} <= seen("mobility")
    steroids = [
        "high_dose",
        "high_dose_after_coordinator_call",
        "continue_high_dose",
        "only_after_senior_review",
        "consider",
        "not_routine",
        "contraindication_discuss",
        "set_by_assessment",
        "stop",
    ]
    assert {*steroids, None} <= seen("steroids")
    assert {"catheterize", "bladder_scan", None} <= seen("bladder")
    escalations = [
        "none",
        "spinal_surgeon_and_clinical_oncologist_now",
        "emergency_spinal_team_now",
        "senior_clinical_advisers_on_report",
        "coordinator_completes_referral",
        "coordinator_review",
        "consider_suspected_cancer_referral",
    ]
    assert set(escalations) <= seen("escalation")
    next_steps = [
        "arrange_imaging",
        "await_report",
        "create_assessment",
        "complete_referral",
        "close_mscc_pathway",
        "refer_to_other_service",
    ]
    assert set(next_steps) <= seen("next_step")
    assert set(ADVICE_ORDER) <= {c for d in results for c in d["expected"]["initial_advice"]}
    assert set(ALERT_ORDER) <= {c for d in results for c in d["expected"]["alerts"]}
    statuses = {t["status"] for d in results for t in d["expected"]["timers"].values()}
    assert {"not_applicable", "met", "breached", "not_started", "running"} <= statuses
    bases = {t["basis"] for d in results for t in d["expected"]["timers"].values()}
    assert {"QS56-2", "QS56-3", "QS56-6", "local", "pending_decision", "carried", None} <= bases
    assert sum("previous_deadlines" in d["referral"] for d in results) >= 5
    assert len(FILES) - len(results) >= 5, "invalid referrals: keys, contradictions, draft fields, times"
