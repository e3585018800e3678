"""Spec 5 supportive care (steroids, VTE prophylaxis, bladder, mobility) and spec 6 urgency."""

from __future__ import annotations

from typing import Final

from .codes import Bladder, Mobility, MotorStatus, PathwayCode, SinsPain, Stability, Steroids, Urgency, VteProphylaxis
from .inputs import NOT_AMBULATORY, SURGICAL_PATHWAYS
from .result import RationaleItem
from .texts import (
    DEFICIT_INPUTS,
    SRC_BLADDER,
    SRC_MOBILITY,
    SRC_STEROIDS_CONSIDER,
    SRC_STEROIDS_HIGH,
    SRC_STEROIDS_NOT_ROUTINE,
    SRC_URGENCY,
    SRC_VTE,
    STABILITY_INPUTS,
    STEROID_DOSING_TEXT,
)

# --------------------------------------------------------------------------------------------
# 5. Supportive care
# --------------------------------------------------------------------------------------------

_CARE: Final = "5 Supportive care"


def steroids_rule(deficit: bool, pain: SinsPain, high_grade: bool) -> tuple[Steroids, RationaleItem]:
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
        return Steroids.HIGH_DOSE, RationaleItem("steroids", _CARE, text, inputs, SRC_STEROIDS_HIGH)
    if not high_grade:
        text = (
            "No neurologic deficit, a pain-free lesion (sins_pain pain_free) and low-grade "
            "ESCC: glucocorticoids are not started routinely."
        )
        return Steroids.NOT_ROUTINE, RationaleItem("steroids", _CARE, text, inputs, SRC_STEROIDS_NOT_ROUTINE)
    text = (
        "No neurologic deficit and a pain-free lesion, but high-grade ESCC: consider "
        "glucocorticoids as a bridge to definitive treatment."
    )
    return Steroids.CONSIDER, RationaleItem("steroids", _CARE, text, inputs, SRC_STEROIDS_CONSIDER)


def vte_rule(
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
    if motor in NOT_AMBULATORY:
        reasons.append(f"motor_status {motor}")
    if stability == Stability.UNSTABLE:
        reasons.append("unstable spine")
    if not reasons:
        text = (
            f"Not immobilized (motor_status {motor}, stability {stability}): no "
            "ESCC-specific prophylaxis; the usual hospital VTE assessment applies."
        )
        return VteProphylaxis.STANDARD, RationaleItem("vte_prophylaxis", _CARE, text, inputs, SRC_VTE)
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
    return value, RationaleItem("vte_prophylaxis", _CARE, text, inputs, SRC_VTE)


def bladder_rule(retention: bool, symptoms: bool) -> tuple[Bladder, RationaleItem]:
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
    return value, RationaleItem("bladder", _CARE, text, inputs, SRC_BLADDER)


def mobility_rule(stability: Stability) -> tuple[Mobility, RationaleItem]:
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
    return value, RationaleItem("mobility", _CARE, text, STABILITY_INPUTS, SRC_MOBILITY)


# --------------------------------------------------------------------------------------------
# 6. Urgency
# --------------------------------------------------------------------------------------------


def urgency_rule(
    deficit: bool,
    high_grade: bool,
    progressing: bool,
    motor: MotorStatus,
    stability: Stability,
) -> tuple[Urgency, RationaleItem]:
    """Spec 6 urgency: emergency for a deficit with high grade, progression or loss of walking.

    Source: seed 'Importance of early detection', ref [1].
    """
    inputs = (*DEFICIT_INPUTS, "escc_grade", *STABILITY_INPUTS)
    not_walking = motor in NOT_AMBULATORY
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
    return value, RationaleItem("urgency", "6 Urgency", text, inputs, SRC_URGENCY)
