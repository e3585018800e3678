"""The codes of clinical-rules.md section 10 (referral triage) as ``StrEnum`` s: the enum values are the spec codes."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

# Section 10 exists from rule set 2027.2 on; a referral result always names it.
RULE_SET: Final = "2027.2"


# --------------------------------------------------------------------------------------------
# Inputs (10.1)
# --------------------------------------------------------------------------------------------


class PatientLocation(StrEnum):
    """Where the patient is now; ``inpatient`` is a ward of the coordinator's own hospital."""

    COMMUNITY = "community"
    EMERGENCY_DEPARTMENT = "emergency_department"
    INPATIENT = "inpatient"
    OTHER_HOSPITAL = "other_hospital"
    HOSPICE = "hospice"


class CancerStatus(StrEnum):
    """What the referrer knows of a cancer."""

    CURRENT = "current"
    PAST = "past"
    SUSPECTED = "suspected"
    NONE_KNOWN = "none_known"
    UNKNOWN = "unknown"


class CancerType(StrEnum):
    """The section 1 histology codes except ``unknown_primary``, or ``type_not_recorded``."""

    LYMPHOMA = "lymphoma"
    MYELOMA = "myeloma"
    SMALL_CELL_LUNG = "small_cell_lung"
    GERM_CELL = "germ_cell"
    PROSTATE = "prostate"
    BREAST = "breast"
    OVARIAN = "ovarian"
    MELANOMA = "melanoma"
    RENAL_CELL = "renal_cell"
    NON_SMALL_CELL_LUNG = "non_small_cell_lung"
    GASTROINTESTINAL = "gastrointestinal"
    SARCOMA = "sarcoma"
    OTHER = "other"
    TYPE_NOT_RECORDED = "type_not_recorded"


class PainFeature(StrEnum):
    """A feature of spinal pain (10.1 Pain)."""

    THORACIC_OR_CERVICAL = "thoracic_or_cervical"
    PROGRESSIVE = "progressive"
    SEVERE_UNREMITTING = "severe_unremitting"
    AGGRAVATED_BY_STRAINING = "aggravated_by_straining"
    LOCALISED_TENDERNESS = "localised_tenderness"
    NOCTURNAL_DISTURBING_SLEEP = "nocturnal_disturbing_sleep"
    MECHANICAL = "mechanical"
    CLAUDICATION = "claudication"
    OTHER_SPINAL_PAIN = "other_spinal_pain"


class NeuroFinding(StrEnum):
    """A neurological symptom or sign (10.1 Neurology; NG234 1.3.2)."""

    RADICULAR_PAIN = "radicular_pain"
    LIMB_WEAKNESS = "limb_weakness"
    GAIT_DIFFICULTY = "gait_difficulty"
    SENSORY_CHANGE = "sensory_change"
    PERINEAL_NUMBNESS = "perineal_numbness"
    BLADDER_DYSFUNCTION = "bladder_dysfunction"
    BOWEL_DYSFUNCTION = "bowel_dysfunction"
    CORD_COMPRESSION_SIGNS = "cord_compression_signs"
    CAUDA_EQUINA_SIGNS = "cauda_equina_signs"


class NeuroHistory(StrEnum):
    """Whether the referrer asked about the neurological findings."""

    ASKED = "asked"
    NOT_ASKED = "not_asked"
    NOT_OBTAINABLE = "not_obtainable"


class NeuroExamination(StrEnum):
    """Whether a neurological examination was done."""

    DONE = "done"
    NOT_DONE = "not_done"


class Progression(StrEnum):
    """Whether the findings are getting worse over hours to days."""

    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"


class AmbulatoryStatus(StrEnum):
    """Walking now."""

    WALKS_UNAIDED = "walks_unaided"
    WALKS_WITH_AID = "walks_with_aid"
    CANNOT_WALK = "cannot_walk"
    PARAPLEGIC = "paraplegic"
    NONAMBULATORY_BEFORE_THIS_ILLNESS = "nonambulatory_before_this_illness"
    NOT_KNOWN = "not_known"


class ImagingStatus(StrEnum):
    """Where the latest spinal scan of this episode stands."""

    NOT_DONE = "not_done"
    BOOKED = "booked"
    DONE_NOT_REPORTED = "done_not_reported"
    REPORTED = "reported"


