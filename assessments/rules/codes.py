"""The codes of clinical-rules.md sections 1-7 and 4.1 as ``StrEnum`` s: the enum values are the spec codes."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

RULE_SET: Final = "2027.2"


# --------------------------------------------------------------------------------------------
# Inputs (spec section 1). Enum values are the spec codes.
# --------------------------------------------------------------------------------------------


class EsccGrade(StrEnum):
    """Bilsky ESCC grade on axial T2 MRI at one level [15]."""

    GRADE_0 = "0"
    GRADE_1A = "1a"
    GRADE_1B = "1b"
    GRADE_1C = "1c"
    GRADE_2 = "2"
    GRADE_3 = "3"


class MotorStatus(StrEnum):
    """Walking ability now."""

    AMBULATORY = "ambulatory"
    AMBULATORY_WITH_AID = "ambulatory_with_aid"
    NONAMBULATORY = "nonambulatory"
    PARAPLEGIC = "paraplegic"


class Histology(StrEnum):
    """Primary tumor; ``unknown_primary`` means no cancer diagnosis yet."""

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
    UNKNOWN_PRIMARY = "unknown_primary"


class OtherRadiosensitivity(StrEnum):
    """The clinician's classification of an ``other`` histology."""

    SENSITIVE = "sensitive"
    RESISTANT = "resistant"


class SpinalLevel(StrEnum):
    """A spinal level, in anatomical order (spec 2.6: occiput, C1...C7, T1...T12, L1...L5, S1...S5)."""

    OCCIPUT = "occiput"
    C1 = "C1"
    C2 = "C2"
    C3 = "C3"
    C4 = "C4"
    C5 = "C5"
    C6 = "C6"
    C7 = "C7"
    T1 = "T1"
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
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"
    L5 = "L5"
    S1 = "S1"
    S2 = "S2"
    S3 = "S3"
    S4 = "S4"
    S5 = "S5"


class SinsPain(StrEnum):
    """SINS pain component [17]."""

    MECHANICAL = "mechanical"
    OCCASIONAL_NONMECHANICAL = "occasional_nonmechanical"
    PAIN_FREE = "pain_free"


class SinsBoneLesion(StrEnum):
    """SINS bone lesion quality [17]."""

    LYTIC = "lytic"
    MIXED = "mixed"
    BLASTIC = "blastic"


class SinsAlignment(StrEnum):
    """SINS radiographic alignment [17]."""

    SUBLUXATION = "subluxation"
    DE_NOVO_DEFORMITY = "de_novo_deformity"
    NORMAL = "normal"


class SinsCollapse(StrEnum):
    """SINS vertebral body collapse [17]."""

    GT_50 = "gt_50"
    LT_50 = "lt_50"
    NO_COLLAPSE_GT_50_INVOLVED = "no_collapse_gt_50_involved"
    NONE = "none"


class SinsPosterolateral(StrEnum):
    """SINS posterolateral involvement of spinal elements [17]."""

    BILATERAL = "bilateral"
    UNILATERAL = "unilateral"
    NONE = "none"


class StabilityAssessment(StrEnum):
    """A spine surgeon's judgement, when one has been made."""

    NOT_ASSESSED = "not_assessed"
    STABLE = "stable"
    UNSTABLE = "unstable"


class ExpectedSurvival(StrEnum):
    """The clinician's estimate of survival."""

    LT_3_MONTHS = "lt_3_months"
    FROM_3_TO_6_MONTHS = "3_to_6_months"
    GT_6_MONTHS = "gt_6_months"


class SurgicalCandidate(StrEnum):
    """Fit for and willing to have open surgery, with a systemic option afterwards."""

    YES = "yes"
    NO = "no"
    DECLINES = "declines"


# --------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------


class SinsCategory(StrEnum):
    """SINS category (spec 2.1)."""

    STABLE = "stable"
    INDETERMINATE = "indeterminate"
    UNSTABLE = "unstable"


class SpineLocation(StrEnum):
    """SINS location class of a spinal level (spec 2.1)."""

    JUNCTIONAL = "junctional"
    MOBILE = "mobile"
    SEMI_RIGID = "semi_rigid"
    RIGID = "rigid"


class Radiosensitivity(StrEnum):
    """Radiosensitivity to cEBRT within cord tolerance (spec 2.3)."""

    SENSITIVE = "sensitive"
    RESISTANT = "resistant"
    UNKNOWN = "unknown"


class Stability(StrEnum):
    """Stability used by the pathway (spec 2.4)."""

    STABLE = "stable"
    POTENTIALLY_UNSTABLE = "potentially_unstable"
    UNSTABLE = "unstable"


