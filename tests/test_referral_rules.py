"""Referral triage (clinical-rules.md section 10) rule by rule, its validation, its reasons, and its properties.

No database. Each rule's branches are driven from one base referral (tx01's GP referral: past breast cancer,
thoracic night pain, no neurological finding, T5) with the few fields that matter changed; the expected
values are written out from the spec's tables. The properties run on referrals generated consistent with
10.1 (``tests/referral_strategies.py``).
"""

from __future__ import annotations

import ast
import os
import sys
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import labels
from assessments.rules import Fact, Histology
from assessments.rules import referral as R
from assessments.rules.referral import texts as T
from assessments.rules.referral.inputs import duration
from tests.referral_strategies import referrals

# REFERRAL_EXAMPLES raises the number of generated referrals per property (as FUZZ_EXAMPLES does for the form).
EXAMPLES = int(os.environ.get("REFERRAL_EXAMPLES", "200"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2027, 3, 1, 9, 10, tzinfo=UTC)

BASE: dict[str, Any] = {
    "id": "base",
    "received_at": "2027-03-01T09:00:00+00:00",
    "suspected_at": None,
    "evaluated_at": "2027-03-01T09:10:00+00:00",
    "referrer_name": "Dr A. Example",
    "referrer_organisation": "Riverside Surgery",
    "referrer_contact": "01632 960001",
    "patient_location": "community",
    "cancer_status": "past",
    "cancer_type": "breast",
    "pain_features": ["thoracic_or_cervical", "nocturnal_disturbing_sleep"],
    "neuro_history": "asked",
    "neuro_examination": "done",
    "neuro_findings": [],
    "deficit_progressing": None,
    "ambulatory_status": "walks_unaided",
    "walking_lost_at": None,
    "urinary_retention_confirmed": None,
    "imaging_status": "not_done",
    "imaging_modality": None,
    "imaging_booked_for": None,
    "imaging_at": None,
    "imaging_reported_at": None,
    "imaging_scope": None,
    "imaging_finding": None,
    "imaging_levels": None,
    "mri_contraindicated": False,
    "dexamethasone_given_at": None,
    "steroid_contraindication": False,
}
# Changes that give each situation.
WEAK = {"neuro_findings": ["limb_weakness"], "deficit_progressing": "no"}
WEAK_PROGRESSING = {"neuro_findings": ["limb_weakness"], "deficit_progressing": "yes"}
NO_CANCER = {"cancer_status": "none_known", "cancer_type": None}
SCANNED_AT, REPORTED_AT = "2027-03-01T11:00:00+00:00", "2027-03-01T12:00:00+00:00"
LATER = {"evaluated_at": "2027-03-01T12:30:00+00:00"}


def report(finding: str, *, scope: str = "whole_spine", modality: str = "mri", **more: Any) -> dict[str, Any]:
    """A reported scan (levels T10 and L2 when it shows metastases), evaluated after the report."""
    metastases = finding in ("mscc", "spinal_metastases_no_compression")
    return {
        **LATER,
        "imaging_status": "reported",
        "imaging_modality": modality,
        "imaging_at": SCANNED_AT,
        "imaging_reported_at": REPORTED_AT,
        "imaging_scope": scope,
        "imaging_finding": finding,
        "imaging_levels": ["T10", "L2"] if metastases else None,
        **more,
    }


def ref(*changes: dict[str, Any], **more: Any) -> dict[str, Any]:
    data = dict(BASE)
    for change in changes:
        data.update(change)
    data.update(more)
    return data


def run(*changes: dict[str, Any], **more: Any) -> dict[str, Any]:
    result = R.evaluate_referral_object(ref(*changes, **more), evaluated_at=NOW)
    assert "errors" not in result, result.get("errors")
    return result


def errors(*changes: dict[str, Any], **more: Any) -> dict[str, list[str]]:
    result = R.evaluate_referral_object(ref(*changes, **more), evaluated_at=NOW)
    assert "errors" in result, "expected the referral to be refused"
    return result["errors"]  # type: ignore[no-any-return]


def reason(result: dict[str, Any], topic: str) -> dict[str, Any]:
    found = [item for item in result["rationale"] if item["topic"] == topic]
    assert len(found) == 1, [item["topic"] for item in result["rationale"]]
    return found[0]


# --------------------------------------------------------------------------------------------
# 10.3 Triage (T2-T7, first match)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "rule", "missing"),
    [
        (WEAK, "T2", []),
        ({**WEAK, "cancer_status": "unknown", "cancer_type": None}, "T2", []),
        ({"neuro_history": "not_obtainable"}, "T2", []),
        ({"neuro_history": "not_obtainable", "pain_features": None}, "T2", []),
        ({**WEAK, **NO_CANCER}, "T3", []),
        ({**WEAK, **NO_CANCER, "neuro_history": "not_asked"}, "T3", []),
        ({"neuro_findings": ["radicular_pain"], "deficit_progressing": "no", **NO_CANCER}, "T6", []),
        ({"neuro_findings": ["radicular_pain"], "deficit_progressing": "no"}, "T2", []),
        ({"neuro_history": "not_asked"}, "T4", ["neuro_history"]),
        ({"pain_features": None}, "T4", ["pain_features"]),
        ({"cancer_status": "unknown", "cancer_type": None}, "T4", ["cancer_status"]),
        (
            {"cancer_status": "unknown", "cancer_type": None, "neuro_history": "not_asked"},
            "T4",
            ["cancer_status", "neuro_history"],
        ),
        # Pain not assessed is not a qualifying pain: the unknown cancer status is not at fault then.
        (
            {"cancer_status": "unknown", "cancer_type": None, "neuro_history": "not_asked", "pain_features": None},
            "T4",
            ["neuro_history", "pain_features"],
        ),
        ({"neuro_history": "not_obtainable", **NO_CANCER}, "T4", ["neuro_history"]),
        ({"cancer_status": "unknown", "cancer_type": None, "pain_features": ["other_spinal_pain"]}, "T7", []),
        ({}, "T5", []),
        ({"cancer_status": "suspected", "cancer_type": None}, "T5", []),
        ({"cancer_status": "current"}, "T5", []),
        ({**NO_CANCER}, "T6", []),
        ({"pain_features": ["other_spinal_pain"]}, "T7", []),
        ({"pain_features": []}, "T7", []),
        ({**NO_CANCER, "pain_features": []}, "T7", []),
    ],
)
def test_triage_first_match(changes: dict[str, Any], rule: str, missing: list[str]) -> None:
    result = run(changes)
    assert (result["triage_rule"], result["missing"]) == (rule, missing)
    triage = {"T2": "suspected_mscc", "T3": "suspected_cord_compression_no_known_cancer"}
    triage |= {"T4": "insufficient_information", "T5": "suspected_spinal_metastases"}
    assert result["triage"] == triage.get(rule, "not_suspected")


# --------------------------------------------------------------------------------------------
# 10.2 emergency and 10.4 window and modality (T8, T9)
# --------------------------------------------------------------------------------------------

CANNOT_WALK = {"neuro_findings": ["limb_weakness"], "deficit_progressing": "no", "ambulatory_status": "cannot_walk"}


@pytest.mark.parametrize(
    ("changes", "window"),
    [
        (WEAK_PROGRESSING, "immediately"),
        (WEAK, "24_hours"),
        ({"neuro_findings": ["limb_weakness"], "deficit_progressing": "not_known"}, "immediately"),
        ({"neuro_findings": ["gait_difficulty"], "deficit_progressing": "not_known"}, "immediately"),
        ({"neuro_findings": ["sensory_change"], "deficit_progressing": "not_known"}, "24_hours"),
        (CANNOT_WALK, "immediately"),  # when walking was lost is unknown
        ({**CANNOT_WALK, "walking_lost_at": "2027-02-27T09:00:00+00:00"}, "immediately"),  # exactly 48 h
        ({**CANNOT_WALK, "walking_lost_at": "2027-02-27T08:59:00+00:00"}, "24_hours"),  # 48 h and a minute
        ({**CANNOT_WALK, "walking_lost_at": "2027-03-01T09:05:00+00:00"}, "immediately"),  # after the suspicion
        (
            {
                **CANNOT_WALK,
                "walking_lost_at": "2027-02-27T09:00:00+00:00",
                "suspected_at": "2027-03-01T08:00:00+00:00",
            },
            "immediately",
        ),
        ({**WEAK, "ambulatory_status": "not_known"}, "immediately"),
        (
            {"neuro_findings": ["sensory_change"], "deficit_progressing": "no", "ambulatory_status": "not_known"},
            "24_hours",
        ),
        ({"neuro_findings": ["perineal_numbness"], "deficit_progressing": "no"}, "immediately"),
        ({"neuro_findings": ["bladder_dysfunction"], "deficit_progressing": "no"}, "immediately"),
        ({"neuro_findings": ["bowel_dysfunction"], "deficit_progressing": "no"}, "immediately"),
        ({"neuro_findings": ["cauda_equina_signs"], "deficit_progressing": "no"}, "immediately"),
        ({"neuro_findings": ["cord_compression_signs"], "deficit_progressing": "no"}, "24_hours"),
        ({**WEAK, **NO_CANCER}, "24_hours"),
        ({}, "1_week"),
        ({"neuro_history": "not_asked"}, None),
        ({**NO_CANCER}, None),
        ({"pain_features": []}, None),
    ],
)
def test_window(changes: dict[str, Any], window: str | None) -> None:
    result = run(changes)
    assert result["imaging_within"] == window
    assert result["imaging"] == (None if window is None else "mri_whole_spine")


def test_emergency_never_reads_the_evaluation_time() -> None:
    lost = {**CANNOT_WALK, "walking_lost_at": "2027-03-01T08:00:00+00:00"}
    soon = run(lost)
    days_later = run(lost, evaluated_at="2027-03-05T09:00:00+00:00")
    assert soon["imaging_within"] == days_later["imaging_within"] == "immediately"
    assert soon["timers"]["imaging"]["deadline"] == days_later["timers"]["imaging"]["deadline"]
    assert (soon["alerts"], days_later["alerts"]) == (["time_critical"], ["nonambulatory_over_48h"])