class ImagingModality(StrEnum):
    """MRI or CT (a plain X-ray is never recorded)."""

    MRI = "mri"
    CT = "ct"


class ImagingScope(StrEnum):
    """How much of the spine the scan covers."""

    WHOLE_SPINE = "whole_spine"
    PART_OF_SPINE = "part_of_spine"


class ImagingFinding(StrEnum):
    """What the report shows."""

    MSCC = "mscc"
    SPINAL_METASTASES_NO_COMPRESSION = "spinal_metastases_no_compression"
    NO_SPINAL_METASTASES = "no_spinal_metastases"
    OTHER_CAUSE = "other_cause"


class DecisionType(StrEnum):
    """The signed treatment decision (``events.decision_type``)."""

    SURGERY = "surgery"
    RADIOTHERAPY = "radiotherapy"
    SYSTEMIC_THERAPY = "systemic_therapy"
    SUPPORTIVE_CARE = "supportive_care"
    OTHER = "other"


class TimerName(StrEnum):
    """The five service timers (10.10), in their order."""

    ACKNOWLEDGE = "acknowledge"
    IMAGING = "imaging"
    REPORT = "report"
    DECISION = "decision"
    TREATMENT = "treatment"


# --------------------------------------------------------------------------------------------
# Outputs (10.3-10.10)
# --------------------------------------------------------------------------------------------


class Triage(StrEnum):
    """The triage category (10.3)."""

    SUSPECTED_MSCC = "suspected_mscc"
    SUSPECTED_CORD_COMPRESSION_NO_KNOWN_CANCER = "suspected_cord_compression_no_known_cancer"
    INSUFFICIENT_INFORMATION = "insufficient_information"
    SUSPECTED_SPINAL_METASTASES = "suspected_spinal_metastases"
    NOT_SUSPECTED = "not_suspected"


class TriageRule(StrEnum):
    """The numbered rules of section 10 that set an output (T1 is validation)."""

    T2 = "T2"
    T3 = "T3"
    T4 = "T4"
    T5 = "T5"
    T6 = "T6"
    T7 = "T7"
    T8 = "T8"
    T9 = "T9"
    T10 = "T10"
    T11 = "T11"
    T12 = "T12"
    T13 = "T13"
    T14 = "T14"
    T15 = "T15"
    T16 = "T16"
    T17 = "T17"


class Window(StrEnum):
    """How fast the whole spine must be imaged (10.4, T8)."""

    IMMEDIATELY = "immediately"
    HOURS_24 = "24_hours"
    WEEK_1 = "1_week"


class Imaging(StrEnum):
    """The scan to arrange (10.4, T9)."""

    MRI_WHOLE_SPINE = "mri_whole_spine"
    CT_WHOLE_SPINE = "ct_whole_spine"


class Contact(StrEnum):
    """When to call the network's MSCC coordinator (10.5, T10)."""

    IMMEDIATELY = "immediately"
    WITHIN_24_HOURS = "within_24_hours"
    NOT_REQUIRED = "not_required"


class ReferralMobility(StrEnum):
    """Mobility until the assessment (10.6, T11); section 5's codes plus ``consider_brace_or_bed_rest``."""

    BRACE_OR_BED_REST = "brace_or_bed_rest"
    CONSIDER_BRACE_OR_BED_REST = "consider_brace_or_bed_rest"
    AS_TOLERATED = "as_tolerated"


class ReferralSteroids(StrEnum):
    """Steroid advice until the assessment (10.6, T12); ``high_dose`` is section 5's regimen."""

    HIGH_DOSE = "high_dose"
    HIGH_DOSE_AFTER_COORDINATOR_CALL = "high_dose_after_coordinator_call"
    CONTINUE_HIGH_DOSE = "continue_high_dose"
    ONLY_AFTER_SENIOR_REVIEW = "only_after_senior_review"
    CONSIDER = "consider"
    NOT_ROUTINE = "not_routine"
    CONTRAINDICATION_DISCUSS = "contraindication_discuss"
    SET_BY_ASSESSMENT = "set_by_assessment"
    STOP = "stop"