class PathwayCode(StrEnum):
    """Definitive treatment pathway (spec 3)."""

    URGENT_DECOMPRESSION = "urgent_decompression"
    BIOPSY_AND_STAGING = "biopsy_and_staging"
    BIOPSY_THEN_CEBRT = "biopsy_then_cebrt"
    STABILIZATION_THEN_RADIATION = "stabilization_then_radiation"
    BRACING_THEN_CEBRT = "bracing_then_cebrt"
    SEPARATION_SURGERY_SBRT = "separation_surgery_sbrt"
    MAXIMAL_EXCISION_CEBRT = "maximal_excision_cebrt"
    PALLIATIVE_RADIATION = "palliative_radiation"
    CEBRT = "cebrt"
    SBRT = "sbrt"


class Rule(StrEnum):
    """The pathway rule that fired (spec 3)."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"
    P6 = "P6"
    P7 = "P7"
    P8 = "P8"
    P9 = "P9"


class Stabilization(StrEnum):
    """Stabilization technique of a pathway (spec 3)."""

    OPEN_DECOMPRESSION_INSTRUMENTATION = "open_decompression_instrumentation"
    PERCUTANEOUS_INSTRUMENTATION = "percutaneous_instrumentation"
    CEMENT_AUGMENTATION = "cement_augmentation"
    BRACING = "bracing"


class Radiation(StrEnum):
    """Radiation technique of a pathway (spec 3)."""

    CEBRT = "cebrt"
    SBRT = "sbrt"


class CebrtRegimen(StrEnum):
    """cEBRT dose and fractionation (spec 4)."""

    GY8_1FX = "8Gy_1fx"
    GY20_5FX = "20Gy_5fx"
    GY30_10FX = "30Gy_10fx"
    REIRRADIATION_INDIVIDUALIZED = "reirradiation_individualized"


class Urgency(StrEnum):
    """How fast definitive treatment must start (spec 6)."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    ROUTINE = "routine"


class Steroids(StrEnum):
    """Glucocorticoid recommendation (spec 5)."""

    HIGH_DOSE = "high_dose"
    CONSIDER = "consider"
    NOT_ROUTINE = "not_routine"


class VteProphylaxis(StrEnum):
    """Venous thromboembolism prophylaxis (spec 5)."""

    PHARMACOLOGIC = "pharmacologic"
    MECHANICAL = "mechanical"
    MECHANICAL_UNTIL_SURGERY = "mechanical_until_surgery"
    STANDARD = "standard"


class Bladder(StrEnum):
    """Bladder management (spec 5)."""

    CATHETERIZE = "catheterize"
    BLADDER_SCAN = "bladder_scan"
    MONITOR = "monitor"


class Mobility(StrEnum):
    """Mobility advice (spec 5)."""

    BRACE_OR_BED_REST = "brace_or_bed_rest"
    AS_TOLERATED = "as_tolerated"


class Alert(StrEnum):
    """Alert codes, in the order of the spec table (section 7)."""

    SURGICAL_CONSULTATION = "surgical_consultation"
    MOVEMENT_PAIN_INSTABILITY = "movement_pain_instability"
    NONAMBULATORY_OVER_48H = "nonambulatory_over_48h"
    TIME_CRITICAL = "time_critical"
    CONSIDER_SURGERY_RADIOSENSITIVE = "consider_surgery_radiosensitive"
    RAPID_STEROID_RESPONSE = "rapid_steroid_response"
    SYSTEMIC_THERAPY_OPTION = "systemic_therapy_option"
    SBRT_UNAVAILABLE = "sbrt_unavailable"
    HYPOFRACTIONATED_SBRT_OPTION = "hypofractionated_sbrt_option"
    REIRRADIATION_CORD_TOLERANCE = "reirradiation_cord_tolerance"
    VCF_RISK_AFTER_SBRT = "vcf_risk_after_sbrt"
    GRADE0_NOT_ESCC = "grade0_not_escc"
    ADDITIONAL_UNSTABLE_LESION = "additional_unstable_lesion"
    ADDITIONAL_HIGH_GRADE_LESION = "additional_high_grade_lesion"
    ESCC_OUTSIDE_INDEX_BLOCK = "escc_outside_index_block"
    CEMENT_AUGMENTATION_OPTION = "cement_augmentation_option"
    SHORT_SURVIVAL_SURGERY = "short_survival_surgery"
    BIOPSY_BEFORE_STEROIDS = "biopsy_before_steroids"
    SURVIVAL_ESTIMATE_DISCORDANT = "survival_estimate_discordant"
    REIRRADIATION_BUDGET_UNKNOWN = "reirradiation_budget_unknown"
    CORD_BUDGET_INSUFFICIENT = "cord_budget_insufficient"
    REIRRADIATION_INTERVAL_SHORT = "reirradiation_interval_short"
    REIRRADIATION_NO_VALIDATED_LIMIT = "reirradiation_no_validated_limit"
    BONY_COMPRESSION = "bony_compression"