def test_ct_where_mri_is_contraindicated_and_no_scan_once_a_qualifying_one_is_done() -> None:
    assert run(WEAK, mri_contraindicated=True)["imaging"] == "ct_whole_spine"
    done = run(WEAK, report("no_spinal_metastases", modality="ct", mri_contraindicated=True))
    assert (done["imaging"], done["imaging_within"], done["next_step"]) == (None, None, "close_mscc_pathway")


def test_a_scan_done_but_not_reported_waits_for_its_report() -> None:
    scanned = {"imaging_status": "done_not_reported", "imaging_modality": "mri", "imaging_at": SCANNED_AT}
    result = run(WEAK, scanned, LATER, imaging_scope="whole_spine")
    assert (result["next_step"], result["imaging"], result["alerts"]) == ("await_report", None, [])
    assert result["timers"]["report"]["status"] == "running"
    part = run(WEAK, scanned, LATER, imaging_scope="part_of_spine")
    assert (part["next_step"], part["imaging"], part["alerts"]) == (
        "arrange_imaging",
        "mri_whole_spine",
        ["whole_spine_imaging_needed"],
    )


# --------------------------------------------------------------------------------------------
# 10.5 Contact (T10)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "contact"),
    [
        (WEAK, "immediately"),
        ({**WEAK, **NO_CANCER}, "immediately"),
        ({"neuro_history": "not_asked"}, "immediately"),
        ({"pain_features": [], **report("mscc")}, "immediately"),
        ({}, "within_24_hours"),
        ({"pain_features": [], **report("spinal_metastases_no_compression")}, "within_24_hours"),
        ({**NO_CANCER}, "not_required"),
        ({"pain_features": []}, "not_required"),
    ],
)
def test_contact(changes: dict[str, Any], contact: str) -> None:
    assert run(changes)["contact_coordinator"] == contact


# --------------------------------------------------------------------------------------------
# 10.6 Initial advice (T11-T13)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "mobility"),
    [
        ({**WEAK, **report("no_spinal_metastases")}, None),
        (WEAK_PROGRESSING, "brace_or_bed_rest"),
        (CANNOT_WALK, "brace_or_bed_rest"),
        ({**WEAK, "pain_features": ["mechanical"]}, "brace_or_bed_rest"),
        (WEAK, "consider_brace_or_bed_rest"),
        ({**WEAK, **NO_CANCER}, "consider_brace_or_bed_rest"),
        ({"pain_features": ["mechanical"]}, "consider_brace_or_bed_rest"),
        ({}, "as_tolerated"),
        ({"pain_features": ["other_spinal_pain"]}, "as_tolerated"),
        ({"pain_features": []}, None),
        ({"neuro_history": "not_asked"}, None),
        ({**NO_CANCER}, None),
    ],
)
def test_mobility(changes: dict[str, Any], mobility: str | None) -> None:
    assert run(changes)["mobility"] == mobility


GIVEN = {"dexamethasone_given_at": "2027-03-01T08:00:00+00:00"}
LYMPHOMA = {"cancer_status": "current", "cancer_type": "lymphoma"}


@pytest.mark.parametrize(
    ("changes", "steroids"),
    [
        ({**WEAK, **report("no_spinal_metastases"), **GIVEN}, "stop"),
        ({**WEAK, **report("other_cause")}, None),
        ({**LYMPHOMA, **report("spinal_metastases_no_compression")}, "high_dose"),
        ({"cancer_status": "past", "cancer_type": "lymphoma", **report("mscc")}, "high_dose_after_coordinator_call"),
        ({**report("mscc")}, "set_by_assessment"),
        ({**WEAK, **report("spinal_metastases_no_compression")}, "set_by_assessment"),
        ({**WEAK, **report("mscc")}, "high_dose"),
        ({**WEAK, **NO_CANCER, **report("mscc")}, "high_dose_after_coordinator_call"),
        ({**WEAK_PROGRESSING, **NO_CANCER, **report("mscc")}, "high_dose"),
        ({**WEAK, **NO_CANCER}, "only_after_senior_review"),
        (WEAK_PROGRESSING, "high_dose"),
        ({**WEAK, "cancer_status": "suspected", "cancer_type": None}, "high_dose_after_coordinator_call"),
        ({**WEAK_PROGRESSING, "cancer_status": "suspected", "cancer_type": None}, "high_dose"),
        ({**WEAK, "cancer_status": "past", "cancer_type": "lymphoma"}, "high_dose_after_coordinator_call"),
        ({**WEAK, "cancer_status": "current", "cancer_type": "lymphoma"}, "high_dose"),
        ({**WEAK, **GIVEN}, "continue_high_dose"),
        ({**WEAK, "cancer_status": "suspected", "cancer_type": None, **GIVEN}, "continue_high_dose"),
        ({**WEAK, "steroid_contraindication": True}, "contraindication_discuss"),
        ({**WEAK, **GIVEN, "steroid_contraindication": True}, "contraindication_discuss"),
        ({**WEAK, **NO_CANCER, "steroid_contraindication": True}, "contraindication_discuss"),
        ({"cancer_type": "myeloma"}, "consider"),
        ({"pain_features": ["severe_unremitting"]}, "consider"),
        ({"pain_features": ["severe_unremitting"], "steroid_contraindication": True}, "contraindication_discuss"),
        ({}, "not_routine"),
        ({"steroid_contraindication": True}, "not_routine"),
        ({**report("mscc"), "steroid_contraindication": True}, "set_by_assessment"),
        ({"pain_features": []}, None),
        ({"neuro_history": "not_asked", **GIVEN}, None),
    ],
)
def test_steroids(changes: dict[str, Any], steroids: str | None) -> None:
    assert run(changes)["steroids"] == steroids


@pytest.mark.parametrize(
    ("changes", "bladder"),
    [
        (
            {
                "neuro_findings": ["bladder_dysfunction"],
                "deficit_progressing": "no",
                "urinary_retention_confirmed": True,
            },
            "catheterize",
        ),
        (
            {
                "neuro_findings": ["bladder_dysfunction"],
                "deficit_progressing": "no",
                "urinary_retention_confirmed": False,
            },
            "bladder_scan",
        ),
        ({"neuro_findings": ["perineal_numbness"], "deficit_progressing": "no"}, "bladder_scan"),
        (WEAK, None),
    ],
)
def test_bladder(changes: dict[str, Any], bladder: str | None) -> None:
    assert run(changes)["bladder"] == bladder


A = R.Advice


@pytest.mark.parametrize(
    ("changes", "advice"),
    [
        (
            {**WEAK, **report("mscc")},
            [
                A.ADMIT_VIA_EMERGENCY_DEPARTMENT,
                A.EXPERT_STABILITY_ADVICE_WITHIN_24H,
                A.GASTROPROTECTION_AND_GLUCOSE_MONITORING,
                A.PROMPT_ANALGESIA_PAIN_ASSESSMENT,
                A.VTE_BLEEDING_RISK_ASSESSMENT,
            ],
        ),
        ({"pain_features": [], **report("mscc")}, [A.ADMIT_VIA_EMERGENCY_DEPARTMENT]),
        (
            {**WEAK, "patient_location": "hospice"},
            [
                A.EXPERT_STABILITY_ADVICE_WITHIN_24H,
                A.GASTROPROTECTION_AND_GLUCOSE_MONITORING,
                A.PROMPT_ANALGESIA_PAIN_ASSESSMENT,
                A.VTE_BLEEDING_RISK_ASSESSMENT,
                A.NO_PLAIN_XRAY,
            ],
        ),
        ({**WEAK, **report("no_spinal_metastases")}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT]),
        (
            {
                **LYMPHOMA,
                "neuro_findings": ["radicular_pain"],
                "deficit_progressing": "no",
                "pain_features": [],
                "patient_location": "emergency_department",
            },
            [
                A.EXPERT_STABILITY_ADVICE_WITHIN_24H,
                A.GASTROPROTECTION_AND_GLUCOSE_MONITORING,
                A.DISCUSS_WITH_HAEMATOLOGY_MDT,
                A.PROMPT_ANALGESIA_PAIN_ASSESSMENT,
                A.VTE_BLEEDING_RISK_ASSESSMENT,
                A.NO_PLAIN_XRAY,
            ],
        ),
        ({**LYMPHOMA, **WEAK, **report("no_spinal_metastases"), **GIVEN}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT]),
        (
            {"cancer_type": "myeloma", "steroid_contraindication": True},
            [
                A.DISCUSS_WITH_HAEMATOLOGY_MDT,
                A.PROMPT_ANALGESIA_PAIN_ASSESSMENT,
                A.NO_PLAIN_XRAY,
                A.SAFETY_NET_NEURO_SYMPTOMS,
            ],
        ),
        ({}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.NO_PLAIN_XRAY, A.SAFETY_NET_NEURO_SYMPTOMS]),
        (
            {"patient_location": "inpatient"},
            [
                A.PROMPT_ANALGESIA_PAIN_ASSESSMENT,
                A.VTE_BLEEDING_RISK_ASSESSMENT,
                A.NO_PLAIN_XRAY,
                A.SAFETY_NET_NEURO_SYMPTOMS,
            ],
        ),
        (
            {"patient_location": "other_hospital"},
            [
                A.PROMPT_ANALGESIA_PAIN_ASSESSMENT,
                A.VTE_BLEEDING_RISK_ASSESSMENT,
                A.NO_PLAIN_XRAY,
                A.SAFETY_NET_NEURO_SYMPTOMS,
            ],
        ),
        ({"neuro_history": "not_asked", "pain_features": []}, [A.SAFETY_NET_NEURO_SYMPTOMS]),
        ({**NO_CANCER}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.SAFETY_NET_NEURO_SYMPTOMS]),
        (
            {"pain_features": ["other_spinal_pain"]},
            [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.SAFETY_NET_NEURO_SYMPTOMS, A.CLINICAL_REVIEW_IF_PAIN_CHANGES],
        ),
        (
            {"pain_features": ["other_spinal_pain"], **NO_CANCER},
            [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.SAFETY_NET_NEURO_SYMPTOMS],
        ),
        ({"pain_features": []}, []),
    ],
)
def test_initial_advice_in_table_order(changes: dict[str, Any], advice: list[R.Advice]) -> None:
    assert run(changes)["initial_advice"] == [code.value for code in advice]


