"""Spec 2.2 ESCC class, 2.3 radiosensitivity and 2.5 significant neurologic deficit."""

from __future__ import annotations

from .codes import EsccGrade, Histology, MotorStatus, OtherRadiosensitivity, Radiosensitivity
from .facts import Words, bare, fact, fact_is
from .inputs import HIGH_GRADES, NOT_AMBULATORY, RESISTANT_HISTOLOGIES, SENSITIVE_HISTOLOGIES
from .lesions import LesionNames
from .result import RationaleItem
from .texts import (
    DEFICIT_INPUTS,
    RADIOSENSITIVITY_INPUTS,
    SRC_ESCC,
    SRC_RADIOSENSITIVITY,
    SRC_SIGNIFICANT_DEFICIT,
    yes_no,
)


def escc_class(grade: EsccGrade, *, names: LesionNames) -> tuple[bool, RationaleItem]:
    """Spec 2.2 ESCC class: grades 2 and 3 are high grade; grade 0 is not ESCC.

    Source: seed 'Neurologic (high- versus low-grade ESCC)', ref [15] (Bilsky 2010).
    """
    high_grade = grade in HIGH_GRADES
    if high_grade:
        why = ": the cord is displaced or compressed, so this is high-grade ESCC."
    elif grade == EsccGrade.GRADE_0:
        why = ": tumor confined to bone; not ESCC, handled as low grade (see alert grade0_not_escc)."
    else:
        why = ": epidural tumor without cord displacement, so low-grade ESCC."
    words = (fact("escc_grade", grade), why)
    return high_grade, RationaleItem("escc", "2.2 ESCC class", words, (names.field["escc_grade"],), SRC_ESCC)


def radiosensitivity_of(
    histology: Histology,
    other: OtherRadiosensitivity | None,
) -> tuple[Radiosensitivity, RationaleItem]:
    """Spec 2.3 radiosensitivity to cEBRT within cord tolerance.

    Source: seed table 1 and algorithm footnote, ref [16] (Gerszten 2009).
    """
    words: Words
    if histology in SENSITIVE_HISTOLOGIES:
        value = Radiosensitivity.SENSITIVE
        words = (
            fact("histology", histology),
            " is classed as relatively radiosensitive to cEBRT at doses the spinal cord tolerates.",
        )
    elif histology in RESISTANT_HISTOLOGIES:
        value = Radiosensitivity.RESISTANT
        words = (
            fact("histology", histology),
            " is classed as relatively radioresistant: cEBRT at doses the spinal cord tolerates controls it poorly.",
        )
    elif histology == Histology.OTHER and other is not None:
        value = Radiosensitivity(other.value)
        words = (
            fact("histology", histology),
            ", classified by the clinician as ",
            bare("other_radiosensitivity", other),
            " (other_radiosensitivity).",
        )
    else:
        # unknown_primary; CaseInput guarantees `other` is set when histology is other.
        value = Radiosensitivity.UNKNOWN
        words = (
            fact("histology", histology),
            ": no cancer diagnosis yet, so ",
            fact_is("radiosensitivity", value),
            " until tissue is obtained.",
        )
    inputs = RADIOSENSITIVITY_INPUTS if histology == Histology.OTHER else ("histology",)
    item = RationaleItem("radiosensitivity", "2.3 Radiosensitivity", words, inputs, SRC_RADIOSENSITIVITY)
    return value, item


def significant_deficit_of(
    deficit: bool,
    progressing: bool,
    motor: MotorStatus,
) -> tuple[bool, RationaleItem]:
    """Spec 2.5 significant deficit: a deficit that is progressing or stops the patient walking.

    Source: seed 'Patients with unknown or synchronous primary', ref [48].
    """
    not_walking = motor in NOT_AMBULATORY
    value = deficit and (progressing or not_walking)
    words = (
        fact("neurologic_deficit", deficit),
        ", ",
        fact("deficit_progressing", progressing),
        ", ",
        fact("motor_status", motor),
        ": significant deficit ",
        bare("significant_deficit", yes_no(value)),
        " (a deficit that is progressing or leaves the patient unable to walk).",
    )
    item = RationaleItem(
        "significant_deficit", "2.5 Significant neurologic deficit", words, DEFICIT_INPUTS, SRC_SIGNIFICANT_DEFICIT
    )
    return value, item
