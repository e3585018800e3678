"""ESCC clinical rule engine, rule set ``2026.1``.

A pure, standard-library implementation of ``clinical-rules.md`` (the product's clinical
specification). One entry point, :func:`evaluate`, maps a :class:`CaseInput` to a
:class:`Result` that carries every recommendation together with its basis: the inputs used,
the numbered rule that fired (P1 to P9 for the pathway, spec sections for everything else) and
the source in the seed review ("Treatment and prognosis of neoplastic epidural spinal cord
compression", literature to Feb 2024; numbers in brackets are its reference numbers).

This module must never import Django: forms, the ``evaluate_case`` command and the views wrap it.

Performance note: the rule functions are pure functions of a few enum, bool or small-int
arguments, so most of them are memoized with :func:`functools.cache`. Their key spaces are
finite products of the spec enums (the largest, the SINS, has 35 x 3 x 3 x 3 x 4 x 3 = 11,340
keys), so the caches are bounded. The two alerts that quote ``hours_nonambulatory`` use a
bounded LRU cache instead. Every Result still carries its full rationale: nothing is lazy.

Readings of the spec
--------------------
Where ``clinical-rules.md`` is silent or open to more than one reading, this module takes the
reading below (``docs/clinical-rules.md`` repeats the list with reasons).

R1. Contradictory input is rejected by :class:`CaseInput` itself (``ValueError`` naming the
    field): ``other_radiosensitivity`` missing when ``histology`` is ``other`` or given when it
    is not, and a negative ``hours_nonambulatory``. ``hours_nonambulatory`` given for an
    ambulatory patient is ignored (the spec calls it meaningful only when not ambulatory); the
    web form may still reject it. Any other combination of enum values is evaluated.
R2. "Not ambulatory" means ``motor_status`` ``nonambulatory`` or ``paraplegic``;
    ``ambulatory_with_aid`` walks, so it is ambulatory (time alerts, immobilization, urgency).
R3. ``time_critical`` fires for a non-ambulatory patient when ``hours_nonambulatory`` is null
    (duration unknown is treated as possibly recent) or at most 48; ``nonambulatory_over_48h``
    only when it is strictly above 48. Exactly one of the two fires when not ambulatory.
R4. ``potentially_unstable`` behaves as ``stable`` everywhere in the pathway (P3/P4 need
    ``unstable``) and for mobility and VTE (spec 5 names only ``unstable``); it does count for
    ``urgent`` (spec 6) and it always comes with ``surgical_consultation`` (SINS 7-12).
R5. A surgeon's ``stable``/``unstable`` overrides SINS and mechanical pain for the stability
    used by the pathway, mobility and VTE. ``surgical_consultation`` still fires on SINS >= 7
    even when a surgeon has assessed the spine as stable (the spec gives no exception); its text
    says "if a spine surgeon has not already reviewed the case".
R6. P1/P2 (unknown primary) come before P3/P4: an unknown primary with an unstable spine gets
    ``biopsy_and_staging`` (stabilization null) or ``urgent_decompression``; the instability is
    carried by ``surgical_consultation``, brace/bed rest and VTE. ``radiosensitivity`` is
    ``unknown`` exactly when ``histology`` is ``unknown_primary``.
R7. In P3 "resistant" means ``radiosensitivity == resistant`` (``other`` classified resistant
    counts). Posterolateral involvement means ``sins_posterolateral`` unilateral or bilateral.
R8. P3 and P4 use the general cEBRT regimen rule (by expected survival), also when P3 uses open
    decompression: section 4 gives 30 Gy in 10 only to ``maximal_excision_cebrt`` by name.
R9. P4 comes before P5, so an unstable spine in a non-candidate with prior in-field radiation
    gets ``bracing_then_cebrt`` (a second cEBRT course) plus ``reirradiation_cord_tolerance``.
R10. P5, high grade, surgical candidate: ``separation_surgery_sbrt`` whatever
    ``sbrt_available`` says (the spec gives this branch no fallback); when SBRT is not available
    ``sbrt_unavailable`` fires so the board arranges SBRT elsewhere or decides otherwise.
R11. P5, high grade, not a candidate: ``palliative_radiation`` with rule ``P5``, cEBRT, and the
    palliative regimen of section 4 (8 Gy x 1 below 3 months, else 20 Gy in 5).
    ``hypofractionated_sbrt_option`` does not fire: the spec ties it to P9.
R12. ``sbrt_unavailable`` fires when the rule that fired names SBRT as its first choice and
    ``sbrt_available`` is false: P3 with (resistant or prior in-field radiation), P5 separation
    surgery, P5 low grade, P7 and P8. It does not fire for P4, P5 palliative, P6 or P9, where
    cEBRT is the first choice (in P9 hypofractionated SBRT is only an alternative).
R13. ``consider_surgery_radiosensitive`` uses the spec's closed list of solid radiosensitive
    histologies (small cell lung, germ cell, prostate, breast, ovarian); ``other`` classified
    sensitive is not included because the app cannot tell whether it is a solid tumor.
R14. ``vcf_risk_after_sbrt`` fires for any pathway whose radiation is SBRT, separation surgery
    included; "collapse" means ``sins_collapse`` ``gt_50`` or ``lt_50``.
R15. ``reirradiation_cord_tolerance`` fires on ``prior_radiation_in_field`` whatever the
    pathway (P2, P3 and P4 included).
R16. "Favourable" for the 3-6 month cEBRT regimen is exactly ``oligometastatic`` or histology
    lymphoma or myeloma; ``other`` is never favourable by histology. The palliative regimen
    ignores favourable factors.
R17. Grade 0 is low grade (not ``high_grade``) and is evaluated like grade 1, with
    ``grade0_not_escc``.
R18. VTE: ``stabilization_then_radiation`` counts as surgery whatever the technique (cement
    augmentation included), as listed in spec 5; ``bracing_then_cebrt`` does not. The
    contraindication check comes first.
R19. ``rapid_steroid_response`` and ``systemic_therapy_option`` depend on histology alone,
    whatever the pathway.
R20. Alerts are returned in the order of the spec table (the order of :class:`Alert`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Final, NamedTuple

RULE_SET: Final = "2026.1"


# --------------------------------------------------------------------------------------------
# Inputs (spec section 1). Enum values are the spec codes.
# --------------------------------------------------------------------------------------------


class EsccGrade(StrEnum):
    """Bilsky ESCC grade on axial T2 MRI at the worst level [15]."""

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
    """The index (symptomatic) level, in anatomical order."""

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


# --------------------------------------------------------------------------------------------
# Point tables (spec 2.1, seed table 2 [17]); the web form shows them next to each choice.
# --------------------------------------------------------------------------------------------

_L = SpinalLevel
_JUNCTIONAL_LEVELS: Final = (_L.OCCIPUT, _L.C1, _L.C2, _L.C7, _L.T1, _L.T2, _L.T11, _L.T12, _L.L1, _L.L5, _L.S1)
_MOBILE_LEVELS: Final = (_L.C3, _L.C4, _L.C5, _L.C6, _L.L2, _L.L3, _L.L4)
_SEMI_RIGID_LEVELS: Final = (_L.T3, _L.T4, _L.T5, _L.T6, _L.T7, _L.T8, _L.T9, _L.T10)
_RIGID_LEVELS: Final = (_L.S2, _L.S3, _L.S4, _L.S5)


def _location_table() -> dict[SpinalLevel, SpineLocation]:
    table: dict[SpinalLevel, SpineLocation] = {}
    for levels, location in (
        (_JUNCTIONAL_LEVELS, SpineLocation.JUNCTIONAL),
        (_MOBILE_LEVELS, SpineLocation.MOBILE),
        (_SEMI_RIGID_LEVELS, SpineLocation.SEMI_RIGID),
        (_RIGID_LEVELS, SpineLocation.RIGID),
    ):
        table.update(dict.fromkeys(levels, location))
    # Anatomical order, whatever the grouping above.
    return {level: table[level] for level in SpinalLevel}


LOCATION_BY_LEVEL: Final[Mapping[SpinalLevel, SpineLocation]] = MappingProxyType(_location_table())
LOCATION_POINTS: Final[Mapping[SpineLocation, int]] = MappingProxyType(
    {
        SpineLocation.JUNCTIONAL: 3,
        SpineLocation.MOBILE: 2,
        SpineLocation.SEMI_RIGID: 1,
        SpineLocation.RIGID: 0,
    }
)
PAIN_POINTS: Final[Mapping[SinsPain, int]] = MappingProxyType(
    {
        SinsPain.MECHANICAL: 3,
        SinsPain.OCCASIONAL_NONMECHANICAL: 1,
        SinsPain.PAIN_FREE: 0,
    }
)
BONE_LESION_POINTS: Final[Mapping[SinsBoneLesion, int]] = MappingProxyType(
    {
        SinsBoneLesion.LYTIC: 2,
        SinsBoneLesion.MIXED: 1,
        SinsBoneLesion.BLASTIC: 0,
    }
)
ALIGNMENT_POINTS: Final[Mapping[SinsAlignment, int]] = MappingProxyType(
    {
        SinsAlignment.SUBLUXATION: 4,
        SinsAlignment.DE_NOVO_DEFORMITY: 2,
        SinsAlignment.NORMAL: 0,
    }
)
COLLAPSE_POINTS: Final[Mapping[SinsCollapse, int]] = MappingProxyType(
    {
        SinsCollapse.GT_50: 3,
        SinsCollapse.LT_50: 2,
        SinsCollapse.NO_COLLAPSE_GT_50_INVOLVED: 1,
        SinsCollapse.NONE: 0,
    }
)
POSTEROLATERAL_POINTS: Final[Mapping[SinsPosterolateral, int]] = MappingProxyType(
    {
        SinsPosterolateral.BILATERAL: 3,
        SinsPosterolateral.UNILATERAL: 1,
        SinsPosterolateral.NONE: 0,
    }
)

SINS_MAX: Final = 18
SINS_CONSULTATION_THRESHOLD: Final = 7
SINS_UNSTABLE_THRESHOLD: Final = 13
HOURS_NONAMBULATORY_LIMIT: Final = 48


def location_points(level: SpinalLevel) -> int:
    """SINS location points of a spinal level (junctional 3, mobile 2, semi-rigid 1, rigid 0)."""
    return LOCATION_POINTS[LOCATION_BY_LEVEL[level]]


def sins_category(total: int) -> SinsCategory:
    """SINS category of a total: stable 0-6, indeterminate 7-12, unstable 13-18 (spec 2.1)."""
    if total >= SINS_UNSTABLE_THRESHOLD:
        return SinsCategory.UNSTABLE
    if total >= SINS_CONSULTATION_THRESHOLD:
        return SinsCategory.INDETERMINATE
    return SinsCategory.STABLE


# --------------------------------------------------------------------------------------------
# Groupings used by the rules (spec 2.3, 5, 7)
# --------------------------------------------------------------------------------------------

SENSITIVE_HISTOLOGIES: Final = frozenset(
    {
        Histology.LYMPHOMA,
        Histology.MYELOMA,
        Histology.SMALL_CELL_LUNG,
        Histology.GERM_CELL,
        Histology.PROSTATE,
        Histology.BREAST,
        Histology.OVARIAN,
    }
)
RESISTANT_HISTOLOGIES: Final = frozenset(
    {
        Histology.MELANOMA,
        Histology.RENAL_CELL,
        Histology.NON_SMALL_CELL_LUNG,
        Histology.GASTROINTESTINAL,
        Histology.SARCOMA,
    }
)
HEMATOLOGIC_HISTOLOGIES: Final = frozenset({Histology.LYMPHOMA, Histology.MYELOMA})
SOLID_RADIOSENSITIVE_HISTOLOGIES: Final = SENSITIVE_HISTOLOGIES - HEMATOLOGIC_HISTOLOGIES
SYSTEMIC_OPTION_HISTOLOGIES: Final = frozenset(
    {
        Histology.LYMPHOMA,
        Histology.GERM_CELL,
        Histology.BREAST,
        Histology.PROSTATE,
    }
)
SURGICAL_PATHWAYS: Final = frozenset(
    {
        PathwayCode.URGENT_DECOMPRESSION,
        PathwayCode.STABILIZATION_THEN_RADIATION,
        PathwayCode.SEPARATION_SURGERY_SBRT,
        PathwayCode.MAXIMAL_EXCISION_CEBRT,
    }
)
_HIGH_GRADES: Final = frozenset({EsccGrade.GRADE_2, EsccGrade.GRADE_3})
_NOT_AMBULATORY: Final = frozenset({MotorStatus.NONAMBULATORY, MotorStatus.PARAPLEGIC})
_VCF_COLLAPSE: Final = frozenset({SinsCollapse.GT_50, SinsCollapse.LT_50})


# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseInput:
    """The 23 input fields of spec section 1, with their spec names.

    ``__post_init__`` rejects the contradictions the rules cannot resolve, with a
    ``ValueError`` whose message starts with the field name: ``other_radiosensitivity``
    missing when ``histology`` is ``other`` or given when it is not, and a negative
    ``hours_nonambulatory``. The Django form checks the same things first and reports them
    per field; this check is the last line of defence for other callers.
    """

    escc_grade: EsccGrade
    neurologic_deficit: bool
    deficit_progressing: bool
    motor_status: MotorStatus
    hours_nonambulatory: int | None
    urinary_symptoms: bool
    urinary_retention: bool
    histology: Histology
    other_radiosensitivity: OtherRadiosensitivity | None
    prior_radiation_in_field: bool
    spinal_level: SpinalLevel
    sins_pain: SinsPain
    sins_bone_lesion: SinsBoneLesion
    sins_alignment: SinsAlignment
    sins_collapse: SinsCollapse
    sins_posterolateral: SinsPosterolateral
    stability_assessment: StabilityAssessment
    retropulsion: bool
    expected_survival: ExpectedSurvival
    surgical_candidate: SurgicalCandidate
    sbrt_available: bool
    oligometastatic: bool
    vte_contraindication: bool

    def __post_init__(self) -> None:
        if self.histology == Histology.OTHER and self.other_radiosensitivity is None:
            raise ValueError("other_radiosensitivity: required when histology is 'other'")
        if self.histology != Histology.OTHER and self.other_radiosensitivity is not None:
            raise ValueError("other_radiosensitivity: must be empty unless histology is 'other'")
        if self.hours_nonambulatory is not None and self.hours_nonambulatory < 0:
            raise ValueError("hours_nonambulatory: must be 0 or more")


@dataclass(frozen=True, slots=True)
class SinsComponents:
    """SINS points per component."""

    location: int
    pain: int
    bone_lesion: int
    alignment: int
    collapse: int
    posterolateral: int


@dataclass(frozen=True, slots=True)
class SinsResult:
    """SINS total, category and location class (spec 2.1)."""

    components: SinsComponents
    total: int
    category: SinsCategory
    location: SpineLocation


@dataclass(frozen=True, slots=True)
class Pathway:
    """The definitive treatment pathway (spec 3) and its cEBRT regimen (spec 4)."""

    code: PathwayCode
    rule: Rule
    stabilization: Stabilization | None
    radiation: Radiation | None
    cebrt_regimen: CebrtRegimen | None


@dataclass(frozen=True, slots=True)
class RationaleItem:
    """Why one part of the result is what it is.

    ``topic`` names the result part ("sins", "pathway", ... or "alert:<code>"); ``rule`` the
    spec rule or section ("P8", "2.1 SINS"); ``text`` the reason in words, naming the inputs
    and their values; ``inputs`` the input field names used; ``source`` the seed section and
    reference numbers.
    """

    topic: str
    rule: str
    text: str
    inputs: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class AlertItem:
    """An alert code with its explanatory text and source."""

    code: Alert
    text: str
    source: str


class Note(NamedTuple):
    """A piece of information text and its source."""

    text: str
    source: str


# --------------------------------------------------------------------------------------------
# Information texts (own words; sources are the seed's sections and reference numbers)
# --------------------------------------------------------------------------------------------

ALERT_TEXTS: Final[Mapping[Alert, Note]] = MappingProxyType(
    {
        Alert.SURGICAL_CONSULTATION: Note(
            "SINS of 7 or more, or an unstable spine: the lesion may be, or may become, "
            "mechanically unstable. Ask a spine surgeon to review the case if one has not "
            "already done so.",
            "Seed: 'Mechanical (spinal stability)' and table 2, ref [17] (Fisher 2010, SINS); "
            "ref [19] (Fourney 2011, SINS reliability)",
        ),
        Alert.MOVEMENT_PAIN_INSTABILITY: Note(
            "Pain on movement or on loading the spine, or pain eased by lying down, is taken as "
            "instability until a spine surgeon has ruled it out. Keep the patient immobilized "
            "(brace or bed rest) until then.",
            "Seed: 'Mechanical (spinal stability)' and algorithm footnote, refs [17] (Fisher "
            "2010), [18] (NICE guidance 2023)",
        ),
        Alert.NONAMBULATORY_OVER_48H: Note(
            "The patient has not walked for more than 48 hours: walking is less likely to come "
            "back with treatment. Treatment is still needed without delay.",
            "Seed: 'Importance of early detection', ref [1] (Laufer 2016, systematic review); "
            "'Neurologic function', ref [104] (Zaidat 2002)",
        ),
        Alert.TIME_CRITICAL: Note(
            "The patient stopped walking 48 hours ago or less (or the time is not known): start "
            "definitive treatment as fast as possible. Results are best when treatment begins "
            "within 12 hours of losing the ability to walk.",
            "Seed: 'Importance of early detection', ref [1] (Laufer 2016); 'Neurologic "
            "function', ref [104] (Zaidat 2002)",
        ),
        Alert.CONSIDER_SURGERY_RADIOSENSITIVE: Note(
            "A solid radiosensitive tumor with high-grade ESCC and a neurologic deficit in a "
            "surgical candidate: cEBRT works, but it can take time. Discuss surgery first, which "
            "relieves the cord faster.",
            "Seed: 'Radiosensitive tumors' and algorithm footnote (delta); ref [46] (Patchell "
            "2005, surgery plus radiation in solid tumors)",
        ),
        Alert.RAPID_STEROID_RESPONSE: Note(
            "Lymphoma and myeloma usually respond fast to glucocorticoids (which are lympholytic) together with cEBRT.",
            "Seed: 'Radiosensitive tumors'; 'Glucocorticoids', refs [31,32]",
        ),
        Alert.SYSTEMIC_THERAPY_OPTION: Note(
            "This tumor type can respond to systemic treatment: chemotherapy for lymphoma and "
            "germ cell tumors, hormonal therapy for breast and prostate cancer. Involve medical "
            "oncology; systemic treatment takes days to weeks, so it rarely replaces local "
            "treatment of ESCC.",
            "Seed: 'Systemic therapy', refs [88,89] (lymphoma), [91] (germ cell), [92] (breast), [93] (prostate)",
        ),
        Alert.SBRT_UNAVAILABLE: Note(
            "SBRT would be the preferred radiation for this case, but it cannot be delivered in "
            "time at this centre. The pathway shows the fallback where the rule set has one; "
            "otherwise arrange SBRT elsewhere or take the case to the tumor board.",
            "Seed: 'Radioresistant tumors with low-grade ESCC' (fallback: cEBRT, or excision "
            "then cEBRT), 'Maximal surgical excision plus cEBRT', ref [46]; 'Patients with "
            "prior in-field radiation', ref [49]",
        ),
        Alert.HYPOFRACTIONATED_SBRT_OPTION: Note(
            "Grade 2 ESCC in a patient who is not having surgery: hypofractionated SBRT (mostly "
            "27 Gy in 3 fractions) is an alternative to short-course cEBRT for selected patients.",
            "Seed: 'Radioresistant tumors with high-grade ESCC' and 'Stereotactic body "
            "radiotherapy', ref [71] (Rothrock 2020)",
        ),
        Alert.REIRRADIATION_CORD_TOLERANCE: Note(
            "This level was irradiated before: plan the cumulative spinal cord dose against cord "
            "tolerance (quoted as 45 Gy in 2 Gy fractions, possibly nearer 60 Gy). Myelopathy "
            "after re-irradiation is uncommon but serious.",
            "Seed: 'Management of recurrent ESCC', refs [111,112,117] (re-irradiation series), "
            "[118,119] (cord tolerance); 'Patients with prior in-field radiation', ref [49]",
        ),
        Alert.VCF_RISK_AFTER_SBRT: Note(
            "SBRT to a lytic lesion, or to a vertebra that has already collapsed or is out of "
            "alignment: vertebral compression fracture after SBRT occurs in up to about 40%. "
            "Single doses above 20 Gy add to the risk.",
            "Seed: 'Stereotactic body radiotherapy, risks and toxicities', refs [72-75] "
            "(Sahgal 2013, Cunha 2012, Thibault 2014)",
        ),
        Alert.GRADE0_NOT_ESCC: Note(
            "ESCC grade 0 is tumor confined to bone without epidural disease, so it is not ESCC. "
            "The case is still evaluated, but the pathway was written for epidural compression.",
            "Seed: figure 1 and image 1 (ESCC grading scale), ref [15] (Bilsky 2010)",
        ),
    }
)

ALERT_ITEMS: Final[Mapping[Alert, AlertItem]] = MappingProxyType(
    {code: AlertItem(code, note.text, note.source) for code, note in ALERT_TEXTS.items()}
)

SUPPORTIVE_CARE_ALWAYS: Final = Note(
    "For every patient: a prophylactic bowel regimen, because opioids, immobility and "
    "autonomic dysfunction cause constipation and ileus and glucocorticoids can hide the "
    "signs of a perforation; and enough analgesia (often opioids) for the patient to bear "
    "the examination and imaging.",
    "Seed: 'Urinary retention and constipation', ref [37] (Fadul 1988); 'Pain management and role of immobilization'",
)

STEROID_DOSING_TEXT: Final = Note(
    "Dexamethasone 10 mg intravenously, then 16 mg a day by mouth in divided doses. Once "
    "definitive treatment is under way, halve the daily dose every 3 days. Very high doses "
    "(such as 96 mg) add serious side effects without better results.",
    "Seed: 'Glucocorticoids', ref [28] (Kumar 2017); refs [27] (George 2015, Cochrane "
    "review), [29] (Heimdal 1992), [35] (Graham 2006)",
)

SBRT_DOSES_TEXT: Final = Note(
    "Usual spine SBRT schedules: 16-24 Gy in 1 fraction, 24 Gy in 2, 27-30 Gy in 3, or "
    "50 Gy in 5. Radioresistant tumors in patients with a good prognosis need the higher doses.",
    "Seed: 'Stereotactic body radiotherapy, dose and fractionation', ref [64] (Yamada 2017)",
)

CEBRT_FIELD_TEXT: Final = Note(
    "cEBRT field: the width of the vertebral body and any paravertebral tumor with a margin, "
    "centred on the spine, usually one vertebral body above and one below the epidural disease.",
    "Seed: 'Conventional external beam radiation therapy, treatment field', ref [63] (Klish 2011)",
)

REGIMEN_TEXTS: Final[Mapping[CebrtRegimen, str]] = MappingProxyType(
    {
        CebrtRegimen.GY8_1FX: (
            "8 Gy in a single fraction (20 Gy in 5 fractions is an alternative with a slightly "
            "better chance of keeping the patient walking)"
        ),
        CebrtRegimen.GY20_5FX: "20 Gy in 5 fractions (4 Gy a day)",
        CebrtRegimen.GY30_10FX: ("30 Gy in 10 fractions (longer courses of 30-40 Gy in 10-20 fractions are also used)"),
    }
)

PROGNOSIS_NOTES: Final[tuple[Note, ...]] = (
    Note(
        "How well the patient moves before treatment predicts how well they move after it better than anything else.",
        "Seed: 'Prognosis, neurologic function', refs [2-4]",
    ),
    Note(
        "Of patients who can walk when treatment starts, 67-82% can still walk at the end.",
        "Seed: 'Prognosis, neurologic function', refs [2,12,51,102]",
    ),
    Note(
        "About one in three patients who cannot walk because of paraparesis walks again after "
        "treatment; of paraplegic patients, 2-6% do (more with radiosensitive tumors).",
        "Seed: 'Prognosis, neurologic function', ref [2] (Maranzano 1995)",
    ),
    Note(
        "Of patients who need a urinary catheter before treatment, 20-40% become catheter-free.",
        "Seed: 'Prognosis, neurologic function', refs [3,5]",
    ),
    Note(
        "Motor deficits that built up over more than 2 weeks recover better than those that appeared within a week.",
        "Seed: 'Prognosis, neurologic function', ref [103] (Rades 2002)",
    ),
    Note(
        "Median survival is about 8-10 months when the patient walks before radiation, against 2-4 months when not.",
        "Seed: 'Prognosis, overall survival', refs [2,98,99]",
    ),
    Note(
        "Median survival is about 9-10 months with breast or prostate cancer, lymphoma or "
        "myeloma, against 3-4 months with lung cancer.",
        "Seed: 'Prognosis, overall survival', refs [2,94,96,97]",
    ),
    Note(
        "In the randomized trial of surgery plus radiation against radiation alone, 84% vs 57% "
        "of patients were walking after treatment, and 10 of 16 vs 3 of 16 patients who could "
        "not walk at entry walked again.",
        "Seed: 'Maximal surgical excision plus cEBRT', ref [46] (Patchell 2005, Lancet)",
    ),
)


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


def _value(code: StrEnum | None) -> str | None:
    return None if code is None else code.value


@dataclass(frozen=True, slots=True)
class Result:
    """The evaluation of one case: every recommendation with its rationale."""

    rule_set: str
    sins: SinsResult
    escc_grade: EsccGrade
    high_grade: bool
    radiosensitivity: Radiosensitivity
    stability: Stability
    significant_deficit: bool
    pathway: Pathway
    urgency: Urgency
    steroids: Steroids
    vte_prophylaxis: VteProphylaxis
    bladder: Bladder
    mobility: Mobility
    alerts: tuple[Alert, ...]
    rationale: tuple[RationaleItem, ...]

    @property
    def alert_items(self) -> tuple[AlertItem, ...]:
        """The alerts with their texts and sources, in :class:`Alert` order."""
        return tuple(ALERT_ITEMS[code] for code in self.alerts)

    def to_dict(self) -> dict[str, object]:
        """The JSON result object of ``case-format.md`` (plain str, int, bool and None).

        Extra keys beyond the case format: ``significant_deficit``, ``sins.location``,
        ``alert_details``, ``supportive_care_always``, and when they apply
        ``regimen_text``, ``field_text``, ``sbrt_dose_text`` and ``steroid_dosing_text``.
        """
        sins = self.sins
        points = sins.components
        pathway = self.pathway
        result: dict[str, object] = {
            "rule_set": self.rule_set,
            "sins": {
                "total": sins.total,
                "category": sins.category.value,
                "components": {
                    "location": points.location,
                    "pain": points.pain,
                    "bone_lesion": points.bone_lesion,
                    "alignment": points.alignment,
                    "collapse": points.collapse,
                    "posterolateral": points.posterolateral,
                },
                "location": sins.location.value,
            },
            "escc": {"grade": self.escc_grade.value, "high_grade": self.high_grade},
            "radiosensitivity": self.radiosensitivity.value,
            "stability": self.stability.value,
            "significant_deficit": self.significant_deficit,
            "pathway": {
                "code": pathway.code.value,
                "rule": pathway.rule.value,
                "stabilization": _value(pathway.stabilization),
                "radiation": _value(pathway.radiation),
                "cebrt_regimen": _value(pathway.cebrt_regimen),
            },
            "urgency": self.urgency.value,
            "steroids": self.steroids.value,
            "vte_prophylaxis": self.vte_prophylaxis.value,
            "bladder": self.bladder.value,
            "mobility": self.mobility.value,
            "alerts": [code.value for code in self.alerts],
            "alert_details": [
                {"code": item.code.value, "text": item.text, "source": item.source} for item in self.alert_items
            ],
            "rationale": [
                {
                    "rule": item.rule,
                    "text": item.text,
                    "source": item.source,
                    "topic": item.topic,
                    "inputs": list(item.inputs),
                }
                for item in self.rationale
            ],
            "supportive_care_always": SUPPORTIVE_CARE_ALWAYS.text,
        }
        if pathway.cebrt_regimen is not None:
            result["regimen_text"] = REGIMEN_TEXTS[pathway.cebrt_regimen]
        if pathway.radiation == Radiation.CEBRT:
            result["field_text"] = CEBRT_FIELD_TEXT.text
        if pathway.radiation == Radiation.SBRT or Alert.HYPOFRACTIONATED_SBRT_OPTION in self.alerts:
            result["sbrt_dose_text"] = SBRT_DOSES_TEXT.text
        if self.steroids == Steroids.HIGH_DOSE:
            result["steroid_dosing_text"] = STEROID_DOSING_TEXT.text
        return result


# --------------------------------------------------------------------------------------------
# Partial SINS for an incomplete web form
# --------------------------------------------------------------------------------------------

# (component name, input field name, maximum points) in SINS table order.
_SINS_FIELDS: Final = (
    ("location", "spinal_level", max(LOCATION_POINTS.values())),
    ("pain", "sins_pain", max(PAIN_POINTS.values())),
    ("bone_lesion", "sins_bone_lesion", max(BONE_LESION_POINTS.values())),
    ("alignment", "sins_alignment", max(ALIGNMENT_POINTS.values())),
    ("collapse", "sins_collapse", max(COLLAPSE_POINTS.values())),
    ("posterolateral", "sins_posterolateral", max(POSTEROLATERAL_POINTS.values())),
)


@dataclass(frozen=True, slots=True)
class PartialSins:
    """SINS so far while the form is being filled in.

    ``components`` maps each component name ("location", "pain", ...) to its points, or None
    when its input is missing; ``missing`` lists the missing input field names; ``category``
    is set only when nothing is missing. ``max_possible`` is the total if every missing
    component scored its maximum, so ``lowest_category``..``highest_category`` is the range
    the final category can still fall in.
    """

    components: dict[str, int | None]
    total_so_far: int
    missing: tuple[str, ...]
    category: SinsCategory | None
    max_possible: int
    location: SpineLocation | None
    lowest_category: SinsCategory
    highest_category: SinsCategory


def sins_partial(
    *,
    spinal_level: SpinalLevel | None = None,
    sins_pain: SinsPain | None = None,
    sins_bone_lesion: SinsBoneLesion | None = None,
    sins_alignment: SinsAlignment | None = None,
    sins_collapse: SinsCollapse | None = None,
    sins_posterolateral: SinsPosterolateral | None = None,
) -> PartialSins:
    """SINS from whichever components are known (spec 2.1); never raises."""
    points: tuple[int | None, ...] = (
        None if spinal_level is None else location_points(spinal_level),
        None if sins_pain is None else PAIN_POINTS[sins_pain],
        None if sins_bone_lesion is None else BONE_LESION_POINTS[sins_bone_lesion],
        None if sins_alignment is None else ALIGNMENT_POINTS[sins_alignment],
        None if sins_collapse is None else COLLAPSE_POINTS[sins_collapse],
        None if sins_posterolateral is None else POSTEROLATERAL_POINTS[sins_posterolateral],
    )
    components: dict[str, int | None] = {}
    missing: list[str] = []
    total = 0
    max_possible = 0
    for (name, field, maximum), value in zip(_SINS_FIELDS, points, strict=True):
        components[name] = value
        if value is None:
            missing.append(field)
            max_possible += maximum
        else:
            total += value
            max_possible += value
    return PartialSins(
        components=components,
        total_so_far=total,
        missing=tuple(missing),
        category=None if missing else sins_category(total),
        max_possible=max_possible,
        location=None if spinal_level is None else LOCATION_BY_LEVEL[spinal_level],
        lowest_category=sins_category(total),
        highest_category=sins_category(max_possible),
    )


# --------------------------------------------------------------------------------------------
# Sources and input-name groups used in the rationale
# --------------------------------------------------------------------------------------------

_SRC_SINS: Final = (
    "Seed: 'Mechanical (spinal stability)' and table 2 (SINS), ref [17] (Fisher 2010, Spine "
    "Oncology Study Group); ref [19] (Fourney 2011, reliability and validity)"
)
_SRC_ESCC: Final = "Seed: 'Neurologic (high- versus low-grade ESCC)' and figure 1, ref [15] (Bilsky 2010, ESCC scale)"
_SRC_RADIOSENSITIVITY: Final = (
    "Seed: 'Oncologic (radiosensitivity of primary tumor)', table 1 and algorithm footnote, ref [16] (Gerszten 2009)"
)
_SRC_STABILITY: Final = (
    "Seed: 'Mechanical (spinal stability)', table 2 and algorithm footnote, refs [17] "
    "(Fisher 2010, SINS), [18] (NICE guidance 2023)"
)
_SRC_SIGNIFICANT_DEFICIT: Final = (
    "Seed: 'Patients with unknown or synchronous primary', ref [48] (Schiff 1997); "
    "'Importance of early detection', ref [1]"
)
_SRC_P1: Final = "Seed: 'Patients with unknown or synchronous primary', ref [48] (Schiff 1997)"
_SRC_P2: Final = _SRC_P1
_SRC_P3: Final = (
    "Seed: 'Patients with spinal instability', refs [39,40] (SINS and outcomes), [41] (open "
    "instrumentation), [42] (percutaneous techniques); 'Role of vertebroplasty, kyphoplasty, "
    "and percutaneous spinal instrumentation', refs [85,86] (cement), [87] (Moussazadeh 2015, "
    "percutaneous screws)"
)
_SRC_P4: Final = (
    "Seed: 'Patients with spinal instability' and algorithm footnote (section sign), ref [38] "
    "(Lee 2015, Cochrane review of bracing); summary recommendations"
)
_SRC_P5_SURGERY: Final = (
    "Seed: 'Patients with prior in-field radiation', refs [49] (Myrehaug 2017), [50]; "
    "'Separation surgery plus SBRT', ref [47] (Laufer 2013)"
)
_SRC_P5_PALLIATIVE: Final = (
    "Seed: 'Radioresistant tumors with high-grade ESCC' (non-surgical patients); 'Management "
    "of recurrent ESCC', refs [111,116,117] (second course of cEBRT)"
)
_SRC_P5_REIRRADIATION: Final = (
    "Seed: 'Patients with prior in-field radiation', ref [49] (Myrehaug 2017); 'Management "
    "of recurrent ESCC', refs [66] (Gerszten 2007), [110-117]"
)
_SRC_P6: Final = (
    "Seed: 'Radiosensitive tumors', refs [2] (Maranzano 1995), [16] (Gerszten 2009); summary recommendations (Grade 2C)"
)
_SRC_P7: Final = (
    "Seed: 'Radioresistant tumors with low-grade ESCC', refs [64-69] (SBRT local control), "
    "[2,45] (poor control with cEBRT); summary recommendations (Grade 2C)"
)
_SRC_P8: Final = (
    "Seed: 'Radioresistant tumors with high-grade ESCC', refs [46] (Patchell 2005), [47] "
    "(Laufer 2013); 'Separation surgery plus SBRT', ref [82] (Redmond 2016); 'Maximal "
    "surgical excision plus cEBRT', ref [46]"
)
_SRC_P9: Final = (
    "Seed: 'Radioresistant tumors with high-grade ESCC' and algorithm footnote (section "
    "sign); refs [43] (Maranzano 2005, 8 Gy single dose), [71] (Rothrock 2020, "
    "hypofractionated SBRT)"
)
_SRC_REGIMEN_SHORT: Final = (
    "Seed: 'Conventional external beam radiation therapy, dose and fractionation', refs [43] "
    "(Maranzano 2005), [55] (Hoskin 2019, SCORAD), [58] (Rades 2016), [60] (Lee, ICORG 05-03)"
)
_SRC_REGIMEN_MIDDLE: Final = (
    "Seed: 'Conventional external beam radiation therapy, dose and fractionation', refs "
    "[51,54,56-59] (short against long courses)"
)
_SRC_REGIMEN_FAVOURABLE: Final = (
    "Seed: 'Conventional external beam radiation therapy, dose and fractionation', refs [61] "
    "(Rades 2006, myeloma), [62] (Rades 2007, oligometastases)"
)
_SRC_REGIMEN_LONG: Final = (
    "Seed: 'Radiosensitive tumors', ref [44] (Rades 2006); 'Dose and fractionation', refs [56,57,61,62]"
)
_SRC_REGIMEN_EXCISION: Final = (
    "Seed: 'Maximal surgical excision plus cEBRT', ref [46] (Patchell 2005: 30 Gy in 10 fractions after surgery)"
)
_SRC_STEROIDS_HIGH: Final = (
    "Seed: 'Glucocorticoids', ref [28] (Kumar 2017); very high doses: refs [27] (George "
    "2015, Cochrane review), [29] (Heimdal 1992)"
)
_SRC_STEROIDS_NOT_ROUTINE: Final = "Seed: 'Glucocorticoids', ref [30] (Maranzano 1996, radiotherapy without steroids)"
_SRC_STEROIDS_CONSIDER: Final = "Seed: 'Glucocorticoids', refs [25-27] (bridge to definitive treatment), [30]"
_SRC_VTE: Final = "Seed: 'Venous thromboembolism prophylaxis', ref [36] (Zacharia 2017)"
_SRC_BLADDER: Final = "Seed: 'Urinary retention and constipation'"
_SRC_MOBILITY: Final = (
    "Seed: 'Pain management and role of immobilization', refs [18] (NICE 2023), [38] (Lee 2015, Cochrane review)"
)
_SRC_URGENCY: Final = (
    "Seed: 'Importance of early detection', ref [1] (Laufer 2016); 'Neurologic (high- versus low-grade ESCC)', ref [15]"
)

_SINS_INPUTS: Final = (
    "spinal_level",
    "sins_pain",
    "sins_bone_lesion",
    "sins_alignment",
    "sins_collapse",
    "sins_posterolateral",
)
_STABILITY_INPUTS: Final = ("stability_assessment", *_SINS_INPUTS)
_DEFICIT_INPUTS: Final = ("neurologic_deficit", "deficit_progressing", "motor_status")
_RADIOSENSITIVITY_INPUTS: Final = ("histology", "other_radiosensitivity")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


# --------------------------------------------------------------------------------------------
# 2. Derived values
# --------------------------------------------------------------------------------------------


# Pre-built phrases: the SINS has the largest key space, so its text is assembled from these.
_SINS_MEANING: Final = {
    SinsCategory.STABLE: "0-6, stable",
    SinsCategory.INDETERMINATE: "7-12, possible impending instability",
    SinsCategory.UNSTABLE: "13-18, unstable",
}
_LEVEL_PHRASES: Final = {
    level: f"spinal_level {level} is {location} ({LOCATION_POINTS[location]})"
    for level, location in LOCATION_BY_LEVEL.items()
}
_PAIN_PHRASES: Final = {key: f"sins_pain {key} ({points})" for key, points in PAIN_POINTS.items()}
_BONE_LESION_PHRASES: Final = {key: f"sins_bone_lesion {key} ({points})" for key, points in BONE_LESION_POINTS.items()}
_ALIGNMENT_PHRASES: Final = {key: f"sins_alignment {key} ({points})" for key, points in ALIGNMENT_POINTS.items()}
_COLLAPSE_PHRASES: Final = {key: f"sins_collapse {key} ({points})" for key, points in COLLAPSE_POINTS.items()}
_POSTEROLATERAL_PHRASES: Final = {
    key: f"sins_posterolateral {key} ({points})" for key, points in POSTEROLATERAL_POINTS.items()
}


@cache
def _sins(
    level: SpinalLevel,
    pain: SinsPain,
    bone_lesion: SinsBoneLesion,
    alignment: SinsAlignment,
    collapse: SinsCollapse,
    posterolateral: SinsPosterolateral,
) -> tuple[SinsResult, RationaleItem]:
    """Spec 2.1 SINS: sum of six component points and its category.

    Source: seed 'Mechanical (spinal stability)', table 2, ref [17] (Fisher 2010).
    """
    location = LOCATION_BY_LEVEL[level]
    components = SinsComponents(
        location=LOCATION_POINTS[location],
        pain=PAIN_POINTS[pain],
        bone_lesion=BONE_LESION_POINTS[bone_lesion],
        alignment=ALIGNMENT_POINTS[alignment],
        collapse=COLLAPSE_POINTS[collapse],
        posterolateral=POSTEROLATERAL_POINTS[posterolateral],
    )
    total = (
        components.location
        + components.pain
        + components.bone_lesion
        + components.alignment
        + components.collapse
        + components.posterolateral
    )
    category = sins_category(total)
    text = (
        f"SINS {total} of 18 ({_SINS_MEANING[category]}): {_LEVEL_PHRASES[level]}, {_PAIN_PHRASES[pain]}, "
        f"{_BONE_LESION_PHRASES[bone_lesion]}, {_ALIGNMENT_PHRASES[alignment]}, {_COLLAPSE_PHRASES[collapse]}, "
        f"{_POSTEROLATERAL_PHRASES[posterolateral]}."
    )
    item = RationaleItem("sins", "2.1 SINS", text, _SINS_INPUTS, _SRC_SINS)
    return SinsResult(components, total, category, location), item


@cache
def _escc_class(grade: EsccGrade) -> tuple[bool, RationaleItem]:
    """Spec 2.2 ESCC class: grades 2 and 3 are high grade; grade 0 is not ESCC.

    Source: seed 'Neurologic (high- versus low-grade ESCC)', ref [15] (Bilsky 2010).
    """
    high_grade = grade in _HIGH_GRADES
    if high_grade:
        text = f"escc_grade {grade}: the cord is displaced or compressed, so this is high-grade ESCC."
    elif grade == EsccGrade.GRADE_0:
        text = (
            f"escc_grade {grade}: tumor confined to bone; not ESCC, handled as low grade (see alert grade0_not_escc)."
        )
    else:
        text = f"escc_grade {grade}: epidural tumor without cord displacement, so low-grade ESCC."
    return high_grade, RationaleItem("escc", "2.2 ESCC class", text, ("escc_grade",), _SRC_ESCC)


@cache
def _radiosensitivity(
    histology: Histology,
    other: OtherRadiosensitivity | None,
) -> tuple[Radiosensitivity, RationaleItem]:
    """Spec 2.3 radiosensitivity to cEBRT within cord tolerance.

    Source: seed table 1 and algorithm footnote, ref [16] (Gerszten 2009).
    """
    if histology in SENSITIVE_HISTOLOGIES:
        value = Radiosensitivity.SENSITIVE
        text = (
            f"histology {histology} is classed as relatively radiosensitive to cEBRT at "
            "doses the spinal cord tolerates."
        )
    elif histology in RESISTANT_HISTOLOGIES:
        value = Radiosensitivity.RESISTANT
        text = (
            f"histology {histology} is classed as relatively radioresistant: cEBRT at "
            "doses the spinal cord tolerates controls it poorly."
        )
    elif histology == Histology.OTHER and other is not None:
        value = Radiosensitivity(other.value)
        text = f"histology other, classified by the clinician as {other} (other_radiosensitivity)."
    else:
        # unknown_primary; CaseInput guarantees `other` is set when histology is other.
        value = Radiosensitivity.UNKNOWN
        text = (
            f"histology {histology}: no cancer diagnosis yet, so radiosensitivity is unknown until tissue is obtained."
        )
    inputs = _RADIOSENSITIVITY_INPUTS if histology == Histology.OTHER else ("histology",)
    item = RationaleItem("radiosensitivity", "2.3 Radiosensitivity", text, inputs, _SRC_RADIOSENSITIVITY)
    return value, item


@cache
def _stability(
    assessment: StabilityAssessment,
    sins_total: int,
    pain: SinsPain,
) -> tuple[Stability, RationaleItem]:
    """Spec 2.4 stability used by the pathway; a surgeon's judgement wins.

    Source: seed 'Mechanical (spinal stability)' and algorithm footnote, refs [17], [18].
    """
    if assessment == StabilityAssessment.STABLE:
        value = Stability.STABLE
        text = (
            "stability_assessment stable: a spine surgeon judged the spine stable, which "
            f"takes precedence over the SINS ({sins_total}) and the pain pattern."
        )
    elif assessment == StabilityAssessment.UNSTABLE:
        value = Stability.UNSTABLE
        text = (
            "stability_assessment unstable: a spine surgeon judged the spine unstable, "
            f"which takes precedence over the SINS ({sins_total})."
        )
    else:
        reasons = []
        if sins_total >= SINS_UNSTABLE_THRESHOLD:
            reasons.append(f"SINS {sins_total} is 13 or more")
        if pain == SinsPain.MECHANICAL:
            reasons.append("sins_pain mechanical (movement pain counts as instability until proven otherwise)")
        if reasons:
            value = Stability.UNSTABLE
            text = f"Not assessed by a surgeon; unstable because {' and '.join(reasons)}."
        elif sins_total >= SINS_CONSULTATION_THRESHOLD:
            value = Stability.POTENTIALLY_UNSTABLE
            text = (
                f"Not assessed by a surgeon; SINS {sins_total} (7-12) without mechanical "
                "pain: potentially unstable. The pathway proceeds as for a stable spine, "
                "with a surgical consultation."
            )
        else:
            value = Stability.STABLE
            text = f"Not assessed by a surgeon; SINS {sins_total} (0-6) and pain not mechanical: stable."
    return value, RationaleItem("stability", "2.4 Stability", text, _STABILITY_INPUTS, _SRC_STABILITY)


@cache
def _significant_deficit(
    deficit: bool,
    progressing: bool,
    motor: MotorStatus,
) -> tuple[bool, RationaleItem]:
    """Spec 2.5 significant deficit: a deficit that is progressing or stops the patient walking.

    Source: seed 'Patients with unknown or synchronous primary', ref [48].
    """
    not_walking = motor in _NOT_AMBULATORY
    value = deficit and (progressing or not_walking)
    text = (
        f"neurologic_deficit {_yes(deficit)}, deficit_progressing {_yes(progressing)}, "
        f"motor_status {motor}: significant deficit {_yes(value)} (a deficit that is "
        "progressing or leaves the patient unable to walk)."
    )
    item = RationaleItem(
        "significant_deficit", "2.5 Significant neurologic deficit", text, _DEFICIT_INPUTS, _SRC_SIGNIFICANT_DEFICIT
    )
    return value, item


# --------------------------------------------------------------------------------------------
# 3. Definitive treatment pathway, P1..P9
# --------------------------------------------------------------------------------------------


class _Facts(NamedTuple):
    radiosensitivity: Radiosensitivity
    significant_deficit: bool
    surgical_candidate: SurgicalCandidate
    stability: Stability
    high_grade: bool
    prior_radiation: bool
    sbrt_available: bool
    retropulsion: bool
    posterolateral: SinsPosterolateral


class _Choice(NamedTuple):
    code: PathwayCode
    rule: Rule
    stabilization: Stabilization | None
    radiation: Radiation | None
    sbrt_preferred: bool
    text: str
    inputs: tuple[str, ...]
    source: str


_UNKNOWN_INPUTS: Final = ("histology", *_DEFICIT_INPUTS, "surgical_candidate")
_UNSTABLE_INPUTS: Final = (*_STABILITY_INPUTS, "surgical_candidate")
_P3_INPUTS: Final = (
    *_UNSTABLE_INPUTS,
    "escc_grade",
    *_RADIOSENSITIVITY_INPUTS,
    "prior_radiation_in_field",
    "retropulsion",
    "sbrt_available",
)
_P5_INPUTS: Final = ("prior_radiation_in_field", "escc_grade", "surgical_candidate", "sbrt_available")
_P6_INPUTS: Final = (*_RADIOSENSITIVITY_INPUTS, "prior_radiation_in_field", "stability_assessment")
_P7_INPUTS: Final = (*_RADIOSENSITIVITY_INPUTS, "escc_grade", "sbrt_available")
_P8_INPUTS: Final = (*_RADIOSENSITIVITY_INPUTS, "escc_grade", "surgical_candidate", "sbrt_available")
_P9_INPUTS: Final = (*_RADIOSENSITIVITY_INPUTS, "escc_grade", "surgical_candidate")


def _p1_urgent_decompression(f: _Facts) -> _Choice:
    """P1: unknown primary, significant deficit, surgical candidate -> urgent decompression.

    Source: seed 'Patients with unknown or synchronous primary', ref [48].
    """
    text = (
        "P1: no cancer diagnosis yet (histology unknown_primary), a significant neurologic "
        "deficit and surgical_candidate yes. The neurologic picture comes first: urgent "
        "surgical decompression with instrumented stabilization, tissue sent for histology "
        "at surgery and staging afterwards. Radiation is chosen once the histology is known."
    )
    return _Choice(
        PathwayCode.URGENT_DECOMPRESSION,
        Rule.P1,
        Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION,
        None,
        False,
        text,
        _UNKNOWN_INPUTS,
        _SRC_P1,
    )


def _p2_biopsy_and_staging(f: _Facts) -> _Choice:
    """P2: unknown primary otherwise -> staging and biopsy first.

    Source: seed 'Patients with unknown or synchronous primary', ref [48].
    """
    if not f.significant_deficit:
        why = "without a significant neurologic deficit"
    else:
        why = f"with a significant deficit but surgical_candidate {f.surgical_candidate}"
    text = (
        f"P2: no cancer diagnosis yet (histology unknown_primary), {why}. Full staging, "
        "tumor markers where relevant and a core biopsy of the most accessible site come "
        "first; the definitive plan follows the histology."
    )
    if f.stability == Stability.UNSTABLE:
        text += " The spine is unstable: see the surgical consultation alert."
    return _Choice(
        PathwayCode.BIOPSY_AND_STAGING,
        Rule.P2,
        None,
        None,
        False,
        text,
        (*_UNKNOWN_INPUTS, "stability_assessment"),
        _SRC_P2,
    )


def _p3_stabilization_then_radiation(f: _Facts) -> _Choice:
    """P3: unstable spine, surgical candidate -> stabilize, then irradiate.

    Technique: open decompression when high grade and (resistant or prior radiation);
    else percutaneous screws when high grade, retropulsion or posterolateral involvement;
    else cement augmentation. Radiation: SBRT when (resistant or prior radiation) and SBRT is
    available, else cEBRT. Source: seed 'Patients with spinal instability', refs [38-42];
    'Role of vertebroplasty, kyphoplasty, and percutaneous spinal instrumentation', refs [85-87].
    """
    resistant = f.radiosensitivity == Radiosensitivity.RESISTANT
    sbrt_preferred = resistant or f.prior_radiation
    hard_to_treat = f"radiosensitivity {f.radiosensitivity}, prior_radiation_in_field {_yes(f.prior_radiation)}"
    if f.high_grade and sbrt_preferred:
        stabilization = Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION
        how = (
            "open decompression with instrumentation, because high-grade ESCC also needs "
            f"decompression when radiation alone cannot be relied on ({hard_to_treat})"
        )
    elif f.high_grade or f.retropulsion or f.posterolateral != SinsPosterolateral.NONE:
        stabilization = Stabilization.PERCUTANEOUS_INSTRUMENTATION
        reasons = []
        if f.high_grade:
            reasons.append("high-grade ESCC")
        if f.retropulsion:
            reasons.append("retropulsion yes")
        if f.posterolateral != SinsPosterolateral.NONE:
            reasons.append(f"sins_posterolateral {f.posterolateral}")
        how = (
            f"percutaneous instrumentation ({', '.join(reasons)}): cement alone is unsafe "
            "with high-grade ESCC or retropulsed fragments, and pedicle or posterior "
            "element involvement needs screws"
        )
    else:
        stabilization = Stabilization.CEMENT_AUGMENTATION
        how = (
            "cement augmentation (vertebroplasty or kyphoplasty): low-grade ESCC, no "
            "retropulsion and no posterolateral involvement"
        )
    if sbrt_preferred and f.sbrt_available:
        radiation = Radiation.SBRT
        then = f"SBRT ({hard_to_treat}; sbrt_available yes)"
    elif sbrt_preferred:
        radiation = Radiation.CEBRT
        then = f"cEBRT, although SBRT would be preferred ({hard_to_treat}), because sbrt_available is no"
    else:
        radiation = Radiation.CEBRT
        then = f"cEBRT ({hard_to_treat})"
    text = (
        f"P3: the spine is unstable and surgical_candidate is yes, so stabilize first, "
        f"then irradiate. Technique: {how}. Radiation afterwards: {then}."
    )
    return _Choice(
        PathwayCode.STABILIZATION_THEN_RADIATION,
        Rule.P3,
        stabilization,
        radiation,
        sbrt_preferred,
        text,
        _P3_INPUTS,
        _SRC_P3,
    )


def _p4_bracing_then_cebrt(f: _Facts) -> _Choice:
    """P4: unstable spine, not a surgical candidate -> brace or bed rest, then cEBRT.

    Source: seed 'Patients with spinal instability' and algorithm footnote, ref [38].
    """
    text = (
        f"P4: the spine is unstable and surgical_candidate is {f.surgical_candidate}: "
        "noninvasive stabilization (brace, bed rest), then cEBRT."
    )
    return _Choice(
        PathwayCode.BRACING_THEN_CEBRT,
        Rule.P4,
        Stabilization.BRACING,
        Radiation.CEBRT,
        False,
        text,
        _UNSTABLE_INPUTS,
        _SRC_P4,
    )


def _p5_prior_radiation(f: _Facts) -> _Choice:
    """P5: prior radiation in the field.

    High grade and surgical candidate -> separation surgery then SBRT; high grade otherwise ->
    palliative radiation (as P9); low grade -> SBRT re-irradiation, or a second cEBRT course
    without SBRT. Source: seed 'Patients with prior in-field radiation', refs [49,50];
    'Management of recurrent ESCC', refs [66,110-117].
    """
    lead = "P5: the level was irradiated before (prior_radiation_in_field yes)"
    if f.high_grade and f.surgical_candidate == SurgicalCandidate.YES:
        text = (
            f"{lead}, ESCC is high grade and surgical_candidate is yes: separation surgery "
            "(open decompression with instrumentation) first, so that SBRT can cover the "
            "whole tumor without overdosing the cord."
        )
        if not f.sbrt_available:
            text += " SBRT is not available here (sbrt_available no): see alert."
        return _Choice(
            PathwayCode.SEPARATION_SURGERY_SBRT,
            Rule.P5,
            Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION,
            Radiation.SBRT,
            True,
            text,
            _P5_INPUTS,
            _SRC_P5_SURGERY,
        )
    if f.high_grade:
        text = (
            f"{lead}, ESCC is high grade and surgical_candidate is "
            f"{f.surgical_candidate}: palliative radiation with glucocorticoids and "
            "short-course cEBRT, as in P9."
        )
        return _Choice(
            PathwayCode.PALLIATIVE_RADIATION,
            Rule.P5,
            None,
            Radiation.CEBRT,
            False,
            text,
            _P5_INPUTS,
            _SRC_P5_PALLIATIVE,
        )
    if f.sbrt_available:
        text = f"{lead} and ESCC is low grade: re-irradiation with SBRT (sbrt_available yes), whatever the histology."
        return _Choice(PathwayCode.SBRT, Rule.P5, None, Radiation.SBRT, True, text, _P5_INPUTS, _SRC_P5_REIRRADIATION)
    text = (
        f"{lead} and ESCC is low grade: SBRT would be preferred but sbrt_available is no, so a second course of cEBRT."
    )
    return _Choice(PathwayCode.CEBRT, Rule.P5, None, Radiation.CEBRT, True, text, _P5_INPUTS, _SRC_P5_REIRRADIATION)


def _p6_radiosensitive(f: _Facts) -> _Choice:
    """P6: radiosensitive tumor -> cEBRT, whatever the grade.

    Source: seed 'Radiosensitive tumors', refs [2], [16].
    """
    text = (
        "P6: radiosensitive tumor (radiosensitivity sensitive), no prior in-field "
        f"radiation and a spine that is not unstable (stability {f.stability}): cEBRT, "
        "whatever the ESCC grade."
    )
    return _Choice(PathwayCode.CEBRT, Rule.P6, None, Radiation.CEBRT, False, text, _P6_INPUTS, _SRC_P6)


def _p7_resistant_low_grade(f: _Facts) -> _Choice:
    """P7: radioresistant, low grade -> SBRT; cEBRT when SBRT is not available.

    Source: seed 'Radioresistant tumors with low-grade ESCC', refs [64-69], [2,45].
    """
    lead = "P7: radioresistant tumor (radiosensitivity resistant) with low-grade ESCC"
    if f.sbrt_available:
        text = f"{lead}: SBRT (sbrt_available yes)."
        return _Choice(PathwayCode.SBRT, Rule.P7, None, Radiation.SBRT, True, text, _P7_INPUTS, _SRC_P7)
    text = (
        f"{lead}: SBRT would be preferred but sbrt_available is no, so cEBRT; surgical "
        "excision followed by cEBRT is the listed alternative."
    )
    return _Choice(PathwayCode.CEBRT, Rule.P7, None, Radiation.CEBRT, True, text, _P7_INPUTS, _SRC_P7)


def _p8_resistant_high_grade_operable(f: _Facts) -> _Choice:
    """P8: radioresistant, high grade, surgical candidate -> separation surgery then SBRT.

    Without SBRT: maximal excision then cEBRT. Source: seed 'Radioresistant tumors with
    high-grade ESCC', refs [46,47]; 'Separation surgery plus SBRT', ref [82].
    """
    lead = "P8: radioresistant tumor (radiosensitivity resistant) with high-grade ESCC and surgical_candidate yes"
    if f.sbrt_available:
        text = f"{lead}: separation surgery (open decompression with instrumentation), then SBRT (sbrt_available yes)."
        return _Choice(
            PathwayCode.SEPARATION_SURGERY_SBRT,
            Rule.P8,
            Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION,
            Radiation.SBRT,
            True,
            text,
            _P8_INPUTS,
            _SRC_P8,
        )
    text = (
        f"{lead}: SBRT would be preferred but sbrt_available is no, so maximal surgical "
        "excision with instrumentation, then a protracted course of cEBRT."
    )
    return _Choice(
        PathwayCode.MAXIMAL_EXCISION_CEBRT,
        Rule.P8,
        Stabilization.OPEN_DECOMPRESSION_INSTRUMENTATION,
        Radiation.CEBRT,
        True,
        text,
        _P8_INPUTS,
        _SRC_P8,
    )


def _p9_resistant_high_grade_inoperable(f: _Facts) -> _Choice:
    """P9: radioresistant, high grade, not a surgical candidate -> palliative radiation.

    Source: seed 'Radioresistant tumors with high-grade ESCC' and algorithm footnote,
    refs [43], [71].
    """
    text = (
        "P9: radioresistant tumor (radiosensitivity resistant) with high-grade ESCC and "
        f"surgical_candidate {f.surgical_candidate}: palliative radiation with "
        "glucocorticoids and short-course cEBRT."
    )
    return _Choice(PathwayCode.PALLIATIVE_RADIATION, Rule.P9, None, Radiation.CEBRT, False, text, _P9_INPUTS, _SRC_P9)


def _select_pathway(f: _Facts) -> _Choice:
    """Spec 3: the first of P1..P9 that matches, in order."""
    candidate = f.surgical_candidate == SurgicalCandidate.YES
    if f.radiosensitivity == Radiosensitivity.UNKNOWN:  # histology unknown_primary
        if f.significant_deficit and candidate:
            return _p1_urgent_decompression(f)
        return _p2_biopsy_and_staging(f)
    if f.stability == Stability.UNSTABLE:
        return _p3_stabilization_then_radiation(f) if candidate else _p4_bracing_then_cebrt(f)
    if f.prior_radiation:
        return _p5_prior_radiation(f)
    if f.radiosensitivity == Radiosensitivity.SENSITIVE:
        return _p6_radiosensitive(f)
    # Only radiosensitivity resistant remains here.
    if not f.high_grade:
        return _p7_resistant_low_grade(f)
    if candidate:
        return _p8_resistant_high_grade_operable(f)
    return _p9_resistant_high_grade_inoperable(f)


# --------------------------------------------------------------------------------------------
# 4. cEBRT regimen
# --------------------------------------------------------------------------------------------


_EXCISION_REGIMEN_INPUTS: Final = (
    "expected_survival",
    "histology",
    "escc_grade",
    "surgical_candidate",
    "sbrt_available",
)


@cache
def _cebrt_regimen(
    code: PathwayCode,
    survival: ExpectedSurvival,
    oligometastatic: bool,
    hematologic: bool,
) -> tuple[CebrtRegimen, RationaleItem]:
    """Spec 4 cEBRT regimen, for a pathway whose radiation is cEBRT.

    Maximal excision -> 30 Gy/10; palliative radiation -> 8 Gy/1 below 3 months, else 20 Gy/5;
    otherwise by expected survival, 3-6 months favourable -> 30 Gy/10. Source: seed
    'Conventional external beam radiation therapy, dose and fractionation', refs [43,51,54-62].
    """
    rule = "4 cEBRT regimen"
    if code == PathwayCode.MAXIMAL_EXCISION_CEBRT:
        text = (
            f"After maximal surgical excision the cEBRT course is protracted whatever the expected_survival "
            f"({survival}): 30 Gy in 10 fractions, to lower the risk of local recurrence."
        )
        return CebrtRegimen.GY30_10FX, RationaleItem(
            "cebrt_regimen", rule, text, _EXCISION_REGIMEN_INPUTS, _SRC_REGIMEN_EXCISION
        )
    if code == PathwayCode.PALLIATIVE_RADIATION:
        if survival == ExpectedSurvival.LT_3_MONTHS:
            regimen = CebrtRegimen.GY8_1FX
            text = f"Palliative radiation with expected_survival {survival}: a single 8 Gy fraction."
        else:
            regimen = CebrtRegimen.GY20_5FX
            text = f"Palliative radiation with expected_survival {survival}: a short course of 20 Gy in 5 fractions."
        return regimen, RationaleItem("cebrt_regimen", rule, text, ("expected_survival",), _SRC_REGIMEN_SHORT)
    if survival == ExpectedSurvival.LT_3_MONTHS:
        text = (
            f"expected_survival {survival}: 8 Gy in a single fraction palliates quickly; "
            "20 Gy in 5 fractions is an alternative with slightly better walking outcomes."
        )
        return CebrtRegimen.GY8_1FX, RationaleItem(
            "cebrt_regimen", rule, text, ("expected_survival",), _SRC_REGIMEN_SHORT
        )
    if survival == ExpectedSurvival.FROM_3_TO_6_MONTHS:
        inputs: tuple[str, ...] = ("expected_survival", "oligometastatic", "histology")
        if oligometastatic or hematologic:
            factors = []
            if oligometastatic:
                factors.append("oligometastatic yes")
            if hematologic:
                factors.append("histology lymphoma or myeloma")
            text = (
                f"expected_survival {survival} with a favourable prognosis "
                f"({', '.join(factors)}): a protracted course, 30 Gy in 10 fractions."
            )
            return CebrtRegimen.GY30_10FX, RationaleItem("cebrt_regimen", rule, text, inputs, _SRC_REGIMEN_FAVOURABLE)
        text = (
            f"expected_survival {survival} without a favourable factor (oligometastatic "
            "no, histology not lymphoma or myeloma): a short course, 20 Gy in 5 fractions."
        )
        return CebrtRegimen.GY20_5FX, RationaleItem("cebrt_regimen", rule, text, inputs, _SRC_REGIMEN_MIDDLE)
    text = (
        f"expected_survival {survival}: a protracted course for durable local control, "
        "30 Gy in 10 fractions (30-40 Gy in 10-20 fractions are also used)."
    )
    return CebrtRegimen.GY30_10FX, RationaleItem("cebrt_regimen", rule, text, ("expected_survival",), _SRC_REGIMEN_LONG)


class _Definitive(NamedTuple):
    pathway: Pathway
    sbrt_preferred: bool
    items: tuple[RationaleItem, ...]


@cache
def _pathway_rule(facts: _Facts) -> tuple[_Choice, RationaleItem]:
    """Spec 3: the pathway rule that fires (P1..P9) and its rationale item."""
    choice = _select_pathway(facts)
    return choice, RationaleItem("pathway", choice.rule.value, choice.text, choice.inputs, choice.source)


@cache
def _definitive_treatment(
    facts: _Facts,
    survival: ExpectedSurvival,
    oligometastatic: bool,
    hematologic: bool,
) -> _Definitive:
    """Spec 3 pathway (P1..P9) completed with its spec 4 cEBRT regimen, with their rationale."""
    choice, item = _pathway_rule(facts)
    if choice.radiation != Radiation.CEBRT:
        pathway = Pathway(choice.code, choice.rule, choice.stabilization, choice.radiation, None)
        return _Definitive(pathway, choice.sbrt_preferred, (item,))
    regimen, regimen_item = _cebrt_regimen(choice.code, survival, oligometastatic, hematologic)
    pathway = Pathway(choice.code, choice.rule, choice.stabilization, choice.radiation, regimen)
    return _Definitive(pathway, choice.sbrt_preferred, (item, regimen_item))


# --------------------------------------------------------------------------------------------
# 5. Supportive care
# --------------------------------------------------------------------------------------------

_CARE: Final = "5 Supportive care"


@cache
def _steroids(deficit: bool, pain: SinsPain, high_grade: bool) -> tuple[Steroids, RationaleItem]:
    """Spec 5 steroids: high dose for a deficit or pain; else not routine when low grade.

    Source: seed 'Glucocorticoids', refs [25-30].
    """
    inputs = ("neurologic_deficit", "sins_pain", "escc_grade")
    if deficit or pain != SinsPain.PAIN_FREE:
        reasons = []
        if deficit:
            reasons.append("neurologic_deficit yes")
        if pain != SinsPain.PAIN_FREE:
            reasons.append(f"sins_pain {pain}")
        text = f"High-dose dexamethasone because of {' and '.join(reasons)}: {STEROID_DOSING_TEXT.text}"
        return Steroids.HIGH_DOSE, RationaleItem("steroids", _CARE, text, inputs, _SRC_STEROIDS_HIGH)
    if not high_grade:
        text = (
            "No neurologic deficit, a pain-free lesion (sins_pain pain_free) and low-grade "
            "ESCC: glucocorticoids are not started routinely."
        )
        return Steroids.NOT_ROUTINE, RationaleItem("steroids", _CARE, text, inputs, _SRC_STEROIDS_NOT_ROUTINE)
    text = (
        "No neurologic deficit and a pain-free lesion, but high-grade ESCC: consider "
        "glucocorticoids as a bridge to definitive treatment."
    )
    return Steroids.CONSIDER, RationaleItem("steroids", _CARE, text, inputs, _SRC_STEROIDS_CONSIDER)


@cache
def _vte_prophylaxis(
    motor: MotorStatus,
    stability: Stability,
    contraindication: bool,
    code: PathwayCode,
) -> tuple[VteProphylaxis, RationaleItem]:
    """Spec 5 VTE prophylaxis for an immobilized patient; mechanical when surgery is imminent.

    Source: seed 'Venous thromboembolism prophylaxis', ref [36].
    """
    inputs = ("motor_status", "stability_assessment", "vte_contraindication")
    reasons = []
    if motor in _NOT_AMBULATORY:
        reasons.append(f"motor_status {motor}")
    if stability == Stability.UNSTABLE:
        reasons.append("unstable spine")
    if not reasons:
        text = (
            f"Not immobilized (motor_status {motor}, stability {stability}): no "
            "ESCC-specific prophylaxis; the usual hospital VTE assessment applies."
        )
        return VteProphylaxis.STANDARD, RationaleItem("vte_prophylaxis", _CARE, text, inputs, _SRC_VTE)
    why = " and ".join(reasons)
    if contraindication:
        value = VteProphylaxis.MECHANICAL
        text = (
            f"Immobilized ({why}) with vte_contraindication yes: mechanical prophylaxis "
            "(pneumatic compression or graduated compression stockings)."
        )
    elif code in SURGICAL_PATHWAYS:
        value = VteProphylaxis.MECHANICAL_UNTIL_SURGERY
        text = (
            f"Immobilized ({why}) and the pathway ({code}) includes surgery: mechanical "
            "prophylaxis, withholding anticoagulants while surgery is imminent."
        )
    else:
        value = VteProphylaxis.PHARMACOLOGIC
        text = (
            f"Immobilized ({why}), no contraindication and no imminent surgery: short-term "
            "unfractionated heparin, low molecular weight heparin or fondaparinux."
        )
    return value, RationaleItem("vte_prophylaxis", _CARE, text, inputs, _SRC_VTE)


@cache
def _bladder(retention: bool, symptoms: bool) -> tuple[Bladder, RationaleItem]:
    """Spec 5 bladder: catheterize retention; scan when symptomatic; else monitor.

    Source: seed 'Urinary retention and constipation'.
    """
    inputs = ("urinary_retention", "urinary_symptoms")
    if retention:
        value = Bladder.CATHETERIZE
        text = "urinary_retention yes: insert a urinary (Foley) catheter."
    elif symptoms:
        value = Bladder.BLADDER_SCAN
        text = "urinary_symptoms yes without confirmed retention: a post-void bladder scan to look for retention."
    else:
        value = Bladder.MONITOR
        text = "No urinary symptoms or retention: watch for hesitancy, new incontinence or perineal numbness."
    return value, RationaleItem("bladder", _CARE, text, inputs, _SRC_BLADDER)


@cache
def _mobility(stability: Stability) -> tuple[Mobility, RationaleItem]:
    """Spec 5 mobility: brace or bed rest for an unstable spine, else as tolerated.

    Source: seed 'Pain management and role of immobilization', refs [18,38].
    """
    if stability == Stability.UNSTABLE:
        value = Mobility.BRACE_OR_BED_REST
        text = "The spine is unstable: immobilize with a brace or bed rest until definitive treatment."
    else:
        value = Mobility.AS_TOLERATED
        text = (
            f"The spine is not unstable (stability {stability}): no bed rest needed; the patient moves as pain allows."
        )
    return value, RationaleItem("mobility", _CARE, text, _STABILITY_INPUTS, _SRC_MOBILITY)


# --------------------------------------------------------------------------------------------
# 6. Urgency
# --------------------------------------------------------------------------------------------


@cache
def _urgency(
    deficit: bool,
    high_grade: bool,
    progressing: bool,
    motor: MotorStatus,
    stability: Stability,
) -> tuple[Urgency, RationaleItem]:
    """Spec 6 urgency: emergency for a deficit with high grade, progression or loss of walking.

    Source: seed 'Importance of early detection', ref [1].
    """
    inputs = (*_DEFICIT_INPUTS, "escc_grade", *_STABILITY_INPUTS)
    not_walking = motor in _NOT_AMBULATORY
    if deficit and (high_grade or progressing or not_walking):
        reasons = []
        if high_grade:
            reasons.append("high-grade ESCC")
        if progressing:
            reasons.append("deficit_progressing yes")
        if not_walking:
            reasons.append(f"motor_status {motor}")
        value = Urgency.EMERGENCY
        text = (
            f"neurologic_deficit yes with {', '.join(reasons)}: an emergency; definitive "
            "treatment should start as soon as possible."
        )
    elif deficit or high_grade or stability != Stability.STABLE:
        reasons = []
        if deficit:
            reasons.append("neurologic_deficit yes")
        if high_grade:
            reasons.append("high-grade ESCC")
        if stability != Stability.STABLE:
            reasons.append(f"stability {stability}")
        value = Urgency.URGENT
        text = f"Urgent because of {', '.join(reasons)}, without an emergency criterion."
    else:
        value = Urgency.ROUTINE
        text = "Routine: no neurologic deficit, low-grade ESCC and a stable spine."
    return value, RationaleItem("urgency", "6 Urgency", text, inputs, _SRC_URGENCY)


# --------------------------------------------------------------------------------------------
# 7. Alerts
# --------------------------------------------------------------------------------------------

_ALERT_RULE: Final = "7 Alerts"


def _alert_item(code: Alert, text: str, inputs: tuple[str, ...]) -> RationaleItem:
    return RationaleItem(f"alert:{code}", _ALERT_RULE, text, inputs, ALERT_TEXTS[code].source)


@cache
def _why_surgical_consultation(sins_total: int, stability: Stability) -> RationaleItem:
    reasons = []
    if sins_total >= SINS_CONSULTATION_THRESHOLD:
        reasons.append(f"SINS {sins_total} is 7 or more")
    if stability == Stability.UNSTABLE:
        reasons.append("stability unstable")
    return _alert_item(Alert.SURGICAL_CONSULTATION, f"Raised because {' and '.join(reasons)}.", _STABILITY_INPUTS)


_WHY_MOVEMENT_PAIN: Final = _alert_item(
    Alert.MOVEMENT_PAIN_INSTABILITY,
    "Raised because sins_pain is mechanical and stability_assessment is not_assessed.",
    ("sins_pain", "stability_assessment"),
)


@lru_cache(maxsize=2048)
def _walking_lost(motor: MotorStatus, hours: int | None) -> tuple[Alert, RationaleItem]:
    """Spec 7 time alerts for a patient who cannot walk: over 48 h, else time critical (R3)."""
    if hours is not None and hours > HOURS_NONAMBULATORY_LIMIT:
        code = Alert.NONAMBULATORY_OVER_48H
        text = f"Raised because motor_status is {motor} and hours_nonambulatory is {hours} (over 48)."
    else:
        code = Alert.TIME_CRITICAL
        when = "not known" if hours is None else f"{hours} (48 or less)"
        text = f"Raised because motor_status is {motor} and hours_nonambulatory is {when}."
    return code, _alert_item(code, text, ("motor_status", "hours_nonambulatory"))


@cache
def _why_consider_surgery(histology: Histology) -> RationaleItem:
    return _alert_item(
        Alert.CONSIDER_SURGERY_RADIOSENSITIVE,
        f"Raised because P6 chose cEBRT for a solid radiosensitive tumor (histology "
        f"{histology}) with high-grade ESCC, neurologic_deficit yes and surgical_candidate yes.",
        ("histology", "escc_grade", "neurologic_deficit", "surgical_candidate"),
    )


@cache
def _why_histology(code: Alert, histology: Histology) -> RationaleItem:
    return _alert_item(code, f"Raised because histology is {histology}.", ("histology",))


@cache
def _why_sbrt_unavailable(rule: Rule) -> RationaleItem:
    return _alert_item(
        Alert.SBRT_UNAVAILABLE,
        f"Raised because rule {rule} names SBRT as the first choice for this case and sbrt_available is no.",
        ("sbrt_available", "histology", "escc_grade", "prior_radiation_in_field"),
    )


_WHY_HYPOFRACTIONATED: Final = _alert_item(
    Alert.HYPOFRACTIONATED_SBRT_OPTION,
    "Raised because P9 fired with escc_grade 2 and sbrt_available yes.",
    ("escc_grade", "surgical_candidate", "sbrt_available"),
)
_WHY_REIRRADIATION: Final = _alert_item(
    Alert.REIRRADIATION_CORD_TOLERANCE,
    "Raised because prior_radiation_in_field is yes.",
    ("prior_radiation_in_field",),
)
_WHY_GRADE0: Final = _alert_item(
    Alert.GRADE0_NOT_ESCC,
    "Raised because escc_grade is 0.",
    ("escc_grade",),
)


@cache
def _why_vcf_risk(
    bone_lesion: SinsBoneLesion,
    collapse: SinsCollapse,
    alignment: SinsAlignment,
) -> RationaleItem:
    reasons = []
    if bone_lesion == SinsBoneLesion.LYTIC:
        reasons.append("sins_bone_lesion lytic")
    if collapse in _VCF_COLLAPSE:
        reasons.append(f"sins_collapse {collapse}")
    if alignment != SinsAlignment.NORMAL:
        reasons.append(f"sins_alignment {alignment}")
    return _alert_item(
        Alert.VCF_RISK_AFTER_SBRT,
        f"Raised because the radiation is SBRT and {', '.join(reasons)}.",
        ("sins_bone_lesion", "sins_collapse", "sins_alignment"),
    )


def _alerts(
    case: CaseInput,
    sins_total: int,
    stability: Stability,
    high_grade: bool,
    pathway: Pathway,
    sbrt_preferred: bool,
) -> tuple[tuple[Alert, ...], tuple[RationaleItem, ...]]:
    """Spec 7 alerts, in the order of the spec table, each with a rationale item.

    Sources: see :data:`ALERT_TEXTS`.
    """
    codes: list[Alert] = []
    items: list[RationaleItem] = []
    if sins_total >= SINS_CONSULTATION_THRESHOLD or stability == Stability.UNSTABLE:
        codes.append(Alert.SURGICAL_CONSULTATION)
        items.append(_why_surgical_consultation(sins_total, stability))
    if case.sins_pain == SinsPain.MECHANICAL and case.stability_assessment == StabilityAssessment.NOT_ASSESSED:
        codes.append(Alert.MOVEMENT_PAIN_INSTABILITY)
        items.append(_WHY_MOVEMENT_PAIN)
    if case.motor_status in _NOT_AMBULATORY:
        code, item = _walking_lost(case.motor_status, case.hours_nonambulatory)
        codes.append(code)
        items.append(item)
    histology = case.histology
    if (
        pathway.rule == Rule.P6
        and histology in SOLID_RADIOSENSITIVE_HISTOLOGIES
        and high_grade
        and case.neurologic_deficit
        and case.surgical_candidate == SurgicalCandidate.YES
    ):
        codes.append(Alert.CONSIDER_SURGERY_RADIOSENSITIVE)
        items.append(_why_consider_surgery(histology))
    if histology in HEMATOLOGIC_HISTOLOGIES:
        codes.append(Alert.RAPID_STEROID_RESPONSE)
        items.append(_why_histology(Alert.RAPID_STEROID_RESPONSE, histology))
    if histology in SYSTEMIC_OPTION_HISTOLOGIES:
        codes.append(Alert.SYSTEMIC_THERAPY_OPTION)
        items.append(_why_histology(Alert.SYSTEMIC_THERAPY_OPTION, histology))
    if sbrt_preferred and not case.sbrt_available:
        codes.append(Alert.SBRT_UNAVAILABLE)
        items.append(_why_sbrt_unavailable(pathway.rule))
    if pathway.rule == Rule.P9 and case.escc_grade == EsccGrade.GRADE_2 and case.sbrt_available:
        codes.append(Alert.HYPOFRACTIONATED_SBRT_OPTION)
        items.append(_WHY_HYPOFRACTIONATED)
    if case.prior_radiation_in_field:
        codes.append(Alert.REIRRADIATION_CORD_TOLERANCE)
        items.append(_WHY_REIRRADIATION)
    if pathway.radiation == Radiation.SBRT and (
        case.sins_bone_lesion == SinsBoneLesion.LYTIC
        or case.sins_collapse in _VCF_COLLAPSE
        or case.sins_alignment != SinsAlignment.NORMAL
    ):
        codes.append(Alert.VCF_RISK_AFTER_SBRT)
        items.append(_why_vcf_risk(case.sins_bone_lesion, case.sins_collapse, case.sins_alignment))
    if case.escc_grade == EsccGrade.GRADE_0:
        codes.append(Alert.GRADE0_NOT_ESCC)
        items.append(_WHY_GRADE0)
    return tuple(codes), tuple(items)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def evaluate(case: CaseInput) -> Result:
    """Apply rule set 2026.1 to one case; never raises for a valid :class:`CaseInput`."""
    sins, sins_item = _sins(
        case.spinal_level,
        case.sins_pain,
        case.sins_bone_lesion,
        case.sins_alignment,
        case.sins_collapse,
        case.sins_posterolateral,
    )
    high_grade, escc_item = _escc_class(case.escc_grade)
    radiosensitivity, radiosensitivity_item = _radiosensitivity(case.histology, case.other_radiosensitivity)
    stability, stability_item = _stability(case.stability_assessment, sins.total, case.sins_pain)
    significant, significant_item = _significant_deficit(
        case.neurologic_deficit, case.deficit_progressing, case.motor_status
    )
    facts = _Facts(
        radiosensitivity,
        significant,
        case.surgical_candidate,
        stability,
        high_grade,
        case.prior_radiation_in_field,
        case.sbrt_available,
        case.retropulsion,
        case.sins_posterolateral,
    )
    definitive = _definitive_treatment(
        facts, case.expected_survival, case.oligometastatic, case.histology in HEMATOLOGIC_HISTOLOGIES
    )
    pathway = definitive.pathway
    steroids, steroids_item = _steroids(case.neurologic_deficit, case.sins_pain, high_grade)
    vte, vte_item = _vte_prophylaxis(case.motor_status, stability, case.vte_contraindication, pathway.code)
    bladder, bladder_item = _bladder(case.urinary_retention, case.urinary_symptoms)
    mobility, mobility_item = _mobility(stability)
    urgency, urgency_item = _urgency(
        case.neurologic_deficit, high_grade, case.deficit_progressing, case.motor_status, stability
    )
    alerts, alert_items = _alerts(case, sins.total, stability, high_grade, pathway, definitive.sbrt_preferred)
    rationale = (
        sins_item,
        escc_item,
        radiosensitivity_item,
        stability_item,
        significant_item,
        *definitive.items,
        steroids_item,
        vte_item,
        bladder_item,
        mobility_item,
        urgency_item,
        *alert_items,
    )
    return Result(
        RULE_SET,
        sins,
        case.escc_grade,
        high_grade,
        radiosensitivity,
        stability,
        significant,
        pathway,
        urgency,
        steroids,
        vte,
        bladder,
        mobility,
        alerts,
        rationale,
    )