# --------------------------------------------------------------------------------------------
# 10.7 Escalation (T14), 10.8 next step and prefill (T15)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "escalation"),
    [
        ({**WEAK_PROGRESSING, **report("no_spinal_metastases")}, "none"),
        (WEAK_PROGRESSING, "spinal_surgeon_and_clinical_oncologist_now"),
        ({**WEAK_PROGRESSING, **NO_CANCER}, "emergency_spinal_team_now"),
        (WEAK, "senior_clinical_advisers_on_report"),
        ({"pain_features": [], **report("mscc")}, "senior_clinical_advisers_on_report"),
        ({"neuro_history": "not_asked"}, "coordinator_completes_referral"),
        ({}, "coordinator_review"),
        ({**NO_CANCER}, "consider_suspected_cancer_referral"),
        ({"pain_features": []}, "none"),
    ],
)
def test_escalation(changes: dict[str, Any], escalation: str) -> None:
    assert run(changes)["escalation"] == escalation


@pytest.mark.parametrize(
    ("changes", "step"),
    [
        (
            {"pain_features": [], **report("spinal_metastases_no_compression", scope="part_of_spine")},
            "create_assessment",
        ),
        ({**WEAK, **report("no_spinal_metastases")}, "close_mscc_pathway"),
        ({**WEAK, **report("other_cause")}, "refer_to_other_service"),
        ({**WEAK, **report("no_spinal_metastases", scope="part_of_spine")}, "arrange_imaging"),
        ({**WEAK, **report("no_spinal_metastases", modality="ct")}, "arrange_imaging"),
        ({"pain_features": [], **report("no_spinal_metastases", scope="part_of_spine")}, "close_mscc_pathway"),
        ({"neuro_history": "not_asked"}, "complete_referral"),
        ({**NO_CANCER}, "close_mscc_pathway"),
    ],
)
def test_next_step(changes: dict[str, Any], step: str) -> None:
    result = run(changes)
    assert result["next_step"] == step
    assert (result["prefill"] is None) is (step != "create_assessment")


def test_whole_spine_imaging_needed_after_a_partial_scan_with_metastases() -> None:
    result = run(report("mscc", scope="part_of_spine"), pain_features=[])
    assert result["alerts"] == ["whole_spine_imaging_needed"]
    assert result["imaging"] is None  # the imaging timer does not apply: T7 with no carried deadline


@pytest.mark.parametrize(
    ("changes", "prefill"),
    [
        (
            {**WEAK, "neuro_findings": ["radicular_pain", "limb_weakness", "bladder_dysfunction"]},
            {
                "neurologic_deficit": True,
                "deficit_progressing": False,
                "motor_status": "ambulatory",
                "urinary_symptoms": True,
                "histology": "breast",
            },
        ),
        (
            {**WEAK, "deficit_progressing": "yes", "ambulatory_status": "walks_with_aid"},
            {
                "neurologic_deficit": True,
                "deficit_progressing": True,
                "motor_status": "ambulatory_with_aid",
                "urinary_symptoms": False,
                "histology": "breast",
            },
        ),
        (
            {**CANNOT_WALK, "deficit_progressing": "not_known", "walking_lost_at": "2027-03-01T07:00:00+01:00"},
            {
                "neurologic_deficit": True,
                "motor_status": "nonambulatory",
                "walking_lost_at": "2027-03-01T06:00:00+00:00",
                "urinary_symptoms": False,
                "histology": "breast",
            },
        ),
        (
            {
                **WEAK,
                "ambulatory_status": "paraplegic",
                "urinary_retention_confirmed": False,
                "neuro_findings": ["limb_weakness", "bladder_dysfunction"],
            },
            {
                "neurologic_deficit": True,
                "deficit_progressing": False,
                "motor_status": "paraplegic",
                "urinary_symptoms": True,
                "urinary_retention": False,
                "histology": "breast",
            },
        ),
        (
            {"cancer_status": "suspected", "cancer_type": None},
            {
                "neurologic_deficit": False,
                "deficit_progressing": False,
                "motor_status": "ambulatory",
                "urinary_symptoms": False,
                "histology": "unknown_primary",
            },
        ),
        (
            {**NO_CANCER, "neuro_examination": "not_done", "ambulatory_status": "not_known"},
            {"urinary_symptoms": False, "histology": "unknown_primary"},
        ),
        (
            {
                "neuro_findings": ["radicular_pain"],
                "deficit_progressing": "no",
                "neuro_history": "not_asked",
                "cancer_type": "type_not_recorded",
                "ambulatory_status": "nonambulatory_before_this_illness",
            },
            {},
        ),
        (
            {"cancer_status": "unknown", "cancer_type": None, "neuro_history": "not_obtainable"},
            {"motor_status": "ambulatory"},
        ),
    ],
)
def test_prefill(changes: dict[str, Any], prefill: dict[str, Any]) -> None:
    result = run(changes, report("mscc"))
    assert result["prefill"] == {**prefill, "lesions": [{"spinal_level": "T10"}, {"spinal_level": "L2"}]}


# --------------------------------------------------------------------------------------------
# 10.9 Alerts (T16)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "alerts"),
    [
        ({**CANNOT_WALK, "walking_lost_at": "2027-02-27T09:10:00+00:00"}, ["time_critical"]),  # exactly 48 h
        ({**CANNOT_WALK, "walking_lost_at": "2027-02-27T09:09:00+00:00"}, ["nonambulatory_over_48h"]),
        ({**CANNOT_WALK, **NO_CANCER}, ["time_critical"]),
        ({**CANNOT_WALK, **report("no_spinal_metastases")}, []),
        ({"cancer_status": "suspected", "cancer_type": None, **WEAK}, ["biopsy_before_steroids"]),
        ({"cancer_status": "suspected", "cancer_type": None, **WEAK, "steroid_contraindication": True}, []),
        ({"cancer_status": "suspected", "cancer_type": None}, []),
        ({**WEAK, **report("no_spinal_metastases", modality="ct")}, ["whole_spine_imaging_needed"]),
        ({"pain_features": [], **report("no_spinal_metastases", scope="part_of_spine")}, []),
        (
            {"imaging_status": "booked", "imaging_modality": "mri", "imaging_booked_for": "2027-03-08T09:01:00+00:00"},
            ["booked_imaging_after_deadline"],
        ),
        (
            {"imaging_status": "booked", "imaging_modality": "mri", "imaging_booked_for": "2027-03-08T09:00:00+00:00"},
            [],
        ),
        (
            {
                "imaging_status": "booked",
                "imaging_modality": "mri",
                "imaging_booked_for": "2027-03-20T09:00:00+00:00",
                "pain_features": [],
            },
            [],
        ),
        ({"neuro_examination": "not_done"}, ["examination_not_done"]),
        ({"cancer_type": "type_not_recorded"}, ["cancer_type_not_recorded"]),
        (
            {
                "cancer_status": "suspected",
                "cancer_type": None,
                **CANNOT_WALK,
                "neuro_examination": "not_done",
                "walking_lost_at": "2027-02-20T09:00:00+00:00",
                **report("mscc", scope="part_of_spine"),
            },
            ["nonambulatory_over_48h", "biopsy_before_steroids", "whole_spine_imaging_needed", "examination_not_done"],
        ),
    ],
)
def test_alerts_in_table_order(changes: dict[str, Any], alerts: list[str]) -> None:
    assert run(changes)["alerts"] == alerts


# --------------------------------------------------------------------------------------------
# 10.10 Service timers (T17)
# --------------------------------------------------------------------------------------------


def timer(
    start: str | None,
    anchor: str | None,
    target: str | None,
    deadline: str | None,
    stop: str | None,
    status: str,
    basis: str | None,
) -> dict[str, Any]:
    return {
        "start": start,
        "anchor": anchor,
        "target": target,
        "deadline": deadline,
        "stop": stop,
        "status": status,
        "basis": basis,
    }


OFF = timer(None, None, None, None, None, "not_applicable", None)
T0 = "2027-03-01T09:00:00+00:00"


def at(hours: float) -> str:
    return (datetime(2027, 3, 1, 9, tzinfo=UTC) + timedelta(hours=hours)).isoformat()


DECIDED = {"decision_at": at(4), "decision_type": "radiotherapy"}


@pytest.mark.parametrize(
    ("changes", "acknowledge"),
    [
        (WEAK, timer(T0, "received_at", "PT30M", at(0.5), None, "running", "local")),
        (
            {**WEAK, "events": {"coordinator_acknowledged_at": at(0.5)}, **LATER},
            timer(T0, "received_at", "PT30M", at(0.5), at(0.5), "met", "local"),
        ),
        (
            {**WEAK, "events": {"coordinator_acknowledged_at": at(0.6)}, **LATER},
            timer(T0, "received_at", "PT30M", at(0.5), at(0.6), "breached", "local"),
        ),
        ({**WEAK, **LATER}, timer(T0, "received_at", "PT30M", at(0.5), None, "breached", "local")),
        (
            {"neuro_history": "not_asked", "events": {"coordinator_acknowledged_at": at(0.1)}},
            timer(T0, "received_at", "PT2H", at(2), None, "running", "local"),
        ),  # no stop under T4
        ({}, timer(T0, "received_at", "PT24H", at(24), None, "running", "local")),
        ({**NO_CANCER}, OFF),
    ],
)
def test_acknowledge_timer(changes: dict[str, Any], acknowledge: dict[str, Any]) -> None:
    assert run(changes)["timers"]["acknowledge"] == acknowledge


