"""Human labels for the codes of :mod:`assessments.rules`: the one place they are written.

Codes (enum values) are what the database, JSON and tests use; these labels are what people
read. Standard library only, like the rules module.

- :func:`label` gives the label of any enum member of ``rules``.
- :data:`ESCC_GRADE_DESCRIPTIONS` gives the grade with its radiological meaning (also the
  label of an :class:`~assessments.rules.EsccGrade`).
- :data:`HELP_TEXTS` explains each input field in plain clinical words (form help text).
- :func:`badge` gives a Bootstrap contextual colour for urgency, SINS category and stability.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from assessments import rules

ESCC_GRADE_DESCRIPTIONS: Final[Mapping[rules.EsccGrade, str]] = MappingProxyType(
    {
        rules.EsccGrade.GRADE_0: "0: tumor confined to bone",
        rules.EsccGrade.GRADE_1A: "1a: epidural, thecal sac not deformed",
        rules.EsccGrade.GRADE_1B: "1b: thecal sac deformed, cord not touched",
        rules.EsccGrade.GRADE_1C: "1c: cord abutted, not displaced",
        rules.EsccGrade.GRADE_2: "2: cord displaced or compressed, CSF still visible",
        rules.EsccGrade.GRADE_3: "3: cord compressed, no CSF left around it",
    }
)

_LABELS: Final[Mapping[type[StrEnum], Mapping[str, str]]] = MappingProxyType(
    {
        # Inputs
        rules.EsccGrade: {grade.value: text for grade, text in ESCC_GRADE_DESCRIPTIONS.items()},
        rules.MotorStatus: {
            "ambulatory": "Walks unaided",
            "ambulatory_with_aid": "Walks with an aid",
            "nonambulatory": "Cannot walk, some leg power (paraparesis)",
            "paraplegic": "Paraplegic",
        },
        rules.Histology: {
            "lymphoma": "Lymphoma",
            "myeloma": "Multiple myeloma",
            "small_cell_lung": "Small cell lung cancer",
            "germ_cell": "Germ cell tumor",
            "prostate": "Prostate cancer",
            "breast": "Breast cancer",
            "ovarian": "Ovarian cancer",
            "melanoma": "Melanoma",
            "renal_cell": "Renal cell carcinoma",
            "non_small_cell_lung": "Non-small cell lung cancer",
            "gastrointestinal": "Gastrointestinal cancer",
            "sarcoma": "Sarcoma",
            "other": "Other (classify its radiosensitivity)",
            "unknown_primary": "Unknown primary (no cancer diagnosis yet)",
        },
        rules.OtherRadiosensitivity: {
            "sensitive": "Radiosensitive",
            "resistant": "Radioresistant",
        },
        rules.SpinalLevel: {
            level.value: "Occiput" if level is rules.SpinalLevel.OCCIPUT else level.value for level in rules.SpinalLevel
        },
        rules.SinsPain: {
            "mechanical": "Mechanical (with movement or loading, or eased by lying down)",
            "occasional_nonmechanical": "Occasional, not mechanical",
            "pain_free": "Pain-free lesion",
        },
        rules.SinsBoneLesion: {
            "lytic": "Lytic",
            "mixed": "Mixed lytic and blastic",
            "blastic": "Blastic",
        },
        rules.SinsAlignment: {
            "subluxation": "Subluxation or translation",
            "de_novo_deformity": "New deformity (kyphosis or scoliosis)",
            "normal": "Normal alignment",
        },
        rules.SinsCollapse: {
            "gt_50": "More than 50% collapse",
            "lt_50": "Less than 50% collapse",
            "no_collapse_gt_50_involved": "No collapse, more than 50% of the body involved",
            "none": "None of these",
        },
        rules.SinsPosterolateral: {
            "bilateral": "Bilateral",
            "unilateral": "Unilateral",
            "none": "None",
        },
        rules.StabilityAssessment: {
            "not_assessed": "Not assessed by a spine surgeon",
            "stable": "Stable (spine surgeon's judgement)",
            "unstable": "Unstable (spine surgeon's judgement)",
        },
        rules.ExpectedSurvival: {
            "lt_3_months": "Less than 3 months",
            "3_to_6_months": "3 to 6 months",
            "gt_6_months": "More than 6 months",
        },
        rules.SurgicalCandidate: {
            "yes": "Yes",
            "no": "No",
            "declines": "Declines surgery",
        },
        # Outputs
        rules.SinsCategory: {
            "stable": "Stable (SINS 0-6)",
            "indeterminate": "Indeterminate (SINS 7-12)",
            "unstable": "Unstable (SINS 13-18)",
        },
        rules.SpineLocation: {
            "junctional": "Junctional",
            "mobile": "Mobile spine",
            "semi_rigid": "Semi-rigid",
            "rigid": "Rigid",
        },
        rules.Radiosensitivity: {
            "sensitive": "Radiosensitive",
            "resistant": "Radioresistant",
            "unknown": "Unknown (no histology yet)",
        },
        rules.Stability: {
            "stable": "Stable",
            "potentially_unstable": "Potentially unstable",
            "unstable": "Unstable",
        },
        rules.PathwayCode: {
            "urgent_decompression": "Urgent surgical decompression, histology at surgery",
            "biopsy_and_staging": "Staging and biopsy first",
            "biopsy_then_cebrt": "Urgent biopsy, then cEBRT",
            "stabilization_then_radiation": "Stabilization, then radiation",
            "bracing_then_cebrt": "Brace or bed rest, then cEBRT",
            "separation_surgery_sbrt": "Separation surgery, then SBRT",
            "maximal_excision_cebrt": "Maximal surgical excision, then cEBRT",
            "palliative_radiation": "Palliative radiation (steroids and short-course cEBRT)",
            "cebrt": "cEBRT",
            "sbrt": "SBRT",
        },
        rules.Rule: {
            "P1": "P1: unknown primary with a significant deficit",
            "P2": "P2: unknown primary",
            "P3": "P3: unstable spine, surgical candidate",
            "P4": "P4: unstable spine, not a surgical candidate",
            "P5": "P5: prior radiation in the field",
            "P6": "P6: radiosensitive tumor",
            "P7": "P7: radioresistant, low-grade ESCC",
            "P8": "P8: radioresistant, high-grade ESCC, surgical candidate",
            "P9": "P9: radioresistant, high-grade ESCC, not a surgical candidate",
        },
        rules.Stabilization: {
            "open_decompression_instrumentation": "Open decompression and instrumentation",
            "percutaneous_instrumentation": "Percutaneous instrumentation (screws)",
            "cement_augmentation": "Cement augmentation (vertebroplasty or kyphoplasty)",
            "bracing": "Brace or bed rest",
        },
        rules.Radiation: {
            "cebrt": "Conventional external beam radiation (cEBRT)",
            "sbrt": "Stereotactic body radiation (SBRT)",
        },
        rules.CebrtRegimen: {
            "8Gy_1fx": "8 Gy in 1 fraction",
            "20Gy_5fx": "20 Gy in 5 fractions",
            "30Gy_10fx": "30 Gy in 10 fractions",
            "reirradiation_individualized": "Re-irradiation, dose individualized to cord tolerance",
        },
        rules.Urgency: {
            "emergency": "Emergency",
            "urgent": "Urgent",
            "routine": "Routine",
        },
        rules.Steroids: {
            "high_dose": "High-dose dexamethasone",
            "consider": "Consider dexamethasone",
            "not_routine": "Not routinely",
        },
        rules.VteProphylaxis: {
            "pharmacologic": "Pharmacologic (heparin, LMWH or fondaparinux)",
            "mechanical": "Mechanical (compression devices or stockings)",
            "mechanical_until_surgery": "Mechanical until surgery",
            "standard": "Standard hospital policy",
        },
        rules.Bladder: {
            "catheterize": "Catheterize",
            "bladder_scan": "Post-void bladder scan",
            "monitor": "Monitor",
        },
        rules.Mobility: {
            "brace_or_bed_rest": "Brace or bed rest",
            "as_tolerated": "As tolerated",
        },
        rules.Alert: {
            "surgical_consultation": "Spine surgery consultation",
            "movement_pain_instability": "Movement pain: treat as unstable",
            "nonambulatory_over_48h": "Not walking for more than 48 h",
            "time_critical": "Time-critical: lost walking within 48 h",
            "consider_surgery_radiosensitive": "Consider surgery despite radiosensitivity",
            "rapid_steroid_response": "Rapid response to steroids expected",
            "systemic_therapy_option": "Systemic therapy option",
            "sbrt_unavailable": "SBRT preferred but not available",
            "hypofractionated_sbrt_option": "Hypofractionated SBRT option",
            "reirradiation_cord_tolerance": "Re-irradiation: spinal cord tolerance",
            "vcf_risk_after_sbrt": "Fracture risk after SBRT",
            "grade0_not_escc": "Grade 0 is not ESCC",
            "additional_unstable_lesion": "Another level is unstable",
            "additional_high_grade_lesion": "Another level has high-grade ESCC",
            "escc_outside_index_block": "ESCC outside the index block",
            "cement_augmentation_option": "Cement augmentation option",
            "short_survival_surgery": "Open surgery with survival under 3 months",
            "biopsy_before_steroids": "Biopsy before steroids",
            "survival_estimate_discordant": "Prognosis score disagrees with the survival estimate",
            "reirradiation_budget_unknown": "Re-irradiation: earlier courses not recorded",
            "cord_budget_insufficient": "Re-irradiation: cord dose budget insufficient",
            "reirradiation_interval_short": "Re-irradiation: under 6 months since the last course",
            "reirradiation_no_validated_limit": "Re-irradiation: no validated cord limit",
            "bony_compression": "Retropulsed bone: ask a spine surgeon",
        },
        rules.CourseTechnique: {
            "cebrt": "cEBRT (conventional, including conformal, IMRT or VMAT)",
            "sbrt": "SBRT (1 to 5 fractions)",
        },
        rules.BudgetStatus: {
            "limits_apply": "Published limits apply",
            "no_validated_limit": "No validated limit",
            "unknown": "Unknown: earlier courses not recorded",
        },
        rules.NoLimitReason: {
            "prior_sbrt_course": "an earlier SBRT course",
            "two_or_more_courses": "two or more earlier courses",
        },
        rules.ReferenceCourse: {
            "ref_8Gy_1fx": "Reference calculation 8 Gy in 1 fraction",
            "ref_20Gy_5fx": "Reference calculation 20 Gy in 5 fractions",
        },
        rules.NiederBand: {
            "le_120": "120 Gy2 or less (no myelopathy reported under Nieder's conditions)",
            "le_135_5": "135.5 Gy2 or less (small risk, Nieder)",
            "gt_135_5": "Above 135.5 Gy2",
        },
        rules.LimitStatus: {
            "within_limit": "Within Nieder's limit",
            "not_within_limit": "Not within Nieder's limit",
        },
        rules.SahgalBound: {
            "sbrt_course_max_25": "SBRT course at most 25 Gy EQD2",
            "cumulative_max_70": "Cumulative at most 70 Gy EQD2",
            "sbrt_share_max_50_percent": "SBRT course at most 50% of the cumulative",
        },
        rules.VisceralMetastases: {
            "none": "None",
            "treatable": "Treatable (removable or amenable to local treatment)",
            "untreatable": "Untreatable",
        },
        rules.FrankelGrade: {
            "A": "A: complete, no motor or sensory function below the level",
            "B": "B: sensory function only",
            "C": "C: motor function present but useless (cannot walk)",
            "D": "D: useful motor function (walks, with or without an aid)",
            "E": "E: normal motor and sensory function",
        },
        rules.PrimarySite: {
            "esophagus": "Esophagus",
            "stomach": "Stomach",
            "pancreas": "Pancreas",
            "liver": "Liver",
            "gallbladder": "Gallbladder",
            "colon": "Colon",
            "rectum": "Rectum",
            "carcinoid": "Carcinoid",
            "other_gastrointestinal": "Other gastrointestinal site",
            "osteosarcoma": "Osteosarcoma",
            "other_sarcoma": "Other sarcoma",
            "thyroid": "Thyroid",
            "bladder": "Bladder",
            "uterus": "Uterus",
            "other_site": "Other site",
        },
        rules.PrimaryGrowth: {
            "slow": "Slow growth",
            "moderate": "Moderate growth",
            "rapid": "Rapid growth",
        },
        rules.ScoreName: {
            "tokuhashi_revised": "Revised Tokuhashi score",
            "tomita": "Tomita score",
            "modified_bauer": "Modified Bauer score",
        },
        rules.ScoreBand: {
            "lt_6_months": "Predicted survival under 6 months",
            "gte_6_months": "Predicted survival 6 months or more",
            "gte_12_months": "Predicted survival 12 months or more",
            "tomita_2_3": "Tomita 2-3",
            "tomita_4_5": "Tomita 4-5",
            "tomita_6_7": "Tomita 6-7",
            "tomita_8_10": "Tomita 8-10",
            "bauer_0_1": "Modified Bauer 0-1",
            "bauer_2": "Modified Bauer 2",
            "bauer_3_4": "Modified Bauer 3-4",
        },
    }
)


def label(value: StrEnum) -> str:
    """The human label of an enum member of :mod:`assessments.rules` (referral triage's included).

    Looked up by the member's own enum, so equal codes of different enums ("stable" as a SINS
    category, a stability or a surgeon's assessment) keep their own labels. Raises
    ``KeyError`` for an enum this module does not know.
    """
    table = _LABELS.get(type(value)) or REFERRAL_LABELS[type(value)]
    return table[value.value]


HELP_TEXTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "escc_grade": (
            "Bilsky grade on axial T2 MRI at the worst level: 0 bone only; 1a-1c epidural tumor "
            "that does not displace the cord; 2 cord displaced or compressed with CSF still seen; "
            "3 no CSF left around the cord."
        ),
        "neurologic_deficit": (
            "A deficit caused by this lesion: myelopathy (weakness, a sensory level, sphincter "
            "problems) or radiculopathy."
        ),
        "deficit_progressing": "The deficit is getting worse over hours to days.",
        "motor_status": (
            "Walking ability now. 'Cannot walk' means some leg power remains (paraparesis); "
            "a walking aid still counts as walking."
        ),
        "hours_nonambulatory": (
            "Hours since the patient lost the ability to walk. Leave empty if they walk or if the time is not known."
        ),
        "urinary_symptoms": "Urinary hesitancy, new incontinence or perineal numbness.",
        "urinary_retention": "Retention confirmed, for example by a post-void bladder scan.",
        "histology": "The primary tumor. Choose 'unknown primary' when there is no cancer diagnosis yet.",
        "other_radiosensitivity": (
            "Only for 'other' histology: whether this tumor type responds to conventional "
            "radiation at doses the spinal cord tolerates (for example thyroid cancer)."
        ),
        "prior_radiation_in_field": "This level was irradiated before (recurrence or progression in the field).",
        "spinal_level": (
            "The symptomatic level scored by SINS. Junctional levels score most, the sacrum below S1 least."
        ),
        "sins_pain": ("Mechanical pain comes with movement or loading of the spine, or eases when lying down."),
        "sins_bone_lesion": "Bone quality of the lesion on CT: lytic, mixed or blastic.",
        "sins_alignment": (
            "Subluxation or translation, a new kyphosis or scoliosis, or normal alignment on upright or supine imaging."
        ),
        "sins_collapse": "How much the vertebral body has collapsed, or how much of it the tumor fills.",
        "sins_posterolateral": (
            "Fracture of, or replacement by tumor of, the facet, pedicle or costovertebral joint on one or both sides."
        ),
        "stability_assessment": (
            "A spine surgeon's judgement of stability, if one has been made; it takes precedence over the SINS."
        ),
        "retropulsion": "Bone fragments pushed back into the spinal canal.",
        "expected_survival": "Estimated survival, usually with medical oncology.",
        "surgical_candidate": (
            "Fit for, and willing to have, open surgery, with a systemic treatment option afterwards."
        ),
        "sbrt_available": "SBRT can be delivered in time at this centre.",
        "oligometastatic": "Limited metastatic disease without visceral involvement.",
        "vte_contraindication": "Active bleeding or another reason not to give anticoagulants.",
    }
)

# --- Prognosis inputs ---------------------------------------------------------------
# The Karnofsky performance status in its eleven steps, each in our own short words.
KARNOFSKY_STEPS: Final[tuple[tuple[int, str], ...]] = (
    (100, "normal, no complaints"),
    (90, "normal activity, minor symptoms"),
    (80, "normal activity with effort"),
    (70, "cares for self, cannot work or keep up normal activity"),
    (60, "needs occasional help, cares for most needs"),
    (50, "needs considerable help and frequent medical care"),
    (40, "disabled, needs special care and help"),
    (30, "severely disabled, in hospital"),
    (20, "very ill, needs active supportive treatment"),
    (10, "moribund"),
)
# The usual equivalence of the Karnofsky score and the ECOG (WHO) performance status, as used in
# oncology trials: KPS 90-100 = ECOG 0, 70-80 = 1, 50-60 = 2, 30-40 = 3, 10-20 = 4 (ECOG 5 is death).
KPS_ECOG_SOURCE: Final = (
    "Oken 1982, Am J Clin Oncol 5:649 (ECOG scale); Buccheri 1996, Support Care Cancer 4:37 (KPS and ECOG compared)"
)
_ECOG_WORDS: Final[Mapping[int, str]] = MappingProxyType(
    {
        0: "fully active",
        1: "restricted in strenuous activity, walks, light work",
        2: "walks, cares for self, up more than half the day, no work",
        3: "limited self-care, in bed or chair more than half the day",
        4: "completely disabled, confined to bed or chair",
    }
)


def ecog_for_karnofsky(karnofsky: int) -> tuple[int, str]:
    """The usual ECOG equivalent of a Karnofsky score (10-100): the grade and its meaning in words."""
    grade = 0 if karnofsky >= 90 else 1 if karnofsky >= 70 else 2 if karnofsky >= 50 else 3 if karnofsky >= 30 else 4
    return grade, _ECOG_WORDS[grade]


PROGNOSIS_HELP_TEXTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "karnofsky": "Optional, for the prognosis scores. The usual ECOG equivalent is shown beside it.",
        "extraspinal_bone_metastases": "Optional. Bone metastases outside the spine (0 if none).",
        "vertebral_metastases": (
            "Optional. Vertebral bodies with metastases, the assessed levels included (each counts as one)."
        ),
        "visceral_metastases": (
            "Optional. Metastases to lung, liver, kidney or brain; treatable means removable or amenable to local "
            "treatment."
        ),
        "frankel_grade": "Optional. Must fit the motor status: A or B paraplegic, C cannot walk, D or E walks.",
        "primary_site": (
            "Only for gastrointestinal, sarcoma and 'other' histologies: the other histologies already give the site."
        ),
        "primary_growth": (
            "Only where the Tomita score does not fix the growth of the primary site (for example melanoma)."
        ),
    }
)

_BADGES: Final[Mapping[type[StrEnum], Mapping[str, str]]] = MappingProxyType(
    {
        rules.Urgency: {"emergency": "danger", "urgent": "warning", "routine": "success"},
        rules.SinsCategory: {"unstable": "danger", "indeterminate": "warning", "stable": "success"},
        rules.Stability: {"unstable": "danger", "potentially_unstable": "warning", "stable": "success"},
    }
)


def badge(value: StrEnum) -> str:
    """Bootstrap contextual colour for a code: danger, warning, success, or secondary otherwise."""
    colours = _BADGES.get(type(value))
    if colours is None:
        return "secondary"
    return colours.get(value.value, "secondary")


# Short names of the case's fields, as a clinician says them: for the reasons, the version
# history, the comparison after a refused save and the CSV headers. The form's longer
# question-style labels stay on the form.
FIELD_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "escc_grade": "ESCC grade",
        "neurologic_deficit": "Neurologic deficit",
        "deficit_progressing": "Deficit progressing",
        "motor_status": "Motor status",
        "hours_nonambulatory": "Hours not walking",
        "urinary_symptoms": "Urinary symptoms",
        "urinary_retention": "Urinary retention",
        "histology": "Histology",
        "other_radiosensitivity": "Radiosensitivity of the other histology",
        "prior_radiation_in_field": "Prior radiation in the field",
        "spinal_level": "Level",
        "sins_pain": "Pain",
        "sins_bone_lesion": "Bone lesion",
        "sins_alignment": "Alignment",
        "sins_collapse": "Vertebral body collapse",
        "sins_posterolateral": "Posterolateral involvement",
        "stability_assessment": "Surgeon's stability assessment",
        "retropulsion": "Retropulsion",
        "expected_survival": "Expected survival",
        "surgical_candidate": "Surgical candidate",
        "sbrt_available": "SBRT available",
        "oligometastatic": "Oligometastatic",
        "vte_contraindication": "Contraindication to anticoagulants",
        # Prognosis inputs
        "karnofsky": "Karnofsky performance status",
        "extraspinal_bone_metastases": "Bone metastases outside the spine",
        "vertebral_metastases": "Vertebral bodies with metastases",
        "visceral_metastases": "Visceral metastases",
        "frankel_grade": "Frankel grade",
        "primary_site": "Primary site",
        "primary_growth": "Growth of the primary",
        # Prior radiation and the cord dose budget
        "prior_radiation_courses": "Prior radiation courses",
        "evaluation_date": "Evaluation date",
        "reirradiation_status": "Cord dose budget",
        "no_validated_limit_reason": "Reason",
        "nieder_band": "Nieder band",
        "cord_dose_assumed": "Cord dose assumed",
        # Derived values named in the reasons
        "radiosensitivity": "Radiosensitivity",
        "stability": "Stability",
        # Saved case
        "mrn": "MRN",
        "patient_name": "Patient name",
        "date_of_birth": "Date of birth",
        "sex": "Sex",
        "clinical_notes": "Clinical notes",
        "symptom_onset_at": "Symptom onset",
        "ambulation_lost_at": "Loss of ambulation",
        "mri_at": "MRI",
        "decision_at": "Treatment decision",
        "treatment_start_at": "Treatment start",
        "status": "Status",
        "rule_set": "Rule set",
        "pathway_code": "Pathway",
        "pathway_rule": "Rule",
        "urgency": "Urgency",
        "sins_total": "SINS total",
        "board_question": "Question for the board",
        "meeting_date": "Board meeting date",
        "submitted_at": "Submitted",
        "decided_at": "Decided",
        "board_pathway_code": "Board's pathway",
        "board_follows": "Board follows the recommendation",
    }
)

# The enum of each field whose value is a spec code (inputs and outputs alike).
FIELD_ENUMS: Final[Mapping[str, type[StrEnum]]] = MappingProxyType(
    {
        "escc_grade": rules.EsccGrade,
        "motor_status": rules.MotorStatus,
        "histology": rules.Histology,
        "other_radiosensitivity": rules.OtherRadiosensitivity,
        "spinal_level": rules.SpinalLevel,
        "sins_pain": rules.SinsPain,
        "sins_bone_lesion": rules.SinsBoneLesion,
        "sins_alignment": rules.SinsAlignment,
        "sins_collapse": rules.SinsCollapse,
        "sins_posterolateral": rules.SinsPosterolateral,
        "stability_assessment": rules.StabilityAssessment,
        "expected_survival": rules.ExpectedSurvival,
        "surgical_candidate": rules.SurgicalCandidate,
        "radiosensitivity": rules.Radiosensitivity,
        "stability": rules.Stability,
        "pathway_code": rules.PathwayCode,
        "pathway_rule": rules.Rule,
        "urgency": rules.Urgency,
        "visceral_metastases": rules.VisceralMetastases,
        "frankel_grade": rules.FrankelGrade,
        "primary_site": rules.PrimarySite,
        "primary_growth": rules.PrimaryGrowth,
        "board_pathway_code": rules.PathwayCode,
        "reirradiation_status": rules.BudgetStatus,
        "no_validated_limit_reason": rules.NoLimitReason,
        "nieder_band": rules.NiederBand,
        "reference_calculation": rules.ReferenceCourse,
        "limit_status": rules.LimitStatus,
    }
)

# Saved fields that are bookkeeping, not clinical content: never listed as a change.
# "team" and "patient" (sharing, the patient link) show in the case's care section, not as findings.
INTERNAL_FIELDS: Final = frozenset(
    {"version", "urgency_rank", "updated_at", "created_at", "result", "owner", "team", "patient"}
)


def field_label(name: str) -> str:
    """The short clinical name of a case field; the name itself, spaced, for one this module does not know."""
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def code_label(name: str, code: str) -> str:
    """The label of ``code`` as a value of the field ``name``; the code itself when it is not one of its enum."""
    enum = FIELD_ENUMS.get(name)
    if enum is None:
        return code
    try:
        return label(enum(code))
    except (ValueError, KeyError):
        return code


# --- Referral triage (section 10) -------------------------------------------------------
_R = rules.referral
REFERRAL_LABELS: Final[Mapping[type[StrEnum], Mapping[str, str]]] = MappingProxyType(
    {
        _R.PatientLocation: {
            "community": "In the community",
            "emergency_department": "Emergency department",
            "inpatient": "Inpatient on a ward of this hospital",
            "other_hospital": "In another hospital",
            "hospice": "Hospice",
        },
        _R.CancerStatus: {
            "current": "Current cancer (active or under treatment)",
            "past": "Cancer treated in the past",
            "suspected": "Cancer suspected, no diagnosis",
            "none_known": "No cancer known or suspected",
            "unknown": "Not known",
        },
        _R.CancerType: {
            **{
                code.value: label(rules.Histology(code.value))
                for code in _R.CancerType
                if code.value != "type_not_recorded"
            },
            "other": "Other cancer",
            "type_not_recorded": "Type not recorded",
        },
        _R.PainFeature: {
            "thoracic_or_cervical": "Thoracic or cervical spinal pain",
            "progressive": "Progressive spinal pain",
            "severe_unremitting": "Severe unremitting spinal pain",
            "aggravated_by_straining": "Worse on straining, coughing or sneezing",
            "localised_tenderness": "Tender over a vertebra",
            "nocturnal_disturbing_sleep": "Night pain that disturbs sleep",
            "mechanical": "Mechanical pain (with movement or loading, eased lying still)",
            "claudication": "Claudication (leg pain on walking, relieved by rest)",
            "other_spinal_pain": "Other spinal pain",
        },
        _R.NeuroFinding: {
            "radicular_pain": "Radicular pain",
            "limb_weakness": "Limb weakness",
            "gait_difficulty": "Difficulty walking or unsteadiness",
            "sensory_change": "Numbness or sensory change",
            "perineal_numbness": "Saddle or perineal numbness",
            "bladder_dysfunction": "New bladder dysfunction",
            "bowel_dysfunction": "New bowel dysfunction",
            "cord_compression_signs": "Signs of cord compression",
            "cauda_equina_signs": "Signs of cauda equina compression",
        },
        _R.NeuroHistory: {
            "asked": "Asked",
            "not_asked": "Not asked",
            "not_obtainable": "Cannot be obtained",
        },
        _R.NeuroExamination: {"done": "Done", "not_done": "Not done"},
        _R.Progression: {"yes": "Getting worse", "no": "Not getting worse", "not_known": "Not known"},
        _R.AmbulatoryStatus: {
            "walks_unaided": "Walks unaided",
            "walks_with_aid": "Walks with an aid",
            "cannot_walk": "Cannot walk, some leg power",
            "paraplegic": "Paraplegic",
            "nonambulatory_before_this_illness": "Did not walk before this illness",
            "not_known": "Not known",
        },
        _R.ImagingStatus: {
            "not_done": "Not done",
            "booked": "Booked",
            "done_not_reported": "Done, not yet reported",
            "reported": "Reported",
        },
        _R.ImagingModality: {"mri": "MRI", "ct": "CT"},
        _R.ImagingScope: {"whole_spine": "Whole spine", "part_of_spine": "Part of the spine"},
        _R.ImagingFinding: {
            "mscc": "MSCC",
            "spinal_metastases_no_compression": "Spinal metastases without compression",
            "no_spinal_metastases": "No spinal metastases",
            "other_cause": "Another cause",
        },
        _R.DecisionType: {
            "surgery": "Surgery",
            "radiotherapy": "Radiotherapy",
            "systemic_therapy": "Systemic therapy",
            "supportive_care": "Supportive care",
            "other": "Other",
        },
        _R.TimerName: {
            "acknowledge": "Coordinator acknowledges",
            "imaging": "Whole-spine imaging",
            "report": "Imaging report",
            "decision": "Treatment decision",
            "treatment": "Treatment starts",
        },
        _R.Triage: {
            "suspected_mscc": "Suspected MSCC",
            "suspected_cord_compression_no_known_cancer": "Suspected cord compression, no known cancer",
            "insufficient_information": "Insufficient information",
            "suspected_spinal_metastases": "Suspected spinal metastases",
            "not_suspected": "MSCC not suspected",
        },
        _R.TriageRule: {rule.value: f"Rule {rule.value}" for rule in _R.TriageRule},
        _R.Window: {"immediately": "Immediately", "24_hours": "Within 24 hours", "1_week": "Within 1 week"},
        _R.Imaging: {"mri_whole_spine": "Whole-spine MRI", "ct_whole_spine": "Whole-spine CT"},
        _R.Contact: {
            "immediately": "Call the MSCC coordinator now",
            "within_24_hours": "Contact the MSCC coordinator within 24 hours",
            "not_required": "No call to the MSCC coordinator needed",
        },
        _R.ReferralMobility: {
            "brace_or_bed_rest": "Immobilise (flat bed rest, log-roll)",
            "consider_brace_or_bed_rest": "Consider immobilising",
            "as_tolerated": "As tolerated",
        },
        _R.ReferralSteroids: {
            "high_dose": "High-dose dexamethasone now",
            "high_dose_after_coordinator_call": "High-dose dexamethasone after the coordinator's call",
            "continue_high_dose": "Continue dexamethasone, no second loading dose",
            "only_after_senior_review": "Dexamethasone only after senior review",
            "consider": "Consider dexamethasone",
            "not_routine": "No routine corticosteroids",
            "contraindication_discuss": "Contraindication recorded: discuss first",
            "set_by_assessment": "Set by the assessment",
            "stop": "Stop dexamethasone",
        },
        _R.Advice: {
            "admit_via_emergency_department": "Admit as an emergency",
            "expert_stability_advice_within_24h": "Spinal surgeon's view on stability within 24 hours",
            "gastroprotection_and_glucose_monitoring": "Gastric protection and glucose checks",
            "discuss_with_haematology_mdt": "Discuss steroids with haematology",
            "prompt_analgesia_pain_assessment": "Pain relief now, with a pain assessment",
            "vte_bleeding_risk_assessment": "VTE and bleeding risk assessment",
            "no_plain_xray": "No plain X-rays",
            "safety_net_neuro_symptoms": "Safety-net advice on neurological symptoms",
            "clinical_review_if_pain_changes": "Review if the pain changes",
        },
        _R.Escalation: {
            "none": "No escalation",
            "spinal_surgeon_and_clinical_oncologist_now": "On-call spinal surgeon and clinical oncologist now",
            "emergency_spinal_team_now": "On-call spinal team now",
            "senior_clinical_advisers_on_report": "Senior clinical advisers when the scan is reported",
            "coordinator_completes_referral": "Coordinator completes the referral",
            "coordinator_review": "Coordinator reviews the scan result",
            "consider_suspected_cancer_referral": "Consider a suspected-cancer referral",
        },
        _R.NextStep: {
            "arrange_imaging": "Arrange whole-spine imaging",
            "await_report": "Await the report",
            "create_assessment": "Create the assessment",
            "complete_referral": "Complete the referral",
            "close_mscc_pathway": "Close the MSCC pathway",
            "refer_to_other_service": "Refer to another service",
        },
        _R.ReferralAlert: {
            "time_critical": "Time-critical: lost walking within 48 h",
            "nonambulatory_over_48h": "Not walking for more than 48 h",
            "biopsy_before_steroids": "Biopsy before steroids",
            "whole_spine_imaging_needed": "Whole-spine imaging still needed",
            "booked_imaging_after_deadline": "Scan booked after the deadline",
            "examination_not_done": "No neurological examination",
            "cancer_type_not_recorded": "Cancer type not recorded",
        },
        _R.TimerStatus: {
            "not_applicable": "Not applicable",
            "not_started": "Not started",
            "running": "Running",
            "met": "Met",
            "breached": "Breached",
        },
        _R.TimerAnchor: {
            "received_at": "From the referral",
            "suspected_at": "From the suspicion",
            "imaging_at": "From the scan",
            "imaging_reported_at": "From the report",
            "decision_at": "From the decision",
            "previous_deadlines": "Carried from the previous version",
        },
        # Every target shows whose number it is: NICE's quality statement, or the site's own (10.13).
        _R.TimerBasis: {
            "QS56-2": "NICE QS56 statement 2",
            "QS56-3": "NICE QS56 statement 3",
            "QS56-6": "NICE QS56 statement 6",
            "local": "Local target",
            "pending_decision": "Local or NICE, once the decision type is known",
            "carried": "Carried from an earlier version",
        },
    }
)
