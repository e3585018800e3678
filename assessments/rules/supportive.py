"""Spec 5 supportive care (steroids, VTE prophylaxis, bladder, mobility) and spec 6 urgency.

These rules read "any lesion" (spec 2.6): their inputs name every lesion field they read.
"""

from __future__ import annotations

from typing import Final

from .codes import (
    Bladder,
    Mobility,
    MotorStatus,
    PathwayCode,
    Steroids,
    Urgency,
    VteProphylaxis,
)
from .facts import LEVELS, Listing, Words, bare, fact, joined
from .facts import levels as level_list
from .inputs import NOT_AMBULATORY, SURGICAL_PATHWAYS
from .lesions import Lesions, LesionView
from .result import RationaleItem
from .texts import (
    DEFICIT_INPUTS,
    SRC_BLADDER,
    SRC_MOBILITY,
    SRC_STEROIDS_CONSIDER,
    SRC_STEROIDS_HIGH,
    SRC_STEROIDS_NOT_ROUTINE,
    SRC_STEROIDS_PALLIATIVE,
    SRC_URGENCY,
    SRC_VTE,
    STEROID_DOSING_TEXT,
)

_CARE: Final = "5 Supportive care"


def levels(views: tuple[LesionView, ...]) -> Listing:
    """The levels of a group of :class:`Lesions` (in anatomical order), for a sentence ("T7, L2")."""
    return level_list([view.given.spinal_level for view in views])


def steroids_rule(*, deficit: bool, code: PathwayCode, lesions: Lesions) -> tuple[Steroids, RationaleItem]:
    """Spec 5 steroids (2027.1): high dose for a deficit, palliative radiation, or high grade with pain.

    Not routine when no lesion is high grade (small epidural lesions with a normal examination,
    [30]); else consider. Source: seed 'Glucocorticoids', refs [25-30].
    """
    high, painful = lesions.high_grade, lesions.painful
    inputs = ("neurologic_deficit", *lesions.names.escc_and_pain)
    reasons: list[Words] = []
    if deficit:
        reasons.append((fact("neurologic_deficit", True),))
    if code == PathwayCode.PALLIATIVE_RADIATION:
        reasons.append(("palliative radiation (glucocorticoids with short-course cEBRT)",))
    if high and painful:
        reasons.append(("high-grade ESCC at ", levels(high), " with pain at ", levels(painful)))
    if reasons:
        source = SRC_STEROIDS_PALLIATIVE if code == PathwayCode.PALLIATIVE_RADIATION else SRC_STEROIDS_HIGH
        words = ("High-dose dexamethasone because of ", *joined(reasons, " and "), f": {STEROID_DOSING_TEXT.text}")
        return Steroids.HIGH_DOSE, RationaleItem("steroids", _CARE, words, inputs, source)
    if not high:
        words = (
            "No neurologic deficit and no high-grade ESCC at any level: glucocorticoids are not started "
            "routinely (radiation without steroids is feasible for small epidural lesions with a normal "
            "examination); analgesia treats the pain.",
        )
        return Steroids.NOT_ROUTINE, RationaleItem("steroids", _CARE, words, inputs, SRC_STEROIDS_NOT_ROUTINE)
    words = (
        "No neurologic deficit and no pain, but high-grade ESCC (",
        levels(high),
        "): consider glucocorticoids as a bridge to definitive treatment.",
    )
    return Steroids.CONSIDER, RationaleItem("steroids", _CARE, words, inputs, SRC_STEROIDS_CONSIDER)


def vte_rule(
    *, motor: MotorStatus, lesions: Lesions, contraindication: bool, code: PathwayCode
) -> tuple[VteProphylaxis, RationaleItem]:
    """Spec 5 VTE prophylaxis for an immobilized patient; mechanical when surgery is imminent.

    Immobilized: not ambulatory, or any lesion unstable. Source: seed 'Venous thromboembolism
    prophylaxis', ref [36].
    """
    inputs = ("motor_status", *lesions.names.stability, "vte_contraindication")
    unstable = lesions.unstable
    reasons: list[Words] = []
    if motor in NOT_AMBULATORY:
        reasons.append((fact("motor_status", motor),))
    if unstable:
        reasons.append(("unstable spine at ", levels(unstable)))
    words: Words
    if not reasons:
        words = (
            "Not immobilized (",
            fact("motor_status", motor),
            ", no unstable level): no ESCC-specific prophylaxis; the usual hospital VTE assessment applies.",
        )
        return VteProphylaxis.STANDARD, RationaleItem("vte_prophylaxis", _CARE, words, inputs, SRC_VTE)
    why = ("Immobilized (", *joined(reasons, " and "), ")")
    if contraindication:
        value = VteProphylaxis.MECHANICAL
        words = (
            *why,
            " with ",
            fact("vte_contraindication", True),
            ": mechanical prophylaxis (pneumatic compression or graduated compression stockings).",
        )
    elif code in SURGICAL_PATHWAYS:
        value = VteProphylaxis.MECHANICAL_UNTIL_SURGERY
        words = (
            *why,
            " and the pathway (",
            bare("pathway", code),
            ") includes surgery: mechanical prophylaxis, withholding anticoagulants while surgery is imminent.",
        )
    else:
        value = VteProphylaxis.PHARMACOLOGIC
        words = (
            *why,
            ", no contraindication and no imminent surgery: short-term unfractionated heparin, low molecular "
            "weight heparin or fondaparinux.",
        )
    return value, RationaleItem("vte_prophylaxis", _CARE, words, inputs, SRC_VTE)