def test_imaging_and_report_timers_of_each_window() -> None:
    immediate = run(WEAK_PROGRESSING, report("mscc"))["timers"]
    assert immediate["imaging"] == timer(T0, "suspected_at", "PT4H", at(4), SCANNED_AT, "met", "local")
    assert immediate["report"] == timer(SCANNED_AT, "imaging_at", "PT1H", at(3), REPORTED_AT, "met", "local")
    no_cancer = run(WEAK, NO_CANCER)["timers"]
    assert no_cancer["imaging"] == timer(T0, "suspected_at", "PT24H", at(24), None, "running", "local")
    assert no_cancer["report"] == timer(None, "imaging_at", "PT4H", None, None, "not_started", "local")
    week = run(report("no_spinal_metastases", scope="part_of_spine"))["timers"]
    assert week["imaging"] == timer(T0, "suspected_at", "P7D", at(168), None, "running", "QS56-2")
    assert week["report"] == timer(None, "imaging_at", "PT48H", None, None, "not_started", "local")
    late_report = run(WEAK, report("mscc", imaging_reported_at=at(7.5), evaluated_at=at(8)))["timers"]["report"]
    assert late_report == timer(SCANNED_AT, "imaging_at", "PT4H", at(6), at(7.5), "breached", "local")


@pytest.mark.parametrize(
    ("changes", "decision"),
    [
        # (a) under T2, counted from the report.
        (
            {**WEAK, **report("mscc")},
            timer(REPORTED_AT, "imaging_reported_at", "PT12H", at(15), None, "running", "local"),
        ),
        (
            {**WEAK_PROGRESSING, **report("mscc")},
            timer(REPORTED_AT, "imaging_reported_at", "PT4H", at(7), None, "running", "local"),
        ),
        # (a) and (b) both apply under T5 with MSCC reported: the earlier wins.
        ({**report("mscc")}, timer(REPORTED_AT, "imaging_reported_at", "PT12H", at(15), None, "running", "local")),
        (
            {**report("mscc", imaging_at=at(170), imaging_reported_at=at(171), evaluated_at=at(171))},
            timer(at(171), "suspected_at", "P7D", at(168), None, "breached", "QS56-2"),
        ),
        # (b) alone: metastases without compression under T7.
        (
            {"pain_features": [], **report("spinal_metastases_no_compression")},
            timer(REPORTED_AT, "suspected_at", "P7D", at(168), None, "running", "QS56-2"),
        ),
        (
            {**WEAK, **report("mscc"), "events": DECIDED, "evaluated_at": at(4.5)},
            timer(REPORTED_AT, "imaging_reported_at", "PT12H", at(15), at(4), "met", "local"),
        ),
        ({**WEAK, **report("no_spinal_metastases")}, OFF),
        ({"pain_features": []}, OFF),
    ],
)
def test_decision_timer(changes: dict[str, Any], decision: dict[str, Any]) -> None:
    assert run(changes)["timers"]["decision"] == decision


@pytest.mark.parametrize(
    ("changes", "treatment"),
    [
        (WEAK, timer(None, "decision_at", "PT24H", None, None, "not_started", "pending_decision")),
        (
            {**WEAK, **report("mscc"), "events": DECIDED, "evaluated_at": at(4.5)},
            timer(at(4), "decision_at", "PT24H", at(28), None, "running", "QS56-6"),
        ),
        (
            {**WEAK, **report("mscc"), "events": {**DECIDED, "treatment_started_at": at(5)}, "evaluated_at": at(6)},
            timer(at(4), "decision_at", "PT24H", at(28), at(5), "met", "QS56-6"),
        ),
        (
            {**WEAK, **report("mscc"), "events": {**DECIDED, "decision_type": "surgery"}, "evaluated_at": at(4.5)},
            timer(at(4), "decision_at", "PT24H", at(28), None, "running", "local"),
        ),
        (
            {
                **WEAK,
                **report("mscc"),
                "events": {**DECIDED, "decision_type": "supportive_care"},
                "evaluated_at": at(4.5),
            },
            OFF,
        ),
        ({**report("mscc")}, timer(None, "decision_at", "PT24H", None, None, "not_started", "pending_decision")),
        ({**WEAK, **report("spinal_metastases_no_compression")}, OFF),
        ({**WEAK, **report("no_spinal_metastases")}, OFF),
        ({}, OFF),
    ],
)
def test_treatment_timer(changes: dict[str, Any], treatment: dict[str, Any]) -> None:
    assert run(changes)["timers"]["treatment"] == treatment


def test_a_stop_without_a_known_deadline_is_met() -> None:
    # A decision recorded before any report: the decision timer has (a) with no deadline yet, and a stop.
    result = run(WEAK, events={"decision_at": at(0.1), "decision_type": "radiotherapy"})
    assert result["timers"]["decision"] == timer(None, "imaging_reported_at", "PT12H", None, at(0.1), "met", "local")


CARRIED = "previous_deadlines"


def test_a_rise_tightens_and_the_carried_acknowledgement_and_decision_stand() -> None:
    previous = {"acknowledge": at(24), "imaging": at(168), "decision": at(168)}
    result = run(
        WEAK,
        previous_deadlines=previous,
        suspected_at=at(2),
        evaluated_at=at(2.5),
        events={"coordinator_acknowledged_at": at(1)},
    )
    timers = result["timers"]
    assert timers["acknowledge"] == timer(T0, CARRIED, None, at(24), at(1), "met", "carried")
    assert timers["imaging"] == timer(at(2), "suspected_at", "PT24H", at(26), None, "running", "QS56-3")
    assert timers["decision"] == timer(None, CARRIED, None, at(168), None, "not_started", "carried")
    assert any(item["inputs"][-1] == "previous_deadlines.imaging" for item in result["rationale"])


def test_a_fall_keeps_the_earlier_deadlines() -> None:
    previous = {"acknowledge": at(0.5), "imaging": at(24), "report": at(30), "decision": at(40), "treatment": at(50)}
    t5 = run(previous_deadlines=previous)["timers"]
    assert t5["imaging"] == timer(T0, CARRIED, None, at(24), None, "running", "carried")
    assert t5["decision"] == timer(None, CARRIED, None, at(40), None, "not_started", "carried")
    assert t5["treatment"] == timer(None, CARRIED, None, at(50), None, "not_started", "carried")
    t7 = run(previous_deadlines=previous, pain_features=[], evaluated_at=at(25))
    assert t7["timers"]["imaging"] == timer(T0, CARRIED, None, at(24), None, "breached", "carried")
    assert t7["timers"]["acknowledge"] == timer(T0, CARRIED, None, at(0.5), None, "breached", "carried")
    assert (t7["next_step"], t7["imaging"], t7["imaging_within"]) == ("arrange_imaging", "mri_whole_spine", None)
    t4 = run(previous_deadlines={"imaging": at(24)}, neuro_history="not_asked")
    assert (t4["next_step"], t4["imaging"]) == ("arrange_imaging", "mri_whole_spine")


def test_a_later_carried_deadline_gives_way_and_an_equal_one_shows_as_computed() -> None:
    later = run(WEAK, previous_deadlines={"imaging": at(100), "acknowledge": at(0.5)})["timers"]
    assert later["imaging"]["basis"] == "QS56-3" and later["imaging"]["deadline"] == at(24)
    assert later["acknowledge"] == timer(T0, "received_at", "PT30M", at(0.5), None, "running", "local")


def test_mscc_excluded_ends_the_carried_decision_and_treatment_and_a_non_definitive_decision_ends_treatment() -> None:
    previous = {"decision": at(40), "treatment": at(50), "imaging": at(24)}
    excluded = run(WEAK, report("no_spinal_metastases"), previous_deadlines=previous)["timers"]
    assert excluded["decision"] == excluded["treatment"] == OFF
    assert excluded["imaging"]["status"] == "met" and excluded["imaging"]["deadline"] == at(24)
    supportive = {"decision_at": at(13), "decision_type": "supportive_care"}
    ended = run(WEAK, report("mscc"), previous_deadlines=previous, events=supportive, evaluated_at=at(14))["timers"]
    assert ended["treatment"] == OFF
    assert ended["decision"] == timer(REPORTED_AT, "imaging_reported_at", "PT12H", at(15), at(13), "met", "local")


# --------------------------------------------------------------------------------------------
# Local targets (10.10): shorter is the site's choice; NICE's are fixed
# --------------------------------------------------------------------------------------------


def test_a_site_may_set_local_targets_shorter_and_nice_targets_stay() -> None:
    targets = R.LocalTargets(
        {"acknowledge_emergency": "PT15M", "imaging_immediately": "PT24H", "report_24_hours": "PT2H"}
    )
    referral, _ = R.read_referral(ref(WEAK), evaluated_at=NOW)
    assert referral is not None
    timers = {t.name.value: t for t in R.evaluate_referral(referral, targets).timers}
    assert (timers["acknowledge"].target, timers["imaging"].target, timers["report"].target) == (
        "PT15M",
        "PT24H",
        "PT2H",
    )
    assert timers["imaging"].basis == R.TimerBasis.QS56_3
    progressing, _ = R.read_referral(ref(WEAK_PROGRESSING), evaluated_at=NOW)
    assert progressing is not None
    immediate = R.evaluate_referral(progressing, targets).timers[1]
    assert (immediate.target, immediate.basis) == ("PT24H", R.TimerBasis.LOCAL)


@pytest.mark.parametrize(
    ("targets", "words"),
    [
        ({"acknowledge_emergency": "PT31M"}, "acknowledge_emergency: PT31M is not within the rule set's PT30M"),
        ({"imaging_immediately": "PT25H"}, "imaging_immediately: PT25H is not within the rule set's PT24H"),
        ({"report_1_week": "PT0M"}, "report_1_week: PT0M is not within the rule set's PT48H"),
        ({"imaging_qs56_3": "PT12H", "zz_target": "PT1H"}, "imaging_qs56_3: not a local target"),
        ({"decision_otherwise": "12 hours"}, "not an ISO 8601 duration of days, hours and minutes: '12 hours'"),
    ],
)
def test_a_local_target_outside_the_rule_set_is_refused(targets: dict[str, str], words: str) -> None:
    with pytest.raises(ValueError) as refused:
        R.LocalTargets(targets)
    assert str(refused.value) == words


