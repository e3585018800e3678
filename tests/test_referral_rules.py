"""Referral triage (clinical-rules.md section 10) rule by rule, its validation, its reasons, and its properties.

No database. Each rule's branches are driven from one base referral (tx01's GP referral: past breast cancer,
thoracic night pain, no neurological finding, T5) with the few fields that matter changed; the expected
values are written out from the spec's tables. The properties run on referrals generated consistent with
10.1 (``tests/referral_strategies.py``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import labels
from assessments.rules import referral as R
from assessments.rules.referral import texts as T
from assessments.rules.referral.inputs import duration
from tests.referral_strategies import referrals

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
        ({"cancer_status": "unknown", "cancer_type": None, "neuro_history": "not_asked"}, "T4", ["cancer_status", "neuro_history"]),
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
            {**CANNOT_WALK, "walking_lost_at": "2027-02-27T09:00:00+00:00", "suspected_at": "2027-03-01T08:00:00+00:00"},
            "immediately",
        ),
        ({**WEAK, "ambulatory_status": "not_known"}, "immediately"),
        ({"neuro_findings": ["sensory_change"], "deficit_progressing": "no", "ambulatory_status": "not_known"}, "24_hours"),
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
        ({"neuro_findings": ["bladder_dysfunction"], "deficit_progressing": "no", "urinary_retention_confirmed": True}, "catheterize"),
        ({"neuro_findings": ["bladder_dysfunction"], "deficit_progressing": "no", "urinary_retention_confirmed": False}, "bladder_scan"),
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
        ({**WEAK, **report("mscc")}, [A.ADMIT_VIA_EMERGENCY_DEPARTMENT, A.EXPERT_STABILITY_ADVICE_WITHIN_24H,
         A.GASTROPROTECTION_AND_GLUCOSE_MONITORING, A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.VTE_BLEEDING_RISK_ASSESSMENT]),
        ({"pain_features": [], **report("mscc")}, [A.ADMIT_VIA_EMERGENCY_DEPARTMENT]),
        ({**WEAK, "patient_location": "hospice"}, [A.EXPERT_STABILITY_ADVICE_WITHIN_24H,
         A.GASTROPROTECTION_AND_GLUCOSE_MONITORING, A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.VTE_BLEEDING_RISK_ASSESSMENT,
         A.NO_PLAIN_XRAY]),
        ({**WEAK, **report("no_spinal_metastases")}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT]),
        ({**LYMPHOMA, "neuro_findings": ["radicular_pain"], "deficit_progressing": "no", "pain_features": [],
          "patient_location": "emergency_department"},
         [A.EXPERT_STABILITY_ADVICE_WITHIN_24H, A.GASTROPROTECTION_AND_GLUCOSE_MONITORING,
          A.DISCUSS_WITH_HAEMATOLOGY_MDT, A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.VTE_BLEEDING_RISK_ASSESSMENT,
          A.NO_PLAIN_XRAY]),
        ({**LYMPHOMA, **WEAK, **report("no_spinal_metastases"), **GIVEN}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT]),
        ({"cancer_type": "myeloma", "steroid_contraindication": True}, [A.DISCUSS_WITH_HAEMATOLOGY_MDT,
         A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.NO_PLAIN_XRAY, A.SAFETY_NET_NEURO_SYMPTOMS]),
        ({}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.NO_PLAIN_XRAY, A.SAFETY_NET_NEURO_SYMPTOMS]),
        ({"patient_location": "inpatient"}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.VTE_BLEEDING_RISK_ASSESSMENT,
         A.NO_PLAIN_XRAY, A.SAFETY_NET_NEURO_SYMPTOMS]),
        ({"patient_location": "other_hospital"}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.VTE_BLEEDING_RISK_ASSESSMENT,
         A.NO_PLAIN_XRAY, A.SAFETY_NET_NEURO_SYMPTOMS]),
        ({"neuro_history": "not_asked", "pain_features": []}, [A.SAFETY_NET_NEURO_SYMPTOMS]),
        ({**NO_CANCER}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.SAFETY_NET_NEURO_SYMPTOMS]),
        ({"pain_features": ["other_spinal_pain"]}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT, A.SAFETY_NET_NEURO_SYMPTOMS,
         A.CLINICAL_REVIEW_IF_PAIN_CHANGES]),
        ({"pain_features": ["other_spinal_pain"], **NO_CANCER}, [A.PROMPT_ANALGESIA_PAIN_ASSESSMENT,
         A.SAFETY_NET_NEURO_SYMPTOMS]),
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
        ({"pain_features": [], **report("spinal_metastases_no_compression", scope="part_of_spine")}, "create_assessment"),
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
            {"neurologic_deficit": True, "deficit_progressing": False, "motor_status": "ambulatory",
             "urinary_symptoms": True, "histology": "breast"},
        ),
        (
            {**WEAK, "deficit_progressing": "yes", "ambulatory_status": "walks_with_aid"},
            {"neurologic_deficit": True, "deficit_progressing": True, "motor_status": "ambulatory_with_aid",
             "urinary_symptoms": False, "histology": "breast"},
        ),
        (
            {**CANNOT_WALK, "deficit_progressing": "not_known", "walking_lost_at": "2027-03-01T07:00:00+01:00"},
            {"neurologic_deficit": True, "motor_status": "nonambulatory", "walking_lost_at": "2027-03-01T06:00:00+00:00",
             "urinary_symptoms": False, "histology": "breast"},
        ),
        (
            {**WEAK, "ambulatory_status": "paraplegic", "urinary_retention_confirmed": False,
             "neuro_findings": ["limb_weakness", "bladder_dysfunction"]},
            {"neurologic_deficit": True, "deficit_progressing": False, "motor_status": "paraplegic",
             "urinary_symptoms": True, "urinary_retention": False, "histology": "breast"},
        ),
        (
            {"cancer_status": "suspected", "cancer_type": None},
            {"neurologic_deficit": False, "deficit_progressing": False, "motor_status": "ambulatory",
             "urinary_symptoms": False, "histology": "unknown_primary"},
        ),
        (
            {**NO_CANCER, "neuro_examination": "not_done", "ambulatory_status": "not_known"},
            {"urinary_symptoms": False, "histology": "unknown_primary"},
        ),
        (
            {"neuro_findings": ["radicular_pain"], "deficit_progressing": "no", "neuro_history": "not_asked",
             "cancer_type": "type_not_recorded", "ambulatory_status": "nonambulatory_before_this_illness"},
            {},
        ),
        ({"cancer_status": "unknown", "cancer_type": None, "neuro_history": "not_obtainable"}, {"motor_status": "ambulatory"}),
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
        ({"imaging_status": "booked", "imaging_modality": "mri", "imaging_booked_for": "2027-03-08T09:00:00+00:00"}, []),
        ({"imaging_status": "booked", "imaging_modality": "mri", "imaging_booked_for": "2027-03-20T09:00:00+00:00",
          "pain_features": []}, []),
        ({"neuro_examination": "not_done"}, ["examination_not_done"]),
        ({"cancer_type": "type_not_recorded"}, ["cancer_type_not_recorded"]),
        (
            {"cancer_status": "suspected", "cancer_type": None, **CANNOT_WALK, "neuro_examination": "not_done",
             "walking_lost_at": "2027-02-20T09:00:00+00:00", **report("mscc", scope="part_of_spine")},
            ["nonambulatory_over_48h", "biopsy_before_steroids", "whole_spine_imaging_needed", "examination_not_done"],
        ),
    ],
)
def test_alerts_in_table_order(changes: dict[str, Any], alerts: list[str]) -> None:
    assert run(changes)["alerts"] == alerts