# --------------------------------------------------------------------------------------------
# Prior radiation and the spinal cord dose budget (spec 1 "Prior radiation entry", 4.1)
# --------------------------------------------------------------------------------------------


class CourseTechnique(StrEnum):
    """The technique of an earlier radiation entry: ``sbrt`` in 1 to 5 fractions, ``cebrt`` every other course."""

    CEBRT = "cebrt"
    SBRT = "sbrt"


class BudgetStatus(StrEnum):
    """Which published limits apply to a level irradiated before (4.1, RB5)."""

    LIMITS_APPLY = "limits_apply"
    NO_VALIDATED_LIMIT = "no_validated_limit"
    UNKNOWN = "unknown"


class NoLimitReason(StrEnum):
    """Why no published limit covers a history (4.1, RB5), in the spec's order."""

    PRIOR_SBRT_COURSE = "prior_sbrt_course"
    TWO_OR_MORE_COURSES = "two_or_more_courses"


class ReferenceCourse(StrEnum):
    """The reference calculations against Nieder 2006 (4.1, RB6): short courses, never a prescription."""

    REF_8GY_1FX = "ref_8Gy_1fx"
    REF_20GY_5FX = "ref_20Gy_5fx"


class NiederBand(StrEnum):
    """The band of a cumulative BED against Nieder 2006 (4.1, RB6)."""

    LE_120 = "le_120"
    LE_135_5 = "le_135_5"
    GT_135_5 = "gt_135_5"


class LimitStatus(StrEnum):
    """Whether a reference calculation stays within all of Nieder's conditions (4.1, RB6)."""

    WITHIN_LIMIT = "within_limit"
    NOT_WITHIN_LIMIT = "not_within_limit"


class SahgalBound(StrEnum):
    """The three bounds on a further SBRT course's thecal-sac Pmax EQD2 (4.1, RB7), in the spec's order."""

    SBRT_COURSE_MAX_25 = "sbrt_course_max_25"
    CUMULATIVE_MAX_70 = "cumulative_max_70"
    SBRT_SHARE_MAX_50_PERCENT = "sbrt_share_max_50_percent"


# --------------------------------------------------------------------------------------------
# Prognosis inputs and scores (spec 1 "Prognosis inputs", 8.2)
# --------------------------------------------------------------------------------------------


class VisceralMetastases(StrEnum):
    """Metastases to major internal organs; ``treatable`` = removable or amenable to local treatment."""

    NONE = "none"
    TREATABLE = "treatable"
    UNTREATABLE = "untreatable"


class FrankelGrade(StrEnum):
    """Frankel grade: A complete ... E normal motor and sensory function."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


class PrimarySite(StrEnum):
    """The organ of origin, given where ``histology`` does not fix it (spec 8.2)."""

    ESOPHAGUS = "esophagus"
    STOMACH = "stomach"
    PANCREAS = "pancreas"
    LIVER = "liver"
    GALLBLADDER = "gallbladder"
    COLON = "colon"
    RECTUM = "rectum"
    CARCINOID = "carcinoid"
    OTHER_GASTROINTESTINAL = "other_gastrointestinal"
    OSTEOSARCOMA = "osteosarcoma"
    OTHER_SARCOMA = "other_sarcoma"
    THYROID = "thyroid"
    BLADDER = "bladder"
    UTERUS = "uterus"
    OTHER_SITE = "other_site"


class PrimaryGrowth(StrEnum):
    """The clinician's classification of the primary's growth (Tomita), where 8.2 does not fix it."""

    SLOW = "slow"
    MODERATE = "moderate"
    RAPID = "rapid"


class ScoreName(StrEnum):
    """The prognosis scores of spec 8.2, under their result keys."""

    TOKUHASHI_REVISED = "tokuhashi_revised"
    TOMITA = "tomita"
    MODIFIED_BAUER = "modified_bauer"


class ScoreBand(StrEnum):
    """Bands of the prognosis scores (spec 8.2): prognostic, never a treatment."""

    LT_6_MONTHS = "lt_6_months"
    GTE_6_MONTHS = "gte_6_months"
    GTE_12_MONTHS = "gte_12_months"
    TOMITA_2_3 = "tomita_2_3"
    TOMITA_4_5 = "tomita_4_5"
    TOMITA_6_7 = "tomita_6_7"
    TOMITA_8_10 = "tomita_8_10"
    BAUER_0_1 = "bauer_0_1"
    BAUER_2 = "bauer_2"
    BAUER_3_4 = "bauer_3_4"


LEVEL_ORDER: Final = tuple(SpinalLevel)
# Each level's place in LEVEL_ORDER (occiput 0 ... S5 29): the sort key for "in anatomical order".
LEVEL_POSITION: Final[Mapping[SpinalLevel, int]] = MappingProxyType({level: n for n, level in enumerate(LEVEL_ORDER)})