@pytest.mark.parametrize(("text", "hours"), [("P7D", 168), ("PT30M", 0.5), ("P1DT2H30M", 26.5), ("PT48H", 48)])
def test_duration_reads_days_hours_and_minutes(text: str, hours: float) -> None:
    assert duration(text) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["P", "PT", "P7DT", "7D", "PT1.5H", "P1W", ""])
def test_duration_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        duration(text)
    assert str(refused.value) == f"not an ISO 8601 duration of days, hours and minutes: {text!r}"


# --------------------------------------------------------------------------------------------
# 10.11 Validation (T1)
# --------------------------------------------------------------------------------------------


def without(name: str) -> dict[str, Any]:
    return {key: value for key, value in BASE.items() if key != name}


PASS_ONE: list[tuple[dict[str, Any], set[str]]] = [
    ({**BASE, "favourite_colour": "blue"}, {"favourite_colour"}),
    (without("imaging_levels"), {"imaging_levels"}),
    (without("referrer_name"), {"referrer_name"}),
    ({**BASE, "received_at": None}, {"received_at"}),
    ({**BASE, "patient_location": "car_park"}, {"patient_location"}),
    ({**BASE, "patient_location": 3}, {"patient_location"}),
    ({**BASE, "pain_features": "progressive"}, {"pain_features"}),
    ({**BASE, "pain_features": ["progressive", "progressive"]}, {"pain_features"}),
    ({**BASE, "neuro_findings": ["tingling"]}, {"neuro_findings"}),
    ({**BASE, "imaging_levels": ["T13"]}, {"imaging_levels"}),
    ({**BASE, "received_at": "2027-03-01T09:00:00"}, {"received_at"}),
    ({**BASE, "received_at": "1 March 2027"}, {"received_at"}),
    ({**BASE, "received_at": 20270301}, {"received_at"}),
    ({**BASE, "referrer_name": ""}, {"referrer_name"}),
    ({**BASE, "referrer_name": "   "}, {"referrer_name"}),
    ({**BASE, "referrer_contact": "1" * 201}, {"referrer_contact"}),
    ({**BASE, "referrer_organisation": 7}, {"referrer_organisation"}),
    ({**BASE, "mri_contraindicated": "no"}, {"mri_contraindicated"}),
    ({**BASE, "urinary_retention_confirmed": 0}, {"urinary_retention_confirmed"}),
    ({**BASE, "id": 7}, {"id"}),
    ({**BASE, "evaluated_at": None}, {"evaluated_at"}),
    ({**BASE, "events": []}, {"events"}),
    ({**BASE, "events": {"booked_at": T0}}, {"events.booked_at"}),
    ({**BASE, "events": {"coordinator_acknowledged_at": None}}, {"events.coordinator_acknowledged_at"}),
    ({**BASE, "events": {"decision_at": T0, "decision_type": "chemo"}}, {"events.decision_type"}),
    ({**BASE, "events": {"treatment_started_at": "soon"}}, {"events.treatment_started_at"}),
    ({**BASE, "previous_deadlines": [T0]}, {"previous_deadlines"}),
    ({**BASE, "previous_deadlines": {"triage": T0}}, {"previous_deadlines.triage"}),
    ({**BASE, "previous_deadlines": {"imaging": "2027-03-01"}}, {"previous_deadlines.imaging"}),
    # Every deadline at fault is named, an unknown timer's and the ones after it.
    (
        {**BASE, "previous_deadlines": {"triage": T0, "imaging": "2027-03-01"}},
        {"previous_deadlines.triage", "previous_deadlines.imaging"},
    ),
    # Pass 2 does not run while pass 1 finds something.
    ({**BASE, "cancer_type": None, "bogus": 1}, {"bogus"}),
]


@pytest.mark.parametrize(("data", "fields"), PASS_ONE)
def test_pass_one_names_each_field(data: dict[str, Any], fields: set[str]) -> None:
    result = R.evaluate_referral_object(data, evaluated_at=NOW)
    assert set(result["errors"]) == fields
    assert result["id"] == data.get("id")


PASS_TWO: list[tuple[dict[str, Any], set[str]]] = [
    ({"cancer_type": None}, {"cancer_type"}),
    ({"cancer_status": "suspected"}, {"cancer_type"}),
    ({"pain_features": ["other_spinal_pain", "progressive"]}, {"pain_features"}),
    ({**WEAK, "neuro_findings": ["cord_compression_signs"], "neuro_examination": "not_done"}, {"neuro_findings"}),
    ({**WEAK, "neuro_findings": ["cauda_equina_signs"], "neuro_examination": "not_done"}, {"neuro_findings"}),
    ({"neuro_findings": ["limb_weakness"]}, {"deficit_progressing"}),
    ({"deficit_progressing": "no"}, {"deficit_progressing"}),
    (
        {"neuro_findings": ["sensory_change"], "deficit_progressing": "no", "ambulatory_status": "paraplegic"},
        {"neuro_findings"},
    ),
    ({"walking_lost_at": T0}, {"walking_lost_at"}),
    ({"urinary_retention_confirmed": True}, {"neuro_findings"}),
    ({"imaging_status": "booked"}, {"imaging_modality", "imaging_booked_for"}),
    ({"imaging_modality": "mri"}, {"imaging_modality"}),
    (
        {
            "imaging_status": "done_not_reported",
            "imaging_modality": "mri",
            "imaging_at": T0,
            "imaging_scope": "whole_spine",
            "imaging_booked_for": T0,
        },
        {"imaging_booked_for"},
    ),
    (
        {
            "imaging_status": "reported",
            "imaging_modality": "mri",
            "imaging_at": T0,
            "imaging_reported_at": T0,
            "imaging_scope": "whole_spine",
        },
        {"imaging_finding"},
    ),
    ({**report("mscc"), "imaging_levels": []}, {"imaging_levels"}),
    ({**report("mscc"), "imaging_levels": None}, {"imaging_levels"}),
    ({**report("no_spinal_metastases"), "imaging_levels": ["T4"]}, {"imaging_levels"}),
    ({**report("no_spinal_metastases"), "mri_contraindicated": True}, {"mri_contraindicated"}),
    ({**report("no_spinal_metastases"), "imaging_reported_at": at(1.5)}, {"imaging_reported_at"}),
    ({"dexamethasone_given_at": "2027-03-01T09:16:00+00:00"}, {"dexamethasone_given_at"}),
    ({"dexamethasone_given_at": "2027-03-01T09:15:00+00:00"}, set()),  # 5 minutes is allowed
    ({"imaging_status": "booked", "imaging_modality": "mri", "imaging_booked_for": at(100)}, set()),
    ({"suspected_at": at(0.1)}, {"suspected_at"}),
    ({"suspected_at": at(0.1), "previous_deadlines": {}}, set()),
    ({"events": {"coordinator_acknowledged_at": at(-1)}}, {"events.coordinator_acknowledged_at"}),
    ({"events": {"coordinator_acknowledged_at": at(1)}}, {"events.coordinator_acknowledged_at"}),
    ({"events": {"decision_at": T0}}, {"events.decision_type"}),
    ({"events": {"decision_type": "surgery"}}, {"events.decision_type"}),
    ({"events": {"treatment_started_at": T0}}, {"events.treatment_started_at"}),
    (
        {"events": {"decision_at": at(0.1), "decision_type": "surgery", "treatment_started_at": T0}},
        {"events.treatment_started_at"},
    ),
]


@pytest.mark.parametrize(("changes", "fields"), PASS_TWO)
def test_pass_two_names_each_contradiction(changes: dict[str, Any], fields: set[str]) -> None:
    result = R.evaluate_referral_object(ref(changes), evaluated_at=NOW)
    assert set(result.get("errors", {})) == fields


def test_every_validation_message_in_words(snapshot: Any) -> None:
    """What the referrer reads for each field at fault, pass one and pass two (review the snapshot's words)."""
    found = [R.evaluate_referral_object(data, evaluated_at=NOW).get("errors", {}) for data, _ in PASS_ONE]
    found += [R.evaluate_referral_object(ref(changes), evaluated_at=NOW).get("errors", {}) for changes, _ in PASS_TWO]
    assert found == snapshot


def test_a_referral_that_is_not_an_object_is_refused() -> None:
    for data in ([BASE], "referral", None):
        referral, found = R.read_referral(data, evaluated_at=NOW)
        assert referral is None and list(found) == ["__all__"]
        assert "JSON object" in found["__all__"][0]


def test_the_evaluation_time_given_is_used_when_the_referral_has_none() -> None:
    data = without("evaluated_at")
    referral, _ = R.read_referral(data, evaluated_at=NOW)
    assert referral is not None and referral.evaluated_at == NOW
    assert referral.previous_deadlines is None and referral.events == R.Events()


# --------------------------------------------------------------------------------------------
# Rationale: one reason per rule that set an output, with the inputs it read and its source
# --------------------------------------------------------------------------------------------

SCAN = ["imaging_status", "imaging_scope", "imaging_modality", "mri_contraindicated"]
TRIAGE_READ = ["neuro_findings", "neuro_history", "cancer_status", "pain_features"]
REPORT_READ = [*SCAN, "imaging_finding"]


