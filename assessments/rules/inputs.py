"""Spec section 1: the case input, and the groupings of input codes the rules use (2.3, 5, 7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .codes import (
    EsccGrade,
    ExpectedSurvival,
    Histology,
    MotorStatus,
    OtherRadiosensitivity,
    PathwayCode,
    SinsAlignment,
    SinsBoneLesion,
    SinsCollapse,
    SinsPain,
    SinsPosterolateral,
    SpinalLevel,
    StabilityAssessment,
    SurgicalCandidate,
)

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
HIGH_GRADES: Final = frozenset({EsccGrade.GRADE_2, EsccGrade.GRADE_3})
NOT_AMBULATORY: Final = frozenset({MotorStatus.NONAMBULATORY, MotorStatus.PARAPLEGIC})
VCF_COLLAPSE: Final = frozenset({SinsCollapse.GT_50, SinsCollapse.LT_50})


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