class Advice(StrEnum):
    """The list ``initial_advice`` (10.6, T13), in the order of its table."""

    ADMIT_VIA_EMERGENCY_DEPARTMENT = "admit_via_emergency_department"
    EXPERT_STABILITY_ADVICE_WITHIN_24H = "expert_stability_advice_within_24h"
    GASTROPROTECTION_AND_GLUCOSE_MONITORING = "gastroprotection_and_glucose_monitoring"
    DISCUSS_WITH_HAEMATOLOGY_MDT = "discuss_with_haematology_mdt"
    PROMPT_ANALGESIA_PAIN_ASSESSMENT = "prompt_analgesia_pain_assessment"
    VTE_BLEEDING_RISK_ASSESSMENT = "vte_bleeding_risk_assessment"
    NO_PLAIN_XRAY = "no_plain_xray"
    SAFETY_NET_NEURO_SYMPTOMS = "safety_net_neuro_symptoms"
    CLINICAL_REVIEW_IF_PAIN_CHANGES = "clinical_review_if_pain_changes"


class Escalation(StrEnum):
    """Whom the coordinator escalates to (10.7, T14)."""

    NONE = "none"
    SPINAL_SURGEON_AND_CLINICAL_ONCOLOGIST_NOW = "spinal_surgeon_and_clinical_oncologist_now"
    EMERGENCY_SPINAL_TEAM_NOW = "emergency_spinal_team_now"
    SENIOR_CLINICAL_ADVISERS_ON_REPORT = "senior_clinical_advisers_on_report"
    COORDINATOR_COMPLETES_REFERRAL = "coordinator_completes_referral"
    COORDINATOR_REVIEW = "coordinator_review"
    CONSIDER_SUSPECTED_CANCER_REFERRAL = "consider_suspected_cancer_referral"


class NextStep(StrEnum):
    """What happens next to the referral (10.8, T15)."""

    ARRANGE_IMAGING = "arrange_imaging"
    AWAIT_REPORT = "await_report"
    CREATE_ASSESSMENT = "create_assessment"
    COMPLETE_REFERRAL = "complete_referral"
    CLOSE_MSCC_PATHWAY = "close_mscc_pathway"
    REFER_TO_OTHER_SERVICE = "refer_to_other_service"


class ReferralAlert(StrEnum):
    """The referral's alerts (10.9, T16), in the order of its table; the first three are section 7's codes."""

    TIME_CRITICAL = "time_critical"
    NONAMBULATORY_OVER_48H = "nonambulatory_over_48h"
    BIOPSY_BEFORE_STEROIDS = "biopsy_before_steroids"
    WHOLE_SPINE_IMAGING_NEEDED = "whole_spine_imaging_needed"
    BOOKED_IMAGING_AFTER_DEADLINE = "booked_imaging_after_deadline"
    EXAMINATION_NOT_DONE = "examination_not_done"
    CANCER_TYPE_NOT_RECORDED = "cancer_type_not_recorded"


class TimerStatus(StrEnum):
    """Where a service timer stands (10.10)."""

    NOT_APPLICABLE = "not_applicable"
    NOT_STARTED = "not_started"
    RUNNING = "running"
    MET = "met"
    BREACHED = "breached"


class TimerAnchor(StrEnum):
    """The time a timer's deadline is counted from, or ``previous_deadlines`` for a carried one."""

    RECEIVED_AT = "received_at"
    SUSPECTED_AT = "suspected_at"
    IMAGING_AT = "imaging_at"
    IMAGING_REPORTED_AT = "imaging_reported_at"
    DECISION_AT = "decision_at"
    PREVIOUS_DEADLINES = "previous_deadlines"


class TimerBasis(StrEnum):
    """Where a timer's target comes from: a NICE quality statement, a local choice, or a carried deadline."""

    QS56_2 = "QS56-2"
    QS56_3 = "QS56-3"
    QS56_6 = "QS56-6"
    LOCAL = "local"
    PENDING_DECISION = "pending_decision"
    CARRIED = "carried"


# The bases that are NICE's: a local number never shows one of these (10.13).
NICE_BASES: Final = frozenset({TimerBasis.QS56_2, TimerBasis.QS56_3, TimerBasis.QS56_6})