@pytest.mark.parametrize(
    ("changes", "topic", "rule", "inputs", "source"),
    [
        (WEAK, "triage", "T2", ["neuro_findings", "neuro_history", "cancer_status"], T.SRC_T2),
        ({**WEAK, **NO_CANCER}, "triage", "T3", ["neuro_findings", "cancer_status"], T.SRC_T3),
        ({"neuro_history": "not_asked"}, "triage", "T4", ["neuro_history", "pain_features", "cancer_status"], T.SRC_T4),
        ({}, "triage", "T5", ["pain_features", "cancer_status"], T.SRC_T5),
        (NO_CANCER, "triage", "T6", ["cancer_status", "pain_features", "neuro_findings"], T.SRC_T6),
        ({"pain_features": []}, "triage", "T7", TRIAGE_READ, T.SRC_T7),
        (
            WEAK_PROGRESSING,
            "imaging_within",
            "T8",
            [
                "deficit_progressing",
                "neuro_findings",
                "ambulatory_status",
                "walking_lost_at",
                "suspected_at",
                "received_at",
                *SCAN,
            ],
            T.SRC_WINDOW_IMMEDIATELY,
        ),
        (
            WEAK,
            "imaging_within",
            "T8",
            [
                "deficit_progressing",
                "neuro_findings",
                "ambulatory_status",
                "walking_lost_at",
                "suspected_at",
                "received_at",
                *SCAN,
            ],
            T.SRC_WINDOW_24_HOURS,
        ),
        (
            {**WEAK, **NO_CANCER},
            "imaging_within",
            "T8",
            [
                "deficit_progressing",
                "neuro_findings",
                "ambulatory_status",
                "walking_lost_at",
                "suspected_at",
                "received_at",
                *SCAN,
            ],
            T.SRC_WINDOW_24_HOURS_NO_CANCER,
        ),
        ({}, "imaging_within", "T8", ["pain_features", "cancer_status", *SCAN], T.SRC_WINDOW_1_WEEK),
        (NO_CANCER, "imaging_within", "T8", SCAN, T.SRC_WINDOW_NONE),
        ({}, "imaging", "T9", [*SCAN, "imaging_at"], T.SRC_IMAGING),
        (WEAK, "contact_coordinator", "T10", ["imaging_status", "imaging_finding"], T.SRC_CONTACT_T2),
        (
            {**WEAK, **NO_CANCER},
            "contact_coordinator",
            "T10",
            ["imaging_status", "imaging_finding"],
            T.SRC_CONTACT_FRONT_DOOR,
        ),
        ({}, "contact_coordinator", "T10", ["imaging_status", "imaging_finding"], T.SRC_CONTACT_24_HOURS),
        (NO_CANCER, "contact_coordinator", "T10", ["imaging_status", "imaging_finding"], T.SRC_CONTACT_NONE),
        (
            WEAK_PROGRESSING,
            "mobility",
            "T11",
            [*TRIAGE_READ, "deficit_progressing", "ambulatory_status", *REPORT_READ],
            T.SRC_MOBILITY_IMMOBILISE,
        ),
        (
            WEAK,
            "mobility",
            "T11",
            [*TRIAGE_READ, "deficit_progressing", "ambulatory_status", *REPORT_READ],
            T.SRC_MOBILITY_CONSIDER,
        ),
        (
            {},
            "mobility",
            "T11",
            [*TRIAGE_READ, "deficit_progressing", "ambulatory_status", *REPORT_READ],
            T.SRC_MOBILITY_AS_TOLERATED,
        ),
        (
            {**WEAK, **report("no_spinal_metastases")},
            "mobility",
            "T11",
            [*TRIAGE_READ, "deficit_progressing", "ambulatory_status", *REPORT_READ],
            T.SRC_MOBILITY_EXCLUDED,
        ),
        (
            NO_CANCER,
            "mobility",
            "T11",
            [*TRIAGE_READ, "deficit_progressing", "ambulatory_status", *REPORT_READ],
            T.SRC_MOBILITY_NONE,
        ),
        (WEAK, "bladder", "T13", ["urinary_retention_confirmed", "neuro_findings"], T.SRC_BLADDER),
        ({}, "next_step", "T15", [*REPORT_READ, "neuro_findings", "cancer_status"], T.SRC_NEXT_STEP),
        (
            report("mscc"),
            "prefill",
            "T15",
            [
                "neuro_findings",
                "neuro_history",
                "neuro_examination",
                "deficit_progressing",
                "ambulatory_status",
                "walking_lost_at",
                "urinary_retention_confirmed",
                "cancer_status",
                "cancer_type",
                "imaging_levels",
            ],
            T.SRC_PREFILL,
        ),
    ],
)
def test_rationale_inputs_and_source(
    changes: dict[str, Any], topic: str, rule: str, inputs: list[str], source: str
) -> None:
    item = reason(run(changes), topic)
    assert (item["rule"], item["inputs"], item["source"]) == (rule, inputs, source)
    assert item["text"].strip()


STEROID_READ = [
    *TRIAGE_READ,
    "cancer_type",
    *REPORT_READ,
    "deficit_progressing",
    "ambulatory_status",
    "walking_lost_at",
    "dexamethasone_given_at",
    "steroid_contraindication",
]


@pytest.mark.parametrize(
    ("changes", "source"),
    [
        ({**WEAK, **report("no_spinal_metastases"), **GIVEN}, T.SRC_STEROIDS_STOP),
        ({**LYMPHOMA, **report("mscc")}, T.SRC_STEROIDS_HAEMATOLOGICAL),
        (report("mscc"), T.SRC_STEROIDS_ASSESSMENT),
        (WEAK, T.SRC_STEROIDS_HIGH),
        ({**WEAK, "cancer_status": "suspected", "cancer_type": None}, T.SRC_STEROIDS_AFTER_CALL),
        ({**WEAK, **GIVEN}, T.SRC_STEROIDS_CONTINUE),
        ({**WEAK, "steroid_contraindication": True}, T.SRC_STEROIDS_CONTRAINDICATION),
        ({**WEAK, **NO_CANCER}, T.SRC_STEROIDS_SENIOR),
        ({"pain_features": ["severe_unremitting"]}, T.SRC_STEROIDS_CONSIDER),
        ({}, T.SRC_STEROIDS_NOT_ROUTINE),
        (NO_CANCER, T.SRC_STEROIDS_NONE),
    ],
)
def test_steroid_reasons_cite_the_rule_that_set_them(changes: dict[str, Any], source: str) -> None:
    item = reason(run(changes), "steroids")
    assert (item["rule"], item["inputs"], item["source"]) == ("T12", STEROID_READ, source)


def test_advice_reason_cites_each_advices_source_once() -> None:
    item = reason(run(WEAK), "initial_advice")
    assert item["rule"] == "T13"
    assert item["inputs"] == [
        "patient_location",
        *TRIAGE_READ,
        "cancer_type",
        *REPORT_READ,
        "deficit_progressing",
        "ambulatory_status",
        "dexamethasone_given_at",
        "steroid_contraindication",
    ]
    assert item["source"] == "; ".join(
        dict.fromkeys(
            T.ADVICE_TEXTS[code].source
            for code in (
                A.ADMIT_VIA_EMERGENCY_DEPARTMENT,
                A.EXPERT_STABILITY_ADVICE_WITHIN_24H,
                A.GASTROPROTECTION_AND_GLUCOSE_MONITORING,
                A.PROMPT_ANALGESIA_PAIN_ASSESSMENT,
                A.VTE_BLEEDING_RISK_ASSESSMENT,
                A.NO_PLAIN_XRAY,
            )
        )
    )
    assert reason(run(pain_features=[]), "initial_advice")["source"] == T.SRC_ADVICE


@pytest.mark.parametrize("escalation", list(R.Escalation))
def test_escalation_reason_is_its_text_and_source(escalation: R.Escalation) -> None:
    cases = {
        R.Escalation.NONE: {"pain_features": []},
        R.Escalation.SPINAL_SURGEON_AND_CLINICAL_ONCOLOGIST_NOW: WEAK_PROGRESSING,
        R.Escalation.EMERGENCY_SPINAL_TEAM_NOW: {**WEAK, **NO_CANCER},
        R.Escalation.SENIOR_CLINICAL_ADVISERS_ON_REPORT: WEAK,
        R.Escalation.COORDINATOR_COMPLETES_REFERRAL: {"neuro_history": "not_asked"},
        R.Escalation.COORDINATOR_REVIEW: {},
        R.Escalation.CONSIDER_SUSPECTED_CANCER_REFERRAL: NO_CANCER,
    }
    result = run(cases[escalation])
    assert result["escalation"] == escalation.value
    item = reason(result, "escalation")
    assert (item["rule"], item["text"], item["source"]) == (
        "T14",
        T.ESCALATION_TEXTS[escalation].text,
        T.ESCALATION_TEXTS[escalation].source,
    )
    assert item["inputs"] == [*TRIAGE_READ, *REPORT_READ]


ALERT_INPUTS = {
    "time_critical": [
        "neuro_findings",
        "cancer_status",
        "ambulatory_status",
        "walking_lost_at",
        "evaluated_at",
        *REPORT_READ,
    ],
    "nonambulatory_over_48h": [
        "neuro_findings",
        "cancer_status",
        "ambulatory_status",
        "walking_lost_at",
        "evaluated_at",
        *REPORT_READ,
    ],
    "biopsy_before_steroids": ["cancer_status", "cancer_type"],
    "whole_spine_imaging_needed": REPORT_READ,
    "examination_not_done": ["neuro_examination"],
}


def test_each_alert_has_one_reason_with_its_text_source_and_inputs() -> None:
    result = run(
        CANNOT_WALK,
        report("mscc", scope="part_of_spine"),
        cancer_status="suspected",
        cancer_type=None,
        neuro_examination="not_done",
        walking_lost_at="2027-02-20T09:00:00+00:00",
    )
    assert result["alerts"] == list(ALERT_INPUTS)[1:]
    for code in result["alerts"]:
        item = reason(result, f"alert:{code}")
        note = T.ALERT_TEXTS[R.ReferralAlert(code)]
        assert (item["rule"], item["text"], item["source"], item["inputs"]) == (
            "T16",
            note.text,
            note.source,
            ALERT_INPUTS[code],
        )
    booked = run(
        imaging_status="booked",
        imaging_modality="mri",
        imaging_booked_for="2027-03-09T09:00:00+00:00",
        cancer_type="type_not_recorded",
    )
    assert reason(booked, "alert:booked_imaging_after_deadline")["inputs"] == [
        "imaging_status",
        "imaging_booked_for",
        "suspected_at",
    ]
    assert reason(booked, "alert:cancer_type_not_recorded")["inputs"] == ["cancer_type"]