def bladder_rule(*, retention: bool, symptoms: bool) -> tuple[Bladder, RationaleItem]:
    """Spec 5 bladder: catheterize retention; scan when symptomatic; else monitor.

    Source: seed 'Urinary retention and constipation'.
    """
    inputs = ("urinary_retention", "urinary_symptoms")
    words: Words
    if retention:
        value = Bladder.CATHETERIZE
        words = (fact("urinary_retention", True), ": insert a urinary (Foley) catheter.")
    elif symptoms:
        value = Bladder.BLADDER_SCAN
        words = (
            fact("urinary_symptoms", True),
            " without confirmed retention: a post-void bladder scan to look for retention.",
        )
    else:
        value = Bladder.MONITOR
        words = ("No urinary symptoms or retention: watch for hesitancy, new incontinence or perineal numbness.",)
    return value, RationaleItem("bladder", _CARE, words, inputs, SRC_BLADDER)


def mobility_rule(*, lesions: Lesions) -> tuple[Mobility, RationaleItem]:
    """Spec 5 mobility: brace or bed rest when any lesion is unstable, else as tolerated.

    Source: seed 'Pain management and role of immobilization', refs [18,38].
    """
    unstable = lesions.unstable
    words: Words
    if unstable:
        value = Mobility.BRACE_OR_BED_REST
        words = (
            "The spine is unstable at ",
            levels(unstable),
            ": immobilize with a brace or bed rest until definitive treatment.",
        )
    else:
        value = Mobility.AS_TOLERATED
        words = ("No level is unstable: no bed rest needed; the patient moves as pain allows.",)
    return value, RationaleItem("mobility", _CARE, words, lesions.names.stability, SRC_MOBILITY)


def urgency_rule(
    *, deficit: bool, progressing: bool, motor: MotorStatus, lesions: Lesions
) -> tuple[Urgency, RationaleItem]:
    """Spec 6 urgency: emergency for a deficit with high grade (any lesion), progression or loss of walking.

    Urgent: otherwise any lesion high grade, a deficit, or any lesion unstable or potentially
    unstable. Source: seed 'Importance of early detection', ref [1].
    """
    inputs = (*DEFICIT_INPUTS, *lesions.names.escc_and_stability)
    not_walking = motor in NOT_AMBULATORY
    high, shaky = lesions.high_grade, lesions.not_stable
    reasons: list[Words] = []
    words: Words
    if deficit and (high or progressing or not_walking):
        if high:
            reasons.append(("high-grade ESCC at ", levels(high)))
        if progressing:
            reasons.append((fact("deficit_progressing", True),))
        if not_walking:
            reasons.append((fact("motor_status", motor),))
        value = Urgency.EMERGENCY
        words = (
            fact("neurologic_deficit", True),
            " with ",
            *joined(reasons, ", "),
            ": an emergency; definitive treatment should start as soon as possible.",
        )
    elif deficit or high or shaky:
        if deficit:
            reasons.append((fact("neurologic_deficit", True),))
        if high:
            reasons.append(("high-grade ESCC at ", levels(high)))
        for view in shaky:
            reasons.append((fact("stability", view.derived.stability), " at ", LEVELS[view.given.spinal_level]))
        value = Urgency.URGENT
        words = ("Urgent because of ", *joined(reasons, ", "), ", without an emergency criterion.")
    else:
        value = Urgency.ROUTINE
        words = ("Routine: no neurologic deficit, no high-grade ESCC and no level that is unstable or potentially so.",)
    return value, RationaleItem("urgency", "6 Urgency", words, inputs, SRC_URGENCY)