@pytest.mark.parametrize(
    ("changes", "name", "source", "inputs"),
    [
        (WEAK, "acknowledge", T.SRC_TIMER_LOCAL, ["received_at", "events.coordinator_acknowledged_at", "evaluated_at"]),
        (WEAK, "imaging", T.SRC_TIMER_QS56_3, ["suspected_at", "received_at", *SCAN, "imaging_at", "evaluated_at"]),
        ({}, "imaging", T.SRC_TIMER_QS56_2, ["suspected_at", "received_at", *SCAN, "imaging_at", "evaluated_at"]),
        (WEAK, "report", T.SRC_TIMER_LOCAL, [*SCAN, "imaging_at", "imaging_reported_at", "evaluated_at"]),
        (
            WEAK,
            "decision",
            T.SRC_TIMER_LOCAL,
            [
                "imaging_status",
                "imaging_finding",
                "imaging_reported_at",
                "suspected_at",
                "received_at",
                "events.decision_at",
                "evaluated_at",
            ],
        ),
        (
            WEAK,
            "treatment",
            T.SRC_TIMER_PENDING,
            [
                "imaging_status",
                "imaging_finding",
                "events.decision_at",
                "events.decision_type",
                "events.treatment_started_at",
                "evaluated_at",
            ],
        ),
        (
            {**WEAK, **report("mscc"), "events": DECIDED, "evaluated_at": at(4.5)},
            "treatment",
            T.SRC_TIMER_QS56_6,
            [
                "imaging_status",
                "imaging_finding",
                "events.decision_at",
                "events.decision_type",
                "events.treatment_started_at",
                "evaluated_at",
            ],
        ),
        (
            {"previous_deadlines": {"imaging": at(24)}},
            "imaging",
            T.SRC_TIMER_CARRIED,
            ["suspected_at", "received_at", *SCAN, "imaging_at", "evaluated_at", "previous_deadlines.imaging"],
        ),
        (NO_CANCER, "imaging", T.SRC_TIMER_LOCAL, ["suspected_at", "received_at", *SCAN, "imaging_at", "evaluated_at"]),
    ],
)
def test_timer_reasons_cite_their_basis(changes: dict[str, Any], name: str, source: str, inputs: list[str]) -> None:
    item = reason(run(changes), f"timer:{name}")
    assert (item["rule"], item["source"], item["inputs"]) == ("T17", source, inputs)


def test_reasons_are_facts_spelled_with_the_spec_codes() -> None:
    result = R.evaluate_referral(R.read_referral(ref(WEAK), evaluated_at=NOW)[0])  # type: ignore[arg-type]
    triage = result.rationale[0]
    assert triage.text == (
        "Neurological symptoms or signs (neuro_findings limb_weakness) with cancer_status past: suspected MSCC, "
        "an emergency."
    )
    assert triage.words[1] == Fact("neuro_findings", "limb_weakness")
    assert triage.words[3] == Fact("cancer_status", "past")
    missing = R.evaluate_referral(R.read_referral(ref(neuro_history="not_asked"), evaluated_at=NOW)[0])  # type: ignore[arg-type]
    assert missing.rationale[0].text.startswith("Not enough is known to triage lower (neuro_history)")


def test_every_output_rule_gives_one_reason_in_rule_order() -> None:
    result = run(WEAK, report("mscc"), cancer_type="type_not_recorded")
    topics = [item["topic"] for item in result["rationale"]]
    assert topics == [
        "triage",
        "imaging_within",
        "imaging",
        "contact_coordinator",
        "mobility",
        "steroids",
        "bladder",
        "initial_advice",
        "escalation",
        "next_step",
        "prefill",
        "alert:cancer_type_not_recorded",
        "timer:acknowledge",
        "timer:imaging",
        "timer:report",
        "timer:decision",
        "timer:treatment",
    ]
    assert [item["rule"] for item in result["rationale"]] == [
        "T2",
        "T8",
        "T9",
        "T10",
        "T11",
        "T12",
        "T13",
        "T13",
        "T14",
        "T15",
        "T15",
        "T16",
        "T17",
        "T17",
        "T17",
        "T17",
        "T17",
    ]


# --------------------------------------------------------------------------------------------
# Labels: every referral code has words, in labels.py
# --------------------------------------------------------------------------------------------

REFERRAL_ENUMS = [value for value in vars(R).values() if isinstance(value, type) and issubclass(value, StrEnum)]


def test_the_referral_package_has_its_enums() -> None:
    assert len(REFERRAL_ENUMS) == 29


@pytest.mark.parametrize("enum", REFERRAL_ENUMS, ids=lambda enum: enum.__name__)
def test_every_referral_code_has_a_label(enum: type[StrEnum]) -> None:
    for member in enum:
        text = labels.label(member)
        assert text.strip() and "_" not in text


def test_nice_bases_read_nice_and_local_ones_read_local() -> None:
    for basis in R.TimerBasis:
        words = labels.label(basis)
        assert words.startswith("NICE QS56 statement") is (basis in R.NICE_BASES)
    assert labels.label(R.TimerBasis.LOCAL) == "Local target"
    assert labels.label(R.CancerType.OTHER) == "Other cancer"
    assert labels.label(R.CancerType.BREAST) == labels.label(Histology.BREAST)


def test_a_code_of_an_unknown_enum_has_no_label() -> None:
    class Stranger(StrEnum):
        ONE = "one"

    with pytest.raises(KeyError):
        labels.label(Stranger.ONE)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


def _evaluate(data: dict[str, Any]) -> dict[str, Any]:
    result = R.evaluate_referral_object(data, evaluated_at=NOW)
    assert "errors" not in result, (result.get("errors"), data)
    return result


@SETTINGS
@given(referrals())
def test_generated_referrals_are_valid_and_every_applicable_timer_shows_its_basis(data: dict[str, Any]) -> None:
    result = _evaluate(data)
    fixed = {"QS56-2": "P7D", "QS56-3": "PT24H", "QS56-6": "PT24H"}
    for name, timer in result["timers"].items():
        if timer["status"] == "not_applicable":
            assert set(timer.values()) == {None, "not_applicable"}
            continue
        basis = R.TimerBasis(timer["basis"])
        assert labels.label(basis).startswith(("NICE", "Local", "Carried"))
        if basis in R.NICE_BASES:
            assert timer["target"] == fixed[basis.value]  # a local number never shows a NICE basis
        if basis == R.TimerBasis.CARRIED:
            assert (timer["anchor"], timer["target"]) == ("previous_deadlines", None)
        if basis == R.TimerBasis.PENDING_DECISION:
            assert name == "treatment" and timer["deadline"] is None


@SETTINGS
@given(referrals())
def test_a_shorter_local_target_never_changes_a_nice_one(data: dict[str, Any]) -> None:
    referral, _ = R.read_referral(data, evaluated_at=NOW)
    assert referral is not None
    shorter = R.LocalTargets(dict.fromkeys(R.LOCAL_TARGET_DEFAULTS, "PT1M"))
    plain, local = R.evaluate_referral(referral).timers, R.evaluate_referral(referral, shorter).timers
    for before, after in zip(plain, local, strict=True):
        assert before.basis == after.basis
        if before.basis in R.NICE_BASES:
            assert before.target == after.target
        elif before.basis == R.TimerBasis.LOCAL:
            assert after.target == "PT1M"


@SETTINGS
@given(referrals(), st.randoms(use_true_random=False))
def test_triage_never_depends_on_field_order(data: dict[str, Any], random: Any) -> None:
    keys = list(data)
    random.shuffle(keys)
    shuffled = {key: data[key] for key in keys}
    for name in ("pain_features", "neuro_findings", "imaging_levels"):
        if isinstance(shuffled[name], list):
            shuffled[name] = random.sample(shuffled[name], len(shuffled[name]))
    first, second = _evaluate(data), _evaluate(shuffled)
    for result in (first, second):
        result.pop("rationale")
        if result["prefill"] is not None:
            result["prefill"]["lesions"] = sorted(lesion["spinal_level"] for lesion in result["prefill"]["lesions"])
    assert first == second


def mscc_excluded(data: dict[str, Any]) -> bool:
    """10.2, written out again: a qualifying whole-spine scan reported no metastases or another cause."""
    qualifying = data["imaging_scope"] == "whole_spine" and (
        data["imaging_modality"] == "mri" or (data["imaging_modality"] == "ct" and data["mri_contraindicated"])
    )
    reported = data["imaging_status"] == "reported"
    return qualifying and reported and data["imaging_finding"] in ("no_spinal_metastases", "other_cause")


@SETTINGS
@given(referrals(), referrals(), st.integers(0, 300))
def test_deadlines_never_loosen_on_retriage(first: dict[str, Any], second: dict[str, Any], hours: int) -> None:
    before = _evaluate(first)
    carried = {name: timer["deadline"] for name, timer in before["timers"].items() if timer["deadline"]}
    # The later version: new findings, the same referral (received_at and events), evaluated later.
    later = {**second, "events": first.get("events", {}), "previous_deadlines": carried}
    later["evaluated_at"] = (datetime.fromisoformat(first["evaluated_at"]) + timedelta(hours=hours)).isoformat()
    if not later["events"]:
        del later["events"]
    result = R.evaluate_referral_object(later, evaluated_at=NOW)
    if "errors" in result:  # the second draw's times can lie after the first's events; not a re-triage
        return
    decision = first.get("events", {}).get("decision_type")
    excluded = mscc_excluded(later)
    if excluded:  # a whole-spine scan without metastases ends the decision and treatment timers
        assert (
            result["timers"]["decision"]
            == result["timers"]["treatment"]
            == {
                **dict.fromkeys(("start", "anchor", "target", "deadline", "stop", "basis")),
                "status": "not_applicable",
            }
        )
    for name, deadline in carried.items():
        timer = result["timers"][name]
        if name in ("decision", "treatment") and timer["status"] == "not_applicable":
            assert excluded or (name == "treatment" and decision in ("systemic_therapy", "supportive_care", "other"))
            continue
        assert timer["deadline"] is not None
        assert datetime.fromisoformat(timer["deadline"]) <= datetime.fromisoformat(deadline)
        if name == "acknowledge":
            assert timer["deadline"] == deadline


@SETTINGS
@given(referrals(), st.integers(1, 500))
def test_deadlines_are_fixed_from_the_referral_never_from_the_evaluation(data: dict[str, Any], hours: int) -> None:
    later = {
        **data,
        "evaluated_at": (datetime.fromisoformat(data["evaluated_at"]) + timedelta(hours=hours)).isoformat(),
    }
    now, then = _evaluate(data), _evaluate(later)
    assert {k: t["deadline"] for k, t in now["timers"].items()} == {k: t["deadline"] for k, t in then["timers"].items()}
    for key in ("triage", "imaging_within", "imaging", "contact_coordinator", "steroids", "escalation", "next_step"):
        assert now[key] == then[key]


HIGH = {"high_dose", "high_dose_after_coordinator_call", "continue_high_dose"}
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
    "rationale",
}


@SETTINGS
@given(referrals())
def test_triage_never_does_what_section_10_13_forbids(data: dict[str, Any]) -> None:
    result = _evaluate(data)
    rule = result["triage_rule"]
    findings = set(data["neuro_findings"])
    # Missing information never gives a lower category; a positive neurological finding always wins.
    if data["neuro_history"] != "asked" or data["pain_features"] is None:
        assert rule in ("T2", "T3", "T4")
    if findings - {"radicular_pain"}:
        assert rule in ("T2", "T3")
    if (
        rule in ("T2", "T3")
        and findings & {"limb_weakness", "gait_difficulty"}
        and (data["deficit_progressing"] == "not_known" or data["ambulatory_status"] == "not_known")
    ):
        assert result["timers"]["imaging"]["target"] in ("PT4H", None)  # immediately (or carried)
    # A scan that does not cover the question never closes the pathway or stops dexamethasone.
    qualifying = data["imaging_scope"] == "whole_spine" and (
        data["imaging_modality"] == "mri" or data["mri_contraindicated"]
    )
    if not qualifying:
        assert result["steroids"] != "stop"
        assert result["next_step"] not in ("await_report", "refer_to_other_service")
        if rule in ("T2", "T3", "T5"):
            assert result["next_step"] in ("arrange_imaging", "create_assessment")
            assert result["escalation"] != "none" or rule == "T5"
    # The coordinator's call is live wherever the rules say immediately.
    if rule in ("T2", "T3", "T4"):
        assert result["contact_coordinator"] == "immediately"
    # Never over a recorded contraindication; never a second loading dose.
    if data["steroid_contraindication"]:
        assert result["steroids"] not in HIGH | {"only_after_senior_review", "consider"}
    if data["dexamethasone_given_at"] is not None:
        assert result["steroids"] not in ("high_dose", "high_dose_after_coordinator_call")
    # No treatment is advised: the result holds triage, imaging and escalation only.
    assert set(result) == RESULT_KEYS
    assert result["rule_set"] == "2027.2"


# --------------------------------------------------------------------------------------------
# The subpackage is pure: standard library and the rules package only
# --------------------------------------------------------------------------------------------

REFERRAL_MODULES = sorted((Path(__file__).resolve().parent.parent / "assessments" / "rules" / "referral").glob("*.py"))


def test_the_referral_subsection_modules_are_all_there() -> None:
    names = {path.stem for path in REFERRAL_MODULES}
    assert names >= {"codes", "inputs", "validation", "derived", "triage", "imaging", "contact", "advice"}
    assert names >= {"escalation", "next_step", "alerts", "timers", "result", "texts", "engine"}


@pytest.mark.parametrize("path", REFERRAL_MODULES, ids=lambda p: p.name)
def test_referral_modules_import_only_the_standard_library_and_the_rules(path: Path) -> None:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    outside = {name.split(".")[0] for name in imported if not name.startswith(".")}
    assert outside <= set(sys.stdlib_module_names) | {"__future__"}
    # Relative imports stay inside the rules package: at most one level up (assessments/rules).
    assert all(len(name) - len(name.lstrip(".")) <= 2 for name in imported if name.startswith("."))


def test_a_null_id_is_no_id() -> None:
    result = run(id=None)
    assert result["id"] is None and result["triage_rule"] == "T5"


def test_on_a_tie_the_decision_timer_shows_rule_a() -> None:
    # T5 with MSCC reported 156 h after the suspicion: (a) 12 h from the report and (b) 7 days from the
    # suspicion end at the same moment.
    scan = report("mscc", imaging_at=at(155), imaging_reported_at=at(156), evaluated_at=at(157))
    assert run(scan)["timers"]["decision"] == timer(
        at(156), "imaging_reported_at", "PT12H", at(168), None, "running", "local"
    )


def test_no_window_is_a_window_other_than_immediately() -> None:
    past_lymphoma = {"cancer_status": "past", "cancer_type": "lymphoma", "pain_features": []}
    result = run(past_lymphoma, report("spinal_metastases_no_compression"))
    assert (result["triage_rule"], result["imaging_within"]) == ("T7", None)
    assert result["steroids"] == "high_dose_after_coordinator_call"
    assert result["alerts"] == ["biopsy_before_steroids"]


def test_result_times_are_in_utc_whatever_the_offset_given() -> None:
    result = run(WEAK, received_at="2027-03-01T10:00:00+01:00", evaluated_at="2027-03-01T10:10:00+01:00")
    assert result["timers"]["imaging"]["start"] == T0
    assert result["timers"]["imaging"]["deadline"] == at(24)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=6,
)
ALL_KEYS = [*R.REFERRAL_FIELDS, *R.OPTIONAL_FIELDS]


@SETTINGS
@given(referrals(), st.sampled_from([*ALL_KEYS, "stray"]), JSON_VALUES, st.booleans())
def test_any_hostile_value_is_refused_by_name_never_raised(
    data: dict[str, Any], key: str, value: object, drop: bool
) -> None:
    hostile = {k: v for k, v in data.items() if k != key} if drop else {**data, key: value}
    result = R.evaluate_referral_object(hostile, evaluated_at=NOW)
    if "errors" not in result:
        assert result["rule_set"] == "2027.2"
        return
    assert result["errors"]
    for name, messages in result["errors"].items():
        assert name.split(".")[0] in {*ALL_KEYS, key}
        assert messages and all(isinstance(message, str) and message for message in messages)


def test_the_advice_reason_lists_the_codes_once_each() -> None:
    item = reason(run(), "initial_advice")
    assert item["text"] == (
        "Initial advice: prompt_analgesia_pain_assessment, no_plain_xray, safety_net_neuro_symptoms."
    )
    assert reason(run(pain_features=[]), "initial_advice")["text"] == "Initial advice: none."


def test_an_object_without_its_own_time_is_evaluated_at_the_time_given():
    own = {name: value for name, value in ref().items() if name != "evaluated_at"}
    later = datetime(2027, 3, 1, 12, 30, tzinfo=UTC)
    assert R.evaluate_referral_object(own, evaluated_at=later) == R.evaluate_referral_object(
        ref(LATER), evaluated_at=NOW
    )


def test_a_file_entry_that_is_not_an_object_is_refused_without_an_id():
    result = R.evaluate_referral_object(["not", "an", "object"], evaluated_at=NOW)
    assert result == {
        "id": None,
        "errors": {"__all__": ["A referral must be a JSON object with the fields of section 10.1."]},
    }


def test_a_text_of_the_longest_length_is_read_whole_and_one_more_character_is_refused() -> None:
    longest = "A" * 200
    assert run(referrer_name=longest)["id"] == "base"
    assert errors(referrer_name=longest + "A") == {"referrer_name": ["text of 1 to 200 characters"]}


def test_a_carried_deadline_of_a_timer_that_no_longer_applies_runs_from_and_stops_at_its_events() -> None:
    # Re-triaged to "not suspected": the timers do not apply now, but the deadlines carried from the earlier
    # version stand, and each is met by the event that stops it.
    done = {"decision_at": at(0.1), "decision_type": "radiotherapy", "treatment_started_at": at(0.15)}
    carried = {"decision": at(40), "treatment": at(50)}
    ended = run(pain_features=[], previous_deadlines=carried, events=done)
    assert ended["triage"] == "not_suspected"
    assert ended["timers"]["decision"] == timer(None, CARRIED, None, at(40), at(0.1), "met", "carried")
    assert ended["timers"]["treatment"] == timer(at(0.1), CARRIED, None, at(50), at(0.15), "met", "carried")
    carried = {"imaging": at(24), "report": at(30)}
    scanned = run(report("no_spinal_metastases"), pain_features=[], previous_deadlines=carried)
    assert scanned["timers"]["imaging"] == timer(T0, CARRIED, None, at(24), SCANNED_AT, "met", "carried")
    assert scanned["timers"]["report"] == timer(SCANNED_AT, CARRIED, None, at(30), REPORTED_AT, "met", "carried")


def test_the_decision_timer_takes_the_earlier_of_its_two_deadlines() -> None:
    # Metastases without compression on a referral that was not an emergency: QS56-2's week from suspicion,
    # stopped by the decision.
    decided = {"decision_at": at(3.4), "decision_type": "radiotherapy"}
    week = run(report("spinal_metastases_no_compression"), events=decided)["timers"]["decision"]
    assert week == timer(REPORTED_AT, "suspected_at", "P7D", at(168), at(3.4), "met", "QS56-2")
    # An emergency whose scan is reported eight days after the suspicion: the local 12 hours from the report,
    # never the week from the suspicion, although the week has passed.
    late = report("spinal_metastases_no_compression", imaging_at=at(190), imaging_reported_at=at(191))
    emergency = run(WEAK, late, evaluated_at=at(192))["timers"]["decision"]
    assert emergency == timer(at(191), "imaging_reported_at", "PT12H", at(203), None, "running", "local")


def test_times_that_are_equal_are_in_order() -> None:
    # Suspected as it was received, acknowledged at once, treated at the moment of the decision: none is out of order.
    same = {"decision_at": at(0.1), "decision_type": "radiotherapy", "treatment_started_at": at(0.1)}
    result = run(suspected_at=T0, events={**same, "coordinator_acknowledged_at": T0})
    assert result["timers"]["acknowledge"]["stop"] == T0
